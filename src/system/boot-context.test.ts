import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bootBoolean } from "./boot-context.js";

describe("bootBoolean", () => {
  test("Xen's boolean options: bare, words, no- prefix, and no-x=0", () => {
    assert.equal(bootBoolean("console=dtuart", "llc-coloring"), undefined);
    assert.equal(bootBoolean("llc-coloring", "llc-coloring"), true);
    assert.equal(bootBoolean("llc-coloring=off", "llc-coloring"), false);
    assert.equal(bootBoolean("no-llc-coloring", "llc-coloring"), false);
    // `no-` and a false value cancel out (xen/common/kernel.c:150-156)
    assert.equal(bootBoolean("no-llc-coloring=0", "llc-coloring"), true);
    // the last one wins; a word parse_bool does not know changes nothing
    assert.equal(bootBoolean("llc-coloring=on llc-coloring=maybe", "llc-coloring"), true);
    assert.equal(bootBoolean("llc-coloring=on no-llc-coloring", "llc-coloring"), false);
  });
});
