// Issue 23's rows, on the CLI as users run it: `matrix` on 4,096, 16,384 and 32,752 domains (domids
// 0-32751, Xen's largest system) in every format, each a fresh process writing to /dev/null, with
// its peak RSS; and a cold `check` against `node -e 0` in the same run.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { median, type Row } from "./measure.js";

const FORMATS = ["table", "json", "md", "csv"] as const;

/** A system of `n` domains: dom0, a xenstore domain, then HVM guests each with a device-model stub domain. */
export function scaleSystem(n: number): string {
  const lines = ["xen: 4.22.0", "xsm: dummy", "domains:", "  - {name: dom0, domid: 0}"];
  lines.push("  - {name: xs, domid: 1, caps: [xenstore], type: pvh}");
  for (let d = 2; d < n; d += 2) {
    lines.push(`  - {name: hvm${d}, domid: ${d}, type: hvm}`);
    if (d + 1 < n) lines.push(`  - {name: qemu${d + 1}, domid: ${d + 1}, target: hvm${d}}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Runs the CLI in a wrapper that reports the process's peak RSS and CPU time on fd 3. */
const WRAPPER = `import { writeSync } from "node:fs";
import { pathToFileURL } from "node:url";
process.on("exit", () => {
  const u = process.resourceUsage();
  writeSync(3, JSON.stringify({ rss: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
});
process.argv.splice(1, 1);
await import(pathToFileURL(process.argv[1]).href);
`;

interface Run {
  readonly ms: number;
  readonly cpuMs: number;
  readonly rss: number;
  readonly status: number | null;
  readonly stderr: string;
}

function runCli(root: string, out: string, args: readonly string[]): Run {
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    [join(out, "rss-wrapper.mjs"), join(root, "dist", "xenpriv.js"), ...args],
    {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe", "pipe"],
      encoding: "utf8",
      maxBuffer: 1 << 24,
    },
  );
  const ms = performance.now() - t;
  const usage = JSON.parse((r.output[3] as string) || '{"rss":0,"cpuMs":0}') as {
    rss: number;
    cpuMs: number;
  };
  return { ms, ...usage, status: r.status, stderr: r.stderr };
}

const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;

export function benchScale(root: string, out: string): Row[] {
  writeFileSync(join(out, "rss-wrapper.mjs"), WRAPPER);
  const rows: Row[] = [];
  for (const n of [4096, 16384, 32752]) {
    const file = join(out, `system-${n}.yaml`);
    writeFileSync(file, scaleSystem(n));
    for (const f of FORMATS) {
      const r = runCli(root, out, ["matrix", "--system", file, "-f", f]);
      const works = r.status === 0 && r.stderr === "";
      console.log(
        `matrix ${n} -f ${f}: exit ${r.status}, ${r.ms.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU, peak RSS ${mb(r.rss)}${works ? "" : `\n${r.stderr.slice(0, 400)}`}`,
      );
      const timed = n === 4096;
      rows.push({
        metric: `CLI matrix, ${n} domains, -f ${f}, cold${timed ? " (wall / CPU), peak RSS" : ", peak RSS"}`,
        target: n === 32752 ? "works, <= 512 MB" : timed ? "<= 1000 ms, <= 512 MB" : "<= 512 MB",
        measured: `${works ? "" : "FAILED, "}${timed ? `${r.ms.toFixed(0)} / ${r.cpuMs.toFixed(0)} ms, ` : ""}${mb(r.rss)}`,
        pass: works && r.rss <= 512 * 2 ** 20 && (!timed || r.ms <= 1000),
      });
    }
  }
  return rows;
}

/** `xenpriv check` cold against `node -e 0`, alternating, in the same run: the ratio of the medians. */
export function benchColdStart(root: string, runs = 11): Row[] {
  const check = ["dist/xenpriv.js", "check", "ctl", "domctl/pausedomain", "guest"];
  const node: number[] = [];
  const cli: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    spawnSync(process.execPath, ["-e", "0"], { cwd: root });
    node.push(performance.now() - t);
    t = performance.now();
    const r = spawnSync(process.execPath, check, { cwd: root, encoding: "utf8" });
    cli.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`xenpriv check failed: ${r.stderr}`);
  }
  const ratio = median(cli) / median(node);
  console.log(
    `cold start: node -e 0 ms ${node.map((x) => x.toFixed(0)).join(" ")}; check ms ${cli.map((x) => x.toFixed(0)).join(" ")}`,
  );
  return [
    {
      metric: "reference: node -e 0, cold (median)",
      target: "-",
      measured: `${median(node).toFixed(0)} ms`,
      pass: true,
    },
    {
      metric: "xenpriv check, cold (median), against node -e 0",
      target: "<= 2.0x node -e 0",
      measured: `${median(cli).toFixed(0)} ms (${ratio.toFixed(2)}x)`,
      pass: ratio <= 2,
    },
  ];
}
