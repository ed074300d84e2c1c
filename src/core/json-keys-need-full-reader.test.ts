import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { jsonKeysNeedFullReader } from "./json-keys-need-full-reader.js";
import { parseSource, parseSourceFast } from "./source-doc.js";

test("jsonKeysNeedFullReader: a key given twice in one object, or __proto__, however it is spelled", () => {
  assert.equal(jsonKeysNeedFullReader('{"a": {"__proto__": 1}}'), true);
  assert.equal(jsonKeysNeedFullReader('{"a": {"\\u005f_proto__": 1}}'), true);
  assert.equal(jsonKeysNeedFullReader('{"a": "__proto__", "b": ["__proto__"]}'), false);
  assert.equal(jsonKeysNeedFullReader('{"a": 1, "a": 2}'), true);
  assert.equal(jsonKeysNeedFullReader('{"a": 1, "\\u0061": 2}'), true);
  assert.equal(jsonKeysNeedFullReader('{"x": {"a": 1, "b": {"a": 2}, "a": [3]}}'), true);
  assert.equal(
    jsonKeysNeedFullReader('{"a": "a", "b": ["a", "a"], "c": {"a": 1}, "d": [{"a": 1}, {"a": 2}]}'),
    false,
  );
  assert.equal(jsonKeysNeedFullReader('{"a\\"b": 1, "a\\\\": {"a\\"b": 2}}'), false);
  assert.equal(jsonKeysNeedFullReader('[{"k": 1}, {"k": 2, "l": {"k": 3}}, "k"]'), false);
});

test("parseSourceFast reads JSON as the full reader does, and leaves it what it refuses", () => {
  const keys = fc.constantFrom("a", "b", "name", "a\\u0062", "\\\\", "domid");
  const json: fc.Arbitrary<string> = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: "small" },
      fc.constantFrom("1", "true", "null", '"x"', "-2.5", '"\\u00e9"'),
      tie("arr"),
      tie("obj"),
    ),
    arr: fc.array(tie("v"), { maxLength: 3 }).map((xs) => `[${xs.join(", ")}]`),
    obj: fc
      .array(fc.tuple(keys, tie("v")), { maxLength: 4 })
      .map((kv) => `{${kv.map(([k, v]) => `"${k}": ${v}`).join(", ")}}`),
  })).obj as fc.Arbitrary<string>;
  fc.assert(
    fc.property(json, (text) => {
      const fast = parseSourceFast(text, "t.json");
      const full = parseSource(text, "t.json");
      assert.deepEqual(fast.doc?.value, full.doc?.value, text);
      assert.deepEqual(
        fast.diagnostics.map((d) => d.code),
        full.diagnostics.map((d) => d.code),
      );
    }),
    { numRuns: 500, seed: 7 },
  );
  const dup = parseSourceFast('{"xen": "4.22.0",\n "xen": "4.21.0"}', "s.json");
  assert.equal(dup.doc, undefined);
  assert.deepEqual(
    dup.diagnostics.map((d) => [d.code, d.span?.line]),
    [["system/duplicate-key", 2]],
  );
});
