import { computeTe, type PolicyIndex, permissionNames } from "./access-vector.js";

/** What one type may do to another, class by class, by type enforcement. */
export interface TypeReach {
  readonly source: string;
  readonly target: string;
  readonly class: string;
  readonly permissions: readonly string[];
}

/**
 * Which domain types may reach which: for every pair of types that hold the attribute `domain_type`
 * (Xen's policy gives it to every domain type, tools/flask/policy/modules/xen.if; every type when the
 * policy has no such attribute), the permissions of each class the allow rules give, attributes expanded
 * and conditional rules by the booleans' states. Constraints are not applied: they need users and roles,
 * which are the domains', not the types'. `source` and `target` keep only those types.
 */
export function typeReach(
  ix: PolicyIndex,
  states: readonly boolean[],
  only: { readonly source?: string; readonly target?: string } = {},
): TypeReach[] {
  const p = ix.policy;
  const attr = ix.typeByName.get("domain_type");
  const types = p.types
    .filter((t) => t.primary && !t.attribute)
    .filter((t) => attr === undefined || (p.typeAttributes[t.value - 1] ?? []).includes(attr))
    .map((t) => ({ name: t.name, value: t.value }));
  const out: TypeReach[] = [];
  for (const s of types) {
    if (only.source && s.name !== only.source) continue;
    for (const t of types) {
      if (only.target && t.name !== only.target) continue;
      for (const k of p.classes) {
        const te = computeTe(ix, s.value, t.value, k.value, states);
        if (te.allowed)
          out.push({
            source: s.name,
            target: t.name,
            class: k.name,
            permissions: permissionNames(k, te.allowed).sort(),
          });
      }
    }
  }
  return out;
}
