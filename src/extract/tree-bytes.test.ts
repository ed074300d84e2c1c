import assert from "node:assert/strict";
import { before, test } from "node:test";
import { loadArraysParser } from "./c-parser.js";
import { treeFromBytes, treeToBytes } from "./tree-bytes.js";

let bytes: Uint8Array;
before(async () => {
  bytes = treeToBytes((await loadArraysParser())("int f(int a)\n{\n    return a ? g(a) : -EINVAL;\n}\n"));
});

test("arrays to bytes and back, also from a buffer not aligned to 4 bytes", () => {
  const tree = treeFromBytes(bytes);
  assert.ok(tree);
  assert.equal(tree.types[tree.kind[0] as number], "translation_unit");
  assert.deepEqual(treeToBytes(tree), bytes);
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  assert.deepEqual(treeFromBytes(shifted.subarray(1)), tree);
});

test("anything else is null: empty, a header alone, cut short, a longer buffer, text", () => {
  const longer = new Uint8Array(bytes.length + 4);
  longer.set(bytes);
  for (const b of [
    new Uint8Array(0),
    bytes.subarray(0, 12),
    bytes.subarray(0, bytes.length - 1),
    longer,
    new TextEncoder().encode("XPST, then not a tree at all"),
  ])
    assert.equal(treeFromBytes(b), null);
});
