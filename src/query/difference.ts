import type { Change, DiffResult } from "./diff.js";
import type {
  CheckChange,
  ContradictingCall,
  HookChange,
  LookupChange,
  VersionDiff,
} from "./version-diff.js";

/** One thing a diff found, with its witness: the request, the operation, the check or the call. */
export type DiffEntry =
  | ({ readonly item: "permission" } & Change & { readonly fromRef?: string; readonly toRef?: string })
  | { readonly item: "operation"; readonly op: string }
  | ({ readonly item: "check" } & Omit<CheckChange, "kind">)
  | ({ readonly item: "call" } & ContradictingCall);

/** Something both sides have, changed: the hook's action or a lookup's error, with both sides' lines. */
export type DiffChanged =
  | ({ readonly item: "hook" } & HookChange)
  | ({ readonly item: "lookup" } & LookupChange);

/**
 * The one shape of every diff, as SETools' `Difference`: what the second side adds (a permission it
 * widens, an operation, a check, a contradicting call), what it removes, and what it changes.
 */
export interface Difference {
  readonly from: string;
  readonly to: string;
  readonly added: readonly DiffEntry[];
  readonly removed: readonly DiffEntry[];
  readonly changed: readonly DiffChanged[];
}

const permission = (c: Change): DiffEntry => ({ item: "permission", ...c });
const operation = (op: string): DiffEntry => ({ item: "operation", op });

/** A policy diff (`diffPolicies`) or a version diff (`diffCatalogues`) as one `Difference`. */
export function difference(d: DiffResult | VersionDiff): Difference {
  if ("changes" in d)
    return {
      from: d.from,
      to: d.to,
      added: [...d.changes.filter((c) => c.kind === "widened").map(permission), ...d.addedOps.map(operation)],
      removed: [
        ...d.changes.filter((c) => c.kind === "narrowed").map(permission),
        ...d.removedOps.map(operation),
      ],
      changed: [],
    };
  const e = difference(d.effective as DiffResult);
  const check = ({ kind: _, ...c }: CheckChange): DiffEntry => ({ item: "check", ...c });
  const call = (c: ContradictingCall): DiffEntry => ({ item: "call", ...c });
  return {
    from: d.from,
    to: d.to,
    added: [
      ...e.added,
      ...d.checks.filter((c) => c.kind === "added").map(check),
      ...d.contradictions.filter((c) => c.side === "to").map(call),
    ],
    removed: [
      ...e.removed,
      ...d.checks.filter((c) => c.kind === "removed").map(check),
      ...d.contradictions.filter((c) => c.side === "from").map(call),
    ],
    changed: [
      ...d.hooks.map((h): DiffChanged => ({ item: "hook", ...h })),
      ...d.lookups.map((l): DiffChanged => ({ item: "lookup", ...l })),
    ],
  };
}
