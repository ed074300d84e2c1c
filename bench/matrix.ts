// Child process of bench/run.ts: the full matrix of the generated system, in a fresh heap.
import { matrixCommand } from "../src/cli/commands/matrix.js";
import { generatedModel } from "./workload.js";

export interface MatrixResult {
  readonly domains: number;
  readonly ops: number;
  readonly cells: number;
  /** first run in this process, milliseconds */
  readonly coldMs: number;
  /** second run, milliseconds */
  readonly warmMs: number;
  /** process peak RSS over both runs, and before the first, bytes */
  readonly peakRss: number;
  readonly rssBefore: number;
  /** V8 heap in use with the first run's result alive, bytes */
  readonly heapUsed: number;
}

const model = generatedModel();
const rssBefore = process.memoryUsage().rss;
let t = performance.now();
const out = matrixCommand(model);
const coldMs = performance.now() - t;
const heapUsed = process.memoryUsage().heapUsed;
const json = out.json as { cells: unknown[][] };
t = performance.now();
matrixCommand(model);
const warmMs = performance.now() - t;
const result: MatrixResult = {
  domains: model.domains.length,
  ops: model.ops.length,
  cells: json.cells.reduce((n, row) => n + row.length, 0),
  coldMs,
  warmMs,
  peakRss: process.resourceUsage().maxRSS * 1024,
  rssBefore,
  heapUsed,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
