import { LOOKUP_NAMES } from "../catalog/lookup-names.js";
import { type Node, norm, TRANSPARENT } from "./c-parser.js";
import { oncePer } from "./once-per.js";

/**
 * The loops over the domain list (`for_each_domain ( d ) { ... }`, xen/include/xen/sched.h:987-995 at
 * RELEASE-4.22.0): each domain is an operand, none is looked up. walker.ts reads the loop, which
 * tree-sitter makes a nested definition, as the pseudo-lookup `for_each_domain`; blank-macros.ts
 * leaves their heads as tree-sitter reads them.
 */
export const DOMAIN_ITERATORS: ReadonlySet<string> = new Set([
  "for_each_domain",
  "for_each_domain_in_cpupool",
]);

/** The lookup helpers that turn a guest-supplied domid into a domain (reference §2.5): the catalogue's, less its pseudo-lookups. */
export const LOOKUPS: ReadonlySet<string> = new Set(
  LOOKUP_NAMES.filter((l) => l !== "domctl" && l !== "current" && l !== "for_each_domain"),
);

/** Lookups that return an error code and write the domain through their last argument. */
export const OUT_PARAM_LOOKUPS = new Set([
  "rcu_lock_remote_domain_by_id",
  "rcu_lock_live_remote_domain_by_id",
]);

/** What a C expression of type `struct domain *` stands for, relative to the operation. */
export type Role =
  | { readonly kind: "current" }
  | { readonly kind: "null" }
  | { readonly kind: "system"; readonly name: "dom_io" | "dom_xen" }
  | {
      readonly kind: "lookup";
      readonly lookup: string;
      readonly field: string;
      readonly ref: string;
      readonly var: string;
    }
  /** the domain an operation is building (`d = alloc_domain_struct()` in domain_create()): no operand of the request */
  | { readonly kind: "new" }
  /** the calling vCPU (`struct vcpu *curr = current;`): not a domain, but `curr->domain` is the caller */
  | { readonly kind: "current-vcpu" }
  | { readonly kind: "unknown"; readonly text: string };

/**
 * Allocators of the domain being created: domain_create() takes `d` from alloc_domain_struct()
 * (xen/common/domain.c:886 at RELEASE-4.22.0) and makes its hooks on it.
 */
export const NEW_DOMAIN_ALLOCATORS: ReadonlySet<string> = new Set(["alloc_domain_struct"]);

export const CURRENT: Role = { kind: "current" };
export const NULL_ROLE: Role = { kind: "null" };

/** Strips casts, parentheses and `evaluate_nospec()`-style wrappers that do not change the value. */
export function strip(n: Node): Node {
  const type = n.type;
  if (type !== "parenthesized_expression" && type !== "cast_expression" && type !== "call_expression")
    return n;
  return stripped(n);
}

/** strip's answers, kept: the walker strips the same conditions on every sub-op's path. */
const stripped = oncePer((n: Node): Node => {
  let x = n;
  for (;;) {
    let inner: Node | null = null;
    if (x.type === "parenthesized_expression") inner = x.namedChild(0);
    else if (x.type === "cast_expression") inner = x.childForFieldName("value");
    else if (x.type === "call_expression" && TRANSPARENT.has(x.childForFieldName("function")?.text ?? "")) {
      const args = x.childForFieldName("arguments")?.namedChildren.filter((a) => a?.type !== "comment") ?? [];
      if (args.length === 1) inner = args[0] ?? null;
    }
    if (!inner) return x;
    x = inner;
  }
});

/** The guest field a domid comes from: `op->domain` -> `domain`, `xatpb.u.foreign_domid` -> `u.foreign_domid`. */
export function fieldOf(n: Node): string {
  const text = norm(strip(n));
  const m = /^[A-Za-z_]\w*(?:->|\.)(.+)$/.exec(text);
  return (m ? (m[1] as string) : text).replace(/->/g, ".");
}

/** The role of an expression given the roles of the variables in scope. */
export function roleOf(n: Node, env: ReadonlyMap<string, Role>): Role {
  const x = strip(n);
  const text = norm(x);
  if (text === "current->domain" || text === "rcu_lock_current_domain()") return CURRENT;
  if (text === "current") return { kind: "current-vcpu" };
  const owner = /^(\w+)->domain$/.exec(text)?.[1];
  if (owner && env.get(owner)?.kind === "current-vcpu") return CURRENT;
  if (text === "NULL" || text === "0") return NULL_ROLE;
  if (text === "dom_io" || text === "dom_xen") return { kind: "system", name: text };
  if (x.type === "identifier") return env.get(text) ?? { kind: "unknown", text };
  // `src->domain` a helper filled in (gnttab_copy_lock_domain())
  if (x.type === "field_expression" && env.has(text)) return env.get(text) as Role;
  if (x.type === "conditional_expression") {
    // `d ?: current->domain` and friends: take the first alternative that is known
    const alt = x.childForFieldName("alternative");
    const cons = x.childForFieldName("consequence");
    for (const c of [cons, alt]) {
      if (!c) continue;
      const r = roleOf(c, env);
      if (r.kind !== "unknown") return r;
    }
  }
  return { kind: "unknown", text };
}
