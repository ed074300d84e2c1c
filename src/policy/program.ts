import type { Action } from "../model/action.js";
import type { BuildFacts } from "../model/build.js";
import type { Step, Verdict } from "../model/decision.js";
import type { Domain } from "../model/domain.js";
import { type CompiledExpr, compileExpr, type EvalContext, type Expr } from "./expr.js";

/** A statement of `xsm_default_action` or of a hook body. */
export type Stmt =
  | { readonly if: Expr; readonly then: Outcome; readonly ref: string }
  | { readonly do: Outcome; readonly ref: string; readonly note?: string }
  /** `if ( cond ) rc = xsm_default_action(...);` then go on while rc is 0 */
  | { readonly if?: Expr; readonly check: Call; readonly ref: string };

/** `xsm_default_action(action, src, target)` with the hook's own domain names. */
export interface Call {
  readonly call: Action;
  readonly src: string;
  readonly target: string;
}

/** `return 0`, `return -EPERM`, or `return xsm_default_action(action, src, target)`. */
export type Outcome =
  | "allow"
  | "deny"
  | { readonly call: Action; readonly src: string; readonly target: string };

export interface Case {
  readonly labels: readonly (Action | "default")[];
  readonly ref: string;
  readonly body: readonly Stmt[];
}

/** `xsm_default_action()` as data: a C switch over the action, with fallthrough. */
export interface SwitchProgram {
  readonly ref: string;
  readonly cases: readonly Case[];
}

/** A hook's own body (XSM_OTHER hooks, variants that rewrite a hook). */
export interface HookProgram {
  readonly ref: string;
  readonly body: readonly Stmt[];
}

type CompiledStmt = {
  test: CompiledExpr | null;
  outcome: Outcome;
  ref: string;
  note?: string;
  final: boolean;
};

function compileBody(body: readonly Stmt[]): CompiledStmt[] {
  return body.map((s) => {
    const cond = "if" in s ? s.if : undefined;
    const test = cond ? compileExpr(cond) : null;
    if ("check" in s) return { test, outcome: s.check, ref: s.ref, final: false };
    if ("then" in s) return { test, outcome: s.then, ref: s.ref, final: true };
    return { test, outcome: s.do, ref: s.ref, final: true, ...(s.note && { note: s.note }) };
  });
}

function caseName(labels: readonly (Action | "default")[]): string {
  return labels.map((l) => (l === "default" ? "default" : `case XSM_${l}`)).join(": ");
}

export type DefaultActionFn = (
  action: Action,
  src: Domain,
  target: Domain | null,
  build: BuildFacts,
) => Verdict;

/** Compiles a switch program into `xsm_default_action` with full reasons. */
export function compileSwitch(program: SwitchProgram): DefaultActionFn {
  const cases = program.cases.map((c) => ({
    ...c,
    stmts: compileBody(c.body),
    name: caseName(c.labels),
    fallthrough: `fallthrough into ${caseName(c.labels)}`,
  }));
  const entry = new Map<Action | "default", number>();
  cases.forEach((c, i) => {
    for (const l of c.labels) entry.set(l, i);
  });
  return (action, src, target, build) => {
    const steps: Step[] = [];
    const ctx: EvalContext = { action, build, domains: { src, target }, values: {} };
    const start = entry.get(action) ?? entry.get("default");
    if (start === undefined) throw new Error(`switch has no case for XSM_${action}`);
    for (let i = start; i < cases.length; i++) {
      const c = cases[i] as (typeof cases)[number];
      steps.push({
        kind: "case",
        what: i === start ? c.name : c.fallthrough,
        ref: c.ref,
        depth: 2,
      });
      for (const s of c.stmts) {
        if (s.test && !s.test(ctx, steps, 2, s.ref)) continue;
        if (!s.final) throw new Error("xsm_default_action has no nested checks");
        if (typeof s.outcome !== "string") throw new Error("xsm_default_action cannot call itself");
        const allowed = s.outcome === "allow";
        steps.push({
          kind: "result",
          what: allowed ? "return 0" : `return -EPERM${s.note ? ` (${s.note})` : ""}`,
          value: allowed,
          ref: s.ref,
          depth: 2,
        });
        return { allowed, steps };
      }
    }
    throw new Error("xsm_default_action ran off the end of its switch");
  };
}

/** Evaluates a hook body; `call` outcomes go to the module's `xsm_default_action`. */
export function compileHook(
  program: HookProgram,
): (ctx: EvalContext, defaultAction: DefaultActionFn) => Verdict {
  const stmts = compileBody(program.body);
  return (ctx, defaultAction) => {
    const steps: Step[] = [];
    for (const s of stmts) {
      if (s.test && !s.test(ctx, steps, 1, s.ref)) continue;
      const o = s.outcome;
      if (typeof o === "string") {
        const allowed = o === "allow";
        steps.push({
          kind: "result",
          what: allowed ? "return 0" : "return -EPERM",
          value: allowed,
          ref: s.ref,
          depth: 1,
        });
        return { allowed, steps };
      }
      const src = ctx.domains[o.src];
      const target = ctx.domains[o.target];
      if (!src) throw new Error(`hook passes NULL or unknown \`${o.src}\` as src`);
      steps.push({
        kind: "hook",
        what: `xsm_default_action(XSM_${o.call}, ${o.src}, ${o.target === "null" ? "NULL" : o.target})`,
        ref: s.ref,
        depth: 1,
      });
      const v = defaultAction(o.call, src, target ?? null, ctx.build);
      steps.push(...v.steps);
      if (s.final || !v.allowed) return { allowed: v.allowed, steps };
    }
    throw new Error(`hook body at ${program.ref} ends without a return`);
  };
}
