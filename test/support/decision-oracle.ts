/**
 * The decision oracle (issue 22 §2): a dom0less system whose every domain runs the project's test
 * kernel (support/test-kernel.ts), each call's return code as Xen gave it, and the comparison with
 * `xenpriv check` on the same device tree. A denial is told from an allowed call by the error the
 * model predicts for the denial: a denied cell must show exactly that error; an allowed one must not
 * show the permission error of its operation (-EPERM, or GNTST_permission_denied in a grant status).
 */

import { evaluate } from "../../src/query/evaluate.js";
import type { Model } from "../../src/query/model.js";
import { resolveDomain, resolveOp } from "../../src/query/model.js";
import { KERNEL_CALLS } from "./test-kernel.js";

export const DOMID_SELF = 0x7ff0;

/** A domain of the booted system: its node name and the properties beside memory, cpus and vpl011. */
export interface OracleDomain {
  readonly name: string;
  readonly props: string;
}

/** The systems booted: the 4.22 split of dom0's roles among dom0less domains, and plain guests. */
export const ORACLE_SYSTEMS: readonly { readonly id: string; readonly domains: readonly OracleDomain[] }[] = [
  {
    id: "control-xenstore-guests",
    domains: [
      { name: "ctl", props: "capabilities = <0x1>;" },
      { name: "xs", props: "capabilities = <0x4>;" },
      { name: "guest1", props: "" },
      { name: "guest2", props: "" },
    ],
  },
];

/** The kernel images' load addresses: one 64 KiB slot each from 0x50000000. */
export const kernelAddress = (i: number) => 0x50000000 + i * 0x10000;

/** `/chosen` of the system (DTS body): Xen's command line and one dom0less domain per entry. */
export function chosenDts(
  domains: readonly OracleDomain[],
  sizes: readonly number[],
  bootargs: string,
): string {
  const nodes = domains.map((d, i) => {
    const at = kernelAddress(i).toString(16);
    return `\t\t${d.name} {
\t\t\tcompatible = "xen,domain";
\t\t\t#address-cells = <2>;
\t\t\t#size-cells = <2>;
\t\t\tmemory = <0x0 0x4000>;
\t\t\tcpus = <1>;
\t\t\tvpl011;
\t\t\t${d.props}
\t\t\tmodule@${at} {
\t\t\t\tcompatible = "multiboot,kernel", "multiboot,module";
\t\t\t\treg = <0x0 0x${at} 0x0 0x${(sizes[i] ?? 0).toString(16)}>;
\t\t\t};
\t\t};`;
  });
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

const LINE = /XP (\d+) (\d+) (\d+) (-?\d+) (-?\d+)$/;

/** The outcomes in a serial log (Xen prefixes a guest's lines with `DOMn: `), and which domains finished. */
export function readOutcomes(lines: readonly string[]): { outcomes: Outcome[]; done: number[] } {
  const outcomes: Outcome[] = [];
  const done: number[] = [];
  for (const l of lines) {
    const m = LINE.exec(l);
    if (m) {
      const [src, call, target, rc, status] = m.slice(1).map(Number) as [
        number,
        number,
        number,
        number,
        number,
      ];
      outcomes.push({ src, call, target, rc, status });
    }
    const d = /XP (\d+) done$/.exec(l);
    if (d) done.push(Number(d[1]));
  }
  return { outcomes, done };
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
        : domains[o.target - 1]?.name;
    if (targetName === undefined) throw new Error(`an outcome names domid ${o.target}: no such domain`);
    const target = targetName === null ? null : resolveDomain(model, targetName);
    // DOMID_SELF through a lookup that does not resolve it (domctl's) is a domain not found: the
    // catalogue's lookup says with which error (lookups.json: missingError, nonControlError)
    const lookup = op.target.kind === "domain" ? model.lookups.get(op.target.lookup) : undefined;
    const unresolved = o.target === DOMID_SELF && spec.targeted && lookup?.domidSelf === false;
    const d = unresolved
      ? {
          decision: "deny" as const,
          error: src.caps.control ? lookup.missingError : (lookup.nonControlError ?? lookup.missingError),
          steps: [{ what: `${lookup.name} does not resolve DOMID_SELF [${lookup.ref}]`, value: false }],
        }
      : evaluate(model, op, src, target, {});
    // a grant-table call returns 0 and puts its result in the status field
    const grant = spec.op.startsWith("grant_table_op/");
    const seen = grant ? o.status : o.rc;
    const xen = grant ? `status ${o.status}` : `rc ${o.rc}`;
    const denied = d.decision === "deny";
    const expected = d.error === "GNTST_permission_denied" ? -8 : d.error ? ERRNO[d.error] : undefined;
    const permissionError = grant ? -8 : -1;
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
