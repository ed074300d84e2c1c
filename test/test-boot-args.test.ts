/**
 * `npm run test:boot` takes `--quiet` (no progress line on a terminal, handed on to
 * scripts/boot-oracle.ts) and nothing else; the boots themselves need a Xen tree (README).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";

function testBoot(...args: string[]) {
  const env = { ...process.env };
  delete env.XEN_SRC;
  return spawnSync(process.execPath, ["scripts/test-boot.mjs", ...args], { encoding: "utf8", env });
}

test("test:boot takes --quiet and -q, and goes on to ask for XEN_SRC", () => {
  for (const flag of ["--quiet", "-q"]) {
    const r = testBoot(flag);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^test:boot: XEN_SRC is not set/);
    assert.match(r.stderr, /npm run test:boot \[-- --quiet\]/);
    assert.equal(r.stdout, "");
  }
});

test("test:boot refuses an argument it does not know, before anything is built or installed", () => {
  const r = testBoot("--verbose");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^test:boot: unknown argument `--verbose`/);
  assert.equal(r.stdout, "");
});
