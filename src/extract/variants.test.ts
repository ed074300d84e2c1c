import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assume } from "./variants.js";

describe("assume", () => {
  const A = "runtime:op.kind == KIND_ANY";
  test("settles the atom, folds and/or/not around it, and keeps the rest", () => {
    assert.equal(assume(A, A, true), true);
    assert.deepEqual(assume({ not: A }, A, true), false);
    assert.deepEqual(assume({ all: [A, "runtime:x"] }, A, true), "runtime:x");
    assert.deepEqual(assume({ all: [A, "runtime:x"] }, A, false), false);
    assert.deepEqual(assume({ any: [A, "runtime:x"] }, A, true), true);
    assert.deepEqual(assume({ any: [{ not: A }, "runtime:x", "runtime:y"] }, A, true), {
      any: ["runtime:x", "runtime:y"],
    });
    assert.deepEqual(assume("runtime:other", A, true), "runtime:other");
  });
});
