/**
 * Issue 23's reproducer: `matrix -f json` on 17,000 domains crashed (`RangeError: Invalid string
 * length`, exit 3) because the whole output was one string, longer than V8's longest. It is streamed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { CLI, ensureBuilt } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-scale-"));
before(ensureBuilt);
after(() => rmSync(dir, { recursive: true, force: true }));

/** `n` domains: dom0, a xenstore domain, then HVM guests each with its device-model stub domain. */
function system(n: number): string {
  const lines = ["xen: 4.22.0", "xsm: dummy", "domains:", "  - {name: dom0, domid: 0}"];
  lines.push("  - {name: xs, domid: 1, caps: [xenstore], type: pvh}");
  for (let d = 2; d < n; d += 2) {
    lines.push(`  - {name: hvm${d}, domid: ${d}, type: hvm}`);
    if (d + 1 < n) lines.push(`  - {name: qemu${d + 1}, domid: ${d + 1}, target: hvm${d}}`);
  }
  const path = join(dir, `system-${n}.yaml`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** How many times `needle` occurs in a file, read a MiB at a time. */
function count(path: string, needle: string): number {
  const fd = openSync(path, "r");
  const buf = Buffer.alloc(1 << 20);
  let n = 0;
  let carry = "";
  for (let got = readSync(fd, buf); got > 0; got = readSync(fd, buf)) {
    const text = carry + buf.toString("latin1", 0, got);
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
    carry = text.slice(-(needle.length - 1));
  }
  closeSync(fd);
  return n;
}

test("matrix -f json on 17,000 domains writes its 4 million cells, more text than one string holds", () => {
  const out = join(dir, "matrix.json");
  const fd = openSync(out, "w");
  const r = spawnSync(process.execPath, [CLI, "matrix", "--system", system(17_000), "-f", "json"], {
    stdio: ["ignore", fd, "pipe"],
    encoding: "utf8",
  });
  closeSync(fd);
  assert.equal(r.stderr, "");
  assert.equal(r.status, 0);
  assert.ok(statSync(out).size > 0x1fffffe8, "longer than V8's longest string");
  const ops = spawnSync(process.execPath, [CLI, "ops", "-f", "json"], { encoding: "utf8" });
  const nOps = (JSON.parse(ops.stdout) as { operations: unknown[] }).operations.length;
  assert.equal(count(out, '\n        "domain": '), 17_000 * nOps);
  const fdr = openSync(out, "r");
  const head = Buffer.alloc(64);
  readSync(fdr, head, 0, 64, 0);
  const tail = Buffer.alloc(24);
  readSync(fdr, tail, 0, 24, statSync(out).size - 24);
  closeSync(fdr);
  assert.match(head.toString(), /^\{\n {2}"version": 1,\n {2}"kind": "matrix",/);
  assert.match(tail.toString(), /\n {6}}\n {4}]\n {2}]\n}\n$/);
});
