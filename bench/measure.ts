// One measurement per process, in a fresh heap: `measure.js decide|evaluate|matrix|privcmd <out dir>`.
// bench/run.ts bundles this file like scripts/build.mjs bundles dist/ and prints one JSON line.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Domain } from "../src/model/domain.js";
import { builtinProfile } from "../src/privcmd/builtin-profiles.js";
import { CONDITIONAL, compileProfile, decideHypercall } from "../src/privcmd/compile-profile.js";
import { errnoNumber } from "../src/privcmd/errno.js";
import { evaluateCall } from "../src/privcmd/evaluate-call.js";
import { buildFilterProgram, UNKNOWN_SUBOP } from "../src/privcmd/filter-program.js";
import { numberOf } from "../src/privcmd/hypercall-catalogue.js";
import { loadLinuxPrivcmd, loadXenServerFilter } from "../src/privcmd/load-filter-facts.js";
import { loadHypercallCatalogue } from "../src/privcmd/load-hypercall-catalogue.js";
import type { PrivcmdCall } from "../src/privcmd/privcmd-call.js";
import { DecisionIndex } from "../src/query/decision-index.js";
import { evaluate } from "../src/query/evaluate.js";
import { matrix } from "../src/query/matrix.js";
import type { Model } from "../src/query/model.js";
import { cRule, generatedModel, rng, SEED, triples } from "./workload.js";

export const PASSES = 7;

/** A line of the results table in BENCHMARKS.md. */
export interface Row {
  readonly metric: string;
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const DECIDE_TRIPLES = 1 << 22;
const EVAL_TRIPLES = 1 << 19;

export interface DecideResult {
  readonly ruleOps: number;
  readonly ops: number;
  readonly triples: number;
  readonly rate: number;
  /** the first pass's rate: the index's tables filled as the triples ask for them */
  readonly coldRate: number;
  readonly allows: number;
  readonly pos: number;
}

export interface EvaluateResult {
  readonly triples: number;
  readonly rate: number;
  readonly allows: number;
}

export interface MatrixResult {
  readonly domains: number;
  readonly ops: number;
  readonly cells: number;
  /** first run in the process, milliseconds */
  readonly coldMs: number;
  /** second run, milliseconds */
  readonly warmMs: number;
  /** process peak RSS up to the end of the first run, and before it, bytes */
  readonly peakRss: number;
  readonly rssBefore: number;
  /** V8 heap in use with the first run's result alive, bytes */
  readonly heapUsed: number;
}

export interface PrivcmdResult {
  readonly ops: number;
  readonly calls: number;
  readonly rate: number;
  /** calls whose table entry needed the emulator (a check on the arguments, a multicall) */
  readonly conditional: number;
  readonly allows: number;
  /** calls checked against the emulator alone, and how many disagreed */
  readonly checked: number;
  readonly mismatches: number;
}

/** Median milliseconds of `passes` runs of `f` after one warm-up run, the warm-up's time and result. */
function timed<T>(f: () => T, passes = PASSES): { ms: number; coldMs: number; value: T } {
  const t0 = performance.now();
  const value = f();
  const coldMs = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < passes; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  return { ms: median(times), coldMs, value };
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

/** DecisionIndex.decide over the operations the C rule covers; writes the workload for the C side. */
export function measureDecide(outDir: string): DecideResult {
  const model = generatedModel();
  const ruleOps = model.ops.flatMap((op, i) => (cRule(model, op) ? [i] : []));
  const w = triples(model, ruleOps, DECIDE_TRIPLES);
  writeWorkload(model, w, join(outDir, "workload.bin"));
  const ix = new DecisionIndex(model);
  const r = timed(() => decideLoop(ix, w));
  return {
    ruleOps: ruleOps.length,
    ops: model.ops.length,
    triples: DECIDE_TRIPLES,
    rate: (DECIDE_TRIPLES / r.ms) * 1000,
    coldRate: (DECIDE_TRIPLES / r.coldMs) * 1000,
    ...r.value,
  };
}

/** evaluate() with its full explanation, over every operation. */
export function measureEvaluate(): EvaluateResult {
  const model = generatedModel();
  const w = triples(model, [...model.ops.keys()], EVAL_TRIPLES);
  const doms = model.domains;
  const run = () => {
    let allows = 0;
    for (let i = 0; i < w.length; i += 3) {
      const t = w[i + 2] as number;
      const op = model.ops[w[i] as number];
      const src = doms[w[i + 1] as number] as Domain;
      if (op && evaluate(model, op, src, t < 0 ? null : (doms[t] as Domain)).decision === "allow") allows++;
    }
    return allows;
  };
  const r = timed(run, 3);
  return { triples: EVAL_TRIPLES, rate: (EVAL_TRIPLES / r.ms) * 1000, allows: r.value };
}

/** The matrix command once: milliseconds, V8 heap in use with the result alive, cell count. */
function matrixOnce(model: Model): { ms: number; heapUsed: number; cells: number } {
  const t = performance.now();
  const { cells } = matrix(model).toJSON();
  const ms = performance.now() - t;
  const heapUsed = process.memoryUsage().heapUsed;
  return { ms, heapUsed, cells: cells.reduce((n, row) => n + row.length, 0) };
}

export function measureMatrix(): MatrixResult {
  const model = generatedModel();
  const rssBefore = process.memoryUsage().rss;
  const cold = matrixOnce(model);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const warm = matrixOnce(model);
  return {
    domains: model.domains.length,
    ops: model.ops.length,
    cells: cold.cells,
    coldMs: cold.ms,
    warmMs: warm.ms,
    peakRss,
    rssBefore,
    heapUsed: cold.heapUsed,
  };
}

const PRIVCMD_CALLS = 1 << 22;

/**
 * Emulated privcmd decisions under the xenserver profile: IOCTL_PRIVCMD_HYPERCALL from a locked-down
 * dom0 on random catalogued (hypercall, sub-op) pairs, one in 16 an unknown pair. The compiled
 * table decides; its conditional entries go to the emulator with the call's arguments.
 */
export function measurePrivcmd(): PrivcmdResult {
  const catalogue = loadHypercallCatalogue("4.22.0");
  const linux = loadLinuxPrivcmd();
  const profile = builtinProfile("xenserver", loadXenServerFilter(), () => []);
  const table = compileProfile(buildFilterProgram(profile, catalogue, { linux }));
  const ctx = { domain: "dom0", lockedDown: true } as const;
  const ops = catalogue.hypercalls.flatMap((h): { number: number; value: number; call: PrivcmdCall }[] => {
    const call = (subop?: string): PrivcmdCall => ({
      ioctl: "HYPERCALL",
      hypercall: h.name,
      ...(subop && { subop }),
    });
    return h.subops.length
      ? h.subops.map((s) => ({ number: h.number, value: numberOf(s), call: call(s.name) }))
      : [{ number: h.number, value: 0, call: call() }];
  });
  const byPair = new Map(ops.map((o) => [o.number * 0x10000 + o.value, o.call]));
  const unknownSubop = (hc: number): PrivcmdCall => {
    const h = catalogue.hypercalls.find((x) => x.number === hc);
    return h
      ? { ioctl: "HYPERCALL", hypercall: h.name, ...(h.subops.length && { subop: UNKNOWN_SUBOP }) }
      : { ioctl: "HYPERCALL", hypercall: "\u0000unknown-hypercall" };
  };
  // the arguments a conditional entry is decided on: domain 1, a PCI device, a signed image, no altp2m
  const callOf = (hc: number, value: number): PrivcmdCall => ({
    ...(byPair.get(hc * 0x10000 + value) ?? unknownSubop(hc)),
    dom: 1,
    pci: true,
    signed: true,
  });
  const rand = rng(SEED);
  const w = new Int32Array(2 * PRIVCMD_CALLS);
  for (let i = 0; i < PRIVCMD_CALLS; i++) {
    const unknown = rand() < 1 / 16;
    const o = ops[Math.floor(rand() * ops.length)] as { number: number; value: number };
    w[2 * i] = unknown ? Math.floor(rand() * 64) : o.number;
    w[2 * i + 1] = unknown ? Math.floor(rand() * 1100) : o.value;
  }
  const slow = new Map<number, PrivcmdCall>();
  for (let i = 0; i < PRIVCMD_CALLS; i++) {
    const hc = w[2 * i] as number;
    const value = w[2 * i + 1] as number;
    if (decideHypercall(table, hc, value) === CONDITIONAL) slow.set(hc * 0x10000 + value, callOf(hc, value));
  }
  const errnoOf = (c: PrivcmdCall) => {
    const d = evaluateCall(c, ctx, profile, { linux });
    return d.allowed ? 0 : errnoNumber(d.errno ?? "EPERM");
  };
  const run = () => {
    let allows = 0;
    let conditional = 0;
    for (let i = 0; i < PRIVCMD_CALLS; i++) {
      const hc = w[2 * i] as number;
      const value = w[2 * i + 1] as number;
      let code = decideHypercall(table, hc, value);
      if (code === CONDITIONAL) {
        conditional++;
        code = errnoOf(slow.get(hc * 0x10000 + value) as PrivcmdCall);
      }
      if (code === 0) allows++;
    }
    return { allows, conditional };
  };
  const r = timed(run);
  // the fast path must say what the emulator alone says
  const checked = 1 << 16;
  let mismatches = 0;
  for (let i = 0; i < checked; i++) {
    const hc = w[2 * i] as number;
    const value = w[2 * i + 1] as number;
    const fast = decideHypercall(table, hc, value);
    const want = errnoOf(callOf(hc, value));
    if (fast !== CONDITIONAL && fast !== want) mismatches++;
  }
  return {
    ops: ops.length,
    calls: PRIVCMD_CALLS,
    rate: (PRIVCMD_CALLS / r.ms) * 1000,
    ...r.value,
    checked,
    mismatches,
  };
}

const [what, outDir = "."] = process.argv.slice(2);
const result =
  what === "decide"
    ? measureDecide(outDir)
    : what === "evaluate"
      ? measureEvaluate()
      : what === "matrix"
        ? measureMatrix()
        : what === "privcmd"
          ? measurePrivcmd()
          : undefined;
if (result) process.stdout.write(`${JSON.stringify(result)}\n`);
