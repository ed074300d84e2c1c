/**
 * The preprocessor conditionals of a file read line by line, without cpp: what `CONFIG_*` guards
 * hold at each point, where no build goes (`#if 0`), and which conditions could not be kept.
 */

import { LIMITS } from "../core/limits.js";

const CONFIG = /^CONFIG_[A-Za-z0-9_]+$/;

/**
 * Macros that Xen defines exactly when a Kconfig option is set (`!` when it is not), so that an
 * `#ifdef` of one is a guard of that option (refs at RELEASE-4.22.0; found by booting x86_64 Xen,
 * issue 22): `NDEBUG` without CONFIG_DEBUG (xen/include/xen/config.h:88-90); `DBG_LEVEL_0` under
 * `#ifndef NDEBUG` (xen/arch/x86/include/asm/hvm/support.h:18-19); `opt_hvm_fep`, a macro `0`
 * without CONFIG_HVM_FEP (xen/arch/x86/include/asm/hvm/hvm.h:25-30).
 */
const KCONFIG_MACROS: Readonly<Record<string, string>> = {
  NDEBUG: "!CONFIG_DEBUG",
  DBG_LEVEL_0: "CONFIG_DEBUG",
  opt_hvm_fep: "!CONFIG_HVM_FEP",
};

/** Lines with comments blanked and directive continuations joined, each with its first line number. */
export function logicalLines(text: string): { line: number; text: string }[] {
  const blank = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, " "));
  const raw = blank.split(/\r?\n/);
  const out: { line: number; text: string }[] = [];
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    // joined once: a line rebuilt for each continuation took quadratic time (`#define x \` then
    // millions of continuations ran for minutes)
    const parts: string[] = [];
    let l = raw[i] ?? "";
    while (l.endsWith("\\") && i + 1 < raw.length) {
      parts.push(l.slice(0, -1));
      l = raw[++i] ?? "";
    }
    parts.push(l);
    out.push({ line: start + 1, text: parts.join(" ") });
  }
  return out;
}

type Expr =
  | { k: "def"; name: string }
  | { k: "num"; value: number }
  | { k: "not"; e: Expr }
  | { k: "and" | "or"; a: Expr; b: Expr }
  | { k: "other" };

/** An open `#if`: the conditions of its branches so far; `else` once `#else` is seen. */
export interface Frame {
  line: number;
  conds: { expr: Expr; line: number }[];
  inElse: boolean;
}

/** What holds at a point of the file: guards, whether no build reaches it, directives whose condition was dropped. */
export interface Scope {
  guards: string[];
  dead: boolean;
  lossy: number[];
  /** macros tested that are no build options (`NDEBUG`, include guards): they add no guard */
  others: string[];
}

/** Applies one directive to the stack; returns a problem message, or null. */
export function conditional(frames: Frame[], name: string, rest: string, line: number): string | null {
  const top = frames.at(-1);
  // each directive reads every open frame: 20,000 nested `#if` would be quadratic
  if ((name === "if" || name === "ifdef" || name === "ifndef") && frames.length >= LIMITS.conditionalNesting)
    return `\`#${name}\` nested more than ${LIMITS.conditionalNesting} deep`;
  switch (name) {
    case "ifdef":
    case "ifndef": {
      const id = /^\w+/.exec(rest)?.[0] ?? "";
      const def: Expr = { k: "def", name: id };
      frames.push({
        line,
        conds: [{ expr: name === "ifdef" ? def : { k: "not", e: def }, line }],
        inElse: false,
      });
      return null;
    }
    case "if":
      frames.push({ line, conds: [{ expr: parseCondition(rest), line }], inElse: false });
      return null;
    case "elif":
    case "elifdef":
    case "elifndef": {
      if (!top || top.inElse) return `\`#${name}\` without \`#if\``;
      const def: Expr = { k: "def", name: /^\w+/.exec(rest)?.[0] ?? "" };
      const expr =
        name === "elif" ? parseCondition(rest) : name === "elifdef" ? def : { k: "not" as const, e: def };
      top.conds.push({ expr, line });
      return null;
    }
    case "else":
      if (!top || top.inElse) return "`#else` without `#if`";
      top.inElse = true;
      return null;
    case "endif":
      if (!top) return "`#endif` without `#if`";
      frames.pop();
      return null;
    default:
      return null;
  }
}

export function currentScope(frames: readonly Frame[]): Scope {
  const guards: string[] = [];
  const lossy: number[] = [];
  const others: string[] = [];
  let dead = false;
  for (const f of frames) {
    // a branch holds when every earlier branch of its #if failed and its own condition holds
    const parts = f.conds.map((c, i) => ({
      line: c.line,
      terms: toTerms(c.expr, f.inElse || i < f.conds.length - 1, others),
    }));
    for (const p of parts) {
      if (p.terms === "never") dead = true;
      else if (p.terms === null) lossy.push(p.line);
      else guards.push(...p.terms);
    }
  }
  return { guards: [...new Set(guards)], dead, lossy, others };
}

/**
 * A condition (negated if `neg`) as a conjunction of `CONFIG_*` terms; `never` when no build
 * takes it (`#if 0`); null when it is no conjunction (an `||`, a comparison). Macros other
 * than `CONFIG_*` (`CPPCHECK`) are not build options and add no guard.
 */
function toTerms(e: Expr, neg: boolean, others: string[]): string[] | "never" | null {
  switch (e.k) {
    case "num":
      return (e.value !== 0) !== neg ? [] : "never";
    case "def": {
      if (CONFIG.test(e.name)) return [neg ? `!${e.name}` : e.name];
      const option = KCONFIG_MACROS[e.name];
      // `defined(NDEBUG)` is `!CONFIG_DEBUG`: a macro defined exactly when an option is (or is not) set
      if (option)
        return [option.startsWith("!") !== neg ? `!${option.replace("!", "")}` : option.replace("!", "")];
      others.push(e.name);
      return [];
    }
    case "not":
      return toTerms(e.e, !neg, others);
    case "and":
    case "or": {
      const a = toTerms(e.a, neg, others);
      const b = toTerms(e.b, neg, others);
      // De Morgan: a negated `||` is an `&&` of negations
      if ((e.k === "and") !== neg) {
        if (a === "never" || b === "never") return "never";
        return a && b ? [...a, ...b] : null;
      }
      if (a === "never") return b;
      if (b === "never") return a;
      return null;
    }
    default:
      return null;
  }
}

/** Parses an `#if` expression: `defined`, `IS_ENABLED()`, `!`, `&&`, `||`, parentheses, numbers. */
function parseCondition(text: string): Expr {
  const tokens = text.match(/\w+|&&|\|\||[()!]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const other: Expr = { k: "other" };
  const primary = (): Expr => {
    const t = tokens[i++];
    if (t === "!") return { k: "not", e: primary() };
    if (t === "(") {
      const e = or();
      return tokens[i++] === ")" ? e : other;
    }
    if (t === "defined" || t === "IS_ENABLED") {
      const paren = peek() === "(";
      if (paren) i++;
      const name = tokens[i++] ?? "";
      if (paren && tokens[i++] !== ")") return other;
      return /^[A-Za-z_]\w*$/.test(name) ? { k: "def", name } : other;
    }
    if (t && /^\d+[uUlL]*$/.test(t)) return { k: "num", value: Number.parseInt(t, 10) };
    // a bare CONFIG_X is 1 when set (Kconfig) and 0 when not, like defined(CONFIG_X)
    if (t && /^[A-Za-z_]\w*$/.test(t)) return { k: "def", name: t };
    return other;
  };
  const and = (): Expr => {
    let e = primary();
    while (peek() === "&&") {
      i++;
      e = { k: "and", a: e, b: primary() };
    }
    return e;
  };
  const or = (): Expr => {
    let e = and();
    while (peek() === "||") {
      i++;
      e = { k: "or", a: e, b: and() };
    }
    return e;
  };
  const e = or();
  return i === tokens.length ? e : other;
}
