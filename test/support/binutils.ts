// The PE tests' oracle: GNU binutils' `objdump -h` and `objcopy -O binary --only-section`. A missing
// binutils fails the test with how to install it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PeSection } from "../../src/pe/read-pe.js";

function run(
  tool: string,
  args: readonly string[],
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(tool, args, { encoding: "latin1", maxBuffer: 1 << 26 });
  if (r.error) {
    assert.fail(
      `cannot run \`${tool}\` (${r.error.message}): run \`node scripts/test-setup.mjs\` (npm test runs it first) or \`apt-get install binutils\``,
    );
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A line of `objdump -h`: the fields the PE reader must match. */
export interface ObjdumpSection {
  readonly name: string;
  readonly size: number;
  readonly vma: bigint;
  readonly lma: bigint;
  readonly fileOffset: number;
}

/** The reader's section table in the shape of `objdump -h` (a PE image has LMA = VMA). */
export function asObjdump(sections: readonly PeSection[]): ObjdumpSection[] {
  return sections.map((s) => ({
    name: s.name,
    size: s.size,
    vma: s.vma,
    lma: s.vma,
    fileOffset: s.fileOffset,
  }));
}

/** `objdump -h FILE`, parsed; `undefined` when objdump does not recognise the file. */
export function objdumpSections(file: string): ObjdumpSection[] | undefined {
  const r = run("objdump", ["-h", file]);
  if (r.status !== 0) return undefined;
  const out: ObjdumpSection[] = [];
  for (const m of r.stdout.matchAll(
    /^\s+\d+ (\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+2\*\*\d+$/gm,
  )) {
    out.push({
      name: m[1] as string,
      size: Number.parseInt(m[2] as string, 16),
      vma: BigInt(`0x${m[3]}`),
      lma: BigInt(`0x${m[4]}`),
      fileOffset: Number.parseInt(m[5] as string, 16),
    });
  }
  return out;
}

/** What `objcopy -O binary --only-section=NAME FILE OUT` writes to OUT. */
export function objcopySection(file: string, name: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-objcopy-"));
  try {
    const out = join(dir, "out.bin");
    const r = run("objcopy", ["-O", "binary", `--only-section=${name}`, file, out]);
    assert.equal(r.status, 0, `objcopy --only-section=${name} ${file} failed: ${r.stderr}`);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes bytes to a fresh temporary file for the tools; `cleanup` removes it. */
export function tempFile(bytes: Uint8Array, name = "image.efi"): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-pe-"));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
