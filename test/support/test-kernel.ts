/**
 * The project's own arm64 test kernel (test/fixtures/boot-kernel: C and assembly, no Xen code),
 * built with Debian's cross gcc into a raw arm64 `Image`, and one copy per domain with its
 * `xp_config` (magic "XPCF", the domain's index, the number of domains, flags) patched in.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../fixtures/boot-kernel/", import.meta.url));
const MAGIC = Buffer.from("XPCF", "latin1");

/**
 * How a call's outcome is read: its return code, or the status the kernel prints beside it (a grant
 * operation's status field; 1 when xen_version's string came back as `"<denied>"`, or all zero).
 */
export type Outcome = "rc" | "grant status" | "denied string" | "zeroed";

/** The calls the kernel makes, by their number in `enum call` (main.c), as catalogue operations. */
export const KERNEL_CALLS: readonly { op: string; targeted: boolean; outcome?: Outcome }[] = [
  { op: "xen_version/version", targeted: false },
  { op: "console_io/write", targeted: false },
  { op: "domctl/getdomaininfo", targeted: true },
  { op: "memory_op/current_reservation", targeted: true },
  { op: "memory_op/maximum_reservation", targeted: true },
  { op: "grant_table_op/query_size", targeted: true, outcome: "grant status" },
  { op: "event_channel_op/status", targeted: true },
  { op: "domctl/getvcpuinfo", targeted: true },
  { op: "domctl/unpausedomain", targeted: true },
  { op: "domctl/get_domain_state", targeted: true },
  { op: "domctl/resumedomain", targeted: true },
  { op: "domctl/setdebugging", targeted: true },
  { op: "domctl/scheduler_op", targeted: true },
  { op: "domctl/getvcpuaffinity", targeted: true },
  { op: "domctl/setvcpuaffinity", targeted: true },
  { op: "domctl/max_vcpus", targeted: true },
  { op: "domctl/getnodeaffinity", targeted: true },
  { op: "domctl/cacheflush", targeted: true },
  { op: "domctl/get_paging_mempool_size", targeted: true },
  { op: "domctl/vuart_op", targeted: true },
  { op: "memory_op/maximum_gpfn", targeted: true },
  { op: "memory_op/get_vnumainfo", targeted: true },
  { op: "memory_op/claim_pages", targeted: true },
  { op: "memory_op/acquire_resource", targeted: true },
  { op: "memory_op/add_to_physmap", targeted: true },
  { op: "memory_op/remove_from_physmap", targeted: true },
  { op: "grant_table_op/get_version", targeted: true },
  { op: "grant_table_op/setup_table", targeted: true, outcome: "grant status" },
  { op: "event_channel_op/reset", targeted: true },
  { op: "hvm_op/get_param/arm", targeted: true },
  { op: "xen_version/extraversion", targeted: false, outcome: "denied string" },
  { op: "xen_version/compile_info", targeted: false, outcome: "denied string" },
  { op: "xen_version/capabilities", targeted: false, outcome: "zeroed" },
  { op: "xen_version/changeset", targeted: false, outcome: "denied string" },
  { op: "xen_version/pagesize", targeted: false },
  { op: "xen_version/commandline", targeted: false, outcome: "denied string" },
  { op: "xen_version/build_id", targeted: false },
  { op: "xen_version/extraversion2", targeted: false },
  { op: "xen_version/changeset2", targeted: false },
  { op: "xen_version/commandline2", targeted: false },
  { op: "console_io/read", targeted: false },
  { op: "sched_op/pin_override", targeted: false },
  { op: "sysctl/physinfo", targeted: false },
  { op: "sysctl/sched_id", targeted: false },
  { op: "sysctl/getcpuinfo", targeted: false },
  { op: "sysctl/availheap", targeted: false },
  { op: "sysctl/cputopoinfo", targeted: false },
  { op: "sysctl/numainfo", targeted: false },
  { op: "sysctl/readconsole", targeted: false },
  { op: "sysctl/cpupool_op", targeted: false },
  { op: "sysctl/debug_keys", targeted: false },
  { op: "hypfs_op", targeted: false },
  { op: "xsm_op", targeted: false },
];

/** xp_config flags (main.c): print through console_io (dom0 has no vpl011); the domids start at 0. */
export const XP_HYPERCALL_CONSOLE = 1;
export const XP_FIRST_DOMID_0 = 2;
/** no call: the domain only says it is up (`XP <i> done 0`), for the boot verdicts */
export const XP_ONLY_DONE = 4;

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

/** A copy of `image` for domain `index` of `count` (with `flags`), written to `file`. */
export function kernelFor(image: Buffer, index: number, count: number, flags: number, file: string): string {
  const at = image.indexOf(MAGIC);
  if (at < 0 || image.indexOf(MAGIC, at + 1) >= 0) throw new Error("the test kernel has no single xp_config");
  const copy = Buffer.from(image);
  copy.writeUInt32LE(index, at + 4);
  copy.writeUInt32LE(count, at + 8);
  copy.writeUInt32LE(flags, at + 12);
  writeFileSync(file, copy);
  return file;
}
