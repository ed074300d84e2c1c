// `npm run fuzz:all`: mutational fuzzing of every input format from fixed seeds, through the CLI as
// a user runs it (and extraction through its API); prints cases, crashes and hangs per format and
// exits 1 on any. Options: --cases N per format (20000), --seed S (1), --only "<format>[,...]",
// --hang-ms MS (10000), --parallel N (2). Failing inputs are saved under $TMPDIR/xenpriv-fuzz-out/.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runFuzz } from "../test/support/fuzz/fuzz-run.js";
import { FUZZ_TARGETS } from "../test/support/fuzz/fuzz-targets.js";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "20000" },
    seed: { type: "string", default: "1" },
    only: { type: "string" },
    "hang-ms": { type: "string", default: "10000" },
    parallel: { type: "string", default: "2" },
  },
});
const only = values.only?.split(",").map((s) => s.trim().toLowerCase());
const targets = FUZZ_TARGETS.map((t) => t.name).filter((n) => !only || only.includes(n.toLowerCase()));
const outDir = join(tmpdir(), "xenpriv-fuzz-out");
const start = performance.now();
const results = await runFuzz({
  targets,
  cases: Number(values.cases),
  seed: Number(values.seed),
  hangMs: Number(values["hang-ms"]),
  parallel: Number(values.parallel),
  outDir,
  onProgress: (r) => console.error(`  ${r.name}: ${r.cases} cases, ${r.crashes} crashes, ${r.hangs} hangs`),
});
const rows = [
  ["format", "cases", "crashes", "hangs", "slowest case"],
  ...results.map((r) => [
    r.name,
    String(r.cases),
    String(r.crashes),
    String(r.hangs),
    `${(r.slowest / 1000).toFixed(2)} s (case ${r.slowestIndex})`,
  ]),
];
const widths = rows[0]?.map((_, i) => rows.reduce((w, r) => Math.max(w, (r[i] as string).length), 0)) ?? [];
console.log(
  `seed ${values.seed}, ${values.cases} cases per format, ${((performance.now() - start) / 60000).toFixed(1)} min\n`,
);
for (const r of rows)
  console.log(
    r
      .map((c, i) => c.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd(),
  );
console.log("\nhow the cases came out (the exit codes of their CLI runs; extraction runs none):");
for (const r of results)
  console.log(
    `  ${r.name}: ${Object.entries(r.outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}`,
  );
for (const r of results)
  for (const f of r.failures.slice(0, 5))
    console.log(`\n${r.name} case ${f.index} (${f.kind}, input ${f.input}):\n${f.message}`);
process.exitCode = results.every((r) => r.crashes === 0 && r.hangs === 0) ? 0 : 1;
