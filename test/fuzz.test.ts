/**
 * The bounded run of `npm run fuzz:all`: 200 mutated cases of every input format from a fixed
 * seed (2,800 in all), through the CLI as a user runs it, and extraction through its API. Any
 * exception that is not bad input, exit 3, a dead process or a case still running after a minute
 * fails the test, with the saved input to reproduce it.
 */
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runFuzz } from "./support/fuzz/fuzz-run.js";
import { FUZZ_TARGETS } from "./support/fuzz/fuzz-targets.js";

test("200 mutated inputs of every format: no crash, no hang", async () => {
  const results = await runFuzz({
    targets: FUZZ_TARGETS.map((t) => t.name),
    cases: 200,
    seed: 21,
    // a bound on a hang, not a speed test: the slowest case of a full run takes a few seconds
    hangMs: 60_000,
    parallel: 1,
    outDir: join(tmpdir(), "xenpriv-fuzz-out"),
  });
  assert.equal(results.length, 14);
  for (const r of results) {
    assert.equal(r.cases, 200, r.name);
    assert.deepEqual(
      r.failures.map((f) => `${f.kind} on case ${f.index} (${f.input}): ${f.message.slice(0, 2000)}`),
      [],
      r.name,
    );
  }
});
