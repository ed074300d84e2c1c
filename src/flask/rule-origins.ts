import { indexPolicy, permissionNames } from "./access-vector.js";
import { formatAvRule, formatConditionalExpr } from "./describe-policy.js";
import { m4Macros, type SourceFile } from "./m4-macros.js";
import { parsePolicyConf } from "./parse-policy-conf.js";
import type { AvRule, FlaskPolicy } from "./policydb.js";
import { ruleStatements } from "./rule-statements.js";

/** Where a statement that gave a compiled rule its permissions is written in the policy's sources. */
export interface RuleOrigin {
  /** `path:line` in the tree: the statement's line, or that of the macro use that wrote it */
  readonly ref: string;
  /** the statement as the source writes it, or the macro use (`create_domain(dom0_t, domU_t)`) */
  readonly text: string;
  /** when a macro use wrote it: the macro whose body holds the rule, and the rule's line there */
  readonly macro?: { readonly name: string; readonly ref: string; readonly text: string };
  /** the rule's permissions it gives (none for a type rule) */
  readonly perms: readonly string[];
}

/** The origins of each rule of a compiled policy, keyed by the rule as `sesearch` prints it. */
export type RuleOrigins = Readonly<Record<string, readonly RuleOrigin[]>>;

const CALL = /\b([A-Za-z_]\w*)\s*\(/g;

/**
 * For every rule of a compiled policy, the statements of its sources that made it (rule-statements.ts),
 * each with the line it is written on: the policy.conf m4 wrote with synclines (`-s`, as Xen's
 * Makefile.common runs it), its files read through `read` (tree paths: `dir` joined with m4's names). A
 * statement a macro use wrote is given at the use, with the rule in the macro's body (the macros the use
 * reaches, its own and those their bodies call, tried in that order). A policy.conf without synclines
 * (m4 run without `-s`) says no line: no origins.
 */
export function ruleOrigins(
  policy: FlaskPolicy,
  conf: string,
  dir: string,
  read: (path: string) => string | undefined,
): RuleOrigins {
  if (!/^#line \d+ "/m.test(conf)) return {};
  const treePath = (m4File: string) => {
    const parts: string[] = [];
    for (const p of `${dir}/${m4File}`.split("/"))
      if (p === "..") parts.pop();
      else if (p !== "." && p !== "") parts.push(p);
    return parts.join("/");
  };
  const statements = parsePolicyConf(conf, "policy.conf", treePath);
  const files: SourceFile[] = [];
  for (const m of conf.matchAll(/^#line \d+ "([^"]+)"/gm)) {
    const path = treePath(m[1] as string);
    if (files.some((f) => f.path === path)) continue;
    const text = read(path);
    if (text !== undefined) files.push({ path, text });
  }
  const macros = m4Macros(files);
  const lines = new Map(files.map((f) => [f.path, f.text.split("\n")]));

  const origins = new Map<string, Omit<RuleOrigin, "perms">>();
  const originOf = (s: (typeof statements)[number]): Omit<RuleOrigin, "perms"> => {
    const ref = `${s.at.file}:${s.at.line}`;
    const key = `${ref}\0${s.text}`;
    let o = origins.get(key);
    if (o) return o;
    const src = lines.get(s.at.file);
    const here = src?.slice(s.at.line - 1, s.at.line + 49).join("\n") ?? "";
    const called = [...(src?.[s.at.line - 1] ?? "").replace(/#.*/, "").matchAll(CALL)]
      .map((m) => ({ name: m[1] as string, at: m.index ?? 0 }))
      .filter((c) => macros.has(c.name));
    if (called.length === 0) {
      // written in the file itself: the statement from its line to its `;`
      const at = here.search(new RegExp(`\\b${s.kind}\\b`));
      const end = at < 0 ? -1 : here.indexOf(";", at);
      const text = end < 0 ? s.text : here.slice(at, end + 1).replace(/\s+/g, " ");
      o = { ref, text };
    } else {
      // the use, from its name to its closing parenthesis
      const first = called[0] as { name: string; at: number };
      let depth = 0;
      let end = here.length;
      for (let j = here.indexOf("(", first.at); j < here.length; j++) {
        if (here[j] === "(") depth++;
        else if (here[j] === ")" && --depth === 0) {
          end = j + 1;
          break;
        }
      }
      const use = here.slice(first.at, end).replace(/\s+/g, " ");
      // the macros it reaches, nearest first
      const order: string[] = [];
      for (const c of called) if (!order.includes(c.name)) order.push(c.name);
      for (let k = 0; k < order.length; k++)
        for (const m of (macros.get(order[k] as string)?.body ?? "").matchAll(CALL))
          if (macros.has(m[1] as string) && !order.includes(m[1] as string)) order.push(m[1] as string);
      let macro: RuleOrigin["macro"];
      for (const exact of [true, false])
        for (const name of order) {
          const m = macros.get(name);
          const r = m?.rules.find((x) => (exact ? x.pattern : x.loose).test(s.text));
          if (m && r && !macro) macro = { name, ref: `${m.file}:${r.line}`, text: r.text };
        }
      o = { ref, text: use, ...(macro && { macro }) };
    }
    origins.set(key, o);
    return o;
  };

  const ix = indexPolicy(policy);
  const out: Record<string, RuleOrigin[]> = {};
  const conds = new Map<AvRule, { expr: string; when: boolean }>();
  for (const c of policy.conditionals) {
    const expr = formatConditionalExpr(policy, c);
    for (const r of c.whenTrue) conds.set(r, { expr, when: true });
    for (const r of c.whenFalse) conds.set(r, { expr, when: false });
  }
  for (const [rule, list] of ruleStatements(policy, statements)) {
    // a statement's bits, those of one line together (a macro use may write two rules that meet here)
    const bits = new Map<Omit<RuleOrigin, "perms">, number>();
    for (const { statement, perms } of list) {
      const o = originOf(statement);
      bits.set(o, (bits.get(o) ?? 0) | perms);
    }
    const klass = ix.classByValue.get(rule.class);
    const av = rule.kind === "allow" || rule.kind === "auditallow" || rule.kind === "dontaudit";
    out[formatAvRule(ix, rule, conds.get(rule))] = [...bits].map(([o, b]) => ({
      ...o,
      perms: av && klass ? permissionNames(klass, b >>> 0) : [],
    }));
  }
  return out;
}
