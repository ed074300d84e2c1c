import type { Domain } from "../model/domain.js";
import { cellOf } from "../query/cells.js";
import type { DecisionIndex } from "../query/decision-index.js";
import type { LintContext } from "./rule.js";

const opIndexes = new WeakMap<DecisionIndex, Map<string, number>>();

/** The index of an operation in the decision index, or -1 when the build lacks it. */
function opIndex(ctx: LintContext, opId: string): number {
  let m = opIndexes.get(ctx.index);
  if (!m) {
    m = new Map(ctx.index.ops.map((o, i) => [o.id, i]));
    opIndexes.set(ctx.index, m);
  }
  return m.get(opId) ?? -1;
}

/** Whether `src` may perform `opId` on `target` (null for targetless operations); false when the build lacks it. */
export function allowed(ctx: LintContext, opId: string, src: Domain, target: Domain | null): boolean {
  const o = opIndex(ctx, opId);
  if (o < 0) return false;
  return ctx.index.decide(o, ctx.index.indexOf(src), target ? ctx.index.indexOf(target) : -1) === 1;
}

/**
 * Whether `src` may perform the operation at all: without a target, or on itself, its device-model
 * target, another domain or a system domain. One witness per class of domain (`cellOf`), so a
 * system of thousands of domains costs no more than a handful.
 */
export function granted(ctx: LintContext, opId: string, src: Domain): boolean {
  const o = opIndex(ctx, opId);
  if (o < 0) return false;
  const c = cellOf(ctx.index, o, ctx.index.indexOf(src));
  return (
    c.allowed === true ||
    c.self === true ||
    c.ownTarget === true ||
    (c.others !== undefined && c.others !== "none") ||
    Object.values(c.system ?? {}).some(Boolean)
  );
}

/** Whether `src` may perform the operation on every other ordinary domain. */
export function grantedOnAllOthers(ctx: LintContext, opId: string, src: Domain): boolean {
  const o = opIndex(ctx, opId);
  return o >= 0 && cellOf(ctx.index, o, ctx.index.indexOf(src)).others === "all";
}

/** The operations of the build whose id is `prefix` or starts with `prefix/`. */
export function opsUnder(ctx: LintContext, prefix: string): string[] {
  return ctx.index.ops.filter((o) => o.id === prefix || o.id.startsWith(`${prefix}/`)).map((o) => o.id);
}

/** `a, b, c and 4 more` */
export function listed(items: readonly string[], max = 6): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

export const isPrivileged = (d: Domain): boolean => d.caps.control || d.caps.hardware || d.caps.xenstore;
