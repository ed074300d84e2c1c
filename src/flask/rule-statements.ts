import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { evaluateConditional } from "./conditional.js";
import type { NameSet, TeStatement } from "./parse-policy-conf.js";
import type { AvRule, FlaskPolicy } from "./policydb.js";

/** A statement of the source that put bits into a compiled rule, and the bits it put there. */
export interface RuleStatement {
  readonly statement: TeStatement;
  /** the access vector it gives the rule (allow, auditallow), or the bits it clears (dontaudit) */
  readonly perms: number;
}

/**
 * Which statements of the policy's source made each rule of the compiled policy: each statement expanded
 * into the (source, target, class) keys checkpolicy writes for it (libsepol's expand.c
 * convert_and_expand_rule and type_set_expand at SELinuxProject/selinux 3.4: an attribute stays one key
 * unless the rule names `self`, is a type rule, or its set has a `-`, `*` or `~`; `self` gives each
 * source type itself; neverallow rules write nothing), a statement in an `if` matched to the compiled
 * conditional with the same truth table (or its negation, branches swapped, as cond_normalize_expr
 * does), and the statements of each key gathered by rule kind.
 */
export function ruleStatements(
  policy: FlaskPolicy,
  statements: readonly TeStatement[],
): Map<AvRule, RuleStatement[]> {
  const typeValue = new Map(policy.types.map((t) => [t.name, t.value]));
  const attribute = new Set(policy.types.filter((t) => t.attribute).map((t) => t.value));
  const types = policy.types.filter((t) => t.primary && !t.attribute).map((t) => t.value);
  const members = new Map<number, number[]>();
  policy.typeAttributes.forEach((attrs, i) => {
    for (const a of attrs)
      if (a !== i + 1) {
        const list = members.get(a) ?? [];
        list.push(i + 1);
        members.set(a, list);
      }
  });
  const classValue = new Map(policy.classes.map((c) => [c.name, c]));
  const boolValue = new Map(policy.booleans.map((b) => [b.name, b.value]));

  const unknown = (s: TeStatement, what: string): never =>
    fail(
      error("flask/policy-source", `\`${s.text}\` names ${what}, which the compiled policy does not have`, {
        file: s.at.file,
        line: s.at.line,
        column: 1,
      }),
    );
  const value = (s: TeStatement, name: string) => typeValue.get(name) ?? unknown(s, `type \`${name}\``);
  /** type_set_expand: the keys a set gives */
  const expand = (s: TeStatement, set: NameSet, always: boolean): number[] => {
    const full = always || set.minus.length > 0 || set.star || set.complement;
    const out = new Set<number>();
    for (const n of set.names) {
      const v = value(s, n);
      if (attribute.has(v) && full) for (const m of members.get(v) ?? []) out.add(m);
      else out.add(v);
    }
    const minus = new Set(
      set.minus.flatMap((n) => {
        const v = value(s, n);
        return attribute.has(v) ? (members.get(v) ?? []) : [v];
      }),
    );
    if (set.star) return types.filter((t) => !minus.has(t));
    const kept = [...out].filter((t) => !minus.has(t));
    return set.complement ? types.filter((t) => !kept.includes(t)) : kept;
  };

  // a statement's `if`: the compiled conditional with the same truth table, and the branch it is
  const condOf = new Map<string, { index: number; when: boolean } | null>();
  const conditional = (s: TeStatement) => {
    const c = s.cond as NonNullable<TeStatement["cond"]>;
    const key = `${c.expr.join(" ")}\0${c.when}`;
    let found = condOf.get(key);
    if (found === undefined) {
      const names = [...new Set(c.expr.filter((t) => /^[A-Za-z_]/.test(t)))];
      const bools = names.map((n) => boolValue.get(n) ?? unknown(s, `boolean \`${n}\``));
      const table = (f: (states: boolean[]) => boolean) =>
        Array.from({ length: 1 << bools.length }, (_, m) => {
          const states = Array.from({ length: policy.counts.booleans }, () => false);
          bools.forEach((b, i) => {
            states[b - 1] = ((m >> i) & 1) === 1;
          });
          return f(states);
        }).join();
      const ours = table((st) => evalCond(c.expr, (n) => st[(boolValue.get(n) as number) - 1] === true));
      const negated = table((st) => !evalCond(c.expr, (n) => st[(boolValue.get(n) as number) - 1] === true));
      found = null;
      policy.conditionals.forEach((pc, index) => {
        if (found || pc.expr.some((e) => e.op === "bool" && !bools.includes(e.bool))) return;
        const theirs = table((st) => evaluateConditional(pc.expr, st));
        if (theirs === ours) found = { index, when: c.when };
        else if (theirs === negated) found = { index, when: !c.when };
      });
      condOf.set(key, found);
    }
    return found;
  };

  const byKey = new Map<string, RuleStatement[]>();
  for (const s of statements) {
    if (s.kind === "neverallow") continue;
    const typeRule = s.kind.startsWith("type_");
    const sources = expand(s, s.source, typeRule || s.self);
    const targets = expand(s, s.target, typeRule || s.self);
    const classes = s.classes.star
      ? policy.classes
      : s.classes.names.map((n) => classValue.get(n) ?? unknown(s, `class \`${n}\``));
    const chosen = s.classes.complement ? policy.classes.filter((c) => !classes.includes(c)) : classes;
    const cond = s.cond ? conditional(s) : undefined;
    if (cond === null) continue;
    const condKey = cond ? `${cond.index}:${cond.when}` : "";
    for (const c of chosen) {
      // as checkpolicy sets a rule's vector: `*` every bit, `~` the complement (undeclared bits included)
      let perms = 0;
      if (s.perms?.star) perms = 0xffffffff;
      else if (s.perms) {
        c.bits.forEach((b, i) => {
          if (b && s.perms?.names.includes(b)) perms |= 1 << i;
        });
        if (s.perms.complement) perms = ~perms;
      } else perms = value(s, s.newType as string);
      const add = (src: number, tgt: number) => {
        const k = `${s.kind}|${src}|${tgt}|${c.value}|${condKey}`;
        const list = byKey.get(k) ?? [];
        list.push({ statement: s, perms: perms >>> 0 });
        byKey.set(k, list);
      };
      for (const src of sources) {
        if (s.self) add(src, src);
        for (const tgt of targets) add(src, tgt);
      }
    }
  }
  const out = new Map<AvRule, RuleStatement[]>();
  const take = (r: AvRule, condKey: string) => {
    const list = byKey.get(`${r.kind}|${r.source}|${r.target}|${r.class}|${condKey}`);
    if (list) out.set(r, list);
  };
  for (const r of policy.avtab) take(r, "");
  policy.conditionals.forEach((c, index) => {
    for (const r of c.whenTrue) take(r, `${index}:true`);
    for (const r of c.whenFalse) take(r, `${index}:false`);
  });
  return out;
}

/**
 * An `if` expression of the source, as checkpolicy's grammar reads it (policy_parse.y: `||` binds
 * loosest, then `^`, `&&`, `!`, and `==`/`!=` tightest).
 */
function evalCond(expr: readonly string[], value: (name: string) => boolean): boolean {
  let i = 0;
  const or = (): boolean => {
    let v = xor();
    while (expr[i] === "||") {
      i++;
      const w = xor();
      v = v || w;
    }
    return v;
  };
  const xor = (): boolean => {
    let v = and();
    while (expr[i] === "^") {
      i++;
      v = v !== and();
    }
    return v;
  };
  const and = (): boolean => {
    let v = not();
    while (expr[i] === "&&") {
      i++;
      const w = not();
      v = v && w;
    }
    return v;
  };
  const not = (): boolean => {
    if (expr[i] === "!") {
      i++;
      return !not();
    }
    return eq();
  };
  const eq = (): boolean => {
    let v = primary();
    while (expr[i] === "==" || expr[i] === "!=") {
      const op = expr[i++];
      const w = primary();
      v = op === "==" ? v === w : v !== w;
    }
    return v;
  };
  const primary = (): boolean => {
    const t = expr[i++];
    if (t === "(") {
      const v = or();
      i++;
      return v;
    }
    return value(t as string);
  };
  return or();
}
