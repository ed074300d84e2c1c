import type { Operation } from "../catalog/schema.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import { capabilityNames, type Domain } from "../model/domain.js";
import { type Cell, cellLabel, cellOf, otherRepresentatives } from "../query/cells.js";
import { DecisionIndex } from "../query/decision-index.js";
import { evaluate } from "../query/evaluate.js";
import { type Model, opAvailable } from "../query/model.js";
import { privcmdRows, xenServerPassConditions, xsmActions, xsmOperationsOf } from "./classify.js";
import { type Decision, evaluateCall, type PrivcmdFacts, type Step } from "./evaluate-call.js";
import type { Hypercall, HypercallCatalogue, OverlayMark } from "./hypercall-catalogue.js";
import type { TracedCall } from "./parse-trace.js";
import type { PrivcmdCall, PrivcmdContext } from "./privcmd-call.js";
import type { Profile } from "./profile.js";
import {
  KERNEL_MEDIATED,
  type ToolstackCall,
  type ToolstackCalls,
  type ToolstackRole,
} from "./toolstack-calls.js";

/** How the domains' kernels run privcmd, and where each domain's needs come from. */
export interface NeedsOptions {
  /** the domain whose Linux is the initial domain (`xen_initial_domain()`); default: domain 0 */
  readonly initialDomain?: string;
  /** the other domains' kernels have `xen_privcmd.unrestricted` */
  readonly unrestricted?: boolean;
  /** the kernels are locked down (Secure Boot) */
  readonly lockedDown: boolean;
  /** the kernels have CONFIG_SIGNED_PE_FILE_VERIFICATION (absent: assumed) */
  readonly kexecSignatureCheck?: boolean;
  /** the `restrict` profile: every fd is restricted (IOCTL_PRIVCMD_RESTRICT) to the domain the call acts on */
  readonly restrictEachFd?: boolean;
  /** names or domids; default: every domain with a role, every traced domain, and the initial domain */
  readonly domains?: readonly string[];
  /** the calls each role's toolstack is known to make */
  readonly toolstack: ToolstackCalls;
  /** a domain's recorded calls (name or domid → trace): they replace its roles' known calls */
  readonly traces?: ReadonlyMap<string, readonly TracedCall[]>;
}

export type Verdict = "allowed" | "conditional" | "blocked";

/** A call the domain's toolstack makes through privcmd, and what the profile does with it. */
export interface NeededOp {
  readonly op: string;
  /** the privcmd ioctl it goes through: HYPERCALL, DM_OP, MMAP_RESOURCE, MMAPBATCH_V2… */
  readonly via: string;
  /** where the need comes from: the library function and its line, or the trace's line */
  readonly from: string;
  readonly xsm: readonly string[];
  /** where Xen lets the domain use it (self, tgt, all/some others, xen/io, yes), `none`, or `-` without an XSM check */
  readonly may: string;
  readonly call: PrivcmdCall;
  readonly verdict: Verdict;
  readonly errno?: string;
  /** blocked: the check that refuses it */
  readonly step?: Step;
  /** conditional: the conditions under which the profile lets it through */
  readonly passesIf?: readonly string[];
  /** not in upstream's headers: from XenServer's overlay, with what decides it in XenServer's Xen */
  readonly overlay?: OverlayMark;
}

/** A call the domain's toolstack makes through another kernel driver: the kernel issues the hypercall, not privcmd. */
export interface KernelMediatedOp {
  readonly op: string;
  readonly via: string;
  readonly from: string;
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
  /** `toolstack`: its roles' known calls; `trace`: its recorded calls */
  readonly needsFrom: "toolstack" | "trace";
  /** how Linux privcmd treats its fds: `dom0` (the initial domain) or `domU` (XSA-482) */
  readonly privcmd: "dom0" | "domU";
  /** the restriction its fds start with (a domid; DOMID_IDLE for none) */
  readonly restrictedTo?: number;
  readonly needed: readonly NeededOp[];
  readonly blocked: readonly NeededOp[];
  readonly conditional: readonly NeededOp[];
  readonly kernelMediated: readonly KernelMediatedOp[];
  readonly unusable: readonly UnusableOp[];
  readonly counts: {
    readonly needed: number;
    readonly allowed: number;
    readonly conditional: number;
    readonly blocked: number;
    readonly kernelMediated: number;
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

/** The verdict of a decision: a check on the arguments makes it conditional, whichever way it went. */
function verdictOf(d: Decision): { verdict: Verdict; step?: Step } {
  const failed = d.steps.findLast((s) => s.outcome === "fail");
  if (d.readArguments) return { verdict: "conditional" };
  return d.allowed ? { verdict: "allowed" } : { verdict: "blocked", ...(failed && { step: failed }) };
}

/**
 * The toolstack roles a domain plays: its capabilities, and device model when it serves a target. With
 * no xenstore domain in the system, xenstored runs in the control domain (as xencommons starts it in dom0).
 */
function toolstackRoles(d: Domain, model: Model): ToolstackRole[] {
  const roles: ToolstackRole[] = capabilityNames(d.caps).filter((c): c is ToolstackRole =>
    (["control", "hardware", "xenstore"] as const).includes(c as never),
  );
  const xenstoreDomain = model.domains.some((x) => capabilityNames(x.caps).includes("xenstore"));
  if (roles.includes("control") && !xenstoreDomain) roles.push("xenstore");
  if (d.target !== null) roles.push("device-model");
  return roles;
}

const opOf = (c: PrivcmdCall): string =>
  c.hypercall ? `${c.hypercall}${c.subop ? `/${c.subop}` : ""}` : c.ioctl;

/**
 * For each domain, the calls its toolstack makes through privcmd (its roles' known calls, or its
 * recorded trace) and what the profile does with each, and the operations the profile lets through
 * that Xen refuses it on every target. A call through gntdev or evtchn is the kernel's, not a
 * privcmd need: listed apart. Xen's side of a needed call is shown (the XSM operations behind it and
 * where Xen lets the domain use them), not counted: "needed" means the toolstack issues it.
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
  const rowById = new Map(rows.map((r) => [r.id, r]));
  const ix = new DecisionIndex(model, [...new Set(rows.flatMap((r) => r.built))]);
  const opIndex = new Map(ix.ops.map((op, i) => [op, i]));
  const initial =
    o.initialDomain === undefined ? undefined : findDomain(model, o.initialDomain, "--initial-domain");
  const isInitial = (d: Domain) => (initial ? d === initial : d.domid === 0);
  const traces = new Map(
    [...(o.traces ?? [])].map(([ref, calls]) => [findDomain(model, ref, "--trace"), calls] as const),
  );
  const chosen = o.domains?.length
    ? [...new Set(o.domains.map((ref) => findDomain(model, ref, "--domain")))]
    : model.domains.filter((d) => isInitial(d) || traces.has(d) || rolesOf(d, model).length > 0);

  return chosen.map((d) => {
    const s = ix.indexOf(d);
    const reps = otherRepresentatives(ix, s);
    const ctx: PrivcmdContext = {
      ...(isInitial(d)
        ? { domain: "dom0" as const, lockedDown: o.lockedDown }
        : {
            domain: "domU" as const,
            lockedDown: o.lockedDown,
            ...(d.target !== null && { xsTarget: d.target }),
            ...(o.unrestricted && { unrestricted: true }),
          }),
      ...(o.kexecSignatureCheck !== undefined && { kexecSignatureCheck: o.kexecSignatureCheck }),
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
    const cellsOf = (id: string) => {
      const r = rowById.get(id);
      return (r?.built ?? []).map((op) => {
        const i = opIndex.get(op) as number;
        return { i, cell: cellOf(ix, i, s, reps) };
      });
    };
    /** Xen's side of a needed operation: its XSM checks and where Xen lets the domain use it. */
    const xen = (id: string) => {
      const r = rowById.get(id);
      if (!r || r.ops.length === 0) return { xsm: [] as string[], may: "-" };
      const use = cellsOf(id).find((c) => usable(c.cell));
      return { xsm: r.xsm, may: use ? cellLabel(use.cell) : "none" };
    };
    // a guest the toolstack manages: another domain with no role, else any other, else domain 1
    const others = model.domains.filter((x) => x !== d && x.domid < 0x7ff0);
    const guest = others.find((x) => capabilityNames(x.caps).length === 0 && x.target === null) ?? others[0];
    const domOf = (t: ToolstackCall["target"]): number | undefined =>
      t === "none" ? undefined : t === "dm-target" && d.target !== null ? d.target : (guest?.domid ?? 1);
    const evaluateNeed = (call: PrivcmdCall, c: PrivcmdContext, from: string): NeededOp => {
      const restricted =
        ctx.domain === "dom0" && o.restrictEachFd && call.dom !== undefined ? { restrictedTo: call.dom } : {};
      const decision = evaluateCall(call, { ...c, ...restricted }, profile, facts);
      const v = verdictOf(decision);
      const op = opOf(call);
      const row = rowById.get(op);
      const overlay = row?.subop?.overlay ?? row?.hypercall.overlay;
      const passesIf =
        v.verdict === "conditional" && profile.kind === "xenserver" && call.hypercall
          ? xenServerPassConditions(profile.facts, call.hypercall, call.subop, ctx)
          : undefined;
      return {
        op,
        via: call.ioctl,
        from,
        ...xen(op),
        call,
        verdict: v.verdict,
        ...(decision.errno && { errno: decision.errno }),
        ...(v.step && { step: v.step }),
        ...(passesIf && { passesIf }),
        ...(overlay && { overlay }),
      };
    };

    const needed: NeededOp[] = [];
    const kernelMediated: KernelMediatedOp[] = [];
    const trace = traces.get(d);
    if (trace) {
      // each fd keeps the restriction a RESTRICT in the trace gave it
      const fds = new Map<number, number | undefined>();
      for (const t of trace) {
        const restricted = fds.has(t.fd) ? fds.get(t.fd) : ctx.restrictedTo;
        const c = { ...ctx, ...(restricted !== undefined && { restrictedTo: restricted }) };
        const n = evaluateNeed(t.call, c, `trace line ${t.line}`);
        if (t.call.ioctl === "RESTRICT") {
          if (n.verdict === "allowed") fds.set(t.fd, t.call.dom);
          continue;
        }
        needed.push(n);
      }
    } else {
      const seen = new Set<string>();
      for (const role of toolstackRoles(d, model))
        for (const call of o.toolstack.roles[role]) {
          const key = `${call.op} ${call.via}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const from = `${call.issuer} [${call.ref}]`;
          if ((KERNEL_MEDIATED as readonly string[]).includes(call.via)) {
            kernelMediated.push({ op: call.op, via: call.via, from });
            continue;
          }
          const [h, subop] = call.op.split("/") as [string, string | undefined];
          const dom = domOf(call.target);
          const pc: PrivcmdCall =
            call.via === "HYPERCALL"
              ? {
                  ioctl: "HYPERCALL",
                  hypercall: h,
                  ...(subop && { subop }),
                  ...(dom !== undefined && { dom }),
                }
              : { ioctl: call.via, ...(dom !== undefined && { dom }) };
          needed.push({ ...evaluateNeed(pc, ctx, from), op: call.op });
        }
    }

    const unusable: UnusableOp[] = [];
    let neverUsable = 0;
    let first: Decision | undefined;
    for (const r of rows) {
      if (r.ops.length === 0) continue;
      const cells = cellsOf(r.id);
      if (cells.some((c) => usable(c.cell))) continue;
      neverUsable++;
      const probe = cells[0];
      const t = probe ? target(probe.i, false) : -1;
      const dom = t < 0 ? 1 : (ix.domid[t] as number);
      const call: PrivcmdCall =
        r.hypercall.name === "dm_op"
          ? { ioctl: "DM_OP", dom }
          : { ioctl: "HYPERCALL", hypercall: r.hypercall.name, ...(r.subop && { subop: r.subop.name }), dom };
      const c = ctx.domain === "dom0" && o.restrictEachFd ? { ...ctx, restrictedTo: dom } : ctx;
      const decision = evaluateCall(call, c, profile, facts);
      first ??= decision;
      const v = verdictOf(decision);
      if (v.verdict === "blocked") continue;
      unusable.push({ op: r.id, xsm: r.xsm, verdict: v.verdict, why: whyRefused(model, r, d, ix, t) });
    }
    // the restriction the domain's fds start with, as the emulator found it
    const probe = evaluateCall({ ioctl: "HYPERCALL", hypercall: "xen_version" }, ctx, profile, facts);
    const restrictedTo = (first ?? probe).restrictedTo ?? probe.restrictedTo;
    const blocked = needed.filter((n) => n.verdict === "blocked");
    const conditional = needed.filter((n) => n.verdict === "conditional");
    return {
      domain: d.name,
      domid: d.domid,
      roles: rolesOf(d, model),
      needsFrom: trace ? "trace" : "toolstack",
      privcmd: ctx.domain,
      ...(restrictedTo !== undefined && !o.restrictEachFd && { restrictedTo }),
      needed,
      blocked,
      conditional,
      kernelMediated,
      unusable,
      counts: {
        needed: needed.length,
        allowed: needed.length - blocked.length - conditional.length,
        conditional: conditional.length,
        blocked: blocked.length,
        kernelMediated: kernelMediated.length,
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
