import type { PolicyIndex } from "./access-vector.js";
import { permissionNames } from "./access-vector.js";
import type { AvRule, FlaskConditional, FlaskConstraint, FlaskPolicy } from "./policydb.js";

/** An mlsconstrain: one that compares levels (CEXPR_L1L2 and up, constraint.h:46-51). */
const isMls = (c: FlaskConstraint) => c.expr.some((e) => e.kind === "attr" && e.attr >= 32);

/** Counts of a policy, named as SETools' `seinfo` names them. */
export function policySummary(p: FlaskPolicy): [string, number][] {
  const all = [...p.avtab, ...p.conditionals.flatMap((c) => [...c.whenTrue, ...c.whenFalse])];
  const count = (k: AvRule["kind"]) => all.filter((r) => r.kind === k).length;
  const o = p.ocontexts;
  return [
    ["Classes", p.classes.length],
    [
      "Permissions",
      p.classes.reduce((n, c) => n + c.permissions.length, 0) +
        p.commons.reduce((n, c) => n + c.permissions.length, 0),
    ],
    ["Commons", p.commons.length],
    ["Sensitivities", p.sensitivities.filter((s) => !s.isAlias).length],
    ["Categories", p.categories.filter((c) => !c.isAlias).length],
    ["Types", p.types.filter((t) => t.primary && !t.attribute).length],
    ["Attributes", p.types.filter((t) => t.attribute).length],
    ["Users", p.users.length],
    ["Roles", p.roles.length],
    ["Booleans", p.booleans.length],
    ["Cond. Expr.", p.conditionals.length],
    ["Allow", count("allow")],
    ["Auditallow", count("auditallow")],
    ["Dontaudit", count("dontaudit")],
    ["Type_trans", count("type_transition")],
    ["Type_change", count("type_change")],
    ["Type_member", count("type_member")],
    ["Range_trans", p.rangeTransitions.length],
    ["Role allow", p.roleAllows.length],
    ["Role_trans", p.roleTransitions.length],
    ["Constraints", p.classes.reduce((n, c) => n + c.constraints.filter((x) => !isMls(x)).length, 0)],
    ["Validatetrans", p.classes.reduce((n, c) => n + c.validatetrans.filter((x) => !isMls(x)).length, 0)],
    ["MLS Constrain", p.classes.reduce((n, c) => n + c.constraints.filter(isMls).length, 0)],
    ["MLS Val. Tran", p.classes.reduce((n, c) => n + c.validatetrans.filter(isMls).length, 0)],
    ["Permissives", p.permissive.length],
    ["Polcap", p.policyCapabilities.length],
    ["Initial SIDs", o.initialSids.length],
    ["Pirqcon", o.pirqs.length],
    ["Ioportcon", o.ioports.length],
    ["Iomemcon", o.iomems.length],
    ["Pcidevicecon", o.pcidevices.length],
    ["Devicetreecon", o.devicetrees.length],
  ];
}

const BINARY = { or: "||", and: "&&", xor: "^", eq: "==", neq: "!=" } as const;

/**
 * A conditional's expression in infix, as `sesearch` prints it (`! a`, `a && b`): SETools puts the
 * operand stored last on the left (`!locked && open` is stored `locked ! open &&` and printed
 * `open && ! locked`); every binary operator of a conditional is symmetric.
 */
export function formatConditionalExpr(p: FlaskPolicy, cond: FlaskConditional): string {
  const name = (v: number) => p.booleans.find((b) => b.value === v)?.name ?? `bool${v}`;
  const stack: string[] = [];
  for (const e of cond.expr) {
    if (e.op === "bool") stack.push(name(e.bool));
    else if (e.op === "not") stack.push(`! ${stack.pop()}`);
    else {
      const b = stack.pop();
      const a = stack.pop();
      stack.push(`${b} ${BINARY[e.op]} ${a}`);
    }
  }
  return stack.pop() ?? "";
}

/**
 * One access-vector rule as `sesearch` prints it: `allow s t:c { p q };`, a single permission without
 * braces, the new type of a type rule, and `[ expr ]:True` after a conditional rule. The permissions of a
 * dontaudit rule are the bits its stored (AUDITDENY) vector clears.
 */
export function formatAvRule(ix: PolicyIndex, r: AvRule, cond?: { expr: string; when: boolean }): string {
  const type = (v: number) => ix.typeName.get(v) ?? `type${v}`;
  const klass = ix.classByValue.get(r.class);
  const head = `${r.kind} ${type(r.source)} ${type(r.target)}:${klass?.name ?? `class${r.class}`}`;
  let body: string;
  if (r.kind === "type_transition" || r.kind === "type_change" || r.kind === "type_member")
    body = ` ${type(r.data)};`;
  else {
    const vector = r.kind === "dontaudit" ? ~r.data >>> 0 : r.data;
    const names = klass ? permissionNames(klass, vector).sort() : [];
    body = names.length === 1 ? ` ${names[0]};` : ` { ${names.join(" ")} };`;
  }
  return `${head}${body}${cond ? ` [ ${cond.expr} ]:${cond.when ? "True" : "False"}` : ""}`;
}

/** Every rule of a kind, unconditional and conditional, formatted as `sesearch` prints them. */
export function formatRules(ix: PolicyIndex, kind: AvRule["kind"]): string[] {
  const p = ix.policy;
  const out = p.avtab.filter((r) => r.kind === kind).map((r) => formatAvRule(ix, r));
  for (const c of p.conditionals) {
    const expr = formatConditionalExpr(p, c);
    for (const [when, list] of [
      [true, c.whenTrue],
      [false, c.whenFalse],
    ] as const)
      for (const r of list) if (r.kind === kind) out.push(formatAvRule(ix, r, { expr, when }));
  }
  return out;
}
