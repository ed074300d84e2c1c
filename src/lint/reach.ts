import type { Domain } from "../model/domain.js";
import type { LintContext } from "./rule.js";

/** Whether `src` may perform `opId` on `target` (null for targetless operations); false when the build lacks it. */
export function allowed(ctx: LintContext, opId: string, src: Domain, target: Domain | null): boolean {
  const o = ctx.index.ops.findIndex((op) => op.id === opId);
  if (o < 0) return false;
  return ctx.index.decide(o, ctx.index.indexOf(src), target ? ctx.index.indexOf(target) : -1) === 1;
}

/** The operations of the build whose id is `prefix` or starts with `prefix/`. */
export function opsUnder(ctx: LintContext, prefix: string): string[] {
  return ctx.index.ops.filter((o) => o.id === prefix || o.id.startsWith(`${prefix}/`)).map((o) => o.id);
}

/** Whether `src` may perform the operation on itself, another domain of the system, or without a target. */
export function granted(ctx: LintContext, opId: string, src: Domain): boolean {
  const op = ctx.index.ops.find((o) => o.id === opId);
  if (!op) return false;
  if (op.target.kind === "none") return allowed(ctx, opId, src, null);
  return ctx.system.domains.some((t) => allowed(ctx, opId, src, t));
}

/** `a, b, c and 4 more` */
export function listed(items: readonly string[], max = 6): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

export const isPrivileged = (d: Domain): boolean => d.caps.control || d.caps.hardware || d.caps.xenstore;
