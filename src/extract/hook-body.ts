import { ACTIONS, type Action } from "../model/action.js";
import { DEFAULT_BUILD } from "../model/build.js";
import { makeDomain } from "../model/domain.js";
import { cases, compileAtom, type EvalContext, type Expr } from "../policy/expr.js";
import type { Call, HookProgram, Outcome, Stmt } from "../policy/program.js";
import { lineOf, type Node, norm, TRANSPARENT } from "./c-parser.js";
import type { Unresolved } from "./unresolved.js";
import { branchGuards, type CFunction } from "./xen-tree.js";

/**
 * Translates C statement lists of dummy.h (a hook body, or one case of `xsm_default_action`)
 * into the flat statement lists of policy/program.ts: each `return` becomes one statement whose
 * condition is everything that must hold to reach it (if conditions, switch labels, `#ifdef`s).
 * That is exact because these bodies have no loops and no backward jumps: C visits statements in
 * text order, so "the first statement, in text order, whose condition holds" is the one C runs.
 * Anything outside that vocabulary becomes a `Gap` with its line and column, never a guess.
 */

/**
 * A place the reader does not understand, with its column: what decides the policy is read whole or
 * refused (read-policy.ts), so each gap becomes a located diagnostic, never a catalogue note.
 */
export interface Gap extends Unresolved {
  /** 1-based column of the construct on the `ref` line */
  readonly column: number;
}

/** What a statement list is translated against. */
export interface BodyScope {
  /** the file the nodes come from, for `path:line` refs */
  readonly path: string;
  /** what is being extracted, e.g. `hook xsm_console_io` (for Unresolved) */
  readonly what: string;
  /**
   * What the variable `action` stands for in `xsm_default_action(action, ...)`: the hook's asserted
   * action. Undefined in `xsm_default_action` itself, where `action` is only compared (`action == XSM_X`).
   */
  readonly action?: Action;
  /** names the translated atoms may use as domains (`src`, `d`, `current`, ...) */
  readonly domains: readonly string[];
  /** parameters that are not domains (switch subjects, `cmd == CONSOLEIO_write`) */
  readonly values: readonly string[];
  /** whether `return xsm_default_action(...)` is allowed (hook bodies), or only 0 / -E* (xsm_default_action) */
  readonly calls: boolean;
  /**
   * Case labels inside a block that the caller reads as entries of their own (default-action.ts:
   * 4.17's `case XSM_XS_PRIV:` inside the `if` of `case XSM_TARGET:`), by node id. In the flow
   * that reaches them from above they are only labels; any other such label is a gap.
   */
  readonly entered?: ReadonlySet<number>;
}

/** How a statement list ends on every path. */
export type Ending = "returns" | "falls" | "breaks";

export interface Translation {
  readonly stmts: Stmt[];
  readonly ending: Ending;
  /** every `xsm_default_action` call, in text order */
  readonly calls: Call[];
  readonly unresolved: Gap[];
}

/** `{ and: [] }` is true and `{ or: [] }` false in compileExpr (empty conjunction / disjunction). */
const TRUE: Expr = { and: [] };
const FALSE: Expr = { or: [] };
const isTrue = (e: Expr): boolean => "and" in e && e.and.length === 0;
const isFalse = (e: Expr): boolean => "or" in e && e.or.length === 0;

function mkAnd(xs: readonly Expr[]): Expr {
  const parts = xs.flatMap((x) => ("and" in x ? x.and : [x]));
  if (parts.some(isFalse)) return FALSE;
  return parts.length === 1 ? (parts[0] as Expr) : { and: parts };
}
function mkOr(xs: readonly Expr[]): Expr {
  const parts = xs.flatMap((x) => ("or" in x ? x.or : [x]));
  if (parts.some(isTrue)) return TRUE;
  return parts.length === 1 ? (parts[0] as Expr) : { or: parts };
}
function mkNot(x: Expr): Expr {
  if (isTrue(x)) return FALSE;
  if (isFalse(x)) return TRUE;
  return "not" in x ? x.not : { not: x };
}

/** Wrappers with no effect on the value: speculation hardening and branch hints. */
/** Statements with no effect on the access decision. */
const NO_EFFECT = new Set(["XSM_ASSERT_ACTION", "block_speculation"]);
/** Statements that mark the following `return` as one Xen never expects to reach (kept as its note). */
const MARK = /^(ASSERT_UNREACHABLE\(\s*\)|LINKER_BUG_ON\(\s*1\s*\));$/;

const namedChildren = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => c !== null);
const isComment = (n: Node): boolean => n.type === "comment";

/** A `case` label that belongs to the `switch` around it: a statement of the switch's own block. */
const switchLabel = (n: Node): boolean =>
  n.parent?.type === "compound_statement" && n.parent.parent?.type === "switch_statement";

/**
 * Labels that let control enter the middle of a statement: `case` labels inside an inner block
 * (not one of a nested `switch`'s own) and `goto` targets. The translator reads statements in text
 * order, stopping at a `return`; a label makes what follows reachable from elsewhere.
 */
export function jumpTargets(nodes: readonly Node[]): Node[] {
  const out: Node[] = [];
  // in text order, with a stack of its own: a chain of 20,000 `a.b.c` nests as deep
  const stack = [...nodes].reverse();
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.type === "labeled_statement" || (n.type === "case_statement" && !switchLabel(n))) out.push(n);
    const children = namedChildren(n);
    for (let k = children.length - 1; k >= 0; k--) stack.push(children[k] as Node);
  }
  return out;
}

/** A Call's `src` / `target`: `current->domain` is `current`, NULL is `null`, else a parameter. */
function domainArg(n: Node, scope: BodyScope): string | null {
  if (n.type === "null" || (n.type === "identifier" && n.text === "NULL")) return "null";
  if (n.type === "field_expression" && norm(n) === "current->domain") return "current";
  if (n.type === "identifier" && scope.domains.includes(n.text)) return n.text;
  return null;
}

/** Xen's spelling of an operand, whitespace removed: `src->target`, `current->domain`, `XSM_PRIV`. */
function term(n: Node): string | null {
  switch (n.type) {
    case "identifier":
    case "number_literal":
      return n.text;
    case "null":
      return "NULL";
    case "field_expression": {
      const arg = n.childForFieldName("argument");
      const field = n.childForFieldName("field");
      const op = n.child(1)?.text;
      const a = arg ? term(arg) : null;
      return a && field && (op === "->" || op === ".") ? `${a}${op}${field.text}` : null;
    }
    case "parenthesized_expression": {
      const inner = n.namedChild(0);
      return inner ? term(inner) : null;
    }
    case "call_expression": {
      const fn = n.childForFieldName("function")?.text ?? "";
      const args = namedChildren(n.childForFieldName("arguments") as Node);
      if (TRANSPARENT.has(fn) && args.length === 1) return term(args[0] as Node);
      return null;
    }
    default:
      return null;
  }
}

/** A context in which every name of the scope is bound, to learn whether compileAtom can evaluate an atom. */
function probeContext(scope: BodyScope): EvalContext {
  const d = makeDomain({ domid: 1 });
  return {
    action: "PRIV",
    build: DEFAULT_BUILD,
    domains: Object.fromEntries([...scope.domains, "current"].map((n) => [n, d])),
    values: {},
  };
}

/** Translates C statement lists under a scope; one instance per function body. */
export function createTranslator(scope: BodyScope) {
  const calls: Call[] = [];
  const probe = probeContext(scope);
  /**
   * xsm_mmu_update's pattern: `int rc = 0;`, then `if ( c ) rc = xsm_default_action(...);` checks, each
   * after the first guarded by `&& !rc`, then `return rc;`. That is exactly the `check` statements of
   * program.ts (go on while 0, a refusal returns at once). `rcSet`: a check has been made, so rc may be
   * non-zero; `rcGuarded`: inside an `if` whose condition has `!rc` as a conjunct.
   */
  let rc: string | null = null;
  let rcSet = false;
  let rcGuarded = 0;
  let rcTested = false;
  const ref = (n: Node): string => `${scope.path}:${lineOf(n)}`;
  const unresolved: Gap[] = [];
  const missed = new Set<string>();
  const miss = (n: Node, reason: string): void => {
    // the same statement list may be translated for several entries (default-action.ts)
    const key = `${n.id}:${reason}`;
    if (missed.has(key)) return;
    missed.add(key);
    unresolved.push({ ref: ref(n), what: scope.what, reason, column: n.startPosition.column + 1 });
  };
  const entered = scope.entered ?? new Set<number>();
  /** A label the pre-pass reported or the caller reads as an entry: its statements, the label dropped. */
  const labelled = (n: Node): Node[] => {
    const value = n.type === "case_statement" ? n.childForFieldName("value") : null;
    return namedChildren(n).filter(
      (c) => !isComment(c) && c.type !== "statement_identifier" && !(value && c.equals(value)),
    );
  };

  /** An atom compileAtom knows and can evaluate with this scope's names, else null (with Unresolved). */
  function atomOf(text: string, at: Node): Expr | null {
    const act = /^action [=!]= XSM_(\w+)$/.exec(text);
    if (act && !(ACTIONS as readonly string[]).includes(act[1] as string)) {
      miss(at, `\`XSM_${act[1]}\` is not an action the model knows (${ACTIONS.join(", ")})`);
      return null;
    }
    try {
      compileAtom(text)(probe);
    } catch (e) {
      const why = /^CONFIG_\w+$/.test(text)
        ? `compileAtom has no build fact for \`${text}\``
        : `compileAtom cannot evaluate \`${text}\`: ${(e as Error).message}`;
      miss(at, why);
      return null;
    }
    return { atom: text };
  }

  /** `!rc`, `rc == 0`, `0 == rc` */
  function rcIsZero(n: Node): boolean {
    if (!rc) return false;
    if (n.type === "parenthesized_expression" && n.namedChild(0)) return rcIsZero(n.namedChild(0) as Node);
    if (n.type === "unary_expression" && n.child(0)?.text === "!")
      return n.childForFieldName("argument")?.text === rc;
    if (n.type !== "binary_expression" || n.childForFieldName("operator")?.text !== "==") return false;
    const sides = [n.childForFieldName("left")?.text, n.childForFieldName("right")?.text];
    return sides.includes(rc) && sides.includes("0");
  }

  /**
   * A C condition as an Expr over Xen-spelled atoms. `top`: a conjunct of the whole condition, the
   * only place `!rc` may stand (it is then true: a refused check has already returned).
   */
  function condition(n: Node, top = true): Expr | null {
    if (top && rcIsZero(n)) {
      rcTested = true;
      return TRUE;
    }
    if (rc && new RegExp(`\\b${rc}\\b`).test(n.text) && !/&&|\|\|/.test(n.text)) {
      miss(n, `\`${n.text}\` reads \`${rc}\` other than as \`&& !${rc}\``);
      return null;
    }
    switch (n.type) {
      case "parenthesized_expression": {
        const inner = n.namedChild(0);
        return inner ? condition(inner, top) : null;
      }
      case "call_expression": {
        const fn = n.childForFieldName("function")?.text ?? "";
        const args = namedChildren(n.childForFieldName("arguments") as Node);
        if (TRANSPARENT.has(fn) && args.length === 1) return condition(args[0] as Node, top);
        const terms = args.map(term);
        if (!/^\w+$/.test(fn) || terms.some((t) => t === null)) {
          miss(n, `condition \`${n.text}\` is not a predicate over names`);
          return null;
        }
        return atomOf(`${fn}(${terms.join(", ")})`, n);
      }
      case "unary_expression": {
        const arg = n.childForFieldName("argument");
        if (n.child(0)?.text !== "!" || !arg) break;
        const inner = condition(arg, false);
        return inner && mkNot(inner);
      }
      case "binary_expression": {
        const op = n.childForFieldName("operator")?.text;
        const l = n.childForFieldName("left");
        const r = n.childForFieldName("right");
        if (!l || !r) break;
        if (op === "&&" || op === "||") {
          const a = condition(l, top && op === "&&");
          const b = condition(r, top && op === "&&");
          if (!a || !b) return null;
          return op === "&&" ? mkAnd([a, b]) : mkOr([a, b]);
        }
        if (op !== "==" && op !== "!=") break;
        const lt = term(l);
        const rt = term(r);
        if (!lt || !rt) break;
        // `x != NULL` is `x`
        const other = rt === "NULL" ? lt : lt === "NULL" ? rt : null;
        if (other !== null) {
          const x = atomOf(other, n);
          return x && (op === "!=" ? x : mkNot(x));
        }
        return atomOf(`${lt} ${op} ${rt}`, n);
      }
      case "identifier":
        return atomOf(n.text, n);
      case "field_expression": {
        const t = term(n);
        return t ? atomOf(t, n) : null;
      }
    }
    miss(n, `condition \`${n.text}\` is not modelled`);
    return null;
  }

  /** `xsm_default_action(a, s, t)` as a Call, else null (with Unresolved). */
  function call(n: Node): Call | null {
    if (n.type !== "call_expression" || n.childForFieldName("function")?.text !== "xsm_default_action")
      return null;
    if (!scope.calls) {
      miss(n, "xsm_default_action calls itself");
      return null;
    }
    const args = namedChildren(n.childForFieldName("arguments") as Node).filter((a) => !isComment(a));
    if (args.length !== 3) {
      miss(n, `xsm_default_action with ${args.length} arguments`);
      return null;
    }
    const [a, s, t] = args as [Node, Node, Node];
    let action: Action | null = null;
    if (a.type === "identifier" && a.text === "action") {
      if (!scope.action || scope.action === "OTHER")
        miss(a, "`action` is XSM_OTHER here: xsm_default_action(XSM_OTHER, ...) has no rule");
      else action = scope.action;
    } else {
      const m = /^XSM_(\w+)$/.exec(a.text);
      if (m && (ACTIONS as readonly string[]).includes(m[1] as string)) action = m[1] as Action;
      else miss(a, `action \`${a.text}\` is not one the model knows (${ACTIONS.join(", ")})`);
    }
    const src = domainArg(s, scope);
    const target = domainArg(t, scope);
    if (!src) miss(s, `src \`${s.text}\` is not current->domain or a domain parameter`);
    if (!target) miss(t, `target \`${t.text}\` is not current->domain, NULL or a domain parameter`);
    if (!action || !src || !target) return null;
    const c: Call = { call: action, src, target };
    calls.push(c);
    return c;
  }

  /** What `return <value>;` gives, with a note for errors other than -EPERM. */
  function returned(v: Node | null, at: Node): { outcome: Outcome; note?: string } | null {
    const r = returnedValue(v, at);
    // after a refused check C would go on with rc != 0; only a refusal or `return rc` agrees with that
    if (r && rcSet && !rcGuarded && r.outcome !== "deny" && v?.text !== rc) {
      miss(at, `returns without testing \`${rc}\`, which an earlier check may have set`);
      return null;
    }
    return r;
  }

  function returnedValue(v: Node | null, at: Node): { outcome: Outcome; note?: string } | null {
    if (!v) {
      miss(at, "`return;` in a function returning the decision");
      return null;
    }
    if (v.type === "number_literal" && v.text === "0") return { outcome: "allow" };
    if (v.type === "identifier" && v.text === rc) {
      // reached only when every check before it passed (a failed check returns at once)
      return { outcome: "allow" };
    }
    if (v.type === "unary_expression" && v.child(0)?.text === "-") {
      const err = v.childForFieldName("argument")?.text ?? "";
      if (/^E[A-Z0-9]+$/.test(err))
        return err === "EPERM" ? { outcome: "deny" } : { outcome: "deny", note: `return -${err}` };
    }
    if (v.type === "call_expression" && v.childForFieldName("function")?.text === "xsm_default_action") {
      const c = call(v);
      return c && { outcome: c };
    }
    miss(at, `return value \`${v.text}\` is not 0, -E* or xsm_default_action(...)`);
    return null;
  }

  const when = (path: readonly Expr[]): Expr | undefined => {
    const e = mkAnd(path);
    return isTrue(e) ? undefined : e;
  };

  function push(out: Stmt[], path: readonly Expr[], outcome: Outcome, at: Node, note?: string): void {
    const cond = when(path);
    if (cond && isFalse(cond)) return; // a condition that can never hold: nothing to run
    const r = ref(at);
    // Notes on conditional returns are data for readers; compileHook does not print them.
    if (cond) out.push({ if: cond, then: outcome, ref: r, ...(note && { note }) });
    else out.push({ do: outcome, ref: r, ...(note && { note }) });
  }

  /** `switch ( subject )` inside a hook: labels become `cases(subject, ...)`. */
  function switchStmt(n: Node, path: readonly Expr[], out: Stmt[]): Ending {
    const cond = n.childForFieldName("condition");
    const inner = cond?.namedChild(0) ?? null;
    let key: string | null = null;
    if (inner?.type === "identifier" && scope.values.includes(inner.text)) key = inner.text;
    // `switch ( op->cmd )` on a parameter: keyed by the parameter, as the catalogue's `values` are
    if (inner?.type === "field_expression") {
      const base = inner.childForFieldName("argument");
      if (base?.type === "identifier" && scope.values.includes(base.text)) key = base.text;
    }
    if (!key) {
      miss(n, `switch on \`${inner?.text ?? "?"}\`, which is not a parameter of the hook`);
      return "falls";
    }
    const groups: { labels: string[]; nodes: Node[] }[] = [];
    let labels: string[] = [];
    for (const cs of namedChildren(n.childForFieldName("body") as Node)) {
      if (isComment(cs)) continue;
      if (cs.type !== "case_statement") {
        miss(
          cs,
          cs.type.startsWith("preproc")
            ? "#if around case labels is not modelled"
            : "statement before the first case label",
        );
        continue;
      }
      const value = cs.childForFieldName("value");
      if (value && value.type !== "identifier")
        miss(value, `case label \`${value.text}\` is not a constant name`);
      else labels.push(value ? value.text : "default");
      const nodes = namedChildren(cs).filter((c) => !isComment(c) && !(value && c.equals(value)));
      if (nodes.length) {
        groups.push({ labels, nodes });
        labels = [];
      }
    }
    if (labels.length) groups.push({ labels, nodes: [] });
    const explicit = groups.flatMap((g) => g.labels.filter((l) => l !== "default"));
    let chain: string[] = [];
    let chainDefault = false;
    let falls = false;
    let allReturned = true;
    let last: Ending = "falls";
    let breaks = false;
    for (const [i, g] of groups.entries()) {
      if (!falls) {
        chain = [];
        chainDefault = false;
      }
      chain.push(...g.labels.filter((l) => l !== "default"));
      chainDefault ||= g.labels.includes("default");
      // a last `default:` after groups that all return needs no condition of its own
      const dflt = i === groups.length - 1 && allReturned ? TRUE : mkNot(cases(key, ...explicit));
      const parts = [...(chain.length ? [cases(key, ...chain)] : []), ...(chainDefault ? [dflt] : [])];
      last = block(g.nodes, [...path, mkOr(parts)], out);
      falls = last === "falls";
      breaks ||= last === "breaks";
      allReturned &&= last === "returns";
    }
    const hasDefault = groups.some((g) => g.labels.includes("default"));
    return hasDefault && !breaks && last === "returns" ? "returns" : "falls";
  }

  /** `#ifdef CONFIG_X` / `#if defined(CONFIG_X)` inside a body: the atom `CONFIG_X`. */
  function preproc(n: Node, path: readonly Expr[], out: Stmt[]): Ending {
    const guards = branchGuards(n, false);
    if (!guards.length) {
      miss(n, `preprocessor condition \`${n.text.split("\n")[0]}\` is not a plain CONFIG_* test`);
      return "falls";
    }
    const atoms: Expr[] = [];
    for (const g of guards) {
      const a = atomOf(g.replace(/^!/, ""), n);
      if (!a) return "falls";
      atoms.push(g.startsWith("!") ? mkNot(a) : a);
    }
    const guard = mkAnd(atoms);
    const skip = [
      n.childForFieldName("name"),
      n.childForFieldName("condition"),
      n.childForFieldName("alternative"),
    ];
    const body = namedChildren(n).filter((c) => !isComment(c) && !skip.some((s) => s?.equals(c)));
    const then = block(body, [...path, guard], out);
    const alt = n.childForFieldName("alternative");
    if (!alt) return then === "breaks" ? "breaks" : "falls";
    if (alt.type !== "preproc_else") {
      miss(alt, "#elif inside a body is not modelled");
      return "falls";
    }
    const other = block(
      namedChildren(alt).filter((c) => !isComment(c)),
      [...path, mkNot(guard)],
      out,
    );
    return then === other ? then : "falls";
  }

  /** One statement; `at` is the enclosing single-statement `if`, whose line the result is referenced to. */
  function stmt(n: Node, path: readonly Expr[], out: Stmt[], note: string | undefined, at?: Node): Ending {
    const where = at ?? n;
    switch (n.type) {
      case "compound_statement":
        return block(namedChildren(n), path, out);
      case "return_statement": {
        const r = returned(n.namedChild(0), n);
        const why = [note, r?.note].filter(Boolean).join("; ");
        if (r) push(out, path, r.outcome, where, why || undefined);
        return "returns";
      }
      case "if_statement": {
        rcTested = false;
        const c = condition(n.childForFieldName("condition") as Node);
        const guarded = rcTested;
        if (!c) return "falls";
        const cons = n.childForFieldName("consequence") as Node;
        const single = cons.type !== "compound_statement";
        if (guarded) rcGuarded++;
        const then = stmt(cons, [...path, c], out, undefined, single ? where : undefined);
        if (guarded) rcGuarded--;
        const alt = n.childForFieldName("alternative");
        const altStmt = alt ? namedChildren(alt).find((x) => !isComment(x)) : undefined;
        const other = altStmt ? stmt(altStmt, [...path, mkNot(c)], out, undefined) : "falls";
        if (then === "breaks" || other === "breaks") {
          miss(n, "`break` under a condition inside a switch case is not modelled");
          return "falls";
        }
        return then === "returns" && other === "returns" ? "returns" : "falls";
      }
      case "switch_statement":
        return switchStmt(n, path, out);
      case "preproc_ifdef":
      case "preproc_if":
        return preproc(n, path, out);
      case "break_statement":
        return "breaks";
      case "case_statement":
      case "labeled_statement":
        // a label the caller reads as an entry is only a label on the way down; others are gaps (translate)
        return entered.has(n.id) ? block(labelled(n), path, out) : "falls";
      case "declaration": {
        // `int rc = 0;`: a local that only checks assign
        const d = n.namedChildren.find((c) => c?.type === "init_declarator");
        const name = d?.childForFieldName("declarator");
        if (
          n.namedChildren.length === 2 &&
          name?.type === "identifier" &&
          d?.childForFieldName("value")?.text === "0"
        ) {
          rc = name.text;
          return "falls";
        }
        miss(n, `declaration \`${n.text}\` is not modelled`);
        return "falls";
      }
      case "expression_statement": {
        const e = n.namedChild(0);
        if (!e || (e.type === "identifier" && e.text === "fallthrough")) return "falls";
        if (e.type === "cast_expression" && /^\(\s*void\s*\)/.test(e.text)) return "falls";
        if (e.type === "call_expression" && NO_EFFECT.has(e.childForFieldName("function")?.text ?? ""))
          return "falls";
        if (e.type === "assignment_expression" && rc && e.childForFieldName("left")?.text === rc) {
          const right = e.childForFieldName("right");
          if (rcSet && !rcGuarded) {
            miss(n, `overwrites \`${rc}\` without \`&& !${rc}\`: an earlier refusal would be lost`);
            return "falls";
          }
          const c = right && call(right);
          if (c) {
            rcSet = true;
            const cond = when(path);
            if (!cond || !isFalse(cond)) out.push({ ...(cond && { if: cond }), check: c, ref: ref(where) });
            return "falls";
          }
        }
        miss(n, `statement \`${n.text}\` is not modelled`);
        return "falls";
      }
      default:
        miss(n, `${n.type.replace(/_/g, " ")} \`${n.text.split("\n")[0]}\` is not modelled`);
        return "falls";
    }
  }

  /** A statement list: stops at the first statement that returns or breaks on every path. */
  function block(nodes: readonly Node[], path: readonly Expr[], out: Stmt[]): Ending {
    let note: string | undefined;
    for (const n of nodes) {
      if (isComment(n)) continue;
      if (n.type === "expression_statement" && MARK.test(n.text)) {
        note = n.text.replace(/\s+/g, "").replace(/;$/, "");
        continue;
      }
      const end = stmt(n, path, out, note);
      note = undefined;
      if (end !== "falls") return end;
    }
    return "falls";
  }

  return {
    /** Translates a statement list under a path condition. */
    translate(nodes: readonly Node[], path: readonly Expr[] = []): Translation {
      for (const j of jumpTargets(nodes))
        if (!entered.has(j.id)) {
          const label = (j.text.split(":")[0] ?? "").trim();
          miss(
            j,
            `\`${label}:\` inside a block is a jump into the middle of a statement, which is not modelled`,
          );
        }
      const stmts: Stmt[] = [];
      const ending = block(nodes, path, stmts);
      return { stmts, ending, calls, unresolved };
    },
    condition,
    unresolved,
  };
}

/** A hook's body: its program when it is more than one `return xsm_default_action(action, s, t);`. */
export interface HookBody {
  /** null for the plain shape: the hook is `xsm_default_action(asserted action, src, target)` */
  readonly program: HookProgram | null;
  /** every xsm_default_action call, in text order; the first gives the catalogue's src/target */
  readonly calls: readonly Call[];
  readonly unresolved: readonly Gap[];
}

/**
 * Parameters declared `struct domain *` (any qualifiers) are domains; the others are values, and
 * of those `domid_t` ones name a domain by its id (xsm_evtchn_unbound's `id2`).
 */
export function domainParams(fn: CFunction): { domains: string[]; values: string[]; domids: string[] } {
  const decl = fn.body.parent?.childForFieldName("declarator");
  let f: Node | null = decl ?? null;
  while (f && f.type !== "function_declarator") f = f.childForFieldName("declarator");
  const domains: string[] = [];
  const values: string[] = [];
  const domids: string[] = [];
  const params = f?.childForFieldName("parameters");
  for (const p of params ? namedChildren(params) : []) {
    if (p.type !== "parameter_declaration") continue;
    let x: Node | null = p.childForFieldName("declarator");
    let pointer = false;
    while (x && x.type !== "identifier") {
      pointer ||= x.type === "pointer_declarator";
      x = x.childForFieldName("declarator");
    }
    if (!x) continue;
    const type = p.childForFieldName("type")?.text.replace(/\s+/g, " ");
    (type === "struct domain" && pointer ? domains : values).push(x.text);
    if (type === "domid_t" && !pointer) domids.push(x.text);
  }
  return { domains, values, domids };
}

/** Translates the body of a dummy.h hook whose asserted action is `action`. */
export function translateHookBody(fn: CFunction, action: Action): HookBody {
  const { domains, values } = domainParams(fn);
  const what = `hook ${fn.name}`;
  const t = createTranslator({ path: fn.file, what, action, domains, values, calls: true });
  const nodes = namedChildren(fn.body).filter((c) => !isComment(c));
  const { stmts, ending, calls, unresolved } = t.translate(nodes);
  if (ending !== "returns")
    unresolved.push({
      ref: `${fn.file}:${lineOf(fn.body)}`,
      what,
      reason: "the body can end without a return",
      column: fn.body.startPosition.column + 1,
    });
  // the plain shape: XSM_ASSERT_ACTION(...); return xsm_default_action(action, s, t);
  const rest = nodes.filter((n) => !/^XSM_ASSERT_ACTION\s*\(/.test(n.text));
  const ret = rest.length === 1 && rest[0]?.type === "return_statement" ? rest[0].namedChild(0) : null;
  const plain =
    ret?.type === "call_expression" &&
    ret.childForFieldName("function")?.text === "xsm_default_action" &&
    ret.childForFieldName("arguments")?.namedChild(0)?.text === "action" &&
    stmts.length === 1;
  const program = plain ? null : { ref: `${fn.file}:${fn.line}`, body: stmts };
  return { program, calls, unresolved };
}
