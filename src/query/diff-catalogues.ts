import type { Catalogue } from "../catalog/schema.js";
import type { System } from "../model/system.js";
import { buildModel } from "./model.js";
import { opFilter } from "./op-filter.js";
import { resolveBuiltinPolicy } from "./tree-policy.js";
import { diffVersions, type VersionDiff } from "./version-diff.js";

/**
 * What changes between two catalogues (two Xen versions, or a tree and its patch) for a system's
 * domains, each side under its own `dummy.h` when it carries one: permissions with witnesses,
 * operations, checks, hooks, lookups and contradicting call sites.
 */
export function diffCatalogues(
  a: Catalogue,
  b: Catalogue,
  system: System,
  o: { readonly hypercalls?: readonly string[] } = {},
): VersionDiff {
  const model = (c: Catalogue) => buildModel(c, system, resolveBuiltinPolicy(c, "dummy"));
  return diffVersions(model(a), model(b), opFilter(o.hypercalls));
}
