import type { Operation } from "../catalog/schema.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import { capabilityNames, type Domain } from "../model/domain.js";
import { type Cell, cellLabel, cellOf, otherRepresentatives } from "../query/cells.js";
import { DecisionIndex } from "../query/decision-index.js";
import { evaluate } from "../query/evaluate.js";
import { type Model, opAvailable } from "../query/model.js";
import { privcmdRows, xsmActions, xsmOperationsOf } from "./classify.js";
import { type Decision, evaluateCall, type PrivcmdFacts, type Step } from "./evaluate-call.js";
import type { Hypercall, HypercallCatalogue } from "./hypercall-catalogue.js";
import type { PrivcmdCall, PrivcmdContext } from "./privcmd-call.js";
import type { Profile } from "./profile.js";

/** How the domains' kernels run privcmd. */
export interface NeedsOptions {
  /** the domain whose Linux is the initial domain (`xen_initial_domain()`); default: domain 0 */
  readonly initialDomain?: string;
  /** the other domains' kernels have `xen_privcmd.unrestricted` */
  readonly unrestricted?: boolean;
  /** the kernels are locked down (Secure Boot) */
  readonly lockedDown: boolean;
  /** the `restrict` profile: every fd is restricted (IOCTL_PRIVCMD_RESTRICT) to the domain the call acts on */
  readonly restrictEachFd?: boolean;
  /** names or domids; default: every domain with a role, and the initial domain */
  readonly domains?: readonly string[];
}

export type Verdict = "allowed" | "conditional" | "blocked";

/** An operation the domain needs (Xen lets it use it on some target), and what the profile does with it. */
export interface NeededOp {
  readonly op: string;
  readonly xsm: readonly string[];
  /** where Xen lets the domain use it: self, tgt (its device-model target), all/some others, xen/io, yes (no target) */
  readonly may: string;
  readonly call: PrivcmdCall;
  readonly verdict: Verdict;
  readonly errno?: string;
  /** blocked: the check that refuses it; conditional: the check on its arguments */
  readonly step?: Step;
}

/** An operation the profile lets through that Xen refuses to the domain whatever the target. */
export interface UnusableOp {
  readonly op: string;
  readonly xsm: readonly string[];
  readonly verdict: "allowed" | "conditional";
  /** Xen's checks that fail, each with its reference */
  readonly why: readonly string[];
}

export interface DomainNeeds {
  readonly domain: string;
  readonly domid: number;
  readonly roles: readonly string[];
  /** how Linux privcmd treats its fds: `dom0` (the initial domain) or `domU` (XSA-482) */
  readonly privcmd: "dom0" | "domU";
  /** the restriction its fds start with (a domid; DOMID_IDLE for none) */
  readonly restrictedTo?: number;
  readonly blocked: readonly NeededOp[];
  readonly conditional: readonly NeededOp[];
  readonly unusable: readonly UnusableOp[];
  /** operations the XSM catalogue has no check for: any domain may try them, not counted as needed */
  readonly unchecked: { readonly total: number; readonly blocked: readonly string[] };
  readonly counts: {
    readonly needed: number;
    readonly allowed: number;
    readonly conditional: number;
    readonly blocked: number;
    readonly neverUsable: number;
    readonly allowedNeverUsable: number;
  };
}

/** The domain's roles: its capabilities, and `device model of <domain>`. */
function rolesOf(d: Domain, model: Model): string[] {
  const roles: string[] = capabilityNames(d.caps);
  if (d.target !== null) roles.push(`device model of ${model.byDomid.get(d.target)?.name ?? d.target}`);
  return roles;
}

/** A domain of the system by name or domid; system domains run no toolstack. */
function findDomain(model: Model, ref: string, what: string): Domain {
  const d = model.domains.find((x) => x.name === ref || (/^\d+$/.test(ref) && x.domid === Number(ref)));
  if (d) return d;
  const names = model.domains.map((x) => x.name);
  return fail(
    error(
      "privcmd/unknown-domain",
      `${what}: no domain \`${ref}\` in the system`,
      undefined,
      didYouMean(ref, names) ?? `domains: ${names.join(", ")}`,
    ),
  );
}

/** Xen lets the caller use the operation on at least one target. */
const usable = (c: Cell): boolean =>
  c.allowed === true ||
  c.self === true ||
  c.ownTarget === true ||
  (c.others !== undefined && c.others !== "none") ||
  Object.values(c.system ?? {}).some(Boolean);

/** The hypercall table of the domain's guest type has the hypercall (hypercall-defs.c). */
function inTable(h: Hypercall, d: Domain, arch: "x86" | "arm"): boolean {
  if (arch === "arm") return h.callers.arm;
  return d.type === "pv" ? h.callers.x86pv : h.callers.x86hvm;
}

/** The verdict of a decision: a check on the arguments makes it conditional, whichever way it went. */
function verdictOf(d: Decision): { verdict: Verdict; step?: Step } {
  const failed = d.steps.findLast((s) => s.outcome === "fail");
  if (d.readArguments) {
    const step = failed ?? d.steps.findLast((s) => s.ref !== undefined && s.outcome === "pass");
    return { verdict: "conditional", ...(step && { step }) };
  }
  return d.allowed ? { verdict: "allowed" } : { verdict: "blocked", ...(failed && { step: failed }) };
}

/**
 * For each domain, the privcmd operations it needs that the profile blocks, and those the profile
 * lets through that Xen refuses it on every target. An operation is needed when one of its XSM
 * operations (`classify`'s mapping) is allowed to the domain on at least one target under the
 * model's policy, and never usable when every one is refused on every target (or not built). Each
 * is issued as IOCTL_PRIVCMD_HYPERCALL, dm_op's sub-ops as IOCTL_PRIVCMD_DM_OP (libxendevicemodel),
 * on a domain Xen lets the caller act on (its device-model target first, then another domain,
 * itself, dom_xen/dom_io; domain 1 when there is no target).
 */
export function checkNeeds(
  model: Model,
  hypercalls: HypercallCatalogue,
  profile: Profile,
  facts: PrivcmdFacts,
  o: NeedsOptions,
): DomainNeeds[] {
  const arch = model.system.build.arch;
  const xsmOps = xsmOperationsOf(model.catalogue.operations);
  const rows = privcmdRows(hypercalls)
    .filter((r) =>
      arch === "arm" ? r.hypercall.callers.arm : r.hypercall.callers.x86pv || r.hypercall.callers.x86hvm,
    )
    .filter((r) => !r.subop || r.subop.arch.includes(arch))
    .map((r) => {
      const ops = xsmOps(r.id, r.hypercall.name);
      return { ...r, ops, built: ops.filter((op) => model.opsById.has(op.id)), xsm: xsmActions(ops) };
    });
  const ix = new DecisionIndex(model, [...new Set(rows.flatMap((r) => r.built))]);
  const opIndex = new Map(ix.ops.map((op, i) => [op, i]));
  const initial =
    o.initialDomain === undefined ? undefined : findDomain(model, o.initialDomain, "--initial-domain");
  const isInitial = (d: Domain) => (initial ? d === initial : d.domid === 0);
  const chosen = o.domains?.length
    ? [...new Set(o.domains.map((ref) => findDomain(model, ref, "--domain")))]
    : model.domains.filter((d) => isInitial(d) || rolesOf(d, model).length > 0);

  return chosen.map((d) => {
    const s = ix.indexOf(d);
    const reps = otherRepresentatives(ix, s);
    const ctx: PrivcmdContext = isInitial(d)
      ? { domain: "dom0", lockedDown: o.lockedDown }
      : {
          domain: "domU",
          lockedDown: o.lockedDown,
          ...(d.target !== null && { xsTarget: d.target }),
          ...(o.unrestricted && { unrestricted: true }),
        };
    /** A target for operation `op`: one Xen allows when `allowed`, else one it refuses; -1 for none. */
    const target = (op: number, allowed: boolean): number => {
      if ((ix.ops[op] as Operation).target.kind === "none") return -1;
      const own = ix.ownTarget[s] as number;
      const ok = (t: number) => ix.decide(op, s, t) === Number(allowed);
      if (own >= 0 && ok(own)) return own;
      const other = reps.find(ok);
      if (other !== undefined) return other;
      if (ok(s) || !allowed) return s;
      return Object.values(ix.systemIndex).find(ok) ?? -1;
    };
    const decide = (h: string, subop: string | undefined, t: number) => {
      const dom = t < 0 ? 1 : (ix.domid[t] as number);
      const call: PrivcmdCall =
        h === "dm_op"
          ? { ioctl: "DM_OP", dom }
          : { ioctl: "HYPERCALL", hypercall: h, ...(subop !== undefined && { subop }), dom };
      const c = ctx.domain === "dom0" && o.restrictEachFd ? { ...ctx, restrictedTo: dom } : ctx;
      const decision = evaluateCall(call, c, profile, facts);
      return { call, decision, ...verdictOf(decision) };
    };
    const blocked: NeededOp[] = [];
    const conditional: NeededOp[] = [];
    const unusable: UnusableOp[] = [];
    const unchecked: string[] = [];
    let uncheckedTotal = 0;
    let needed = 0;
    let neverUsable = 0;
    let first: Decision | undefined;

    for (const r of rows) {
      const h = r.hypercall.name;
      const subop = r.subop?.name;
      if (r.ops.length === 0 && inTable(r.hypercall, d, arch)) {
        uncheckedTotal++;
        const v = decide(h, subop, -1);
        if (v.verdict === "blocked") unchecked.push(r.id);
        continue;
      }
      const cells = r.built.map((op) => ({ op, i: opIndex.get(op) as number }));
      const use = cells.map(({ i }) => ({ i, cell: cellOf(ix, i, s, reps) })).find((c) => usable(c.cell));
      if (use) {
        needed++;
        const v = decide(h, subop, target(use.i, true));
        first ??= v.decision;
        if (v.verdict === "allowed") continue;
        const row: NeededOp = {
          op: r.id,
          xsm: r.xsm,
          may: cellLabel(use.cell),
          call: v.call,
          verdict: v.verdict,
          ...(v.decision.errno && { errno: v.decision.errno }),
          ...(v.step && { step: v.step }),
        };
        (v.verdict === "blocked" ? blocked : conditional).push(row);
        continue;
      }
      neverUsable++;
      const probe = cells[0];
      const t = probe ? target(probe.i, false) : -1;
      const v = decide(h, subop, t);
      first ??= v.decision;
      if (v.verdict === "blocked") continue;
      unusable.push({ op: r.id, xsm: r.xsm, verdict: v.verdict, why: whyRefused(model, r, d, ix, t) });
    }
    const restrictedTo = first?.restrictedTo;
    return {
      domain: d.name,
      domid: d.domid,
      roles: rolesOf(d, model),
      privcmd: ctx.domain,
      ...(restrictedTo !== undefined && !o.restrictEachFd && { restrictedTo }),
      blocked,
      conditional,
      unusable,
      unchecked: { total: uncheckedTotal, blocked: unchecked },
      counts: {
        needed,
        allowed: needed - blocked.length - conditional.length,
        conditional: conditional.length,
        blocked: blocked.length,
        neverUsable,
        allowedNeverUsable: unusable.length,
      },
    };
  });
}

/** Why Xen refuses the domain the operation: the checks that fail on target `t`, or what keeps it out of the build. */
function whyRefused(
  model: Model,
  r: {
    readonly hypercall: Hypercall;
    readonly ops: readonly Operation[];
    readonly built: readonly Operation[];
  },
  d: Domain,
  ix: DecisionIndex,
  t: number,
): string[] {
  if (r.ops.length === 0)
    return [
      `the hypercall table for ${d.type} guests has no ${r.hypercall.name}${r.hypercall.callersRef ? ` [${r.hypercall.callersRef}]` : ""}`,
    ];
  const why = r.ops.flatMap((op) => {
    if (!r.built.includes(op))
      return [
        op.arch.includes(model.system.build.arch)
          ? `${op.id} is not built (needs ${op.guards.filter((g) => !opAvailable({ ...op, guards: [g] }, model.system)).join(" ")})`
          : `${op.id} exists on ${op.arch.join(", ")} only`,
      ];
    const target = t < 0 || op.target.kind === "none" ? null : (ix.domains[t] as Domain);
    const decision = evaluate(model, op, d, target);
    const failed = decision.steps
      .filter((s) => s.value === false && s.kind !== "result")
      .map((s) => `${s.what}: false${s.ref ? ` [${s.ref}]` : ""}`);
    const on = target ? ` on ${target.name}` : "";
    return failed.length ? failed.map((f) => `${f}${on}`) : [`${op.id}${on}: ${decision.error ?? "denied"}`];
  });
  return [...new Set(why)];
}
