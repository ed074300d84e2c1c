import type { AllowedSubop, FilteredHypercall, XenServerFilter } from "./filter-facts.js";

/**
 * Which of filter-hypercall.c's cases a (hypercall, sub-op) falls in, before any argument is read:
 * the emulator evaluates the conditions of the case, an exported filter compiles them.
 */
export type XenServerRule =
  /** each entry is filtered one level deeper; `hypercall`: the facts' multicall entry, when listed */
  | { readonly kind: "multicall"; readonly hypercall?: FilteredHypercall }
  /** not in `__pre_hypercall`'s switch */
  | { readonly kind: "unlisted" }
  /** listed; `sub` undefined: the sub-op is not in the hypercall's list */
  | {
      readonly kind: "listed";
      readonly hypercall: FilteredHypercall;
      readonly sub: AllowedSubop | "all" | undefined;
    };

export function xenServerRule(
  f: XenServerFilter,
  hypercall: string,
  subop: string | undefined,
): XenServerRule {
  const h = f.hypercalls.find((x) => x.hypercall === hypercall);
  if (hypercall === "multicall") return { kind: "multicall", ...(h && { hypercall: h }) };
  if (!h) return { kind: "unlisted" };
  const sub = h.allowed === "all" ? "all" : h.allowed.find((s) => s.subop === subop);
  return { kind: "listed", hypercall: h, sub };
}
