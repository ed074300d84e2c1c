import type { Check, Operation } from "../catalog/schema.js";
import type { Domain } from "../model/domain.js";
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

const lookupRule = (l: { missingError: string; nonControlError?: string | undefined }) =>
  l.nonControlError ? `${l.missingError} for control, ${l.nonControlError} otherwise` : l.missingError;

/** Whether anything at all changed: permissions, operations, checks, hooks or lookups. */
export function hasChanges(d: VersionDiff): boolean {
  const e = d.effective;
  return (
    e.changes.length +
      e.addedOps.length +
      e.removedOps.length +
      d.checks.length +
      d.hooks.length +
      d.lookups.length >
    0
  );
}

/** What changes between two Xen versions (or a tree and its patch): permissions, checks, hooks, lookups. */
export function diffVersions(
  a: Model,
  b: Model,
  filter: (op: Operation) => boolean = () => true,
): VersionDiff {
  const checks: CheckChange[] = [];
  for (const op of b.ops.filter(filter)) {
    const old = counterpart(op.id, a.opsById);
    if (!old) continue;
    const before = new Map(old.checks.map((c) => [describe(c), c]));
    const after = new Map(op.checks.map((c) => [describe(c), c]));
    for (const [what, c] of before)
      if (!after.has(what)) checks.push({ op: op.id, kind: "removed", what, ref: c.ref });
    for (const [what, c] of after)
      if (!before.has(what)) checks.push({ op: op.id, kind: "added", what, ref: c.ref });
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
  const effective = diffModels(a, b, filter);
  const changes = effective.changes.map((c) => ({
    ...c,
    fromRef: decidedAt(a, c),
    toRef: decidedAt(b, c),
  }));
  return { from: version(a), to: version(b), effective: { ...effective, changes }, checks, hooks, lookups };
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
