// Child process of bench/run.ts: the full matrix of the generated system, in a fresh heap.
import { matrixCommand } from "../src/cli/commands/matrix.js";
import type { Model } from "../src/query/model.js";
import { generatedModel } from "./workload.js";

export interface MatrixResult {
  readonly domains: number;
  readonly ops: number;
  readonly cells: number;
  /** first run in this process, milliseconds */
  readonly coldMs: number;
  /** second run, milliseconds */
  readonly warmMs: number;
  /** process peak RSS up to the end of the first run, and before it, bytes */
  readonly peakRss: number;
  readonly rssBefore: number;
  /** V8 heap in use with the first run's result alive, bytes */
  readonly heapUsed: number;
}

/** Runs the matrix once: milliseconds, V8 heap in use with the result alive, and its cell count. */
function once(model: Model): { ms: number; heapUsed: number; cells: number } {
  const t = performance.now();
  const out = matrixCommand(model);
  const ms = performance.now() - t;
  const heapUsed = process.memoryUsage().heapUsed;
  const { cells } = out.json as { cells: unknown[][] };
  return { ms, heapUsed, cells: cells.reduce((n, row) => n + row.length, 0) };
}

const model = generatedModel();
const rssBefore = process.memoryUsage().rss;
const cold = once(model);
const peakRss = process.resourceUsage().maxRSS * 1024;
const warm = once(model);
const result: MatrixResult = {
  domains: model.domains.length,
  ops: model.ops.length,
  cells: cold.cells,
  coldMs: cold.ms,
  warmMs: warm.ms,
  peakRss,
  rssBefore,
  heapUsed: cold.heapUsed,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
