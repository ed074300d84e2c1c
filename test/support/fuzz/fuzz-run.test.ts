import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runFuzz } from "./fuzz-run.js";

const outDir = mkdtempSync(join(tmpdir(), "xenpriv-fuzz-self-"));
after(() => rmSync(outDir, { recursive: true, force: true }));

test("the harness counts a thrown bug and a dead process as crashes and a case that never ends as a hang, and goes on", async () => {
  const [r] = await runFuzz({
    targets: ["harness self-test"],
    cases: 8,
    seed: 1,
    hangMs: 3000,
    parallel: 1,
    outDir,
  });
  assert.ok(r);
  assert.equal(r.cases, 8);
  assert.deepEqual(
    r.failures.map((f) => `${f.index} ${f.kind}`),
    ["1 crash", "3 hang", "5 crash"],
  );
  assert.equal(r.crashes, 2);
  assert.equal(r.hangs, 1);
  assert.match(r.failures[0]?.message ?? "", /TypeError: a bug/);
  assert.match(r.failures[2]?.message ?? "", /the process died \(SIGKILL\)/);
  // the cases that ended (all but the hang and the dead process): bad input (case 6) exits 2, the
  // others (the throwing case 1 too) ran no CLI
  assert.deepEqual(r.outcomes, { "no CLI run": 5, "exit 2": 1 });
  // each failing input is kept, as the case that failed
  assert.ok(readFileSync(r.failures[1]?.input ?? "").length > 0);
});
