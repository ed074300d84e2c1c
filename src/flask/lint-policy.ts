import { computeTe, type PolicyIndex, permissionMask } from "./access-vector.js";
import { formatAvRule, formatConditionalExpr } from "./describe-policy.js";
import type { AvRule } from "./policydb.js";
import { type TypeReach, typeReach } from "./type-reach.js";

/** A finding about a compiled policy's types. */
export interface PolicyFinding {
  /** `flask/guest-on-dom0`, `flask/dm-unbound` */
  readonly code: string;
  readonly severity: "warning" | "error";
  readonly message: string;
  /** the (source, target, class) and permissions behind it */
  readonly reach: TypeReach;
  /**
   * the allow rules that grant what it reports, as `sesearch` prints them, each with its byte offset in
   * the compiled policy (where a report points)
   */
  readonly rules: readonly { readonly rule: string; readonly offset: number }[];
}

/**
 * Classes whose permissions act on a domain itself (its memory, vCPUs, life cycle, device model), as
 * opposed to talking to it (`event`, `grant`) or to Xen (`xen`, `xen2`, `security`, `version`).
 */
const ACTING = new Set(["domain", "domain2", "hvm", "mmu", "shadow", "resource"]);
/** Permissions that only read what Xen says of a domain (xenstored and toolstacks need them of everyone). */
const READ_ONLY = new Set([
  "getdomaininfo",
  "get_domain_state",
  "getvcpuinfo",
  "getaffinity",
  "getscheduler",
]);

/**
 * Lint rules over a Flask policy's types (Xen's policy: tools/flask/policy/modules/xen.if at RELEASE-4.22.0):
 * - `flask/guest-on-dom0`: a domain type other than `dom0_t` (and its `_self`) that may act on `dom0_t` with
 *   a permission of a class that acts on the domain itself, read-only ones aside;
 * - `flask/dm-unbound`: a device-model type (one that may `domain:set_target` some type, as
 *   `device_model()` allows, xen.if:268-271) that may act as device model (`hvm:dm`) on a domain type that
 *   is not a `domain_target_type` (the `<guest>_target` types `device_model()` makes): its power does not
 *   depend on XEN_DOMCTL_set_target binding it to one guest. (dom0_t, which runs QEMU unbound by design,
 *   is no device-model type.)
 */
export function lintPolicy(ix: PolicyIndex, states: readonly boolean[]): PolicyFinding[] {
  const rows = typeReach(ix, states);
  const targetAttr = ix.typeByName.get("domain_target_type");
  const isTargetType = (name: string) => {
    const v = ix.typeByName.get(name);
    return (
      v !== undefined &&
      targetAttr !== undefined &&
      (ix.policy.typeAttributes[v - 1] ?? []).includes(targetAttr)
    );
  };
  const dmTypes = new Set(
    rows.filter((r) => r.class === "domain" && r.permissions.includes("set_target")).map((r) => r.source),
  );
  // each conditional rule with its expression and branch, printed as sesearch does
  const conditionOf = new Map<AvRule, { expr: string; when: boolean }>();
  for (const c of ix.policy.conditionals) {
    const expr = formatConditionalExpr(ix.policy, c);
    for (const r of c.whenTrue) conditionOf.set(r, { expr, when: true });
    for (const r of c.whenFalse) conditionOf.set(r, { expr, when: false });
  }
  /** the allow rules that grant `permissions` to the row's pair */
  const rulesOf = (r: TypeReach, permissions: readonly string[]) => {
    const klass = ix.classByName.get(r.class);
    const [s, t] = [ix.typeByName.get(r.source), ix.typeByName.get(r.target)];
    if (!klass || s === undefined || t === undefined) return [];
    const mask = permissionMask(klass, permissions);
    return computeTe(ix, s, t, klass.value, states)
      .granting.filter((g) => g.data & mask)
      .map((g) => ({ rule: formatAvRule(ix, g, conditionOf.get(g)), offset: g.offset }));
  };
  const out: PolicyFinding[] = [];
  for (const r of rows) {
    if (r.target === "dom0_t" && r.source !== "dom0_t" && r.source !== "dom0_t_self" && ACTING.has(r.class)) {
      const acting = r.permissions.filter((p) => !READ_ONLY.has(p));
      if (acting.length)
        out.push({
          code: "flask/guest-on-dom0",
          severity: "warning",
          message: `\`${r.source}\` may act on \`dom0_t\`: ${r.class} ${acting.join(" ")}`,
          reach: r,
          rules: rulesOf(r, acting),
        });
    }
    if (
      r.class === "hvm" &&
      r.permissions.includes("dm") &&
      dmTypes.has(r.source) &&
      r.source !== r.target &&
      !isTargetType(r.target)
    )
      out.push({
        code: "flask/dm-unbound",
        severity: "warning",
        message: `\`${r.source}\` may act as device model (hvm:dm) on \`${r.target}\` itself, not on a \`_target\` type that set_target binds`,
        reach: r,
        rules: rulesOf(r, ["dm"]),
      });
  }
  return out;
}
