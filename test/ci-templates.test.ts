// The GitHub Action (action.yml) and the GitLab CI template (docs/ci/xenpriv.gitlab-ci.yml): their
// shell steps run here as the runners run them, on the examples, against xenpriv's own answers.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { ensureBuilt, run } from "./support/cli.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "xenpriv-ci-"));
before(ensureBuilt);
after(() => rmSync(dir, { recursive: true, force: true }));

/** The examples a job lints, and what `xenpriv lint` itself says of each. */
const SYSTEMS = "examples/*.yaml examples/*.dts";
const systems = () =>
  readdirSync(join(ROOT, "examples"))
    .filter((f) => /\.(yaml|dts)$/.test(f))
    .sort((a, b) => Number(b.endsWith(".yaml")) - Number(a.endsWith(".yaml")) || a.localeCompare(b))
    .map((f) => `examples/${f}`);
const lintCode = (file: string, failOn: string) =>
  run("lint", file, "--secure-boot", "--fail-on", failOn).code ?? -1;
const sarifResults = (file: string) =>
  (JSON.parse(run("lint", file, "--secure-boot", "-f", "sarif").out) as { runs: { results: unknown[] }[] })
    .runs[0]?.results.length;

/** A GitHub Actions expression as a workflow writes it. */
const expr = (e: string) => `\${{ ${e} }}`;

interface Ran {
  readonly code: number;
  readonly out: string;
}

/** A script as a runner runs it: GitHub's `bash --noprofile --norc -eo pipefail`, GitLab's `sh -e` here. */
function runScript(shell: string[], script: string, env: Record<string, string>): Ran {
  const file = join(dir, `script-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, script);
  const r = spawnSync(shell[0] as string, [...shell.slice(1), file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe("the GitHub Action (action.yml)", () => {
  interface Step {
    id?: string;
    uses?: string;
    if?: string;
    run?: string;
    shell?: string;
    env?: Record<string, string>;
    with?: Record<string, string>;
  }
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
    inputs: Record<string, { default?: string; required?: boolean }>;
    runs: { using: string; steps: Step[] };
  };
  const step = (id: string) => action.runs.steps.find((s) => s.id === id) as Step;
  // the install step's wrapper, in the runner's temporary directory
  const bin = join(dir, "xenpriv-bin");
  const githubPath = join(dir, "github-path");
  const githubOutput = join(dir, "github-output");

  /** Runs a step with the inputs given (the rest at their defaults), as the runner would expand them. */
  function runStep(id: string, inputs: Record<string, string>, path = bin): Ran {
    const s = step(id);
    const values = (name: string) => {
      assert.ok(name in action.inputs, `unknown input ${name}`);
      return inputs[name] ?? action.inputs[name]?.default ?? "";
    };
    const env = Object.fromEntries(
      Object.entries(s.env ?? {}).map(([k, v]) => [
        k,
        v
          .replace(/\$\{\{ inputs\.([\w-]+) \}\}/g, (_, name: string) => values(name))
          .replace(expr("github.action_path"), ROOT)
          .replace(expr("runner.temp"), dir),
      ]),
    );
    for (const v of Object.values(env)) assert.doesNotMatch(v, /\$\{\{/, `${id}: an expression left`);
    return runScript(["bash", "--noprofile", "--norc", "-eo", "pipefail"], s.run as string, {
      ...env,
      GITHUB_PATH: githubPath,
      GITHUB_OUTPUT: githubOutput,
      PATH: path ? `${path}:${process.env.PATH}` : (process.env.PATH ?? ""),
    });
  }

  test("a composite action whose scripts take the inputs only through the environment", () => {
    assert.equal(action.runs.using, "composite");
    for (const s of action.runs.steps.filter((x) => x.run)) {
      assert.equal(s.shell, "bash");
      // no `${{ }}` in a script: an input is never pasted into shell code
      assert.doesNotMatch(s.run as string, /\$\{\{/, s.id);
    }
    assert.equal(action.inputs.systems?.required, true);
    assert.equal(action.inputs["secure-boot"]?.default, "true");
    const upload = action.runs.steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    assert.equal(upload?.with?.sarif_file, expr("inputs.sarif-dir"));
    assert.match(upload?.if ?? "", /steps\.lint\.outputs\.sarif == 'true'/);
    // the command lines are checked and the SARIF uploaded even when lint failed the job
    for (const s of [step("cmdline"), upload]) assert.match(s?.if ?? "", /!cancelled\(\)/);
  });

  test("install puts a `xenpriv` running this checkout on the PATH", () => {
    const r = runStep("install", {}, "");
    assert.equal(r.code, 0, r.out);
    assert.equal(readFileSync(githubPath, "utf8").trim(), bin);
    const version = spawnSync(join(bin, "xenpriv"), ["--version"], { encoding: "utf8" });
    assert.equal(version.stdout.trim(), "0.1.0");
  });

  test("lint: every example under Secure Boot, one SARIF file each with its own category; the exit code is the worst", () => {
    const sarifDir = join(dir, "gh-sarif");
    const files = systems();
    for (const failOn of ["error", "warning"]) {
      rmSync(sarifDir, { recursive: true, force: true });
      writeFileSync(githubOutput, "");
      const r = runStep("lint", { systems: SYSTEMS, "fail-on": failOn, "sarif-dir": sarifDir });
      // the upload step runs when a SARIF file was written
      assert.match(readFileSync(githubOutput, "utf8"), /^sarif=true$/m);
      const codes = files.map((f) => lintCode(f, failOn));
      assert.equal(r.code, Math.max(...codes), r.out);
      files.forEach((f, i) => {
        assert.equal(r.out.includes(`::error file=${f}::`), codes[i] !== 0, `${failOn} ${f}`);
      });
      const written = readdirSync(sarifDir).sort();
      assert.deepEqual(written, files.map((_, i) => `xenpriv-${i + 1}.sarif`).sort());
      files.forEach((f, i) => {
        const sarif = JSON.parse(readFileSync(join(sarifDir, `xenpriv-${i + 1}.sarif`), "utf8")) as {
          version: string;
          runs: { automationDetails?: { id: string }; results: unknown[] }[];
        };
        assert.equal(sarif.version, "2.1.0");
        assert.equal(sarif.runs[0]?.automationDetails?.id, `xenpriv/${f}/`);
        assert.equal(sarif.runs[0]?.results.length, sarifResults(f));
      });
    }
    assert.ok(
      files.some((f) => lintCode(f, "warning") === 1),
      "some example has a warning under Secure Boot",
    );
  });

  test("lint: a path that names no file fails with exit 2", () => {
    writeFileSync(githubOutput, "");
    const r = runStep("lint", { systems: "no-such-dir/*.yaml", "sarif-dir": join(dir, "gh-none") });
    assert.equal(r.code, 2, r.out);
    // nothing to upload
    assert.equal(readFileSync(githubOutput, "utf8"), "");
    assert.deepEqual(readdirSync(join(dir, "gh-none")), []);
  });

  test("cmdline: each line under lockdown; one lockdown drops fails the job, and says which", () => {
    const lines = "console=com1 iommu=off\n\n  console=com1 dom0_mem=2G\n";
    const r = runStep("cmdline", { cmdlines: lines });
    assert.equal(r.code, 1, r.out);
    assert.equal(r.out.match(/fails --fail-on dropped/g)?.length, 1);
    assert.match(r.out, /fails --fail-on dropped: lockdown drops `iommu=off`/);
    assert.match(r.out, /::error::xenpriv cmdline exited with 1 for `console=com1 iommu=off`/);
    assert.equal(r.out.match(/^xen 4\.22\.0 x86; .*Secure Boot on; lockdown on/gm)?.length, 2);
    assert.equal(runStep("cmdline", { cmdlines: "console=com1 dom0_mem=2G" }).code, 0);
    assert.equal(runStep("cmdline", { cmdlines: lines, "cmdline-fail-on": "never" }).code, 0);
    // without Secure Boot, lockdown (summit) stays off and drops nothing
    assert.equal(runStep("cmdline", { cmdlines: lines, "secure-boot": "false" }).code, 0);
    assert.equal(runStep("cmdline", { cmdlines: "console=com1", "cmdline-fail-on": "untrusted" }).code, 1);
  });
});

describe("the GitLab CI template (docs/ci/xenpriv.gitlab-ci.yml)", () => {
  const template = parse(readFileSync(join(ROOT, "docs/ci/xenpriv.gitlab-ci.yml"), "utf8")) as Record<
    string,
    {
      variables: Record<string, string>;
      before_script: string[];
      script: string[];
      artifacts: { paths: string[] };
    }
  >;
  const job = template[".xenpriv"];
  const bin = join(dir, "gl-bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "xenpriv"), `#!/bin/sh\nexec node "${join(ROOT, "dist", "xenpriv.js")}" "$@"\n`);
  chmodSync(join(bin, "xenpriv"), 0o755);

  /** The job's scripts in `sh -e` (Debian's dash: POSIX only), with its variables and these overrides. */
  function runJob(variables: Record<string, string>): Ran {
    assert.ok(job);
    for (const k of Object.keys(variables)) assert.ok(k in job.variables, `unknown variable ${k}`);
    return runScript(["sh", "-e"], [...job.before_script, ...job.script].join("\n"), {
      ...job.variables,
      ...variables,
      PATH: `${bin}:${process.env.PATH}`,
    });
  }

  test("a hidden job to extend, keeping its SARIF files whether it passes or fails", () => {
    assert.ok(job);
    assert.deepEqual(job.artifacts.paths, ["$XENPRIV_SARIF_DIR/"]);
    assert.equal(job.variables.XENPRIV_SECURE_BOOT, "true");
  });

  test("lints the examples and checks the command lines; the exit code is the worst", () => {
    const sarifDir = join(dir, "gl-sarif");
    const files = systems();
    const clean = runJob({ XENPRIV_SYSTEMS: SYSTEMS, XENPRIV_SARIF_DIR: sarifDir });
    assert.equal(clean.code, Math.max(...files.map((f) => lintCode(f, "error"))), clean.out);
    assert.equal(readdirSync(sarifDir).length, files.length);
    const strict = runJob({
      XENPRIV_SYSTEMS: SYSTEMS,
      XENPRIV_SARIF_DIR: sarifDir,
      XENPRIV_FAIL_ON: "warning",
    });
    assert.equal(strict.code, Math.max(...files.map((f) => lintCode(f, "warning"))), strict.out);
    const dropped = runJob({
      XENPRIV_SYSTEMS: "examples/x86-classic.yaml",
      XENPRIV_SARIF_DIR: sarifDir,
      XENPRIV_CMDLINES: "console=com1\nconsole=com1 iommu=off",
    });
    assert.equal(dropped.code, 1, dropped.out);
    assert.match(dropped.out, /fails --fail-on dropped: lockdown drops `iommu=off`/);
    const none = runJob({ XENPRIV_SYSTEMS: "", XENPRIV_SARIF_DIR: sarifDir });
    assert.equal(none.code, 2);
    assert.match(none.out, /no system file in XENPRIV_SYSTEMS/);
  });
});
