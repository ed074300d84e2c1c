import type { Cond } from "../catalog/schema.js";
import type { Node } from "./c-parser.js";
import { type Role, roleOf, strip } from "./roles.js";

/** Xen's predicates on a domain, as catalogue atoms of its side (`caller.`/`target.`). */
export const ROLE_TEST: Readonly<Record<string, string>> = {
  is_control_domain: "control",
  is_hardware_domain: "hardware",
  is_xenstore_domain: "xenstore",
  // true for HVM and PVH: XEN_DOMCTL_CDF_hvm (xen/include/xen/sched.h:1216-1220 at RELEASE-4.22.0)
  is_hvm_domain: "hvm-like",
  is_pv_domain: "pv",
  is_pvh_domain: "pvh",
  // every HVM and PVH configuration has X86_EMU_LAPIC in its minimum and PV's options lack it
  // (emulation_flags_ok(), xen/arch/x86/domain.c:765-793 at RELEASE-4.22.0): a LAPIC is being HVM-like
  has_vlapic: "hvm-like",
  // x86 sets PG_translate only in hvm_domain_initialise() (xen/arch/x86/hvm/hvm.c:629, paging.h:75);
  // Arm's is true for every domain (xen/include/asm-generic/paging.h:7), and every Arm guest is HVM-like
  paging_mode_translate: "hvm-like",
};

/**
 * `caller`, or a looked-up domain as `target@<var>`: which lookup is the operation's target is known
 * only once its checks are (`resolveTarget`); a test of another one (set_target's `e`) is no target test.
 */
function side(r: Role): string | null {
  if (r.kind === "current") return "caller";
  if (r.kind === "lookup") return `target@${r.var}`;
  return null;
}

const ON_LOOKUP = /^(self|target)@([^.]+)(\..+)?$/;

/** Atoms on a looked-up domain as atoms of the target when it is the operation's target, run-time ones otherwise. */
export function resolveTarget(c: Cond, target: string | null): Cond {
  if (typeof c === "string") {
    const m = ON_LOOKUP.exec(c);
    if (!m) return c;
    const [, kind, v, prop = ""] = m;
    if (v === target) return kind === "self" ? "self" : `target${prop}`;
    return kind === "self" ? `runtime:${v} is the caller` : `runtime:${v} is ${prop.slice(1)}`;
  }
  if ("not" in c) return { not: resolveTarget(c.not, target) };
  if ("all" in c) return { all: c.all.map((x) => resolveTarget(x, target)) };
  return { any: c.any.map((x) => resolveTarget(x, target)) };
}

/** `!c`, without writing `!!c` */
export const negate = (c: Cond): Cond => (typeof c === "object" && "not" in c ? c.not : { not: c });

/**
 * A C condition in the catalogue's vocabulary: role tests of the caller and the target
 * become atoms the engine evaluates, anything else stays `runtime:<C text>`.
 */
/** Whether a condition has an atom only run time settles. */
export const isRuntime = (c: Cond): boolean => JSON.stringify(c).includes("runtime:");

/** Whether a condition has an atom files can settle. */
const hasStatic = (c: Cond): boolean =>
  typeof c === "string"
    ? !c.startsWith("runtime:")
    : "not" in c
      ? hasStatic(c.not)
      : ("all" in c ? c.all : c.any).some(hasStatic);

/** A predicate's definition as its parameters and the one expression it returns, when it is that simple. */
export type Predicate = (name: string) => { readonly params: readonly string[]; readonly expr: Node } | null;

export function conditionOf(
  n: Node,
  env: ReadonlyMap<string, Role>,
  disc: ReadonlySet<string>,
  predicate: Predicate = () => null,
): Cond {
  const x = strip(n);
  const text = x.text.replace(/\s+/g, " ");
  if (x.type === "unary_expression" && x.child(0)?.type === "!") {
    const arg = x.childForFieldName("argument");
    if (arg) return negate(conditionOf(arg, env, disc, predicate));
  }
  if (x.type === "binary_expression") {
    const op = x.child(1)?.type;
    const l = x.childForFieldName("left");
    const r = x.childForFieldName("right");
    if (l && r && (op === "&&" || op === "||")) {
      const parts = [conditionOf(l, env, disc, predicate), conditionOf(r, env, disc, predicate)];
      return op === "&&" ? { all: parts } : { any: parts };
    }
    if (l && r && (op === "==" || op === "!=")) {
      const a = roleOf(l, env);
      const b = roleOf(r, env);
      const sides = [side(a), side(b)];
      const other = sides.find((x) => x?.startsWith("target@"));
      if (sides.includes("caller") && other) {
        const self = `self@${other.slice("target@".length)}`;
        return op === "==" ? self : { not: self };
      }
    }
  }
  if (x.type === "call_expression") {
    const fn = x.childForFieldName("function")?.text ?? "";
    const arg = x.childForFieldName("arguments")?.namedChild(0);
    const prop = ROLE_TEST[fn];
    if (prop && arg) {
      const s = side(roleOf(arg, env));
      if (s) return `${s}.${prop}`;
    }
    // `p2m_mem_access_sanity_check(d)` is `return is_hvm_domain(d) && cpu_has_vmx && hap_enabled(d);`
    // (xen/arch/x86/mm/mem_access.c:468): read through, its parameters bound to the arguments
    const def = predicate(fn);
    const args = x.childForFieldName("arguments")?.namedChildren.filter((a) => a?.type !== "comment") ?? [];
    if (def && def.params.length === args.length) {
      const inner = new Map(def.params.map((p, i) => [p, roleOf(args[i] as Node, env)]));
      const c = conditionOf(def.expr, inner, new Set(), () => null);
      if (hasStatic(c)) return c;
    }
  }
  return `runtime:${text}`;
}
