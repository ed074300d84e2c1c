import type { Catalogue, Operation } from "../catalog/schema.js";
import { xsa77Covers } from "../catalog/xsa77-statement.js";
import {
  type ClassRule,
  classRule,
  type DisagreementKind,
  type Evidence,
  POLICY,
  type PrivcmdClass,
  REF7,
} from "./classification-rules.js";
import { evaluateCall, type PrivcmdFacts } from "./evaluate-call.js";
import type { XenServerFilter } from "./filter-facts.js";
import type { Hypercall, HypercallCatalogue, OverlayMark, Subop } from "./hypercall-catalogue.js";
import { passCondition } from "./pass-condition.js";
import type { PrivcmdContext } from "./privcmd-call.js";
import { xenServerRule } from "./xenserver-rule.js";

/** Where the sources part, by kind: real conflicts, xenpriv's own defaults, open questions. */
export interface Disagreements {
  readonly conflicts: readonly string[];
  readonly defaults: readonly string[];
  readonly open: readonly string[];
}

const FIELD: Record<DisagreementKind, keyof Disagreements> = {
  conflict: "conflicts",
  default: "defaults",
  open: "open",
};

/** Every disagreement of a row, each with its kind: `conflict: …`, `default: …`, `open: …`. */
export function disagreementList(d: Disagreements): string[] {
  return [
    ...d.conflicts.map((w) => `conflict: ${w}`),
    ...d.defaults.map((w) => `default: ${w}`),
    ...d.open.map((w) => `open: ${w}`),
  ];
}

/** One operation dom0 userspace can reach through IOCTL_PRIVCMD_HYPERCALL, classified with its evidence. */
export interface ClassifiedOp {
  /** `hypercall/subop`, or the hypercall for one without sub-ops */
  readonly id: string;
  readonly hypercall: string;
  readonly subop?: string;
  readonly number: number;
  /** absent only for an overlay sub-op whose number is unverified */
  readonly value?: number;
  readonly ref: string;
  /** not in upstream's headers: from XenServer's overlay, with what decides it in XenServer's Xen */
  readonly overlay?: OverlayMark;
  readonly class: PrivcmdClass;
  readonly whenDom0?: PrivcmdClass;
  /** what XenServer's filter does with it (domain 0 not the target, no argument given) */
  readonly xenserver: string;
  /** the XSM default-policy actions Xen checks it with (catalogue), `hook: ACTION` */
  readonly xsm: readonly string[];
  /** XSA-77's statement: not reviewed against hostile callers */
  readonly xsa77: boolean;
  /** its argument structure holds no guest pointer; undefined when the structure is unknown */
  readonly pointerFree?: boolean;
  readonly handles?: readonly string[];
  readonly evidence: readonly Evidence[];
  /** where the sources part: `conflicts` between sources, xenpriv's own `defaults`, `open` questions */
  readonly disagreements: Disagreements;
}

/**
 * The conditions under which the XenServer filter lets a call of the operation through, in words
 * (its case's checks on the arguments; the multicall's entries), or undefined when it checks none.
 */
export function xenServerPassConditions(
  filter: XenServerFilter,
  hypercall: string,
  subop: string | undefined,
  ctx: Pick<PrivcmdContext, "kexecSignatureCheck"> = {},
): string[] | undefined {
  const rule = xenServerRule(filter, hypercall, subop);
  if (rule.kind === "multicall") return ["each entry passes as a call of its own, and it is not nested"];
  if (rule.kind !== "listed" || rule.sub === undefined) return undefined;
  const all = [...(rule.hypercall.conditions ?? []), ...(rule.sub === "all" ? [] : rule.sub.conditions)];
  const checked = all.filter((c) => c.kind !== "other");
  return checked.length ? checked.map((c) => passCondition(c, ctx)) : undefined;
}

/** What the XenServer filter does with a bare call of the operation, in words: allowed, allowed only if, or denied. */
function xenServerVerdict(
  filter: XenServerFilter,
  facts: PrivcmdFacts,
  hypercall: string,
  subop?: string,
): { text: string; allowed: boolean; checked?: boolean } {
  const d = evaluateCall(
    { ioctl: "HYPERCALL", hypercall, ...(subop && { subop }), dom: 1 },
    { domain: "dom0", lockedDown: true },
    { kind: "xenserver", id: "xenserver", title: "XenServer", facts: filter },
    facts,
  );
  // the condition under which the call passes, whichever way this bare call went
  const conditions = d.readArguments ? xenServerPassConditions(filter, hypercall, subop) : undefined;
  if (conditions)
    return { text: `allowed only if ${conditions.join(" and ")}`, allowed: true, checked: true };
  if (d.allowed) return { text: "allowed", allowed: true };
  return { text: `denied (${d.errno})`, allowed: false };
}

const DEFAULT_ALLOWED: ClassRule = {
  hypercall: "",
  class: "control-plane",
  evidence: [
    {
      source: "XenServer/XCP-ng filter-hypercall.c",
      says: "allowed; no other source classifies it",
      ref: "reference §5.3",
    },
  ],
};
const DEFAULT_DENIED: ClassRule = {
  hypercall: "",
  class: "privileged",
  evidence: [
    {
      source: REF7,
      says: "no source says it is safe for dom0 userspace: kernel-only under Secure Boot until one does",
      ref: REF7,
    },
    {
      source: POLICY,
      says: "root in userspace is unprivileged from Secure Boot's point of view",
      ref: "reference §3.6",
    },
  ],
};

/** One hypercall, or one sub-op of it, as dom0 userspace reaches it through IOCTL_PRIVCMD_HYPERCALL. */
export interface PrivcmdRow {
  /** `hypercall/subop`, or the hypercall for one without sub-ops */
  readonly id: string;
  readonly hypercall: Hypercall;
  readonly subop?: Subop;
}

/** Every hypercall some guest's table has (x86 PV or PVH/HVM, or Arm), each sub-op a row of its own. */
export function privcmdRows(hypercalls: HypercallCatalogue): PrivcmdRow[] {
  return hypercalls.hypercalls
    .filter((h) => h.callers.x86pv || h.callers.x86hvm || h.callers.arm)
    .flatMap((h) =>
      h.subops.length
        ? h.subops.map((s) => ({ id: `${h.name}/${s.name}`, hypercall: h, subop: s }))
        : [{ id: h.name, hypercall: h }],
    );
}

/**
 * The XSM catalogue's operations behind a row (`id`, of `hypercall`): its own (`id` and its
 * variants `id/...`), or, for a hypercall the XSM catalogue keeps as one operation (dm_op), that
 * operation for every sub-op. Empty when the catalogue has none: Xen makes no XSM check it records.
 */
export function xsmOperationsOf(
  operations: readonly Operation[],
): (id: string, hypercall: string) => Operation[] {
  const byId = new Map(operations.map((o) => [o.id, o]));
  return (id, hypercall) => {
    const own = operations.filter((o) => o.id === id || o.id.startsWith(`${id}/`));
    const whole = byId.get(hypercall);
    return own.length || !whole ? own : [whole];
  };
}

/** The XSM checks of operations, `hook: ACTION`, each once. */
export function xsmActions(ops: readonly Operation[]): string[] {
  return [
    ...new Set(
      ops.flatMap((o) => o.checks.flatMap((c) => (c.kind === "xsm" ? [`${c.hook}: ${c.action}`] : []))),
    ),
  ];
}

/**
 * Every hypercall and sub-op of the catalogue that a dom0 can call (x86 PV or PVH, or Arm),
 * classified by the rules of reference §7, with the evidence of each source beside it and the
 * disagreements between them.
 */
export function classify(
  hypercalls: HypercallCatalogue,
  xsm: Catalogue,
  filter: XenServerFilter,
  facts: PrivcmdFacts,
): ClassifiedOp[] {
  const xsmOps = xsmOperationsOf(xsm.operations);
  const rows: ClassifiedOp[] = [];
  for (const { id, hypercall: h, subop: s } of privcmdRows(hypercalls)) {
    const xs = xenServerVerdict(filter, facts, h.name, s?.name);
    const rule = classRule(h.name, s?.name) ?? (xs.allowed ? DEFAULT_ALLOWED : DEFAULT_DENIED);
    const ops = xsmOps(id, h.name);
    const actions = xsmActions(ops);
    const disagreements = { conflicts: [] as string[], defaults: [] as string[], open: [] as string[] };
    const add = (kind: DisagreementKind, why: string) => disagreements[FIELD[kind]].push(why);
    if (rule.disputed) add(rule.disputed.kind, rule.disputed.why);
    // a rule that names the sub-op is a source's judgement of it; one over a whole hypercall, or the
    // defaults, is xenpriv's own reading stretched over operations no source judged
    const judged = rule.subops !== undefined;
    // a privileged operation the filter lets through only on the checks its sources ask for agrees with them
    if (rule.class === "privileged" && xs.allowed && !rule.disputed && !(rule.unlessChecked && xs.checked))
      add(judged ? "conflict" : "default", `XenServer's filter ${xs.text}, yet it is privileged`);
    // the filter sees only the raw hypercall: refusing it says nothing of the ioctl userspace uses
    if (rule.class !== "privileged" && !xs.allowed && !rule.disputed && !rule.via)
      add(judged ? "conflict" : "default", `classed ${rule.class}, yet XenServer's filter ${xs.text}`);
    const evidence = [...rule.evidence];
    // XSM_HOOK answers who may call it, any domain on itself, not what dom0's userspace may do to dom0
    const hook = ops.flatMap((o) => o.checks).find((c) => c.kind === "xsm" && c.action === "HOOK");
    if (rule.class === "privileged" && hook?.kind === "xsm")
      evidence.push({
        source: "XSM dummy policy",
        says: `${hook.hook}: XSM_HOOK, Xen lets any domain make it; that says who may call it, not whether dom0 userspace may under Secure Boot`,
        ref: hook.ref,
      });
    rows.push({
      id,
      hypercall: h.name,
      ...(s && { subop: s.name }),
      ...(s?.value !== undefined && { value: s.value }),
      number: h.number,
      ref: s?.ref ?? h.ref,
      ...((s?.overlay ?? h.overlay) && { overlay: s?.overlay ?? h.overlay }),
      class: rule.class,
      ...(rule.whenDom0 && { whenDom0: rule.whenDom0 }),
      xenserver: rule.via
        ? `${xs.text} as a raw hypercall; userspace uses IOCTL_PRIVCMD_${rule.via}, which the filter does not see`
        : xs.text,
      xsm: actions,
      xsa77: xsa77Covers(id),
      ...(s?.handles && { pointerFree: s.handles.length === 0, handles: s.handles }),
      evidence,
      disagreements,
    });
  }
  return rows;
}
