/**
 * The project's own arm64 test kernel (test/fixtures/boot-kernel: C and assembly, no Xen code),
 * built with Debian's cross gcc into a raw arm64 `Image`, and one copy per domain with its
 * `xp_config` (magic "XPCF", the domain's index, the number of domains) patched in.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../fixtures/boot-kernel/", import.meta.url));
const MAGIC = Buffer.from("XPCF", "latin1");

/** The calls the kernel makes, by their number in `enum call` (main.c), as catalogue operations. */
export const KERNEL_CALLS = [
  { op: "xen_version/version", targeted: false },
  { op: "console_io/write", targeted: false },
  { op: "domctl/getdomaininfo", targeted: true },
  { op: "memory_op/current_reservation", targeted: true },
  { op: "memory_op/maximum_reservation", targeted: true },
  /** its outcome is the status field */
  { op: "grant_table_op/query_size", targeted: true },
  { op: "event_channel_op/status", targeted: true },
] as const;

function run(cmd: string, args: readonly string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error || r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} failed: ${r.error?.message ?? r.stderr}`);
}

/** Builds the kernel; returns the image's bytes. */
export function buildTestKernel(): Buffer {
  const out = mkdtempSync(join(tmpdir(), "xenpriv-kernel-"));
  const cc = "aarch64-linux-gnu-gcc";
  const flags = ["-O2", "-ffreestanding", "-fno-builtin", "-fno-strict-aliasing", "-nostdlib"];
  run(cc, [
    ...flags,
    "-fno-stack-protector",
    "-fpie",
    "-mgeneral-regs-only",
    "-Wall",
    "-Werror",
    "-c",
    join(SRC, "main.c"),
    "-o",
    join(out, "main.o"),
  ]);
  run(cc, ["-c", join(SRC, "start.S"), "-o", join(out, "start.o")]);
  run("aarch64-linux-gnu-ld", [
    "-T",
    join(SRC, "kernel.ld"),
    "-pie",
    "--no-dynamic-linker",
    "--no-warn-rwx-segments",
    "-o",
    join(out, "k.elf"),
    join(out, "start.o"),
    join(out, "main.o"),
  ]);
  run("aarch64-linux-gnu-objcopy", ["-O", "binary", join(out, "k.elf"), join(out, "k.img")]);
  return readFileSync(join(out, "k.img"));
}

/** A copy of `image` for domain `index` of `count`, written to `file`. */
export function kernelFor(image: Buffer, index: number, count: number, file: string): string {
  const at = image.indexOf(MAGIC);
  if (at < 0 || image.indexOf(MAGIC, at + 1) >= 0) throw new Error("the test kernel has no single xp_config");
  const copy = Buffer.from(image);
  copy.writeUInt32LE(index, at + 4);
  copy.writeUInt32LE(count, at + 8);
  writeFileSync(file, copy);
  return file;
}
