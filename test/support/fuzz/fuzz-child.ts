/**
 * A fuzzing process: runs cases [from, to) of one target and tells its parent (fuzz-run.ts) over
 * IPC when each starts and how each crashing one failed. The parent kills it on a hang and starts
 * another from the next case; stdout (the CLI's output) goes nowhere.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../../src/cli/main.js";
import { fuzzCase } from "./fuzz-case.js";
import { FUZZ_TARGETS, SELF_TEST_TARGET } from "./fuzz-targets.js";

const [name, seedArg, fromArg, toArg, work] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const target = [...FUZZ_TARGETS, SELF_TEST_TARGET].find((t) => t.name === name);
if (!target) throw new Error(`no fuzz target \`${name}\``);
const seeds = target.seeds();
mkdirSync(work, { recursive: true });
// a process killed under a case (a hang) left its case in the trees it changes: start from fresh copies
rmSync(join(work, "trees"), { recursive: true, force: true });
// a parent that is gone (killed, or stopped with ^C) takes its cases with it
process.on("disconnect", () => process.exit(0));
const send = (m: unknown) => new Promise<void>((resolve) => process.send?.(m, () => resolve()));

/** Runs the CLI here; exit 3 (an internal error, with its stack on stderr) or an unknown code is a crash. */
async function cli(argv: string[]): Promise<number> {
  const err: string[] = [];
  let size = 0;
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    if (size < 1 << 16) {
      const s = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      err.push(s);
      size += s.length;
    }
    return true;
  }) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(argv);
    exits.push(code);
  } finally {
    process.stderr.write = write;
    process.exitCode = 0;
  }
  if (code === 3 || ![0, 1, 2].includes(code))
    throw new Error(
      `xenpriv ${argv.map((a) => (a.length > 80 ? `${a.slice(0, 80)}...` : a)).join(" ")}: exit ${code}\n${err.join("").slice(0, 4000)}`,
    );
  return code;
}

/** The exit codes of the current case's CLI runs, reported with the next message: what the cases reached. */
let exits: number[] = [];
const outcome = () => {
  const o = exits.length ? `exit ${exits.join(",")}` : "no CLI run";
  exits = [];
  return o;
};

for (let index = Number(fromArg); index < Number(toArg); index++) {
  const { seed, input } = fuzzCase(target, seeds, Number(seedArg), index);
  const path = join(work, target.file);
  writeFileSync(join(work, "case.bin"), input);
  if (target.file !== "unused") writeFileSync(path, input);
  await send({ kind: "start", index, previous: index > Number(fromArg) ? outcome() : undefined });
  try {
    await target.run({ path, input, index, seed, cli, work });
  } catch (e) {
    await send({ kind: "crash", index, message: (e as Error).stack ?? String(e) });
  }
}
await send({ kind: "done", previous: outcome() });
process.disconnect?.();
