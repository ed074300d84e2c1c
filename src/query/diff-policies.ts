import { asBuilt } from "./as-built.js";
import { type DiffResult, diffModels } from "./diff.js";
import type { Model } from "./model.js";
import { opFilter } from "./op-filter.js";

/** A policy diff, with how many call sites contradict their hook (each counted with the hook's own action). */
export type PolicyDiff = DiffResult & { readonly contradicting: number };

/**
 * What changes from model `a`'s policy to model `b`'s (same catalogue and system): every request
 * whose answer changes, each with a witness. A call site that contradicts its hook decides
 * nothing: each policy sees the hook's own action.
 */
export function diffPolicies(
  a: Model,
  b: Model,
  o: { readonly hypercalls?: readonly string[] } = {},
): PolicyDiff {
  const r = diffModels(asBuilt(a), asBuilt(b), opFilter(o.hypercalls));
  return { ...r, contradicting: a.catalogue.extraction?.mismatches.length ?? 0 };
}
