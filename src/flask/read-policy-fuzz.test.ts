import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { compilePolicy, smallPolicyConf } from "../../test/support/flask-tools.js";
import { InputError } from "../core/errors.js";
import { readPolicy } from "./read-policy.js";

const RUNS = Number(process.env.XENPRIV_FUZZ_RUNS ?? 300);
const good = new Uint8Array(readFileSync(compilePolicy(smallPolicyConf(true), 30, true)));

/** Bad input must be an InputError with a `flask/` code and a byte offset inside the file. */
function readsOrRefuses(bytes: Uint8Array): void {
  try {
    readPolicy(bytes, "fuzz.bin");
  } catch (e) {
    assert.ok(e instanceof InputError, `not an InputError: ${(e as Error).stack}`);
    const d = e.diagnostics[0];
    assert.match(d?.code ?? "", /^flask\//);
    assert.ok(d?.span?.offset !== undefined && d.span.offset <= bytes.length, d?.message);
    assert.match(d?.message ?? "", /\(byte \d+, 0x[0-9a-f]+, in [^)]+\)$/);
  }
}

test("flask policy: every truncation is refused with the byte and the section", () => {
  for (let n = 0; n < good.length; n++) {
    assert.throws(
      () => readPolicy(good.subarray(0, n), "cut.bin"),
      (e: unknown) => e instanceof InputError && /^flask\//.test(e.diagnostics[0]?.code ?? ""),
      `cut at ${n}`,
    );
  }
  assert.equal(readPolicy(good, "whole.bin").version, 30);
});

test("flask policy: damaged policies are read or refused, never a crash (fast-check, fixed seed)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      }),
      (edits) => {
        const b = good.slice();
        for (const [at, v] of edits) b[at] = v;
        readsOrRefuses(b);
      },
    ),
    { seed: 24, numRuns: RUNS },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), (tail) => {
      // the policy's header followed by noise
      const b = new Uint8Array(28 + tail.length);
      b.set(good.subarray(0, 28));
      b.set(tail, 28);
      readsOrRefuses(b);
    }),
    { seed: 24, numRuns: RUNS },
  );
});
