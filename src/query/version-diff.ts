import type { Check, Operation } from "../catalog/schema.js";
import type { Domain } from "../model/domain.js";
import { asBuilt, callKey, type Mismatch } from "./as-built.js";
import { renderCond } from "./cond.js";
import { type Change, counterpart, type DiffResult, diffModels } from "./diff.js";
import { evaluate } from "./evaluate.js";
import type { Model } from "./model.js";

/** A check that differs between two versions of the same operation, with its lines on both sides. */
export interface CheckChange {
  readonly op: string;
  readonly kind: "added" | "removed";
  readonly what: string;
  readonly ref: string;
  /** the call contradicts its hook's own action (see `contradictions`): it decides nothing */
  readonly effect?: Mismatch["effect"];
}

/**
 * A call site whose action contradicts its hook's `XSM_ASSERT_ACTION`: a build break with
 * CONFIG_XSM=n, or no effect (the hook uses its own action); never a permission change. Permissions
 * are counted with the hook's own action; what the call's literal would change is `uncounted`.
 */
export interface ContradictingCall extends Mismatch {
  readonly side: "from" | "to";
  /** the operations whose path makes the call */
  readonly ops: readonly string[];
  /** requests whose answer the call's own action would change: not counted, the call decides nothing */
  readonly uncounted: readonly Change[];
}

export interface HookChange {
  readonly hook: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly fromRef: string | null;
  readonly toRef: string | null;
}

export interface LookupChange {
  readonly lookup: string;
  readonly from: string;
  readonly to: string;
  readonly fromRef: string;
  readonly toRef: string;
}

/** A permission that changed, with the Xen line that decides it on each side. */
export interface VersionChange extends Change {
  readonly fromRef: string;
  readonly toRef: string;
}

export interface VersionDiff {
  readonly from: string;
  readonly to: string;
  /** effective permissions for the system's domains, each with a witness */
  readonly effective: Omit<DiffResult, "changes"> & { readonly changes: readonly VersionChange[] };
  readonly checks: readonly CheckChange[];
  readonly hooks: readonly HookChange[];
  readonly lookups: readonly LookupChange[];
  /** call sites that contradict their hook's action, on either side */
  readonly contradictions: readonly ContradictingCall[];
}

function describe(c: Check): string {
  const when = c.when ? ` when ${renderCond(c.when)}` : "";
  if (c.kind === "xsm") {
    // argument order is not a change
    const args = Object.entries(c.args)
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([k, v]) => `${k}=${v}`);
    return `xsm_${c.hook}(XSM_${c.action}${args.length ? `, ${args.join(", ")}` : ""})${when}`;
  }
  if (c.kind === "gate") return `gate ${renderCond(c.require)} else ${c.error}${when}`;
  return `bypass${when}`;
}

/** A check's description without the lines it cites (`dummy.h:432`): a check that only moved is no change. */
const unplaced = (what: string) => what.replace(/(\.[ch]):\d+(-\d+)?\b/g, "$1");

const lookupRule = (l: { missingError: string; nonControlError?: string | undefined }) =>
  l.nonControlError ? `${l.missingError} for control, ${l.nonControlError} otherwise` : l.missingError;

/** The same contradiction on the other side, by hook, actions and line. */
const contradictionKey = (c: ContradictingCall) => `${callKey(c.hook, c.callSite)} ${c.action} ${c.asserted}`;

/** Whether anything at all changed: permissions, operations, checks, hooks, lookups, or a call that stopped or started contradicting its hook. */
export function hasChanges(d: VersionDiff): boolean {
  const e = d.effective;
  const from = new Set(d.contradictions.filter((c) => c.side === "from").map(contradictionKey));
  const to = new Set(d.contradictions.filter((c) => c.side === "to").map(contradictionKey));
  const contradictions =
    [...from].filter((k) => !to.has(k)).length + [...to].filter((k) => !from.has(k)).length;
  return (
    e.changes.length +
      e.addedOps.length +
      e.removedOps.length +
      d.checks.length +
      d.hooks.length +
      d.lookups.length +
      contradictions >
    0
  );
}

/** What changes between two Xen versions (or a tree and its patch): permissions, checks, hooks, lookups. */
export function diffVersions(
  a: Model,
  b: Model,
  filter: (op: Operation) => boolean = () => true,
): VersionDiff {
  const mismatchesOf = (m: Model) =>
    new Map((m.catalogue.extraction?.mismatches ?? []).map((x) => [callKey(x.hook, x.callSite), x]));
  const [fromMismatches, toMismatches] = [mismatchesOf(a), mismatchesOf(b)];
  const effectOf = (c: Check, side: ReadonlyMap<string, Mismatch>) => {
    const m = c.kind === "xsm" ? side.get(callKey(c.hook, c.ref)) : undefined;
    return m ? { effect: m.effect } : {};
  };
  const checks: CheckChange[] = [];
  for (const op of b.ops.filter(filter)) {
    const old = counterpart(op.id, a.opsById);
    if (!old) continue;
    const before = new Map(old.checks.map((c) => [unplaced(describe(c)), c]));
    const after = new Map(op.checks.map((c) => [unplaced(describe(c)), c]));
    // what one side has and the other lacks, with what a contradicting call on its own side does
    const only = (
      kind: CheckChange["kind"],
      mine: typeof before,
      theirs: typeof before,
      m: typeof toMismatches,
    ) => {
      for (const [key, c] of mine)
        if (!theirs.has(key))
          checks.push({ op: op.id, kind, what: describe(c), ref: c.ref, ...effectOf(c, m) });
    };
    only("removed", before, after, fromMismatches);
    only("added", after, before, toMismatches);
    // a hypercall kept whole (one rule for all its sub-ops): a sub-op that comes or goes is a change
    // (kexec's v1 sub-ops removed from master, 7702e782f3)
    const had = new Set(old.commands ?? []);
    const has = new Set(op.commands ?? []);
    for (const k of had)
      if (!has.has(k)) checks.push({ op: op.id, kind: "removed", what: `sub-op ${k}`, ref: old.ref });
    for (const k of has)
      if (!had.has(k)) checks.push({ op: op.id, kind: "added", what: `sub-op ${k}`, ref: op.ref });
  }
  const hooks: HookChange[] = [];
  const names = new Set([...a.hooks.keys(), ...b.hooks.keys()]);
  for (const name of [...names].sort()) {
    const x = a.hooks.get(name);
    const y = b.hooks.get(name);
    if (x?.action === y?.action) continue;
    hooks.push({
      hook: name,
      from: x?.action ?? null,
      to: y?.action ?? null,
      fromRef: x?.ref ?? null,
      toRef: y?.ref ?? null,
    });
  }
  const lookups: LookupChange[] = [];
  for (const [name, y] of b.lookups) {
    const x = a.lookups.get(name);
    if (x && lookupRule(x) !== lookupRule(y))
      lookups.push({ lookup: name, from: lookupRule(x), to: lookupRule(y), fromRef: x.ref, toRef: y.ref });
  }
  const version = (m: Model) =>
    `${m.catalogue.meta.xen}${m.catalogue.meta.tag ? ` (${m.catalogue.meta.tag})` : ""}`;
  // permissions as Xen builds each side: a contradicting call counts with its hook's own action
  const [builtA, builtB] = [asBuilt(a), asBuilt(b)];
  const effective = diffModels(builtA, builtB, filter);
  const changes = effective.changes.map((c) => ({
    ...c,
    fromRef: decidedAt(builtA, c),
    toRef: decidedAt(builtB, c),
  }));
  const contradictions = [
    ...contradictionsOf(a, "from", fromMismatches, filter),
    ...contradictionsOf(b, "to", toMismatches, filter),
  ];
  if (contradictions.length) {
    // what reading each call's own action would add: the same requests compared on the catalogues as written
    const key = (c: Change) => `${c.op}\0${c.domain}\0${c.relation}\0${c.target}`;
    const counted = new Map(effective.changes.map((c) => [key(c), c.kind]));
    const literal = a === builtA && b === builtB ? [] : diffModels(a, b, filter).changes;
    const uncounted = literal.filter((c) => counted.get(key(c)) !== c.kind);
    for (const [i, c] of contradictions.entries())
      contradictions[i] = { ...c, uncounted: uncounted.filter((u) => c.ops.some((op) => sameOp(op, u.op))) };
  }
  return {
    from: version(a),
    to: version(b),
    effective: { ...effective, changes },
    checks,
    hooks,
    lookups,
    contradictions,
  };
}

/** An operation and a variant of it (`domctl/vm_event_op`, `domctl/vm_event_op/get_version`) are compared as one. */
const sameOp = (x: string, y: string) => x === y || x.startsWith(`${y}/`) || y.startsWith(`${x}/`);

/**
 * One side's contradicting calls, each with the operations of this build (those the filter keeps)
 * whose path makes it. A call only other operations make is left to their diff; one that no
 * operation makes (boot-time code) is kept: it breaks the build all the same.
 */
function contradictionsOf(
  m: Model,
  side: ContradictingCall["side"],
  mismatches: ReadonlyMap<string, Mismatch>,
  filter: (op: Operation) => boolean,
): ContradictingCall[] {
  const reaching = (ops: Iterable<Operation>) => {
    const out = new Map<string, string[]>();
    for (const op of ops)
      for (const c of op.checks) {
        const k = c.kind === "xsm" ? callKey(c.hook, c.ref) : "";
        if (!mismatches.has(k)) continue;
        const list = out.get(k) ?? [];
        if (!list.includes(op.id)) list.push(op.id);
        out.set(k, list);
      }
    return out;
  };
  const here = reaching(m.ops.filter(filter));
  const anywhere = reaching(m.allOpsById.values());
  return [...mismatches]
    .filter(([k]) => here.has(k) || !anywhere.has(k))
    .map(([k, x]) => ({ side, ...x, ops: here.get(k) ?? [], uncounted: [] }));
}
/** The line that decides a witness request on one side: the last of the operation's own checks it reached. */
function decidedAt(m: Model, c: Change): string {
  const op = counterpart(c.op, m.opsById) as Operation;
  const domain = (name: string) =>
    m.byName.get(name) ?? (Object.values(m.systemDomains).find((d) => d.name === name) as Domain);
  const d = evaluate(m, op, domain(c.domain), c.target === null ? null : domain(c.target));
  const last = d.steps.filter((s) => s.depth === 0 && s.ref).at(-1);
  // allowed right after the lookup: the operation's own line (a variant's is where its value is tested)
  return last?.ref && !(d.decision === "allow" && last.kind === "lookup") ? last.ref : op.ref;
}
