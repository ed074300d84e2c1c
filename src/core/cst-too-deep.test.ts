import assert from "node:assert/strict";
import { test } from "node:test";
import { Parser } from "yaml";
import { cstTooDeep } from "./cst-too-deep.js";

const tokens = (text: string) => [...new Parser().parse(text)];

test("the first collection past the limit, in block and flow style, keys included", () => {
  assert.equal(cstTooDeep(tokens("- - - x\n"), 3), undefined);
  assert.equal(cstTooDeep(tokens("- - - - x\n"), 3)?.offset, 6);
  assert.equal(cstTooDeep(tokens("a: [[[1]]]\n"), 4), undefined);
  assert.equal(cstTooDeep(tokens("a: [[[[1]]]]\n"), 4)?.offset, 6);
  // a collection as a key nests too
  assert.equal(cstTooDeep(tokens("? [[1]]\n: x\n"), 2)?.offset, 3);
});
