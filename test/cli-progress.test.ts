/**
 * Issue 25 §2: long work (an extraction, the report of a large system) shows a progress line on a
 * terminal, on stderr only; nothing when stderr is a pipe, nothing with the global `--quiet`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { extractCommand } from "../src/cli/outputs/extract.js";
import { reportCommand } from "../src/cli/outputs/report.js";
import { CLI, ensureBuilt } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-progress-"));
before(ensureBuilt);
after(() => rmSync(dir, { recursive: true, force: true }));

const TREE = "test/fixtures/extract/patterns/case-labels";
const REPORT_STAGES = [
  /report: model/,
  /report: matrix: 4096 domains x \d+ operations/,
  /report: findings/,
  /report: page/,
];
const ESC = "\x1b";
/** what starts each progress line and clears the last */
const CLEAR = `\r${ESC}[K`;

/** 4,096 domains, as bench/scale.ts makes them: dom0, a xenstore domain, HVM guests and their stub domains. */
function system4096(): string {
  const lines = ["xen: 4.22.0", "xsm: dummy", "domains:", "  - {name: dom0, domid: 0}"];
  lines.push("  - {name: xs, domid: 1, caps: [xenstore], type: pvh}");
  for (let d = 2; d < 4096; d += 2) {
    lines.push(`  - {name: hvm${d}, domid: ${d}, type: hvm}`);
    lines.push(`  - {name: qemu${d + 1}, domid: ${d + 1}, target: hvm${d}}`);
  }
  const path = join(dir, "system-4096.yaml");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}
const big = system4096();

/** The CLI with stdin, stdout and stderr pipes, as CI and scripts run it. */
function piped(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
}

test("piped, the 4,096-domain report writes nothing on stderr, and no progress into stdout or the page", () => {
  const out = join(dir, "big.html");
  const r = piped("report", "-s", big, "-o", out);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.match(r.stdout, /^wrote .*big\.html: 4096 domains x \d+ operations/);
  assert.ok(!r.stdout.includes(ESC));
  assert.ok(!readFileSync(out, "utf8").includes("report: model"));
});

test("piped, extract writes only its summary on stderr; with --quiet, before or after the command, nothing", () => {
  const out = join(dir, "catalogue.json");
  const r = piped("extract", TREE, "-o", out, "--no-cache");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, `${r.stderr.split("\n")[0]}\nwrote ${out}\n`);
  assert.ok(!r.stderr.includes(ESC));
  assert.ok(!readFileSync(out, "utf8").includes(ESC));
  for (const args of [
    ["--quiet", "extract", TREE, "-o", out, "--no-cache"],
    ["extract", TREE, "-o", out, "--no-cache", "-q"],
  ]) {
    const q = piped(...args);
    assert.equal(q.status, 0, q.stderr);
    assert.equal(q.stderr, "", args.join(" "));
    assert.equal(q.stdout, "");
  }
  const report = piped(
    "report",
    "-s",
    "examples/x86-stubdoms.yaml",
    "-o",
    join(dir, "small.html"),
    "--quiet",
  );
  assert.equal(report.status, 0, report.stderr);
  assert.equal(report.stderr, "");
  assert.match(report.stdout, /^wrote /);
});

/** Whether util-linux's `script` is here to give the CLI a pseudo-terminal. */
const hasScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;
const sh = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * What the terminal shows when the CLI runs on one, its stdout sent to `stdout`: under `script`
 * (a pseudo-terminal on stdin, stdout and stderr) when it is here, else the command's function run
 * here with a stderr that says it is a terminal.
 */
async function onTerminal(
  args: readonly string[],
  stdout: string,
  inProcess: () => Promise<void>,
): Promise<string> {
  if (hasScript) {
    const cmd = `${[process.execPath, CLI, ...args].map(sh).join(" ")} > ${sh(stdout)}`;
    const r = spawnSync("script", ["-qec", cmd, "/dev/null"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout);
    return r.stdout;
  }
  const written: string[] = [];
  const write = process.stderr.write;
  const isTTY = Object.getOwnPropertyDescriptor(process.stderr, "isTTY");
  process.stderr.write = ((s: string) => written.push(s) > 0) as typeof process.stderr.write;
  Object.defineProperty(process.stderr, "isTTY", { value: true, configurable: true });
  try {
    await inProcess();
  } finally {
    process.stderr.write = write;
    if (isTTY) Object.defineProperty(process.stderr, "isTTY", isTTY);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
  return written.join("");
}

test("on a terminal the 4,096-domain report shows its stages on stderr, then clears the line", async () => {
  const out = join(dir, "tty.html");
  const stdout = join(dir, "tty.stdout");
  const args = ["report", "-s", big, "-o", out];
  const shown = await onTerminal(args, stdout, async () => {
    writeFileSync(
      stdout,
      reportCommand({ system: big, output: out, lockdownModel: "summit", safeList: "v2" }).text ?? "",
    );
  });
  let at = 0;
  for (const stage of REPORT_STAGES) {
    const m = stage.exec(shown.slice(at));
    assert.ok(m, `${stage} after ${JSON.stringify(shown.slice(0, at))}`);
    at += m.index + m[0].length;
  }
  assert.ok(shown.endsWith(CLEAR), "the line is cleared at the end");
  assert.match(readFileSync(stdout, "utf8"), /^wrote .*tty\.html: 4096 domains/);
  assert.ok(!readFileSync(stdout, "utf8").includes(ESC), "no progress in stdout");
  assert.ok(!readFileSync(out, "utf8").includes("report: model"), "no progress in the page");
});

test("on a terminal extract shows its stages; with --quiet the terminal shows nothing", async () => {
  const out = join(dir, "tty.json");
  const stdout = join(dir, "extract.stdout");
  const shown = await onTerminal(["extract", TREE, "-o", out, "--no-cache"], stdout, () =>
    extractCommand(TREE, { output: out, cache: false }),
  );
  const hooks = shown.indexOf(`${CLEAR}extract: hooks`);
  assert.ok(hooks >= 0, JSON.stringify(shown));
  assert.ok(shown.indexOf(`${CLEAR}extract: operations${CLEAR}`) > hooks, JSON.stringify(shown));
  assert.match(shown, /wrote .*tty\.json/);
  assert.ok(!readFileSync(out, "utf8").includes(ESC));
  const quiet = await onTerminal(["--quiet", "extract", TREE, "-o", out, "--no-cache"], stdout, () =>
    extractCommand(TREE, { output: out, cache: false, quiet: true }),
  );
  assert.equal(quiet, "");
  const report = await onTerminal(
    ["report", "-s", "examples/x86-stubdoms.yaml", "-o", join(dir, "q.html"), "--quiet"],
    stdout,
    async () => {
      const r = reportCommand({
        system: "examples/x86-stubdoms.yaml",
        output: join(dir, "q.html"),
        lockdownModel: "summit",
        safeList: "v2",
        quiet: true,
      });
      writeFileSync(stdout, r.text ?? "");
    },
  );
  assert.equal(report, "");
  assert.match(readFileSync(stdout, "utf8"), /^wrote .*q\.html/);
});
