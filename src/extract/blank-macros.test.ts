import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { blankMacros } from "./blank-macros.js";

describe("blankMacros", () => {
  test("annotations and #define bodies become spaces: every byte keeps its offset", () => {
    const text = "#define X(a) \\\n  (a)\nstatic int cf_check __init f(void)\n{ return 0; }\n";
    const out = blankMacros(text);
    assert.equal(out.length, text.length);
    assert.equal(out.split("\n").length, text.split("\n").length);
    assert.match(out, /^static int\s+f\(void\)$/m);
    assert.doesNotMatch(out, /define|cf_check|__init/);
  });

  test("a function named by a pasting macro gets its name and type, on its own line", () => {
    const text =
      "#ifndef COMPAT\n# define DO(fn) long do_##fn\n#endif\n\nDO(xen_version)(int cmd, void *arg)\n{\n    return DO(other);\n}\n";
    const lines = blankMacros(text).split("\n");
    assert.equal(lines[4], "long do_xen_version(int cmd, void *arg)");
    // only a use followed by its parameter list is a definition's name
    assert.equal(lines[6], "    return DO(other);");
    assert.equal(lines.length, text.split("\n").length);
  });

  test("a file that does not define the macro keeps its uses", () => {
    assert.equal(blankMacros("DO(xen_version)(int cmd)\n"), "DO(xen_version)(int cmd)\n");
  });
});
