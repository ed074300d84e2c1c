// `npm run bench`: the performance targets, measured. Writes only under bench/out/.
// Measurements run on bench/measure.ts bundled as scripts/build.mjs bundles dist/ (the shipped form);
// `npm run bench -- --source` runs them from source through tsx instead (slower: tsx keeps function names).
// XEN_SRC=<xen tree>[:<xen tree>...] adds the extraction benchmark (bench/extract.ts): the first tree in
// full, the second as a second tag extracted with the first's cache, all of them one after the other;
// `npm run bench -- --only-extract` runs that one alone; with XEN_SRC, `--only-flask` runs the Flask rows
// (bench/flask.ts: a cold check and the 4,096-domain matrix under the tree's compiled policy) alone.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { benchCmdline } from "./cmdline.js";
import { largeBoard } from "./dts-workload.js";
import { benchExtract, cpuModel, longToken } from "./extract.js";
import { benchFlask } from "./flask.js";
import { benchGuards } from "./guards.js";
import type { DecideResult, EvaluateResult, MatrixResult, PrivcmdResult } from "./measure.js";
import { median, PASSES, type Row } from "./measure.js";
import { benchReport } from "./report.js";
import { benchSbat } from "./sbat.js";
import { benchColdStart, benchScale } from "./scale.js";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const OUT = join(BENCH, "out");
const CHECK_RUNS = 11;
const SOURCE = process.argv.includes("--source");

const rate = (r: number): string => `${(r / 1e6).toFixed(r < 1e7 ? 2 : 1)} M/s`;
const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;

/** Runs one measurement of bench/measure.ts in its own process. */
function measure<T>(what: string): T {
  const args = SOURCE
    ? ["--import", "tsx", join(BENCH, "measure.ts"), what, OUT]
    : [join(OUT, "measure.js"), what, OUT];
  return JSON.parse(execFileSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" })) as T;
}

function benchDecide(): Row[] {
  const js = measure<DecideResult>("decide");
  const exe = join(OUT, "decide");
  execFileSync("gcc", ["-O2", "-o", exe, join(BENCH, "c", "decide.c")], { stdio: "inherit" });
  const out = execFileSync(exe, [join(OUT, "workload.bin"), String(PASSES)], { encoding: "utf8" });
  const c = JSON.parse(out) as { rate: number; coldRate: number; allows: number; pos: number };
  const same = js.allows === c.allows && js.pos === c.pos;
  console.log(
    `decide: ${js.ruleOps} of ${js.ops} operations have the C rule; ${js.triples} triples; ` +
      `checksum (allows/positions) JS ${js.allows}/${js.pos}, C ${c.allows}/${c.pos}`,
  );
  return [
    { metric: "decide, C gcc -O2 (baseline)", target: "-", measured: rate(c.rate), pass: true },
    {
      metric: "decide, DecisionIndex.decide, warm (median pass)",
      target: `>= ${rate(c.rate / 1.5)} (C/1.5)`,
      measured: `${rate(js.rate)} (C/${(c.rate / js.rate).toFixed(2)})`,
      pass: js.rate * 1.5 >= c.rate,
    },
    { metric: "decide, C gcc -O2, first pass (cold)", target: "-", measured: rate(c.coldRate), pass: true },
    {
      metric: "decide, DecisionIndex.decide, first pass (cold)",
      target: `>= ${rate(c.coldRate / 2.5)} (C/2.5)`,
      measured: `${rate(js.coldRate)} (C/${(c.coldRate / js.coldRate).toFixed(2)})`,
      pass: js.coldRate * 2.5 >= c.coldRate,
    },
    {
      metric: "decide, checksum JS = C",
      target: "equal",
      measured: same ? `equal (${c.allows} allows)` : "DIFFERENT",
      pass: same,
    },
  ];
}

function benchEvaluate(): Row[] {
  const e = measure<EvaluateResult>("evaluate");
  console.log(`evaluate: ${e.triples} triples over every operation, ${e.allows} allowed`);
  return [
    {
      metric: "evaluate, with explanation",
      target: ">= 1.0 M/s",
      measured: rate(e.rate),
      pass: e.rate >= 1e6,
    },
  ];
}

function benchPrivcmd(): Row[] {
  const p = measure<PrivcmdResult>("privcmd");
  console.log(
    `privcmd: ${p.calls} calls over ${p.ops} catalogued operations (1 in 16 unknown), xenserver profile; ` +
      `${p.conditional} went to the emulator, ${p.allows} allowed; ${p.mismatches} of ${p.checked} differ from the emulator alone`,
  );
  return [
    {
      metric: "privcmd emulated decisions, xenserver profile, in process",
      target: ">= 10.0 M/s",
      measured: rate(p.rate),
      pass: p.rate >= 1e7,
    },
    {
      metric: "privcmd, compiled table = emulator",
      target: "equal",
      measured: p.mismatches ? `${p.mismatches} DIFFERENT` : `equal (${p.checked} calls)`,
      pass: p.mismatches === 0,
    },
  ];
}

function benchMatrix(): Row[] {
  const m = measure<MatrixResult>("matrix");
  console.log(
    `matrix: ${m.domains} domains x ${m.ops} ops = ${m.cells} cells; cold ${m.coldMs.toFixed(0)} ms, ` +
      `warm ${m.warmMs.toFixed(0)} ms; RSS ${mb(m.rssBefore)} before, ${mb(m.peakRss)} peak; heap ${mb(m.heapUsed)}`,
  );
  return [
    {
      metric: `matrix ${m.domains} domains x ${m.ops} ops, time`,
      target: "<= 1000 ms",
      measured: `${m.coldMs.toFixed(0)} ms (warm ${m.warmMs.toFixed(0)} ms)`,
      pass: m.coldMs <= 1000,
    },
    {
      metric: "matrix, peak RSS (heap)",
      target: "<= 512 MB",
      measured: `${mb(m.peakRss)} (${mb(m.heapUsed)})`,
      pass: m.peakRss <= 512 * 2 ** 20,
    },
  ];
}

function benchCheck(): Row[] {
  const args = ["dist/xenpriv.js", "check", "ctl", "domctl/pausedomain", "guest"];
  const times: number[] = [];
  for (let i = 0; i < CHECK_RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
    times.push(performance.now() - t);
    if (!/allow|deny/i.test(r.stdout)) throw new Error(`xenpriv check failed: ${r.stderr}`);
  }
  const max = Math.max(...times);
  console.log(`check: ${CHECK_RUNS} runs, ms ${times.map((t) => t.toFixed(0)).join(" ")}`);
  return [
    {
      metric: "xenpriv check, cold start (median / max)",
      target: "<= 300 ms",
      measured: `${median(times).toFixed(0)} / ${max.toFixed(0)} ms`,
      pass: max <= 300,
    },
  ];
}

/** `xenpriv lint` on a 10 MB DTS with 10,000 nodes, cold (a process per run, as a user runs it). */
function benchLintDts(): Row[] {
  const file = join(OUT, "board-10k.dts");
  const text = largeBoard();
  writeFileSync(file, text);
  const nodes = (text.match(/\{\s*$/gm) ?? []).length - 1;
  const args = ["dist/xenpriv.js", "lint", file, "--fail-on", "never", "-f", "json"];
  const times: number[] = [];
  let findings = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`xenpriv lint failed: ${r.stderr}`);
    findings = (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
  }
  const max = Math.max(...times);
  console.log(
    `lint dts: ${mb(text.length)} (${text.length} bytes), ${nodes} nodes, ${findings} findings; ms ${times.map((t) => t.toFixed(0)).join(" ")}`,
  );
  return [
    {
      metric: `lint a ${(text.length / 1e6).toFixed(1)} MB DTS, ${nodes} nodes, cold (median / max)`,
      target: "<= 2000 ms",
      measured: `${median(times).toFixed(0)} / ${max.toFixed(0)} ms`,
      pass: max <= 2000,
    },
  ];
}

function table(rows: readonly Row[]): string {
  const cells = [
    ["metric", "target", "measured", "result"],
    ...rows.map((r) => [r.metric, r.target, r.measured, r.pass ? "pass" : "FAIL"]),
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...cells.map((r) => (r[c] as string).length)));
  return cells
    .map((r) =>
      r
        .map((x, c) => x.padEnd(widths[c] as number))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

mkdirSync(OUT, { recursive: true });
execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: "inherit" });
if (!SOURCE)
  await build({
    entryPoints: [join(BENCH, "measure.ts")],
    outfile: join(OUT, "measure.js"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
console.log(`measuring ${SOURCE ? "from source through tsx" : "the bundled code (as in dist/)"}`);
// The millisecond-scale benches run first, before the matrix leaves a large heap to collect.
// `--only-extract`: the extraction benchmark alone (it needs XEN_SRC).
// `--only-guards`: issue 21's rows alone (the DTS byte string, the extractor's long token)
// `--only-scale`: issue 23's rows alone (the CLI's matrix at scale, cold start, the decision fast path)
const guards = (): Row[] => {
  const work = mkdtempSync(join(tmpdir(), "xenpriv-bench-guards-"));
  try {
    return [...benchGuards(ROOT, OUT), ...longToken(ROOT, work)];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
const rows = process.argv.includes("--only-scale")
  ? [...benchDecide(), ...benchColdStart(ROOT), ...benchScale(ROOT, OUT)]
  : process.argv.includes("--only-guards")
    ? guards()
    : process.argv.includes("--only-extract") || process.argv.includes("--only-flask")
      ? []
      : [
          ...benchGuards(ROOT, OUT),
          ...benchCmdline(),
          ...benchSbat(ROOT, OUT),
          ...benchDecide(),
          ...benchPrivcmd(),
          ...benchEvaluate(),
          ...benchMatrix(),
          ...benchCheck(),
          ...benchColdStart(ROOT),
          ...benchScale(ROOT, OUT),
          ...benchLintDts(),
          ...(await benchReport(ROOT, OUT)),
        ];
const trees = (process.env.XEN_SRC ?? "").split(":").filter(Boolean);
if (process.argv.includes("--only-guards")) console.log("extract: only its long-token rows (--only-guards)");
else if (process.argv.includes("--only-scale")) console.log("extract, flask: not run (--only-scale)");
else if (trees.length === 0)
  console.log("extract, flask: not run (set XEN_SRC to a Xen source tree to run them)");
else {
  // Flask's rows need the tree's compiled policy (issue 24 §4)
  if (!process.argv.includes("--only-extract")) rows.push(...benchFlask(ROOT, OUT, trees[0] as string));
  if (!process.argv.includes("--only-flask")) rows.push(...benchExtract(trees, ROOT, OUT));
}
console.log(`CPU: ${cpuModel()}`);
console.log(`\n${table(rows)}`);
const results = { date: new Date().toISOString(), mode: SOURCE ? "source" : "bundle", rows };
writeFileSync(join(OUT, `results-${results.mode}.json`), `${JSON.stringify(results, null, 2)}\n`);
process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
