import assert from "node:assert/strict";
import { test } from "node:test";
import { LIMITS } from "./limits.js";
import { valueTooDeep } from "./value-too-deep.js";

/** `depth` arrays, each inside the one before. */
function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

test("a value nested up to the limit passes, one more level does not, and a million levels need no recursion", () => {
  assert.equal(valueTooDeep(nested(LIMITS.nesting)), false);
  assert.equal(valueTooDeep(nested(LIMITS.nesting + 1)), true);
  assert.equal(valueTooDeep(nested(1_000_000)), true);
  assert.equal(valueTooDeep({ a: [{ b: { c: null } }], d: "x" }), false);
  assert.equal(valueTooDeep({ a: { b: { c: {} } } }, 3), true);
});
