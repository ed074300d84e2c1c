import assert from "node:assert/strict";
import { test } from "node:test";
import { ByteSink } from "./byte-sink.js";

test("big-endian numbers of every width, padding, and growth past the first buffer", () => {
  const s = new ByteSink();
  s.uint(0x0102, 16);
  s.uint(0xffffffff, 32);
  s.uint(0x0102030405060708n, 64);
  s.byte(9);
  s.align4();
  s.bytes(new Uint8Array(100).fill(7));
  const out = s.result();
  assert.equal(Buffer.from(out.subarray(0, 16)).toString("hex"), "0102ffffffff01020304050607080900");
  assert.deepEqual([out.length, s.length, out[115]], [116, 116, 7]);
});
