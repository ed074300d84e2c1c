// Helpers for the device-tree tests: fixtures, the dtc oracle, trees as plain data, InputError checks.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../../src/core/diagnostic.js";
import { InputError } from "../../src/core/errors.js";
import type { DeviceTree, DtNode } from "../../src/devicetree/device-tree.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/devicetree/", import.meta.url));

/** Path of a fixture under test/fixtures/devicetree/. */
export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** Runs Debian's `dtc`, the oracle; a missing dtc fails the test with how to install it. */
export function dtc(args: readonly string[], input?: Uint8Array | string): Buffer {
  const r = spawnSync("dtc", args, { input, maxBuffer: 1 << 26 });
  if (r.error) {
    assert.fail(
      `cannot run \`dtc\` (${r.error.message}): run \`node scripts/test-setup.mjs\` (npm test runs it first) or \`apt-get install device-tree-compiler\``,
    );
  }
  assert.equal(r.status, 0, `dtc ${args.join(" ")} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/** `dtc --version`, e.g. `DTC 1.6.1`. */
export function dtcVersion(): string {
  return dtc(["--version"]).toString().replace("Version:", "").trim();
}

export interface NodeShape {
  name: string;
  phandle?: number;
  props: [string, string][];
  children: NodeShape[];
}

/** A node as plain data: names, property bytes in hex, phandles, children, in order. */
export function nodeShape(n: DtNode): NodeShape {
  return {
    name: n.name,
    ...(n.phandle !== undefined && { phandle: n.phandle }),
    props: n.properties.map((p) => [p.name, Buffer.from(p.bytes).toString("hex")]),
    children: n.children.map(nodeShape),
  };
}

/** What dtc's DTB holds of a tree: the memory reservations, the boot CPU and the nodes. */
export function shape(t: DeviceTree): { memReserves: string[]; bootCpuId: number; root: NodeShape } {
  return {
    memReserves: t.memReserves.map((r) => `${r.address.toString(16)}+${r.size.toString(16)}`),
    bootCpuId: t.bootCpuId,
    root: nodeShape(t.root),
  };
}

/** Runs `fn`, which must throw an InputError, and returns its diagnostics. */
export function inputError(fn: () => unknown): readonly Diagnostic[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics;
    assert.fail(`expected an InputError, got ${(e as Error)?.stack ?? String(e)}`);
  }
  assert.fail("expected an InputError, but nothing was thrown");
}

/**
 * The first diagnostic of the InputError `fn` throws: its code, message, and where, as
 * `file:line:column` (file base name) for text or `file@offset` (decimal) for a DTB.
 */
export function firstError(fn: () => unknown): { code: string; at: string; message: string } {
  const d = inputError(fn)[0];
  assert.ok(d?.span, "the InputError has a diagnostic with a span");
  const s = d.span;
  const at = s.line === 0 ? `${basename(s.file)}@${s.offset}` : `${basename(s.file)}:${s.line}:${s.column}`;
  return { code: d.code, at, message: d.message };
}
