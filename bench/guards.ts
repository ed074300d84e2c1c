// Issue 21 §3: linear time on the input that was quadratic. `xenpriv lint` of a board holding one
// DTS byte string of 1 MiB (then 2 MiB) of hex digits, a new process each time as a user runs it,
// against the same board without it and `node -e 0` in the same run. Before the fix, 200,000 hex
// digits took 21 s (each byte rescanned the rest of the run to see whether it was a label).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { median, type Row } from "./measure.js";

const RUNS = 5;
const TARGET_MS = 1000;

/** RUNS cold runs of `args` (a node command line), wall time in ms each; `ok` checks each result. */
function cold(args: readonly string[], cwd: string, ok: (status: number | null) => boolean): number[] {
  return Array.from({ length: RUNS }, () => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", maxBuffer: 1 << 28 });
    const wall = performance.now() - t;
    if (!ok(r.status)) throw new Error(`${args.join(" ")}: exit ${r.status}: ${r.stderr.slice(0, 500)}`);
    return wall;
  });
}

const ms = (xs: number[]) => `${median(xs).toFixed(0)} / ${Math.max(...xs).toFixed(0)} ms`;

export function benchGuards(root: string, outDir: string): Row[] {
  const board = readFileSync(join(root, "examples", "arm-dom0less-split.dts"), "utf8");
  const withBlob = (mib: number) => {
    const file = join(outDir, `board-bytes-${mib}m.dts`);
    writeFileSync(
      file,
      board.replace("/ {", `/ {\n\tblob = [${"0123456789abcdef".repeat((mib * 2 ** 20) / 16)}];`),
    );
    return file;
  };
  const lint = (file: string) => cold(["dist/xenpriv.js", "lint", file, "-f", "json"], root, (s) => s === 0);
  const node = cold(["-e", "0"], root, (s) => s === 0);
  const plain = lint(join(root, "examples", "arm-dom0less-split.dts"));
  const one = lint(withBlob(1));
  const two = lint(withBlob(2));
  console.log(
    `dts byte string: node -e 0 ${ms(node)}; lint without ${ms(plain)}, with 1 MiB ${ms(one)}, with 2 MiB ${ms(two)} (median / max of ${RUNS})`,
  );
  // a system file of 50,000 then 100,000 unknown keys: one diagnostic each (100 printed); yaml's own
  // duplicate-key check compared each key with every one before it, and took minutes
  const keys = (n: number) => {
    const file = join(outDir, `keys-${n}.yaml`);
    writeFileSync(
      file,
      `xen: 4.22.0\ndomains: []\n${Array.from({ length: n }, (_, i) => `k${i}: 1\n`).join("")}`,
    );
    return cold(["dist/xenpriv.js", "matrix", "--system", file], root, (s) => s === 2);
  };
  const [k50, k100] = [keys(50_000), keys(100_000)];
  console.log(`unknown keys: 50,000 ${ms(k50)}, 100,000 ${ms(k100)}`);
  const extra = (xs: number[]) => median(xs) - median(plain);
  return [
    { metric: "reference: `node -e 0`, cold (median / max)", target: "-", measured: ms(node), pass: true },
    {
      metric: "reference: lint the Arm example, cold (median / max)",
      target: "-",
      measured: ms(plain),
      pass: true,
    },
    {
      metric: "lint the Arm example with a 1 MiB DTS byte string, cold (median / max)",
      target: `<= ${TARGET_MS} ms`,
      measured: ms(one),
      pass: median(one) <= TARGET_MS,
    },
    {
      // twice the bytes, about twice the added time: a quadratic lexer would take four times as long
      metric: "the same with 2 MiB: time added over the example, against 1 MiB's",
      target: "<= 3x",
      measured: `${extra(two).toFixed(0)} ms vs ${extra(one).toFixed(0)} ms (${(extra(two) / Math.max(1, extra(one))).toFixed(1)}x)`,
      pass: extra(two) <= 3 * Math.max(extra(one), 20),
    },
    {
      metric: "a system of 100,000 unknown keys, refused, cold: against 50,000 (median / max)",
      target: "<= 3x",
      measured: `${ms(k100)} vs ${ms(k50)} (${(median(k100) / median(k50)).toFixed(1)}x)`,
      pass: median(k100) <= 3 * median(k50),
    },
  ];
}
