import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../core/errors.js";
import { parseFlaskBoolean } from "./parse-flask-boolean.js";

const refused = (value: string, previous?: Record<string, boolean>): string => {
  try {
    parseFlaskBoolean("--flask-boolean", value, previous);
  } catch (e) {
    assert.ok(e instanceof InputError, `an InputError, not ${String(e)}`);
    assert.equal(e.diagnostics[0]?.code, "cli/bad-flask-boolean");
    return e.diagnostics[0]?.message ?? "";
  }
  return assert.fail(`${value} was accepted`);
};

test("--flask-boolean values: name=state, as setsebool reads states, added to the ones before", () => {
  assert.deepEqual(parseFlaskBoolean("--flask-boolean", "guest_writeconsole=false"), {
    guest_writeconsole: false,
  });
  assert.deepEqual(parseFlaskBoolean("--flask-boolean", "a=TRUE,b=0, c=on,"), { a: true, b: false, c: true });
  assert.deepEqual(parseFlaskBoolean("--flask-boolean", "b=off", { a: true }), { a: true, b: false });
  // the same state twice is no contradiction
  assert.deepEqual(parseFlaskBoolean("--flask-boolean", "a=1", { a: true }), { a: true });
});

test("--flask-boolean values: no `=`, a state that is none, two states of one boolean are refused", () => {
  assert.equal(refused("x=maybe"), "`--flask-boolean x=maybe`: `x=maybe` is not `name=true` or `name=false`");
  assert.match(refused("guest_writeconsole"), /`guest_writeconsole` is not `name=true`/);
  assert.match(refused("=true"), /`=true` is not/);
  assert.equal(refused("a=false", { a: true }), "`--flask-boolean` sets `a` to both true and false");
});
