import assert from "node:assert/strict";
import { test } from "node:test";
import { ringText } from "./qemu-x86.js";

test("the console ring's text, before and after it wraps", () => {
  const ring = Buffer.from("abcdefgh", "latin1");
  assert.equal(ringText(ring, 3), "abc");
  assert.equal(ringText(ring, 8), "abcdefgh");
  // 11 bytes written into 8: the oldest kept is the one at 11 % 8 = 3
  assert.equal(ringText(ring, 11), "defghabc");
});
