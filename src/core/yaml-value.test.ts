import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDocument } from "yaml";
import { yamlValue } from "./yaml-value.js";

const value = (text: string) => yamlValue(parseDocument(text, { uniqueKeys: false }));

test("an alias shares its anchor's value, and the last anchor of a name before it wins", () => {
  const r = value("a: &x {k: 1}\nb: *x\nc: &x [2]\nd: *x\n");
  assert.ok("value" in r);
  const v = r.value as Record<string, unknown>;
  assert.equal(v.b, v.a, "the same object, not a copy");
  assert.deepEqual(v.d, [2]);
});

test("scalars keep their types; an empty key and a null value are as toJS gives them", () => {
  const r = value("n: 1\nb: true\nz: ~\ns: '1'\n? \n: 3\nempty:\n");
  assert.ok("value" in r);
  assert.deepEqual(r.value, { n: 1, b: true, z: null, s: "1", "": 3, empty: null });
});

test("each problem names its kind and where", () => {
  const problem = (text: string) => {
    const r = value(text);
    assert.ok("problem" in r, text);
    return `${r.problem.code}@${r.problem.offset}`;
  };
  assert.equal(problem("a: *nope\n"), "unresolved-alias@3");
  assert.equal(problem("a: &x [*x]\n"), "alias-cycle@7");
  assert.equal(problem("a: 1\na: 2\n"), "duplicate-key@5");
  assert.equal(problem("? {a: 1}\n: 2\n"), "complex-key@2");
});
