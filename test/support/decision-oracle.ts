/**
 * The decision oracle (issue 22 §2): a dom0less system whose every domain runs the project's test
 * kernel (support/test-kernel.ts), each call's return code as Xen gave it, and the comparison with
 * `xenpriv check` on the same device tree. A denial is told from an allowed call by the error the
 * model predicts for the denial: a denied cell must show exactly that error; an allowed one must not
 * show the permission error of its operation (-EPERM, or GNTST_permission_denied in a grant status).
 */

import { evaluate, missingError } from "../../src/query/evaluate.js";
import type { Model } from "../../src/query/model.js";
import { resolveDomain, resolveOp } from "../../src/query/model.js";
import { KERNEL_CALLS } from "./test-kernel.js";

export const DOMID_SELF = 0x7ff0;

/** A domain of the booted system: its node name and the properties beside memory, cpus and vpl011. */
export interface OracleDomain {
  readonly name: string;
  readonly props: string;
  /** built by Xen as dom0 from the top-level kernel module of `/chosen` (control and hardware) */
  readonly dom0?: boolean;
  /** properties or the kernel module left out (the boot-verdict cases) */
  readonly omit?: readonly ("cpus" | "memory" | "kernel")[];
  /** replaces `cpus = <1>;` */
  readonly cpus?: string;
}

export interface OracleSystem {
  readonly id: string;
  /** dom0 first when there is one, then the dom0less domains in tree (and domid) order */
  readonly domains: readonly OracleDomain[];
}

/**
 * The systems booted: the 4.22 split of dom0's roles among dom0less domains (control 0x1, xenstore
 * 0x4) and plain guests; and dom0 (control, hardware and xenstore: a dom0less domain cannot be the
 * hardware domain alone on QEMU's virt board, which has no SMMUv1/v2 for it and no static memory in
 * the default build, xen/common/device-tree/dom0less-bindings.c:44-91 at RELEASE-4.22.0) with a
 * second control domain and guests. Arm has no device-model domain with a target at boot: dom0less
 * offers no binding for one (dom0less-bindings.c).
 */
export const ORACLE_SYSTEMS: readonly OracleSystem[] = [
  {
    id: "control-xenstore-guests",
    domains: [
      { name: "ctl", props: "capabilities = <0x1>;" },
      { name: "xs", props: "capabilities = <0x4>;" },
      { name: "guest1", props: "" },
      { name: "guest2", props: "" },
      { name: "guest3", props: "" },
    ],
  },
  {
    id: "dom0-control-guests",
    domains: [
      { name: "dom0", props: "", dom0: true },
      { name: "ctl", props: "capabilities = <0x1>;" },
      { name: "guest1", props: "" },
      { name: "guest2", props: "" },
    ],
  },
];

/** The domid of the system's first domain: 0 with dom0, else 1 (dom0less domains from 1). */
export const firstDomid = (domains: readonly OracleDomain[]) => (domains[0]?.dom0 ? 0 : 1);

/** The kernel images' load addresses: one 64 KiB slot each from 0x50000000. */
export const kernelAddress = (i: number) => 0x50000000 + i * 0x10000;

/** dom0's memory (`dom0_mem`), on the command line of a system with dom0 */
export const DOM0_MEM = "64M";

/** `/chosen` of the system (DTS body): Xen's command line, dom0's kernel, one dom0less domain per entry. */
export function chosenDts(
  domains: readonly OracleDomain[],
  sizes: readonly number[],
  bootargs: string,
): string {
  const module = (i: number, indent: string) => {
    const at = kernelAddress(i).toString(16);
    return `${indent}module@${at} {
${indent}\tcompatible = "multiboot,kernel", "multiboot,module";
${indent}\treg = <0x0 0x${at} 0x0 0x${(sizes[i] ?? 0).toString(16)}>;
${indent}};`;
  };
  const nodes = domains.map((d, i) =>
    d.dom0
      ? module(i, "\t\t")
      : [
          `\t\t${d.name} {`,
          '\t\t\tcompatible = "xen,domain";',
          "\t\t\t#address-cells = <2>;",
          "\t\t\t#size-cells = <2>;",
          ...(d.omit?.includes("memory") ? [] : ["\t\t\tmemory = <0x0 0x4000>;"]),
          ...(d.omit?.includes("cpus") ? [] : [`\t\t\t${d.cpus ?? "cpus = <1>;"}`]),
          "\t\t\tvpl011;",
          `\t\t\t${d.props}`,
          ...(d.omit?.includes("kernel") ? [] : [module(i, "\t\t\t")]),
          "\t\t};",
        ].join("\n"),
  );
  return `\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\txen,xen-bootargs = "${bootargs}";\n${nodes.join("\n")}`;
}

/** One call as the kernel printed it. */
export interface Outcome {
  /** the caller's index among the domains */
  readonly src: number;
  /** its number in KERNEL_CALLS */
  readonly call: number;
  /** the domid it was made on (DOMID_SELF: 32752) */
  readonly target: number;
  readonly rc: number;
  readonly status: number;
}

/** The tag the kernel ends each line with: FNV-1a over the numbers as 32-bit words (main.c: tag). */
export function lineTag(values: readonly number[]): number {
  let h = 2166136261;
  for (const v of values) h = Math.imul((h ^ v) >>> 0, 16777619) >>> 0;
  return h >>> 0;
}

/**
 * The kernels that said they were done, counted on the raw serial log: whole lines only, so that a
 * boot is not stopped while the last `done` line is still on its way.
 */
export const doneLines = (log: string) => log.match(/XP \d+ done \d+ \d+\r?\n/g)?.length ?? 0;

const LINE = /XP (\d+) (\d+) (\d+) (-?\d+) (-?\d+) (\d+)$/;
const DONE = /XP (\d+) done (\d+) (\d+)$/;

/**
 * The outcomes in a serial log (Xen prefixes a domU's lines with `DOMn: `, not dom0's), which domains
 * finished and how many calls each said it made; a line whose tag does not match its numbers (damaged
 * on the way) is counted in `damaged`, never read.
 */
export function readOutcomes(lines: readonly string[]): {
  outcomes: Outcome[];
  done: number[];
  made: Map<number, number>;
  damaged: number;
} {
  const outcomes: Outcome[] = [];
  const done: number[] = [];
  const made = new Map<number, number>();
  let damaged = 0;
  for (const l of lines) {
    const m = LINE.exec(l);
    if (m) {
      const v = m.slice(1, 6).map(Number) as [number, number, number, number, number];
      if (lineTag(v) !== Number(m[6])) damaged++;
      else {
        const [src, call, target, rc, status] = v;
        outcomes.push({ src, call, target, rc, status });
      }
      continue;
    }
    const d = DONE.exec(l);
    if (d) {
      const v = [Number(d[1]), Number(d[2])];
      if (lineTag(v) !== Number(d[3])) damaged++;
      else {
        done.push(v[0] as number);
        made.set(v[0] as number, v[1] as number);
      }
    } else if (/XP \d/.test(l)) damaged++;
  }
  return { outcomes, done, made, damaged };
}

const ERRNO: Readonly<Record<string, number>> = {
  "-EPERM": -1,
  "-ESRCH": -3,
  "-EFAULT": -14,
  "-EACCES": -13,
  "-EINVAL": -22,
  "-ENOSYS": -38,
  "-EOPNOTSUPP": -95,
};

export interface Cell {
  readonly policy: string;
  readonly src: string;
  readonly op: string;
  /** the target's name, `DOMID_SELF`, or null */
  readonly target: string | null;
  readonly xen: string;
  readonly model: string;
  readonly agree: boolean;
  readonly explanation?: string;
}

/** Each outcome against the model of `policy` (its domains in the booted order). */
export function compareOutcomes(
  model: Model,
  domains: readonly OracleDomain[],
  outcomes: readonly Outcome[],
): Cell[] {
  return outcomes.map((o) => {
    const spec = KERNEL_CALLS[o.call];
    const srcName = domains[o.src]?.name;
    if (!spec || !srcName) throw new Error(`an outcome names call ${o.call} of domain ${o.src}: no such`);
    const op = resolveOp(model, spec.op);
    const src = resolveDomain(model, srcName);
    const targetName = !spec.targeted
      ? null
      : o.target === DOMID_SELF
        ? srcName
        : domains[o.target - firstDomid(domains)]?.name;
    if (targetName === undefined) throw new Error(`an outcome names domid ${o.target}: no such domain`);
    const target = targetName === null ? null : resolveDomain(model, targetName);
    // DOMID_SELF through a lookup that does not resolve it (domctl's) is a domain not found: the
    // catalogue's lookup says with which error (lookups.json: missingError, nonControlError)
    const lookup = op.target.kind === "domain" ? model.lookups.get(op.target.lookup) : undefined;
    const site = op.target.kind === "domain" ? op.target.missingError : undefined;
    const unresolved = o.target === DOMID_SELF && spec.targeted && lookup?.domidSelf === false;
    const d = unresolved
      ? {
          decision: "deny" as const,
          error: missingError(lookup, src, model.system.build, site),
          steps: [{ what: `${lookup.name} does not resolve DOMID_SELF [${lookup.ref}]`, value: false }],
        }
      : evaluate(model, op, src, target, {});
    // how the call shows a denial (KERNEL_CALLS: outcome): its return code, a grant status, or a
    // xen_version string that came back "<denied>" or all zero (status 1)
    const how = spec.outcome ?? "rc";
    const seen = how === "rc" ? o.rc : o.status;
    const xen = how === "rc" ? `rc ${o.rc}` : `rc ${o.rc} ${how} ${o.status}`;
    const denied = d.decision === "deny";
    const expected =
      how === "grant status"
        ? d.error === "GNTST_permission_denied"
          ? -8
          : undefined
        : how === "denied string"
          ? d.error === '"<denied>"'
            ? 1
            : undefined
          : how === "zeroed"
            ? d.error === "zeroed"
              ? 1
              : undefined
            : d.error === "0"
              ? 0
              : d.error
                ? ERRNO[d.error]
                : undefined;
    // an allowed call must not show what the operation's permission check shows when it refuses
    const xsmDenial = op.checks.find((c) => c.kind === "xsm")?.denial;
    const permissionError = how === "grant status" ? -8 : how !== "rc" ? 1 : xsmDenial === "0" ? 0 : -1;
    const agree = denied ? expected !== undefined && seen === expected : seen !== permissionError;
    const why = d.steps
      .filter((s) => "value" in s)
      .map((s) => `${"value" in s && s.value ? "✔" : "✘"} ${s.what}`)
      .join("; ");
    return {
      policy: model.policy.name,
      src: srcName,
      op: spec.op,
      target: o.target === DOMID_SELF && spec.targeted ? "DOMID_SELF" : targetName,
      xen,
      model: denied ? `deny ${d.error ?? "?"}` : "allow",
      agree,
      ...(!agree && { explanation: why }),
    };
  });
}
