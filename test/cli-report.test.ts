import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { getPolicy } from "../src/policy/registry.js";
import { buildModel } from "../src/query/model.js";
import type { ReportData } from "../src/report/report-data.js";
import { ensureBuilt, json, run } from "./support/cli.js";

before(ensureBuilt);
const dir = mkdtempSync(join(tmpdir(), "xenpriv-report-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The data a report page carries, as its app reads it. */
function dataOf(html: string): ReportData {
  const m = html.match(/<script type="application\/json" id="xenpriv-data">([\s\S]*?)<\/script>/);
  assert.ok(m, "no data element");
  return JSON.parse(m[1] as string) as ReportData;
}

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
    const data = dataOf(readFileSync(file, "utf8"));
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
    assert.equal(f?.at, "examples/x86-stubdoms.yaml:6:5");
    assert.equal(f?.frame?.find(([n]) => n === f.frameLine)?.[1].trim(), "- name: dom0");
  });

  test("bad input: no -o, an unknown policy; nothing written", () => {
    assert.equal(run("report").code, 2);
    const bad = run("report", "--vs", "no-such-policy", "-o", join(dir, "bad.html"));
    assert.equal(bad.code, 2);
    assert.equal(bad.out, "");
    assert.ok(!readdirSync(dir).includes("bad.html"));
  });
});
