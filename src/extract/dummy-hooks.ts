import { type Hook, HookSchema } from "../catalog/schema.js";
import { ACTIONS, type Action } from "../model/action.js";
import type { HookProgram } from "../policy/program.js";
import { lineOf, type Node, statementsOf } from "./c-parser.js";
import { translateHookBody } from "./hook-body.js";
import type { Unresolved } from "./unresolved.js";
import type { CFunction, ParsedFile } from "./xen-tree.js";

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
  readonly unresolved: Unresolved[];
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

/**
 * hooks.h is a list of macro invocations, not C that tree-sitter can parse, so it is read by lines:
 * a stack of `#if` frames gives each `XSM_HOOK(rtype, name, ...)` its `CONFIG_*` guards.
 */
export function readHooksH(file: XenFile): DeclaredHook[] {
  const out: DeclaredHook[] = [];
  const stack: string[][] = [];
  let continued = false;
  file.text.split("\n").forEach((line, i) => {
    const wasContinued = continued;
    continued = /\\\s*$/.test(line);
    if (wasContinued) return; // continuation of a #define
    const pp = /^\s*#\s*(\w+)\s*(.*?)\s*(\/\*.*)?$/.exec(line);
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
    const m = /^\s*XSM_HOOK\s*\(\s*[^,()]+?\s*,\s*(\w+)/.exec(line);
    if (m)
      out.push({ name: m[1] as string, ref: `${file.path}:${i + 1}`, guards: [...new Set(stack.flat())] });
  });
  return out;
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
  const unresolved: Unresolved[] = [];
  const seen = new Set<string>();

  for (const fn of dummyH.functions) {
    if (!fn.name.startsWith("xsm_") || fn.name === "xsm_default_action") continue;
    const name = fn.name.slice("xsm_".length);
    const what = `hook ${fn.name}`;
    const ref = `${path}:${fn.line}`;
    const call = assertion(fn);
    if (!call) {
      if (fn.body.text.includes(ASSERT))
        unresolved.push({ ref, what, reason: `${ASSERT} is not the first statement` });
      else {
        const fails = /^\{\s*return\s+(-E[A-Z]+)\s*;\s*\}$/.exec(fn.body.text)?.[1];
        nonHooks.push({ name: fn.name, ref, guards: fn.guards, params: fn.params, ...(fails && { fails }) });
      }
      continue;
    }
    const arg = call.childForFieldName("arguments")?.namedChild(0)?.text ?? "";
    const action = /^XSM_(\w+)$/.exec(arg)?.[1] as Action | undefined;
    if (!action || !ACTIONS.includes(action)) {
      unresolved.push({
        ref: `${path}:${lineOf(call)}`,
        what,
        reason: `asserted action \`${arg}\` is not one the model knows (${ACTIONS.join(", ")})`,
      });
      continue;
    }
    if (seen.has(name)) {
      unresolved.push({ ref, what, reason: "defined a second time (#if/#else?); the first is kept" });
      continue;
    }
    seen.add(name);
    const body = translateHookBody(fn, action);
    unresolved.push(...body.unresolved);
    const main = body.calls[0];
    if (!main) {
      unresolved.push({ ref, what, reason: "no xsm_default_action call with known src and target" });
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
      unresolved.push({ ref, what, reason: `not a catalogue hook: ${parsed.error.issues[0]?.message}` });
      continue;
    }
    hooks.push(parsed.data);
    if (body.program) bodies[name] = body.program;
  }

  const declared = hooksH ? readHooksH(hooksH) : [];
  if (hooksH) {
    const byName = new Map(declared.map((d) => [d.name, d]));
    const others = new Set(nonHooks.map((n) => n.name.slice("xsm_".length)));
    for (const d of declared)
      if (!seen.has(d.name) && !others.has(d.name))
        unresolved.push({
          ref: d.ref,
          what: `hook xsm_${d.name}`,
          reason: "hooks.h declares it; dummy.h has no such function",
        });
    for (const h of hooks) {
      const d = byName.get(h.name);
      if (!d) {
        unresolved.push({ ref: h.ref, what: `hook xsm_${h.name}`, reason: `not declared in ${hooksH.path}` });
        continue;
      }
      // hooks.h may guard an entry that dummy.h leaves unguarded: kept as a note, the guards stay dummy.h's
      const extra = d.guards.filter((g) => !h.guards.includes(g));
      if (extra.length) h.note = `${d.ref} also guards it by ${extra.join(" && ")}`;
    }
  }
  return { hooks, bodies, nonHooks, declared, unresolved };
}
