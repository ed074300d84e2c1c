/**
 * The recorded outcomes of `npm run test:boot` (issue 22 §5): what a real Xen did, reduced to facts,
 * with what it was (the tree's commit, the build's configuration, the compiler) and how it ran (QEMU's
 * version, machine and CPU). They are written under test/oracle/xen-<version>/, committed, and
 * replayed by `npm test` without QEMU or a Xen tree.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const ORACLE_DIR = fileURLToPath(new URL("../oracle/", import.meta.url));

export const RunFacts = z.strictObject({
  /** `4.22.0` */
  xen: z.string(),
  /** the tree's commit ("" without git) */
  commit: z.string(),
  /** `git <commit>` or `files <sha256>` (test/support/xen-build.ts) */
  tree: z.string(),
  arch: z.literal("arm64"),
  build: z.strictObject({
    /** the make target the configuration came from */
    target: z.string(),
    compiler: z.string(),
    /** the `CONFIG_…=` lines of the build's .config */
    config: z.array(z.string()),
  }),
  qemu: z.strictObject({
    version: z.string(),
    machine: z.string(),
    cpu: z.string(),
    smp: z.number(),
    memory: z.string(),
  }),
  /** when the run was made (ISO date) */
  date: z.string(),
});
export type RunFacts = z.infer<typeof RunFacts>;

export const CmdlineRecord = z.strictObject({
  oracle: z.literal("cmdline"),
  run: RunFacts,
  /** the seed of the random lines, and how many */
  seed: z.number(),
  random: z.number(),
  boots: z.number(),
  /** each line, and the warnings Xen printed for it */
  cases: z.array(z.strictObject({ line: z.string(), warnings: z.array(z.string()) })),
  /** lines whose boot never showed their warnings, with how the boot ended */
  unobserved: z.array(z.strictObject({ line: z.string(), end: z.string(), tail: z.array(z.string()) })),
});
export type CmdlineRecord = z.infer<typeof CmdlineRecord>;

/** The Xen versions with recorded outcomes (folders `xen-<version>`). */
export function recordedVersions(dir = ORACLE_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.startsWith("xen-"))
    .map((e) => e.name.slice(4))
    .sort();
}

export function recordPath(xen: string, name: string, dir = ORACLE_DIR): string {
  return join(dir, `xen-${xen}`, name);
}

export function readCmdlineRecord(path: string): CmdlineRecord {
  return CmdlineRecord.parse(JSON.parse(readFileSync(path, "utf8")));
}
