import { type Hook, HookSchema } from "../catalog/schema.js";
import { ACTIONS, type Action } from "../model/action.js";
import type { HookProgram } from "../policy/program.js";
import { lineOf, type Node, statementsOf } from "./c-parser.js";
import { type Gap, translateHookBody } from "./hook-body.js";
import { branchGuards, type CFunction, type ParsedFile } from "./xen-tree.js";

/** A file of the tree: its path relative to the tree root and its text. */
export interface XenFile {
  readonly path: string;
  readonly text: string;
}

/** A function of dummy.h that checks nothing (no XSM_ASSERT_ACTION): listed so the count can be checked. */
export interface NonHook {
  readonly name: string;
  readonly ref: string;
  readonly guards: readonly string[];
  /** parameter names (the ARGO hooks check without an asserted action) */
  readonly params: readonly string[];
  /** the error its whole body returns (`do_xsm_op`: `return -ENOSYS;`): only a real module implements it */
  readonly fails?: string;
}

/** An `XSM_HOOK(rtype, name, ...)` entry of hooks.h (master's X-macro list). */
export interface DeclaredHook {
  readonly name: string;
  readonly ref: string;
  readonly guards: readonly string[];
}

export interface HookExtraction {
  /** the access-check hooks, in dummy.h order, in the catalogue's shape */
  readonly hooks: Hook[];
  /** hooks whose body is more than one `return xsm_default_action(action, src, target);`, by name */
  readonly bodies: Record<string, HookProgram>;
  readonly nonHooks: NonHook[];
  /** hooks.h entries, when hooks.h was given */
  readonly declared: DeclaredHook[];
  /** what it could not read: any one makes the hooks a guess (read-policy.ts refuses them) */
  readonly unresolved: Gap[];
}

/** hooks.h's entries, and its lines that are neither an entry nor a preprocessor line. */
export interface HooksHReading {
  readonly hooks: DeclaredHook[];
  readonly unresolved: Gap[];
}

const ASSERT = "XSM_ASSERT_ACTION";

/** The `XSM_ASSERT_ACTION(XSM_X)` call if it is the first statement that is not a declaration. */
function assertion(fn: CFunction): Node | null {
  const first = statementsOf(fn.body).find((s) => s.type !== "declaration");
  const call = first?.type === "expression_statement" ? first.namedChild(0) : null;
  return call?.type === "call_expression" && call.childForFieldName("function")?.text === ASSERT
    ? call
    : null;
}

const GUARD = /^CONFIG_[A-Z0-9_]+$/;

/** The `CONFIG_*` tests of one `#if` line; non-CONFIG tests (include guards, `XSM_HOOK`) add none. */
function lineGuards(directive: string, arg: string): string[] {
  if (directive === "ifdef") return GUARD.test(arg) ? [arg] : [];
  if (directive === "ifndef") return GUARD.test(arg) ? [`!${arg}`] : [];
  const terms = arg
    .split(/\s*&&\s*/)
    .map((t) => /^(!?)\s*defined\s*\(?\s*(CONFIG_[A-Z0-9_]+)\s*\)?$/.exec(t.trim()));
  return terms.every((m) => m) ? terms.map((m) => `${m?.[1]}${m?.[2]}`) : [];
}

/** Comments blanked, newlines kept: every line keeps its number and every byte its column. */
const blankComments = (text: string): string =>
  text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, " "));

/** `XSM_HOOK(rtype, name` followed by `,` or `)`: the name must be on the entry's first line. */
const ENTRY = /^\s*XSM_HOOK\s*\(\s*[^,()]+?\s*,\s*(\w+)\s*[,)]/;

/**
 * hooks.h is a list of macro invocations, not C that tree-sitter can parse, so it is read by lines:
 * a stack of `#if` frames gives each `XSM_HOOK(rtype, name, ...)` its `CONFIG_*` guards (master's
 * xen/include/xsm/hooks.h, commit 813a62811f). An entry may go on over lines until its parentheses
 * close; any other line is a shape the reader does not know, and a gap.
 */
export function readHooksH(file: XenFile): HooksHReading {
  const out: DeclaredHook[] = [];
  const unresolved: Gap[] = [];
  const stack: string[][] = [];
  let continued = false;
  let open = 0;
  blankComments(file.text)
    .split("\n")
    .forEach((line, i) => {
      const wasContinued = continued;
      continued = /\\\s*$/.test(line);
      if (wasContinued) return; // continuation of a #define
      if (open > 0) {
        // the rest of an entry over several lines
        for (const ch of line) open += ch === "(" ? 1 : ch === ")" ? -1 : 0;
        return;
      }
      const pp = /^\s*#\s*(\w+)\s*(.*?)\s*$/.exec(line);
      if (pp) {
        const [, d, arg = ""] = pp as unknown as [string, string, string];
        if (d === "if" || d === "ifdef" || d === "ifndef") stack.push(lineGuards(d, arg));
        else if (d === "else") {
          const top = stack.pop() ?? [];
          const [g] = top;
          stack.push(top.length === 1 && g ? [g.startsWith("!") ? g.slice(1) : `!${g}`] : []);
        } else if (d === "elif") stack.splice(-1, 1, []);
        else if (d === "endif") stack.pop();
        return;
      }
      if (!line.trim()) return;
      // an entry, known or not, goes on until its parentheses close
      for (const ch of line) open += ch === "(" ? 1 : ch === ")" ? -1 : 0;
      open = Math.max(open, 0);
      const m = ENTRY.exec(line);
      if (m)
        out.push({ name: m[1] as string, ref: `${file.path}:${i + 1}`, guards: [...new Set(stack.flat())] });
      else
        unresolved.push({
          ref: `${file.path}:${i + 1}`,
          what: "hooks.h",
          reason: `\`${line.trim()}\` is not an \`XSM_HOOK(rtype, name, ...)\` entry with its name on its first line`,
          column: line.length - line.trimStart().length + 1,
        });
    });
  return { hooks: out, unresolved };
}

const PREPROC_BRANCH = new Set(["preproc_ifdef", "preproc_if", "preproc_elif", "preproc_else"]);
/** `#ifndef __XEN_XSM_DUMMY_H__`: around the whole header, no condition of the build */
const INCLUDE_GUARD = /^_*[A-Z0-9_]*_H_*$/;

/**
 * The first `#if` around a definition whose condition the guards cannot hold (`#if A || B`, the
 * `#else` of `#if A && B`, `#elif`, `#if 0`): where the hook is built would be a guess.
 */
export function unreadGuard(node: Node): Node | null {
  let child: Node = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    if (!PREPROC_BRANCH.has(p.type)) continue;
    if (p.type === "preproc_elif") return p;
    if (p.type === "preproc_else") {
      const owner = p.parent;
      if (!owner || owner.type === "preproc_elif" || branchGuards(owner, true).length === 0)
        return owner ?? p;
      continue;
    }
    // the #else part of this #if is handled by the preproc_else above
    if (p.childForFieldName("alternative")?.equals(child)) continue;
    const name = p.type === "preproc_ifdef" ? (p.childForFieldName("name")?.text ?? "") : "";
    if (branchGuards(p, false).length === 0 && !INCLUDE_GUARD.test(name)) return p;
  }
  return null;
}

/**
 * Reads the access-check hooks out of dummy.h: every function whose first statement (after
 * declarations) is `XSM_ASSERT_ACTION(XSM_X)`, with the arguments of its (first)
 * `xsm_default_action` call and, for hooks that do more than that one call, its body as a program.
 * With hooks.h (master), the X-macro list is cross-checked against dummy.h.
 */
export function extractHooks(dummyH: ParsedFile, hooksH?: XenFile): HookExtraction {
  const { path } = dummyH;
  const hooks: Hook[] = [];
  const bodies: Record<string, HookProgram> = {};
  const nonHooks: NonHook[] = [];
  const unresolved: Gap[] = [];
  const seen = new Set<string>();
  const gap = (what: string, n: Node, reason: string) =>
    unresolved.push({ ref: `${path}:${lineOf(n)}`, what, reason, column: n.startPosition.column + 1 });

  for (const fn of dummyH.functions) {
    if (!fn.name.startsWith("xsm_") || fn.name === "xsm_default_action") continue;
    const name = fn.name.slice("xsm_".length);
    const what = `hook ${fn.name}`;
    const ref = `${path}:${fn.line}`;
    const definition = fn.body.parent ?? fn.body;
    const guard = unreadGuard(definition);
    if (guard)
      gap(
        what,
        guard,
        `defined under \`${guard.text.split("\n")[0]?.trim()}\`, which is no conjunction of \`CONFIG_*\` tests: where it is built is not read`,
      );
    const call = assertion(fn);
    if (!call) {
      if (fn.body.text.includes(ASSERT)) gap(what, definition, `${ASSERT} is not the first statement`);
      else {
        const fails = /^\{\s*return\s+(-E[A-Z]+)\s*;\s*\}$/.exec(fn.body.text)?.[1];
        nonHooks.push({ name: fn.name, ref, guards: fn.guards, params: fn.params, ...(fails && { fails }) });
      }
      continue;
    }
    const arg = call.childForFieldName("arguments")?.namedChild(0)?.text ?? "";
    const action = /^XSM_(\w+)$/.exec(arg)?.[1] as Action | undefined;
    if (!action || !ACTIONS.includes(action)) {
      gap(what, call, `asserted action \`${arg}\` is not one the model knows (${ACTIONS.join(", ")})`);
      continue;
    }
    if (seen.has(name)) {
      gap(what, definition, "defined a second time: which definition is built is not read");
      continue;
    }
    seen.add(name);
    const body = translateHookBody(fn, action);
    unresolved.push(...body.unresolved);
    const main = body.calls[0];
    if (!main) {
      gap(what, definition, "no xsm_default_action call with known src and target");
      continue;
    }
    const parsed = HookSchema.safeParse({
      name,
      ref,
      action,
      params: fn.params,
      src: main.src,
      target: main.target,
      guards: fn.guards,
    });
    if (!parsed.success) {
      gap(what, definition, `not a catalogue hook: ${parsed.error.issues[0]?.message}`);
      continue;
    }
    hooks.push(parsed.data);
    if (body.program) bodies[name] = body.program;
  }

  const list = hooksH ? readHooksH(hooksH) : { hooks: [], unresolved: [] };
  const declared = list.hooks;
  unresolved.push(...list.unresolved);
  if (hooksH) {
    const byName = new Map(declared.map((d) => [d.name, d]));
    const others = new Set(nonHooks.map((n) => n.name.slice("xsm_".length)));
    const column = (ref: string, name: string) => {
      const line = hooksH.text.split("\n")[Number(ref.slice(ref.lastIndexOf(":") + 1)) - 1] ?? "";
      return Math.max(line.indexOf(name), 0) + 1;
    };
    for (const d of declared)
      if (!seen.has(d.name) && !others.has(d.name))
        unresolved.push({
          ref: d.ref,
          what: `hook xsm_${d.name}`,
          reason: "hooks.h declares it; dummy.h has no such function",
          column: column(d.ref, d.name),
        });
    for (const h of hooks) {
      const d = byName.get(h.name);
      if (!d) {
        const fn = dummyH.functions.find((f) => f.name === `xsm_${h.name}`);
        unresolved.push({
          ref: h.ref,
          what: `hook xsm_${h.name}`,
          reason: `not declared in ${hooksH.path}`,
          column: ((fn?.body.parent ?? fn?.body)?.startPosition.column ?? 0) + 1,
        });
        continue;
      }
      // hooks.h may guard an entry that dummy.h leaves unguarded: kept as a note, the guards stay dummy.h's
      const extra = d.guards.filter((g) => !h.guards.includes(g));
      if (extra.length) h.note = `${d.ref} also guards it by ${extra.join(" && ")}`;
    }
  }
  return { hooks, bodies, nonHooks, declared, unresolved };
}
