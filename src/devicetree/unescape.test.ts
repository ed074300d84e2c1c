import assert from "node:assert/strict";
import { test } from "node:test";
import { unescapeBytes } from "./unescape.js";

test("escapes resolve as dtc resolves them", () => {
  assert.deepEqual(unescapeBytes("a\\tb\\n\\\\\\\"\\'"), { bytes: [97, 9, 98, 10, 92, 34, 39] });
  assert.deepEqual(unescapeBytes("\\0\\101\\1011\\777"), { bytes: [0, 65, 65, 49, 255] });
  assert.deepEqual(unescapeBytes("\\x4\\x41\\x414"), { bytes: [4, 0x41, 0x41, 0x34] });
  assert.deepEqual(unescapeBytes("\\a\\b\\v\\f\\r\\q"), { bytes: [7, 8, 11, 12, 13, 113] });
  assert.deepEqual(unescapeBytes("end\\"), { bytes: [101, 110, 100, 92] });
});

test("`\\x` without hex digits is reported at the backslash", () => {
  assert.deepEqual(unescapeBytes("ab\\xg"), { badEscapeAt: 2 });
});
