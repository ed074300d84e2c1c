import assert from "node:assert/strict";
import { test } from "node:test";
import { atSpan } from "./at-span.js";
import { error } from "./diagnostic.js";
import { fail, InputError } from "./errors.js";

const span = { file: "sys.yaml", line: 1, column: 6 };

test("a diagnostic without a place gets the span; one with a place keeps its own", () => {
  try {
    atSpan(span, () => fail(error("x/unknown", "unknown `v`")));
    assert.fail("no error");
  } catch (e) {
    assert.ok(e instanceof InputError);
    assert.deepEqual(e.diagnostics[0]?.span, span);
  }
  const own = { file: "cat.json", line: 3, column: 1 };
  assert.throws(
    () => atSpan(span, () => fail(error("x/bad", "bad", own))),
    (e: unknown) => e instanceof InputError && e.diagnostics[0]?.span === own,
  );
  assert.equal(
    atSpan(span, () => 42),
    42,
  );
  assert.throws(() => atSpan(span, () => JSON.parse("{")), SyntaxError);
});
