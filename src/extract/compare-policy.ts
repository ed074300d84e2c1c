import type { Hook } from "../catalog/schema.js";
import type { Action } from "../model/action.js";
import { type BuildFacts, DEFAULT_BUILD } from "../model/build.js";
import { type Capabilities, type Domain, makeDomain, systemDomain } from "../model/domain.js";
import type { EvalContext, Expr } from "../policy/expr.js";
import {
  compileHook,
  compileSwitch,
  type DefaultActionFn,
  type HookProgram,
  type SwitchProgram,
} from "../policy/program.js";
import type { PolicyModule } from "../policy/types.js";

/** One situation in which the extracted rules and the module decide differently. */
export interface Difference {
  readonly kind: "default-action" | "hook";
  /** hook name without `xsm_` (kind "hook") */
  readonly hook?: string;
  readonly action: Action;
  /** the domains, values and build, in words */
  readonly situation: string;
  /** allowed?, or the error evaluation raised */
  readonly extracted: boolean | string;
  readonly module: boolean | string;
}

/** Extracted hooks with bodies, compared hook by hook against `module.hook()`. */
export interface HookBodies {
  readonly hooks: readonly Hook[];
  readonly bodies: Readonly<Record<string, HookProgram>>;
}

const BITS = ["control", "hardware", "xenstore", "deviceModel", "notHypercallTarget"] as const;
type Bit = (typeof BITS)[number];

function capsOf(mask: number, bits: readonly Bit[] = BITS): Partial<Capabilities> {
  return Object.fromEntries(bits.map((b, i) => [b, (mask & (1 << i)) !== 0]));
}
function rolesOf(d: Domain): string {
  const r = BITS.filter((b) => d.caps[b]) as string[];
  if (d.isConsole) r.push("console");
  return r.length ? r.join("+") : "no roles";
}

const BUILDS: readonly BuildFacts[] = [false, true].map((pvShimExclusive) => ({
  ...DEFAULT_BUILD,
  pvShimExclusive,
}));

function run(f: () => { allowed: boolean }): boolean | string {
  try {
    return f().allowed;
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}
const same = (a: boolean | string, b: boolean | string) =>
  a === b || (typeof a === "string" && typeof b === "string");

/** Every (src, target) situation reference §1.4 distinguishes, with every role bit of both varied. */
function* pairs(): Generator<{ src: Domain; target: Domain | null; what: string }> {
  const ELSEWHERE = 9; // src->target set, to a domain that is not the target
  for (let s = 0; s < 1 << BITS.length; s++) {
    const caps = capsOf(s);
    for (const served of [null, ELSEWHERE]) {
      const src = makeDomain({ domid: 1, caps, target: served });
      const who = `src ${rolesOf(src)}${served ? ` (src->target d${served})` : ""}`;
      yield { src, target: null, what: `${who}, target R1 NULL` };
      yield { src, target: src, what: `${who}, target R2 self` };
      for (let t = 0; t < 1 << BITS.length; t++) {
        const target = makeDomain({ domid: 3, caps: capsOf(t) });
        yield { src, target, what: `${who}, target R4 other ${rolesOf(target)}` };
      }
    }
    for (let t = 0; t < 1 << BITS.length; t++) {
      const target = makeDomain({ domid: 2, caps: capsOf(t) });
      const src = makeDomain({ domid: 1, caps, target: 2 });
      yield { src, target, what: `src ${rolesOf(src)}, target R3 src->target ${rolesOf(target)}` };
    }
  }
}

function compareDefaultAction(extracted: DefaultActionFn, actions: readonly Action[], module: PolicyModule) {
  const out: Difference[] = [];
  for (const { src, target, what } of pairs())
    for (const build of BUILDS)
      for (const action of actions) {
        const e = run(() => extracted(action, src, target, build));
        const m = run(() => module.defaultAction(action, src, target, build));
        if (!same(e, m))
          out.push({
            kind: "default-action",
            action,
            situation: `${what}${build.pvShimExclusive ? ", PV_SHIM_EXCLUSIVE" : ""}`,
            extracted: e,
            module: m,
          });
      }
  return out;
}

/** Names a body reads: value parameters with the constants it compares them to, and domain names. */
/** What an XSM_OTHER hook body decides on: the values it compares its arguments with, and its domain parameters. */
export function namesIn(program: HookProgram, params: readonly string[]) {
  const values = new Map<string, Set<string>>();
  const domains = new Set<string>();
  const value = (k: string, v: string) => values.set(k, (values.get(k) ?? new Set()).add(v));
  const visit = (e: Expr): void => {
    if ("switchOn" in e) for (const l of e.labels) value(e.switchOn, l);
    else if ("atom" in e) {
      const m = /^(\w+) [=!]= ([A-Z]\w*)$/.exec(e.atom) ?? /^([A-Z]\w*) [=!]= (\w+)$/.exec(e.atom);
      if (m && /^[A-Z]/.test(m[1] as string)) value(m[2] as string, m[1] as string);
      else if (m) value(m[1] as string, m[2] as string);
      else for (const w of e.atom.match(/\b[a-z_]\w*\b/g) ?? []) if (params.includes(w)) domains.add(w);
    } else if ("not" in e) visit(e.not);
    else for (const x of "and" in e ? e.and : e.or) visit(x);
  };
  for (const s of program.body) {
    if ("if" in s && s.if) visit(s.if);
    const o = "check" in s ? s.check : "then" in s ? s.then : s.do;
    if (typeof o !== "string") for (const d of [o.src, o.target]) if (params.includes(d)) domains.add(d);
  }
  for (const d of domains) values.delete(d);
  return { values, domains: [...domains] };
}

function* product<T>(lists: readonly (readonly T[])[]): Generator<T[]> {
  if (!lists.length) {
    yield [];
    return;
  }
  const [head, ...rest] = lists as [readonly T[], ...(readonly T[])[]];
  for (const x of head) for (const tail of product(rest)) yield [x, ...tail];
}

/** A hook's body against module.hook(), over callers, domain arguments, values and builds. */
function compareHook(hook: Hook, program: HookProgram, defaultAction: DefaultActionFn, module: PolicyModule) {
  const out: Difference[] = [];
  const body = compileHook(program);
  const { values, domains } = namesIn(program, hook.params);
  const served = makeDomain({ domid: 2, name: "served" });
  const pool: [string, Domain | null][] = [
    ["served", served],
    ["stranger", makeDomain({ domid: 3, name: "stranger" })],
    ["mighty", makeDomain({ domid: 4, name: "mighty", caps: capsOf(0b111), isConsole: true })],
    ["NULL", null],
    ["dom_io", systemDomain("dom_io")],
  ];
  const valueKeys = [...values.keys()];
  const valueLists = valueKeys.map((k) => [...(values.get(k) as Set<string>), "<other>"]);
  const builds = [false, true].flatMap((verboseDebug) => BUILDS.map((b) => ({ ...b, verboseDebug })));
  const callerBits: Bit[] = ["control", "hardware", "xenstore", "deviceModel"];
  for (let c = 0; c < 1 << (callerBits.length + 1); c++) {
    const caller = makeDomain({
      domid: 1,
      name: "caller",
      caps: capsOf(c, callerBits),
      isConsole: (c & (1 << callerBits.length)) !== 0,
      target: served.domid,
    });
    const choices: [string, Domain | null][] = [["caller", caller], ...pool];
    for (const picked of product(domains.map(() => choices)))
      for (const vals of product(valueLists))
        for (const build of builds) {
          const bound: Record<string, Domain | null> = {};
          domains.forEach((d, i) => {
            bound[d] = (picked[i] as [string, Domain | null])[1];
          });
          const vs = Object.fromEntries(valueKeys.map((k, i) => [k, vals[i] as string]));
          const ctx: EvalContext = {
            action: hook.action,
            build,
            domains: { ...bound, current: caller, null: null },
            values: vs,
          };
          const e = run(() => body(ctx, defaultAction));
          const m = run(() =>
            module.hook(
              {
                hook: hook.name,
                action: hook.action,
                current: caller,
                domains: bound,
                values: vs,
                src: hook.src,
                target: hook.target,
              },
              build,
            ),
          );
          if (same(e, m)) continue;
          const args = domains.map((d, i) => `${d}=${(picked[i] as [string, Domain | null])[0]}`);
          const flags = [build.verboseDebug && "VERBOSE_DEBUG", build.pvShimExclusive && "PV_SHIM_EXCLUSIVE"];
          out.push({
            kind: "hook",
            hook: hook.name,
            action: hook.action,
            situation: [
              `caller ${rolesOf(caller)}`,
              ...args,
              ...valueKeys.map((k) => `${k}=${vs[k]}`),
              ...flags,
            ]
              .filter(Boolean)
              .join(", "),
            extracted: e,
            module: m,
          });
        }
  }
  return out;
}

/**
 * Compares an extracted `xsm_default_action` (and, if given, extracted hook bodies) with a registered
 * policy module: every action either side knows, every src/target relation of reference §1.4 (R1 NULL,
 * R2 self, R3 src->target, R4 other) with all role bits of both domains varied, with and without
 * PV_SHIM_EXCLUSIVE. Returns the situations where they decide differently; empty means same rules.
 */
export function comparePolicy(
  program: SwitchProgram,
  module: PolicyModule,
  hooks?: HookBodies,
): Difference[] {
  const extracted = compileSwitch(program);
  const labels = program.cases.flatMap((c) => c.labels.filter((l): l is Action => l !== "default"));
  const actions = [...new Set([...labels, ...module.actions])];
  const out = compareDefaultAction(extracted, actions, module);
  for (const hook of hooks?.hooks ?? []) {
    const body = hooks?.bodies[hook.name];
    if (body) out.push(...compareHook(hook, body, extracted, module));
  }
  return out;
}
