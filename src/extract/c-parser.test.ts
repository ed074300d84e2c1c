import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../core/errors.js";
import { loadCParser, parseBudgetMs } from "./c-parser.js";

test("a text tree-sitter's error recovery stalls on is refused at the place it reached, not parsed for minutes", async () => {
  const parse = await loadCParser();
  // unterminated character literals: recovery time grows with the square of the run (16 KB: 0.4 s,
  // so 128 KB would take about 26 s here, eight times the budget)
  const head = "long do_knob_op(void)\n{\n";
  const text = `${head}${"'".repeat(64_000)}@${"'".repeat(64_000)}\n}\n`;
  assert.throws(
    () => parse(text, "xen/common/knob.c"),
    (e: unknown) => {
      assert.ok(e instanceof InputError);
      const [d] = e.diagnostics;
      assert.equal(d?.code, "extract/unparsable");
      assert.match(d?.message ?? "", /`xen\/common\/knob\.c` within 3\.3 s/);
      assert.equal(d?.span?.file, "xen/common/knob.c");
      // it stalled inside the quotes, on the function's third line
      assert.equal(d?.span?.line, 3);
      assert.ok((d?.span?.column ?? 0) > 1);
      return true;
    },
  );
  // the parser is left clean: the next text on this thread gets its own tree, not the stopped one's
  const next = "int f(void)\n{\n    return 0;\n}\n";
  const tree = parse(next, "xen/common/next.c");
  assert.equal(tree.rootNode.endIndex, next.length);
  assert.deepEqual(
    tree.rootNode.namedChildren.map((c) => c?.type),
    ["function_definition"],
  );
  assert.equal(tree.rootNode.hasError, false);
});

test("the budget grows with the text: 2 s and 10 ms per KB", () => {
  assert.equal(parseBudgetMs(0), 2000);
  assert.equal(parseBudgetMs(1024 * 336), 2000 + 3360);
});

test("C of Xen's shape parses within its budget", async () => {
  const parse = await loadCParser();
  const tree = parse("long do_knob_op(unsigned int cmd)\n{\n    return cmd ? -EINVAL : 0;\n}\n", "knob.c");
  assert.equal(tree.rootNode.namedChildren[0]?.type, "function_definition");
});
