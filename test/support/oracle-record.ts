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
  arch: z.enum(["arm64", "x86_64"]),
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
  /**
   * where the warnings were read: the serial console (arm64), or the console ring read out of the
   * machine held at its panic (x86_64, whose warnings never reach the serial port); absent: serial
   */
  source: z.enum(["serial", "console ring"]).optional(),
  /** x86_64: the parse warnings the serial console showed, over all boots (none: they precede it) */
  serialWarnings: z.number().optional(),
  /** lines whose boot never showed their warnings, with how the boot ended */
  unobserved: z.array(z.strictObject({ line: z.string(), end: z.string(), tail: z.array(z.string()) })),
});
export type CmdlineRecord = z.infer<typeof CmdlineRecord>;

export const DecisionRecord = z.strictObject({
  oracle: z.literal("decisions"),
  run: RunFacts,
  /** the test kernel's calls, by number (test/support/test-kernel.ts) */
  calls: z.array(z.string()),
  boots: z.array(
    z.strictObject({
      system: z.string(),
      /** the XSM module chosen on the command line */
      policy: z.string(),
      /** the body of `/chosen` that Xen booted (the rest of the tree is QEMU's virt board) */
      chosen: z.string(),
      /** the domains that printed all their calls, by index */
      done: z.array(z.number()),
      /** the calls the domains that finished said they made */
      made: z.number(),
      /** kernel lines whose tag did not match their numbers (damaged on the console), not read */
      damaged: z.number(),
      /** [caller index, call, target domid, rc, status] */
      outcomes: z.array(z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()])),
      /** the panic, when Xen panicked */
      panic: z.array(z.string()).optional(),
    }),
  ),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;

export const VerdictRecord = z.strictObject({
  oracle: z.literal("verdicts"),
  run: RunFacts,
  cases: z.array(
    z.strictObject({
      /** the case (test/support/boot-verdicts.ts) and the boot rule it breaks, or `clean` */
      id: z.string(),
      rule: z.string(),
      /** the body of `/chosen` that Xen booted */
      chosen: z.string(),
      /** Xen's panic, the lines between its banners */
      panic: z.array(z.string()).optional(),
      /** the domains whose kernel said it was up */
      up: z.number(),
      /** how the boot ended (stopped: a panic or every domain up) */
      end: z.string(),
    }),
  ),
});
export type VerdictRecord = z.infer<typeof VerdictRecord>;

export function readVerdictRecord(path: string): VerdictRecord {
  return VerdictRecord.parse(JSON.parse(readFileSync(path, "utf8")));
}

export function readDecisionRecord(path: string): DecisionRecord {
  return DecisionRecord.parse(JSON.parse(readFileSync(path, "utf8")));
}

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
