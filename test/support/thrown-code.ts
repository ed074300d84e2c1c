import assert from "node:assert/strict";
import { InputError } from "../../src/core/errors.js";

/** The code of the first diagnostic `f` throws as bad input; a test fails if it throws anything else or nothing. */
export function thrownCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof InputError, `an InputError, not ${String(e)}`);
    return e.diagnostics[0]?.code;
  }
  return assert.fail("no bad input was reported");
}
