// Real Arm boards for the tests: the device tree QEMU's `virt` machine hands its guest, written by
// `qemu-system-aarch64 -machine virt,...,dumpdtb=FILE` at test time (scripts/test-setup.mjs installs
// Debian's qemu-system-arm when it is missing).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dtc } from "./devicetree.js";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-qemu-"));

/** The DTB of `-machine virt,<options>` with `smp` CPUs; a missing QEMU fails the test with how to install it. */
export function qemuDtb(options: string, smp: number): string {
  const file = join(dir, `virt-${options.replace(/[^a-z0-9]+/gi, "_")}-${smp}.dtb`);
  const r = spawnSync(
    "qemu-system-aarch64",
    [
      "-machine",
      `virt,${options},dumpdtb=${file}`,
      "-cpu",
      "cortex-a57",
      "-smp",
      String(smp),
      "-m",
      "2G",
      "-nodefaults",
      "-display",
      "none",
    ],
    { encoding: "utf8" },
  );
  if (r.error)
    assert.fail(
      `cannot run \`qemu-system-aarch64\` (${r.error.message}): run \`node scripts/test-setup.mjs\` (npm test runs it first) or \`apt-get install qemu-system-arm\``,
    );
  assert.equal(r.status, 0, `qemu-system-aarch64 -machine virt,${options} failed: ${r.stderr}`);
  return file;
}

/**
 * The same board with Xen's boot description added to its `/chosen` (as a bootloader would), compiled
 * back to a DTB by dtc: the board's nodes are QEMU's, byte for byte what dtc reads from its blob.
 */
export function withChosen(dtb: string, chosen: string, name: string): string {
  const source = dtc(["-q", "-I", "dtb", "-O", "dts", dtb]).toString("utf8");
  const file = join(dir, `${name}.dtb`);
  writeFileSync(
    file,
    dtc(["-q", "-I", "dts", "-O", "dtb", "-"], `${source}\n/ {\n\tchosen {\n${chosen}\n\t};\n};\n`),
  );
  return file;
}

/** The blob, for a test that reads it itself. */
export const bytes = (file: string): Uint8Array => new Uint8Array(readFileSync(file));
