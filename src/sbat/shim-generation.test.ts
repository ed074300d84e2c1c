import assert from "node:assert/strict";
import { test } from "node:test";
import { asciiStrDecimalToUintn, shimGeneration } from "./shim-generation.js";

test("atoi as shim builds it: blanks and zeros skipped, digits up to the first other character", () => {
  const cases: [string, number][] = [
    ["2", 2],
    [" 2", 2],
    ["\t 2", 2],
    ["002", 2],
    ["  007x", 7],
    ["2a", 2],
    ["2 ", 2],
    ["", 0],
    ["x", 0],
    ["-1", 0],
    ["+1", 0],
    ["\n2", 0],
    ["0", 0],
  ];
  for (const [text, value] of cases) assert.equal(shimGeneration(text), value, JSON.stringify(text));
});

test("generations are UINTN, then UINT16 where shim compares them", () => {
  assert.equal(asciiStrDecimalToUintn("65536"), 65536n);
  assert.equal(shimGeneration("65535"), 65535);
  assert.equal(shimGeneration("65536"), 0);
  assert.equal(shimGeneration("65537"), 1);
  // 2^64 + 1 wraps in UINTN before the cut to 16 bits
  assert.equal(asciiStrDecimalToUintn("18446744073709551617"), 1n);
  assert.equal(shimGeneration("18446744073709551617"), 1);
});
