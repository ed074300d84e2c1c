// The extraction benchmark: `xenpriv extract` over a whole Xen tree, against `git grep` over the
// same tree in the same run. bench/run.ts calls it for each tree in XEN_SRC (paths joined by ":").
import { spawnSync } from "node:child_process";
import { readdirSync, realpathSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { basename, join, relative } from "node:path";
import { median, type Row } from "./measure.js";

const RUNS = 5;
const TARGET_MS = 10_000;

const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;
const ms = (t: number): string => (t < 1000 ? `${t.toFixed(0)} ms` : `${(t / 1000).toFixed(2)} s`);

/** The files `readXenTree` parses: the .c files under xen/, common code, x86 and Arm. */
function treeFiles(root: string, dir = join(root, "xen"), out = { files: 0, bytes: 0 }) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    const rel = relative(root, p);
    if (e.name.startsWith(".") || /^xen\/(tools|scripts|arch\/(?!(x86|arm)(\/|$))[^/]+)(\/|$)/.test(rel))
      continue;
    if (e.isDirectory()) treeFiles(root, p, out);
    else if (e.name.endsWith(".c")) {
      out.files++;
      out.bytes += statSync(p).size;
    }
  }
  return out;
}

/** Milliseconds of each of RUNS spawns of `cmd`, and the first run's output. */
function time(cmd: string, args: string[], cwd: string): { times: number[]; stdout: string } {
  const times: number[] = [];
  let stdout = "";
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 1 << 28 });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
    if (i === 0) stdout = r.stdout + r.stderr;
  }
  return { times, stdout };
}

/** True when `git grep` can read `tree` as the top of its own work tree. */
function isGitTop(tree: string): boolean {
  const r = spawnSync("git", ["-C", tree, "rev-parse", "--show-toplevel"], { encoding: "utf8" });
  return r.status === 0 && realpathSync(r.stdout.trim()) === realpathSync(tree);
}

export function benchExtract(tree: string, root: string, outDir: string): Row[] {
  const name = basename(tree);
  const { files, bytes } = treeFiles(tree);
  const git = isGitTop(tree);
  const specs = ["--", "xen/*.c", "xen/*.h"];
  const inc = ["--include=*.c", "--include=*.h", "xen"];
  const [grep, full] = git
    ? [
        ["git", ["grep", "-n", "xsm_", ...specs]],
        ["git", ["grep", "-c", "", ...specs]],
      ]
    : [
        ["grep", ["-rn", "xsm_", ...inc]],
        ["grep", ["-rc", "", ...inc]],
      ];
  const tool = git ? "git grep" : "grep -r";
  if (!git)
    console.log(`extract ${name}: git cannot read the tree's repository, so grep -r stands in for git grep`);
  time(full[0] as string, full[1] as string[], tree); // warm the page cache for both sides
  const g = time(grep[0] as string, grep[1] as string[], tree);
  const f = time(full[0] as string, full[1] as string[], tree);
  const out = join(outDir, `extract-${name}.json`);
  const x = time(process.execPath, ["dist/xenpriv.js", "extract", tree, "-o", out], root);
  const [gm, fm, xm, xmax] = [median(g.times), median(f.times), median(x.times), Math.max(...x.times)];
  const hits = g.stdout.split("\n").filter(Boolean).length;
  const searched = f.stdout.split("\n").filter(Boolean);
  const searchedMb = mb(
    searched.reduce((n, l) => n + statSync(join(tree, l.slice(0, l.lastIndexOf(":")))).size, 0),
  );
  console.log(
    `extract ${name}: ${files} .c files, ${mb(bytes)} parsed; ${tool} over ${searched.length} ` +
      `.c/.h files (${searchedMb}), ${hits} xsm_ lines; ms extract ${x.times.map((t) => t.toFixed(0)).join(" ")}, ` +
      `${tool} ${g.times.map((t) => t.toFixed(0)).join(" ")}, full read ${f.times.map((t) => t.toFixed(0)).join(" ")}\n` +
      `  ${x.stdout.split("\n")[0]}; load average ${loadavg()[0]?.toFixed(1)}`,
  );
  return [
    {
      metric: `${name}: files parsed (bytes)`,
      target: "-",
      measured: `${files} .c (${mb(bytes)})`,
      pass: true,
    },
    {
      metric: `${name}: ${tool} -n xsm_ (baseline)`,
      target: "-",
      measured: `${ms(gm)} (${searched.length} files, ${searchedMb}, ${hits} lines)`,
      pass: true,
    },
    { metric: `${name}: ${tool} -c '' (full read)`, target: "-", measured: ms(fm), pass: true },
    {
      metric: `${name}: xenpriv extract, cold (median / max)`,
      target: "<= 10 s",
      measured: `${ms(xm)} / ${ms(xmax)} (${tool} x${(xm / gm).toFixed(0)}, full read x${(xm / fm).toFixed(0)})`,
      pass: xmax <= TARGET_MS,
    },
  ];
}
