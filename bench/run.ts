// `npm run bench`: the performance targets, measured. Writes only under bench/out/.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Domain } from "../src/model/domain.js";
import { DecisionIndex } from "../src/query/decision-index.js";
import { evaluate } from "../src/query/evaluate.js";
import type { Model } from "../src/query/model.js";
import type { MatrixResult } from "./matrix.js";
import { cRule, generatedModel, triples } from "./workload.js";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const OUT = join(BENCH, "out");
const PASSES = 7;
const DECIDE_TRIPLES = 1 << 22;
const EVAL_TRIPLES = 1 << 19;
const CHECK_RUNS = 11;

interface Row {
  readonly metric: string;
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const fmtRate = (r: number): string => `${(r / 1e6).toFixed(1)} M/s`;

/** Median time of `passes` runs of `f` after one warm-up run, and the warm-up's result. */
function timed<T>(f: () => T, passes = PASSES): { ms: number; value: T } {
  const value = f();
  const times: number[] = [];
  for (let i = 0; i < passes; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  return { ms: median(times), value };
}

/** The workload file the C baseline reads (layout in bench/c/decide.c). */
function writeWorkload(model: Model, w: Int32Array, path: string): void {
  const index = new Map(model.domains.map((d, i) => [d.domid, i]));
  const doms = model.domains.flatMap((d) => [
    +d.caps.control,
    +d.caps.xenstore,
    index.get(d.target ?? -1) ?? -1,
  ]);
  const ops = model.ops.flatMap((op) => {
    const r = cRule(model, op);
    return r ? [r.action, +r.targetBound] : [-1, 0];
  });
  const head = [0x31425058, model.domains.length, model.ops.length, w.length / 3];
  writeFileSync(path, new Int32Array([...head, ...doms, ...ops, ...w]));
}

function decideLoop(ix: DecisionIndex, w: Int32Array): { allows: number; pos: number } {
  let allows = 0;
  let pos = 0;
  const n = w.length / 3;
  for (let i = 0; i < n; i++) {
    const d = ix.decide(w[3 * i] as number, w[3 * i + 1] as number, w[3 * i + 2] as number);
    allows += d;
    pos = (pos + (i & -d)) | 0;
  }
  return { allows, pos: pos >>> 0 };
}

function benchDecide(model: Model): Row[] {
  const ruleOps = model.ops.flatMap((op, i) => (cRule(model, op) ? [i] : []));
  const w = triples(model, ruleOps, DECIDE_TRIPLES);
  const bin = join(OUT, "workload.bin");
  const exe = join(OUT, "decide");
  writeWorkload(model, w, bin);
  execFileSync("gcc", ["-O2", "-o", exe, join(BENCH, "c", "decide.c")], { stdio: "inherit" });
  const c = JSON.parse(execFileSync(exe, [bin, String(PASSES)], { encoding: "utf8" })) as {
    rate: number;
    allows: number;
    pos: number;
  };
  const ix = new DecisionIndex(model);
  const js = timed(() => decideLoop(ix, w));
  const jsRate = (w.length / 3 / js.ms) * 1000;
  const same = js.value.allows === c.allows && js.value.pos === c.pos;
  console.log(
    `decide: ${ruleOps.length} of ${model.ops.length} operations have the C rule; ${DECIDE_TRIPLES} triples, ` +
      `allows JS ${js.value.allows}/${js.value.pos} C ${c.allows}/${c.pos}`,
  );
  return [
    { metric: "decide, C gcc -O2 (baseline)", target: "-", measured: fmtRate(c.rate), pass: true },
    {
      metric: "decide, DecisionIndex.decide",
      target: `>= ${fmtRate(c.rate / 3)} (C/3)`,
      measured: `${fmtRate(jsRate)} (C/${(c.rate / jsRate).toFixed(2)})`,
      pass: jsRate * 3 >= c.rate,
    },
    {
      metric: "decide, checksum JS = C",
      target: "equal",
      measured: same ? `equal (${c.allows} allows)` : "DIFFERENT",
      pass: same,
    },
  ];
}

function benchEvaluate(model: Model): Row[] {
  const w = triples(model, [...model.ops.keys()], EVAL_TRIPLES);
  const doms = model.domains;
  const run = () => {
    let allows = 0;
    for (let i = 0; i < w.length; i += 3) {
      const t = w[i + 2] as number;
      const d = evaluate(
        model,
        model.ops[w[i] as number]!,
        doms[w[i + 1] as number] as Domain,
        t < 0 ? null : (doms[t] as Domain),
      );
      if (d.decision === "allow") allows++;
    }
    return allows;
  };
  const r = timed(run, 3);
  const rate = (EVAL_TRIPLES / r.ms) * 1000;
  return [
    {
      metric: "evaluate, with explanation",
      target: ">= 1.0 M/s",
      measured: fmtRate(rate),
      pass: rate >= 1e6,
    },
  ];
}

function benchMatrix(): Row[] {
  const child = spawnSync(process.execPath, [...process.execArgv, join(BENCH, "matrix.ts")], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`matrix child failed: ${child.stderr}`);
  const m = JSON.parse(child.stdout) as MatrixResult;
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
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
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: "inherit" });
  const times: number[] = [];
  let status: number | null = null;
  for (let i = 0; i < CHECK_RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(
      process.execPath,
      ["dist/xenpriv.js", "check", "ctl", "domctl/pausedomain", "guest"],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    times.push(performance.now() - t);
    status = r.status;
    if (!/allow|deny/i.test(r.stdout)) throw new Error(`xenpriv check failed: ${r.stderr}`);
  }
  const med = median(times);
  const max = Math.max(...times);
  console.log(`check: ${CHECK_RUNS} runs, exit ${status}, ms ${times.map((t) => t.toFixed(0)).join(" ")}`);
  return [
    {
      metric: "xenpriv check, cold start (median / max)",
      target: "<= 300 ms",
      measured: `${med.toFixed(0)} / ${max.toFixed(0)} ms`,
      pass: max <= 300,
    },
  ];
}

function printTable(rows: readonly Row[]): string {
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
const model = generatedModel();
const rows = [...benchDecide(model), ...benchEvaluate(model), ...benchMatrix(), ...benchCheck()];
const table = printTable(rows);
console.log(`\n${table}`);
writeFileSync(
  join(OUT, "results.json"),
  `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`,
);
process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
