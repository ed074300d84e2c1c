import assert from "node:assert/strict";
import { test } from "node:test";
import { oncePer } from "./once-per.js";

test("oncePer makes each key's answer once, objects by identity and texts by value", () => {
  const made: unknown[] = [];
  const sizeOf = oncePer((k: object | string) => {
    made.push(k);
    return typeof k === "string" ? k.length : Object.keys(k).length;
  });
  const a = { x: 1 };
  const b = { x: 1 };
  assert.equal(sizeOf(a), 1);
  assert.equal(sizeOf(a), 1);
  assert.equal(sizeOf(b), 1);
  assert.equal(sizeOf("abc"), 3);
  assert.equal(sizeOf(`${"ab"}c`), 3);
  // a and b are two keys though equal; the two texts are one
  assert.deepEqual(made, [a, b, "abc"]);
});

test("oncePer keeps an answer that is falsy", () => {
  let calls = 0;
  const nothing = oncePer((_: string) => {
    calls++;
    return undefined;
  });
  nothing("k");
  nothing("k");
  assert.equal(calls, 1);
});
