import { type ChildProcess, fork } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** One target's run: cases tried, crashes (an exception that is not bad input, exit 3, a dead process) and hangs. */
export interface FuzzResult {
  readonly name: string;
  cases: number;
  crashes: number;
  hangs: number;
  /** the longest case, in ms, and its number */
  slowest: number;
  slowestIndex: number;
  /** how the cases that ran to their end came out (`exit 2`, `exit 0`, `no CLI run`), counted */
  readonly outcomes: Record<string, number>;
  /** each failing case: where its input was saved and how it failed */
  readonly failures: { index: number; kind: "crash" | "hang"; message: string; input: string }[];
}

export interface FuzzOptions {
  readonly targets: readonly string[];
  readonly cases: number;
  readonly seed: number;
  /** a case running longer than this is a hang: its process is killed */
  readonly hangMs: number;
  /** targets run at once, each in its own process */
  readonly parallel: number;
  /** where failing inputs are saved */
  readonly outDir: string;
  readonly onProgress?: (r: FuzzResult) => void;
}

const CHILD = fileURLToPath(new URL("./fuzz-child.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

/** Runs one target's cases in child processes: one at a time, another started after a hang or a death. */
async function runTarget(name: string, o: FuzzOptions): Promise<FuzzResult> {
  const r: FuzzResult = {
    name,
    cases: 0,
    crashes: 0,
    hangs: 0,
    slowest: 0,
    slowestIndex: -1,
    outcomes: {},
    failures: [],
  };
  const work = mkdtempSync(join(tmpdir(), "xenpriv-fuzz-"));
  const slug = name.replace(/\W+/g, "-").toLowerCase();
  const keep = (index: number) => {
    const input = join(o.outDir, `${slug}-${o.seed}-${index}.bin`);
    mkdirSync(o.outDir, { recursive: true });
    copyFileSync(join(work, "case.bin"), input);
    return input;
  };
  let from = 0;
  try {
    while (from < o.cases) {
      from = await new Promise<number>((resolve) => {
        const child: ChildProcess = fork(CHILD, [name, String(o.seed), String(from), String(o.cases), work], {
          execArgv: ["--import", TSX, "--max-old-space-size=3072"],
          stdio: ["ignore", "ignore", "inherit", "ipc"],
        });
        let current = -1;
        let started = performance.now();
        let finished = false;
        const close = (next: number) => {
          if (finished) return;
          finished = true;
          clearInterval(watch);
          child.kill("SIGKILL");
          resolve(next);
        };
        const watch = setInterval(() => {
          if (current >= 0 && performance.now() - started > o.hangMs) {
            r.hangs++;
            r.failures.push({
              index: current,
              kind: "hang",
              message: `still running after ${o.hangMs} ms`,
              input: keep(current),
            });
            close(current + 1);
          }
        }, 250);
        child.on("message", (m: { kind: string; index: number; message: string; previous?: string }) => {
          const now = performance.now();
          if (m.previous) r.outcomes[m.previous] = (r.outcomes[m.previous] ?? 0) + 1;
          const lap = () => {
            if (current >= 0 && now - started > r.slowest) {
              r.slowest = now - started;
              r.slowestIndex = current;
            }
          };
          if (m.kind === "start") {
            lap();
            current = m.index;
            started = now;
            r.cases++;
            if (r.cases % 500 === 0) o.onProgress?.(r);
          } else if (m.kind === "crash") {
            r.crashes++;
            r.failures.push({ index: m.index, kind: "crash", message: m.message, input: keep(m.index) });
          } else if (m.kind === "done") {
            lap();
            close(o.cases);
          }
        });
        child.on("exit", (code, signal) => {
          if (finished) return;
          // a process that dies under a case (out of memory, a native crash) crashed on it
          r.crashes++;
          r.failures.push({
            index: current >= 0 ? current : from,
            kind: "crash",
            message: `the process died (${signal ?? `exit ${code}`})${current < 0 ? " before its first case" : ""}`,
            input: current >= 0 ? keep(current) : "",
          });
          // a process that cannot start would not start again
          close(current >= 0 ? current + 1 : o.cases);
        });
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return r;
}

/** Runs every target, `parallel` at a time; the results in the targets' order. */
export async function runFuzz(o: FuzzOptions): Promise<FuzzResult[]> {
  const results: FuzzResult[] = new Array(o.targets.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < o.targets.length; i = next++) {
      results[i] = await runTarget(o.targets[i] as string, o);
      o.onProgress?.(results[i] as FuzzResult);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.parallel) }, lane));
  return results;
}
