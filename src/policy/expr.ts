import type { Action } from "../model/action.js";
import type { BuildFacts } from "../model/build.js";
import type { Step } from "../model/decision.js";
import { type Domain, systemDomain } from "../model/domain.js";

/**
 * A C condition as Xen writes it, kept as data so that it can be evaluated with
 * every tested atom recorded (short-circuit, left to right, as C does).
 */
export type Expr =
  | { readonly atom: string }
  | { readonly and: readonly Expr[] }
  | { readonly or: readonly Expr[] }
  | { readonly not: Expr }
  /** `switch ( value )` reaching one of these `case` labels */
  | { readonly switchOn: string; readonly labels: readonly string[] };

export const atom = (text: string): Expr => ({ atom: text });
export const and = (...xs: Expr[]): Expr => ({ and: xs });
export const or = (...xs: Expr[]): Expr => ({ or: xs });
export const not = (x: Expr): Expr => ({ not: x });
export const cases = (switchOn: string, ...labels: string[]): Expr => ({ switchOn, labels });

/** What an expression is evaluated against. Domains are looked up by the names Xen's code uses. */
export interface EvalContext {
  readonly action: Action;
  readonly build: BuildFacts;
  /** `src`, `target`, `current`, hook parameters; null is NULL */
  readonly domains: Readonly<Record<string, Domain | null>>;
  readonly values: Readonly<Record<string, string>>;
}

/** `is_control_domain()` with its build and boot corners (sched.h at 4.22.0). */
export function isControl(d: Domain, build: BuildFacts): boolean {
  if (build.pvShimExclusive) return false;
  if (d.system === "idle") return build.phase === "boot";
  return d.caps.control;
}

/** `is_hardware_domain()`: the domain `hardware_domain` points to; never under PV_SHIM_EXCLUSIVE. */
export function isHardware(d: Domain, build: BuildFacts): boolean {
  return !build.pvShimExclusive && d.caps.hardware;
}

/** `is_xenstore_domain()`: the CDF flag; no PV-shim override. */
export function isXenstore(d: Domain): boolean {
  return d.caps.xenstore;
}

/** proposed `is_dm_domain()` (June 2025 3/4, v2 03/17): false under PV_SHIM_EXCLUSIVE. */
export function isDeviceModel(d: Domain, build: BuildFacts): boolean {
  return !build.pvShimExclusive && d.caps.deviceModel;
}

/** proposed `is_hypercall_target()` (v2 04/17): true under PV_SHIM_EXCLUSIVE. */
export function isHypercallTarget(d: Domain, build: BuildFacts): boolean {
  return build.pvShimExclusive || !d.caps.notHypercallTarget;
}

const DOMAIN_REF = "(\\w+(?:->domain)?)";
const ROLE = new RegExp(`^is_(control|hardware|xenstore|dm)_domain\\(${DOMAIN_REF}\\)$`);
const HYPERCALL_TARGET = new RegExp(`^is_hypercall_target\\(${DOMAIN_REF}\\)$`);
const TARGET_OF = new RegExp(`^${DOMAIN_REF}->target == ${DOMAIN_REF}$`);
const IS_CONSOLE = new RegExp(`^${DOMAIN_REF}->is_console$`);
const EQUALS = /^([\w>-]+) == ([\w>-]+)$/;
const NOT_EQUALS = /^([\w>-]+) != ([\w>-]+)$/;

type Probe = (ctx: EvalContext) => boolean;

/** System domains that hook bodies compare against by name (`f != dom_io`). */
const SYSTEM_BY_NAME: Readonly<Record<string, Domain>> = {
  dom_io: systemDomain("dom_io"),
  dom_xen: systemDomain("dom_xen"),
};

function domainOf(ctx: EvalContext, ref: string): Domain | null {
  const name = ref.endsWith("->domain") ? ref.slice(0, -"->domain".length) : ref;
  const d = name in ctx.domains ? ctx.domains[name] : SYSTEM_BY_NAME[name];
  if (d === undefined) throw new Error(`expression names unknown domain \`${ref}\``);
  return d;
}

function mustDomain(ctx: EvalContext, ref: string): Domain {
  const d = domainOf(ctx, ref);
  // INVARIANT: Xen dereferences it, so a NULL here is a NULL-pointer bug in the program.
  if (d === null) throw new Error(`\`${ref}\` is NULL where Xen dereferences it`);
  return d;
}

function equality(left: string, right: string): Probe {
  if (left === "action") {
    const a = right.replace(/^XSM_/, "");
    return (ctx) => ctx.action === a;
  }
  if (/^[A-Z]/.test(right)) return (ctx) => ctx.values[left] === right;
  if (/^[A-Z]/.test(left)) return (ctx) => ctx.values[right] === left;
  return (ctx) => (domainOf(ctx, left)?.domid ?? null) === (domainOf(ctx, right)?.domid ?? null);
}

/** Compiles an atom once into a probe; unknown atoms are a programming error. */
export function compileAtom(text: string): Probe {
  let m = ROLE.exec(text);
  if (m) {
    const [, role, ref] = m as unknown as [string, string, string];
    const test =
      role === "control"
        ? isControl
        : role === "hardware"
          ? isHardware
          : role === "xenstore"
            ? (d: Domain) => isXenstore(d)
            : isDeviceModel;
    return (ctx) => test(mustDomain(ctx, ref), ctx.build);
  }
  m = HYPERCALL_TARGET.exec(text);
  if (m) {
    const ref = m[1] as string;
    return (ctx) => isHypercallTarget(mustDomain(ctx, ref), ctx.build);
  }
  m = TARGET_OF.exec(text);
  if (m) {
    const [, of, ref] = m as unknown as [string, string, string];
    // Literal C semantics: a NULL target equals a NULL `->target`, hence Xen's `target &&` guard.
    return (ctx) => mustDomain(ctx, of).target === (domainOf(ctx, ref)?.domid ?? null);
  }
  m = IS_CONSOLE.exec(text);
  if (m) {
    const ref = m[1] as string;
    return (ctx) => mustDomain(ctx, ref).isConsole;
  }
  if (text === "CONFIG_VERBOSE_DEBUG") return (ctx) => ctx.build.verboseDebug;
  if (text === "CONFIG_PV_SHIM_EXCLUSIVE") return (ctx) => ctx.build.pvShimExclusive;
  m = EQUALS.exec(text);
  if (m) return equality(m[1] as string, m[2] as string);
  m = NOT_EQUALS.exec(text);
  if (m) {
    const eq = equality(m[1] as string, m[2] as string);
    return (ctx) => !eq(ctx);
  }
  if (/^\w+$/.test(text)) return (ctx) => domainOf(ctx, text) !== null;
  throw new Error(`unknown atom \`${text}\``);
}

/** An expression compiled to closures, evaluated with or without recording steps. */
export type CompiledExpr = (ctx: EvalContext, steps: Step[] | null, depth: number, ref: string) => boolean;

/** Compiles an expression tree once; evaluation short-circuits like C. */
export function compileExpr(expr: Expr): CompiledExpr {
  if ("atom" in expr) {
    const probe = compileAtom(expr.atom);
    const what = expr.atom;
    return (ctx, steps, depth, ref) => {
      const value = probe(ctx);
      steps?.push({ kind: "predicate", what, value, ref, depth });
      return value;
    };
  }
  if ("switchOn" in expr) {
    const { switchOn, labels } = expr;
    const set = new Set(labels);
    const what = `${switchOn} is ${labels.join(" / ")}`;
    return (ctx, steps, depth, ref) => {
      const v = ctx.values[switchOn];
      if (v === undefined) throw new Error(`no value for \`${switchOn}\``);
      const value = set.has(v);
      steps?.push({ kind: "case", what, value, ref, depth });
      return value;
    };
  }
  if ("not" in expr) {
    const inner = compileExpr(expr.not);
    return (ctx, steps, depth, ref) => !inner(ctx, steps, depth, ref);
  }
  const parts = ("and" in expr ? expr.and : expr.or).map(compileExpr);
  const isAnd = "and" in expr;
  return (ctx, steps, depth, ref) => {
    for (const p of parts) {
      const v = p(ctx, steps, depth, ref);
      if (isAnd ? !v : v) return !isAnd;
    }
    return isAnd;
  };
}
