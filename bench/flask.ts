// Flask on the path users run (issue 24 §4): a compiled Xen policy loaded and one `check` answered from
// a cold start, against `node -e 0` in the same run; and the generated 4,096-domain system, labelled,
// under `matrix --policy flask:` against the same under `dummy` (wall time and peak RSS of the process).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildPolicy } from "../src/flask/build-policy.js";
import { median, type Row } from "./measure.js";
import { generateSystem } from "./workload.js";

const RUNS = 11;

/** Wall milliseconds and peak RSS (KiB, from GNU time) of a command, `runs` times. */
function timed(root: string, args: string[], runs: number): { ms: number[]; rssKb: number[] } {
  const ms: number[] = [];
  const rssKb: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, ...args], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 1 << 30,
    });
    ms.push(performance.now() - t);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    rssKb.push(Number(r.stderr.trim().split("\n").at(-1)));
  }
  return { ms, rssKb };
}

/** The generated system as a system file, with Flask labels of Xen's own policy. */
function labelledSystem(file: string): void {
  const s = generateSystem();
  const label = (name: string, target: number | null) =>
    name === "xs"
      ? "system_u:system_r:xenstore_t"
      : name === "hwdom" || target !== null
        ? "system_u:system_r:dm_dom_t"
        : "system_u:system_r:domU_t";
  const domains = s.domains.map((d) => ({
    name: d.name,
    domid: d.domid,
    type: d.type,
    built: d.builtBy,
    caps: (["control", "hardware", "xenstore"] as const).filter((c) => d.caps[c]),
    ...(d.target !== null && { target: d.target }),
    ...(d.name !== "ctl" && { label: label(d.name, d.target) }),
  }));
  writeFileSync(file, JSON.stringify({ xen: "4.22.0", arch: "x86", domains }));
}

/** The Flask rows; the policy is the tree's, built with checkpolicy (XEN_SRC). */
export function benchFlask(root: string, out: string, tree: string): Row[] {
  const built = buildPolicy(tree);
  const policy = join(out, built.name);
  writeFileSync(policy, built.bytes);
  const node = timed(root, ["-e", "0"], RUNS);
  const example = ["--system", "examples/seed-hwdom-qemu-flask.yaml"];
  const check = ["dist/xenpriv.js", "check", "ctl", "domctl/pausedomain", "guest", ...example];
  const flask = timed(root, [...check, "--policy", `flask:${policy}`], RUNS);
  const dummy = timed(root, [...check, "--policy", "dummy"], RUNS);
  const system = join(out, "flask-4096.json");
  labelledSystem(system);
  const matrix = ["dist/xenpriv.js", "matrix", "--system", system, "--format", "csv"];
  const mFlask = timed(root, [...matrix, "--policy", `flask:${policy}`], 3);
  const mDummy = timed(root, [...matrix, "--policy", "dummy"], 3);
  const n = median(node.ms);
  console.log(
    `flask: ${built.name} (${built.bytes.length} bytes); node -e 0 ${n.toFixed(0)} ms; check cold: flask ${flask.ms.map((t) => t.toFixed(0)).join(" ")} ms, dummy ${dummy.ms.map((t) => t.toFixed(0)).join(" ")} ms; ` +
      `matrix 4096: flask ${mFlask.ms.map((t) => t.toFixed(0)).join(" ")} ms (${Math.max(...mFlask.rssKb) >> 10} MB), dummy ${mDummy.ms.map((t) => t.toFixed(0)).join(" ")} ms (${Math.max(...mDummy.rssKb) >> 10} MB)`,
  );
  const fm = median(flask.ms);
  return [
    {
      metric: `xenpriv check --policy flask:${built.name}, cold (median / max); node -e 0 ${n.toFixed(0)} ms`,
      target: `<= 2x node -e 0 (${(2 * n).toFixed(0)} ms)`,
      measured: `${fm.toFixed(0)} / ${Math.max(...flask.ms).toFixed(0)} ms (dummy ${median(dummy.ms).toFixed(0)} ms)`,
      pass: fm <= 2 * n,
    },
    {
      metric: "matrix 4096 domains under Flask, whole process (median of 3), peak RSS",
      target: "<= 1000 ms and <= 512 MB, as under dummy",
      measured: `${median(mFlask.ms).toFixed(0)} ms, ${Math.max(...mFlask.rssKb) >> 10} MB (dummy ${median(mDummy.ms).toFixed(0)} ms, ${Math.max(...mDummy.rssKb) >> 10} MB)`,
      pass: median(mFlask.ms) <= 1000 && Math.max(...mFlask.rssKb) <= 512 * 1024,
    },
  ];
}
