import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { getPolicy } from "../src/policy/registry.js";
import { buildModel } from "../src/query/model.js";
import { XEN_SOURCE_URL } from "../src/report/xen-source-link.js";
import { ensureBuilt, json, run } from "./support/cli.js";
import { reportData } from "./support/report-page.js";

before(ensureBuilt);
const dir = mkdtempSync(join(tmpdir(), "xenpriv-report-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("xenpriv report", () => {
  test("one self-contained file: nothing to fetch, scripts and data inline, network forbidden", () => {
    const file = join(dir, "stubdoms.html");
    const r = json("report", "-s", "examples/x86-stubdoms.yaml", "--vs", "hw-priv-v1", "-o", file);
    assert.equal(r.code, 0);
    const html = readFileSync(file, "utf8");
    assert.equal(r.value.bytes, Buffer.byteLength(html));
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none';/);
    assert.doesNotMatch(html, /<(script|img|iframe)[^>]*\ssrc=|<link\b/i);
    // exactly two script elements, the data and the app: nothing in the data can close one early
    assert.equal(html.match(/<\/script>/g)?.length, 2);
  });

  test("the matrix in the page: one cell per domain and operation, the diff policy's beside it", () => {
    const file = join(dir, "cells.html");
    assert.equal(run("report", "-s", "examples/x86-stubdoms.yaml", "--vs", "hw-priv-v1", "-o", file).code, 0);
    const data = reportData(readFileSync(file, "utf8"));
    assert.equal(data.policy, "dummy");
    assert.equal(data.vs?.policy, "hw-priv-v1");
    // the page's columns are the model's operations, as its app rebuilds them
    const { ops } = buildModel(data.catalogue, data.system, getPolicy(data.policy));
    const bytes = Buffer.from(data.cells, "base64");
    const codes = Uint16Array.from({ length: bytes.length / 2 }, (_, i) => bytes.readUInt16LE(2 * i));
    assert.equal(codes.length, data.system.domains.length * ops.length);
    const label = (domain: string, op: string) => {
      const s = data.system.domains.findIndex((d) => d.name === domain);
      const o = ops.findIndex((x) => x.id === op);
      return data.labels[codes[s * ops.length + o] as number];
    };
    // dom0 pauses every other domain; a device model may act on its own guest only
    assert.equal(label("dom0", "domctl/pausedomain"), "all");
    assert.equal(label("web", "domctl/pausedomain"), "-");
    assert.equal(label("qemu-web", "dm_op"), "tgt");
    // a finding carries the lines of its file around its span
    const f = data.findings.find((x) => x.code === "control-is-hardware");
    assert.equal(f?.at, "examples/x86-stubdoms.yaml:7:5");
    assert.equal(f?.frame?.find(([n]) => n === f.frameLine)?.[1].trim(), "- name: dom0");
  });

  test("with --vs, the diff's counts and one witness per changed cell, as `xenpriv diff` finds them", () => {
    const file = join(dir, "diff.html");
    const args = ["-s", "examples/seed-hwdom-qemu.yaml"];
    assert.equal(run("report", ...args, "--vs", "hw-priv-v1", "-o", file).code, 0);
    const vs = reportData(readFileSync(file, "utf8")).vs;
    const diff = json("diff", ...args, "-p", "dummy", "--vs", "hw-priv-v1").value as {
      changes: { kind: string; domain: string; op: string; target: string | null }[];
    };
    assert.equal(vs?.widened, diff.changes.filter((c) => c.kind === "widened").length);
    assert.equal(vs?.narrowed, diff.changes.filter((c) => c.kind === "narrowed").length);
    const cells = new Set(diff.changes.map((c) => `${c.domain} ${c.op} ${c.kind}`));
    assert.equal(vs?.witnesses.length, cells.size);
    for (const w of vs?.witnesses ?? [])
      assert.ok(diff.changes.some((c) => c.domain === w.domain && c.op === w.op && c.target === w.target));
  });

  test("with --cmdline, what lockdown does to each option, as `xenpriv cmdline` says", () => {
    const file = join(dir, "lockdown.html");
    const line = "console=com1 iommu=off loglvl=all";
    const r = run(
      "report",
      "-s",
      "examples/x86-classic.yaml",
      "--secure-boot",
      "--cmdline",
      line,
      "-o",
      file,
    );
    assert.equal(r.code, 0);
    assert.match(r.out, /command line of 3 option\(s\) with lockdown on/);
    const lockdown = reportData(readFileSync(file, "utf8")).lockdown;
    const cmdline = json("cmdline", "--secure-boot", ...line.split(" ")).value as {
      tokens: { text: string; status: string }[];
    };
    assert.deepEqual(
      lockdown?.tokens.map((t) => [t.text, t.status]),
      cmdline.tokens.map((t) => [t.text, t.status]),
    );
    assert.ok(lockdown?.tokens.some((t) => t.status === "dropped"));
    // on Arm the line stands for /chosen's xen,xen-bootargs
    const arm = join(dir, "arm.html");
    assert.equal(
      run("report", "-s", "examples/arm-dom0less-split.dts", "--cmdline", "iommu=off", "-o", arm).code,
      0,
    );
    assert.deepEqual(
      reportData(readFileSync(arm, "utf8")).lockdown?.tokens.map((t) => t.source),
      ["dt-bootargs"],
    );
  });

  test("bad input: no -o, an unknown policy or lockdown model, no option catalogue; nothing written", () => {
    assert.equal(run("report").code, 2);
    const out = join(dir, "bad.html");
    for (const args of [
      ["--vs", "no-such-policy"],
      ["--cmdline", "iommu=off", "--lockdown-model", "no-such-model"],
      ["--cmdline", "iommu=off", "--xen", "catalogues/extracted/xen-4.20.0.json"],
      ["--xen-source-url", "https://example.org/{commit}/{path}"],
    ]) {
      const bad = run("report", ...args, "-o", out);
      assert.equal(bad.code, 2, args.join(" "));
      assert.equal(bad.out, "");
      assert.doesNotMatch(bad.err, /\n\s+at /);
      assert.ok(!readdirSync(dir).includes("bad.html"));
    }
  });

  test("Xen's lines are linked at the catalogue's commit: xenbits' gitweb by default, or --xen-source-url", () => {
    const file = join(dir, "links.html");
    assert.equal(run("report", "-o", file).code, 0);
    const commit = JSON.parse(readFileSync("catalogues/xen-4.22.0/meta.json", "utf8")).meta.commit as string;
    assert.deepEqual(reportData(readFileSync(file, "utf8")).source, { url: XEN_SOURCE_URL, commit });
    const gitlab = "https://gitlab.com/xen-project/xen/-/blob/{commit}/{path}#L{line}";
    assert.equal(run("report", "--xen-source-url", gitlab, "-o", file).code, 0);
    assert.deepEqual(reportData(readFileSync(file, "utf8")).source, { url: gitlab, commit });
    const bad = run(
      "report",
      "--xen-source-url",
      "https://example.org/{path}",
      "-o",
      join(dir, "no-line.html"),
    );
    assert.equal(bad.code, 2);
    assert.match(bad.err, /names no \{line\}/);
  });
});
