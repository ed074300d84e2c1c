import { evaluateConditional } from "./conditional.js";
import { constraintHolds } from "./constraint.js";
import type { AvRule, FlaskClass, FlaskContext, FlaskPolicy } from "./policydb.js";

// What context_struct_compute_av computes (libsepol/src/services.c:904-1023 at SELinuxProject/selinux
// 3.4), the computation Xen's security server makes for avc_has_perm (xen/xsm/flask/ss/services.c).

/** A read policy with its rules keyed by (source, target, class), built once. */
export interface PolicyIndex {
  readonly policy: FlaskPolicy;
  /** unconditional rules */
  readonly rules: ReadonlyMap<number, readonly AvRule[]>;
  /** conditional rules with the conditional and the branch that enables them */
  readonly conditional: ReadonlyMap<number, readonly { rule: AvRule; cond: number; when: boolean }[]>;
  readonly classByValue: ReadonlyMap<number, FlaskClass>;
  readonly classByName: ReadonlyMap<string, FlaskClass>;
  /** primary types and aliases by name */
  readonly typeByName: ReadonlyMap<string, number>;
  /** names of primary types and attributes by value */
  readonly typeName: ReadonlyMap<number, string>;
}

const key = (s: number, t: number, c: number) => (s * 65536 + t) * 65536 + c;

export function indexPolicy(policy: FlaskPolicy): PolicyIndex {
  const rules = new Map<number, AvRule[]>();
  for (const r of policy.avtab) {
    const k = key(r.source, r.target, r.class);
    const list = rules.get(k);
    if (list) list.push(r);
    else rules.set(k, [r]);
  }
  const conditional = new Map<number, { rule: AvRule; cond: number; when: boolean }[]>();
  policy.conditionals.forEach((c, cond) => {
    for (const [when, list] of [
      [true, c.whenTrue],
      [false, c.whenFalse],
    ] as const)
      for (const rule of list) {
        const k = key(rule.source, rule.target, rule.class);
        const entry = { rule, cond, when };
        const l = conditional.get(k);
        if (l) l.push(entry);
        else conditional.set(k, [entry]);
      }
  });
  return {
    policy,
    rules,
    conditional,
    classByValue: new Map(policy.classes.map((c) => [c.value, c])),
    classByName: new Map(policy.classes.map((c) => [c.name, c])),
    typeByName: new Map(policy.types.map((t) => [t.name, t.value])),
    typeName: new Map(policy.types.filter((t) => t.primary).map((t) => [t.value, t.name])),
  };
}

/** The access vectors of one decision and the rules that made them. */
export interface AccessVectors {
  readonly allowed: number;
  readonly auditallow: number;
  /** bits still audited when denied: dontaudit rules clear theirs */
  readonly auditdeny: number;
  /** the allow rules (unconditional, or of an enabled branch) that granted bits */
  readonly granting: readonly AvRule[];
}

/**
 * Type enforcement alone: the permissions allowed from `source` to `target` in `tclass`, every attribute
 * of each expanded (type_attr_map), unconditional rules and the conditional rules of the branch each
 * conditional takes under `states` (booleans by value - 1). Pure; no constraint is applied.
 */
export function computeTe(
  ix: PolicyIndex,
  source: number,
  target: number,
  tclass: number,
  states: readonly boolean[],
): AccessVectors {
  const p = ix.policy;
  let allowed = 0;
  let auditallow = 0;
  let auditdeny = 0xffffffff;
  const granting: AvRule[] = [];
  const condValue = p.conditionals.map((c) => evaluateConditional(c.expr, states));
  const sattr = p.typeAttributes[source - 1] ?? [];
  const tattr = p.typeAttributes[target - 1] ?? [];
  for (const s of sattr)
    for (const t of tattr) {
      const k = key(s, t, tclass);
      for (const r of ix.rules.get(k) ?? []) {
        if (r.kind === "allow") {
          allowed |= r.data;
          granting.push(r);
        } else if (r.kind === "auditallow") auditallow |= r.data;
        else if (r.kind === "dontaudit") auditdeny &= r.data;
      }
      // cond_compute_av (conditional.c:861): the branch whose value matches is enabled
      for (const { rule, cond, when } of ix.conditional.get(k) ?? []) {
        if (condValue[cond] !== when) continue;
        if (rule.kind === "allow") {
          allowed |= rule.data;
          granting.push(rule);
        } else if (rule.kind === "auditallow") auditallow |= rule.data;
        else if (rule.kind === "dontaudit") auditdeny &= rule.data;
      }
    }
  return { allowed: allowed >>> 0, auditallow: auditallow >>> 0, auditdeny: auditdeny >>> 0, granting };
}

/** A full decision: type enforcement, then what constraints and the role rules remove. */
export interface AvDecision extends AccessVectors {
  /** the type-enforcement vector before constraints */
  readonly te: number;
  /** bits each failing constraint removed */
  readonly constrained: readonly { readonly constraint: number; readonly removed: number }[];
  /** bits removed because the role change has no role allow rule */
  readonly roleRemoved: number;
}

/**
 * `context_struct_compute_av` (services.c:904): type enforcement, then the class's constraints
 * (services.c:972-983: a constraint whose permissions meet the allowed vector and that does not hold
 * removes its permissions), then the role rule for `transition`/`dyntransition` of the process class,
 * `domain` for Xen (services.c:1003-1013). Type bounds (services.c:1021) are not applied: Xen's
 * policies declare none.
 */
export function computeAv(
  ix: PolicyIndex,
  s: FlaskContext,
  t: FlaskContext,
  tclass: number,
  states: readonly boolean[],
): AvDecision {
  const te = computeTe(ix, s.type, t.type, tclass, states);
  let allowed = te.allowed;
  const constrained: { constraint: number; removed: number }[] = [];
  const klass = ix.classByValue.get(tclass);
  klass?.constraints.forEach((c, i) => {
    if (c.permissions & allowed && !constraintHolds(ix.policy, c, s, t)) {
      constrained.push({ constraint: i, removed: (c.permissions & allowed) >>> 0 });
      allowed &= ~c.permissions;
    }
  });
  let roleRemoved = 0;
  if (klass?.name === "domain" && s.role !== t.role) {
    const trans = permissionMask(klass, ["transition", "dyntransition"]);
    if (allowed & trans && !ix.policy.roleAllows.some((r) => r.role === s.role && r.newRole === t.role)) {
      roleRemoved = (allowed & trans) >>> 0;
      allowed &= ~trans;
    }
  }
  return { ...te, allowed: allowed >>> 0, te: te.allowed, constrained, roleRemoved };
}

/** The bits of the named permissions of a class (names it lacks are ignored). */
export function permissionMask(klass: FlaskClass, names: readonly string[]): number {
  let m = 0;
  klass.bits.forEach((n, i) => {
    if (names.includes(n)) m |= 1 << i;
  });
  return m >>> 0;
}

/** The names of the permissions of an access vector, in bit order. */
export function permissionNames(klass: FlaskClass, vector: number): string[] {
  return klass.bits.filter((n, i) => n !== "" && (vector >>> i) & 1);
}
