import type { Check, LookupInfo, Operation } from "../catalog/schema.js";
import type { BuildFacts } from "../model/build.js";
import type { Decision, Step } from "../model/decision.js";
import type { Domain } from "../model/domain.js";
import { isControl } from "../policy/expr.js";
import { evalCond, renderCond, type Tri } from "./cond.js";
import type { Model } from "./model.js";

/** The hypercall table by caller type (RELEASE-4.22.0). */
const HYPERCALL_DEFS = "xen/include/hypercall-defs.c:230";

/** Extra operands of an operation bound by the caller of the query (e.g. `foreign`). */
export type Operands = Readonly<Record<string, Domain>>;

function operandResolver(
  model: Model,
  op: Operation,
  src: Domain,
  target: Domain | null,
  operands: Operands,
) {
  return (name: string): Domain | null => {
    switch (name) {
      case "current":
        return src;
      case "target":
        return target;
      case "null":
        return null;
      case "dom_xen":
      case "dom_io":
      case "idle":
        return model.systemDomains[name];
    }
    const binding = op.operands[name];
    if (!binding) throw new Error(`${op.id}: unknown operand \`${name}\``);
    return operands[name] ?? (binding === "current" ? src : target);
  };
}

/** Checks for the other architecture are not worth a line in an explanation. */
/**
 * The error a failed lookup gives this caller (do_domctl from 4.22.0 hides missing domains from
 * non-control callers); a call site that returns its own error (`target.missingError`) gives that.
 */
export function missingError(
  lookup: LookupInfo | undefined,
  src: Domain,
  build: BuildFacts,
  site?: string,
): string {
  if (site) return site;
  if (lookup?.nonControlError && !isControl(src, build)) return lookup.nonControlError;
  return lookup?.missingError ?? "-ESRCH";
}

function isArchOnly(c: Check["when"]): boolean {
  return typeof c === "string" && c.startsWith("arch.");
}

const calls = new WeakMap<object, string>();
function describeCall(check: Extract<Check, { kind: "xsm" }>): string {
  let s = calls.get(check);
  if (s === undefined) {
    s = describeCall1(check);
    calls.set(check, s);
  }
  return s;
}
function describeCall1(check: Extract<Check, { kind: "xsm" }>): string {
  const args = [`XSM_${check.action}`, ...Object.entries(check.args).map(([p, o]) => `${p}=${o}`)];
  args.push(...Object.entries(check.values).map(([k, v]) => `${k}=${v}`));
  return `xsm_${check.hook}(${args.join(", ")})`;
}

/**
 * Decides whether `src` may perform `op` on `target` under the model's policy, with
 * every check Xen makes on the way and its value. Pure: reads the model only.
 */
export function evaluate(
  model: Model,
  op: Operation,
  src: Domain,
  target: Domain | null,
  operands: Operands = {},
): Decision {
  const { build } = model.system;
  const steps: Step[] = [];
  const conditions: string[] = [];
  const opId = op.id;
  const srcName = src.name;
  const targetName = target?.name ?? null;
  const policy = model.policy.name;
  const deny = (error: string): Decision => ({
    op: opId,
    src: srcName,
    target: targetName,
    policy,
    decision: "deny",
    error,
    steps,
    conditions,
  });
  const allow = (): Decision => ({
    op: opId,
    src: srcName,
    target: targetName,
    policy,
    decision: "allow",
    steps,
    conditions,
  });

  if (!src.system) {
    const inTable = op.callers.includes(src.type);
    steps.push({
      kind: "gate",
      what: `the hypercall table for ${src.type} guests has ${op.hypercall}`,
      value: inTable,
      ref: HYPERCALL_DEFS,
      depth: 0,
    });
    if (!inTable) return deny("-ENOSYS");
  }

  if (op.target.kind === "domain") {
    const lookup = model.lookups.get(op.target.lookup);
    const ref = op.target.ref;
    if (!target) {
      steps.push({
        kind: "lookup",
        what: `${op.target.lookup}(${op.target.field}) finds no domain`,
        value: false,
        ref,
        depth: 0,
      });
      return deny(missingError(lookup, src, build, op.target.missingError));
    }
    if (target.system && !op.target.system.includes(target.system as "dom_xen" | "dom_io")) {
      // System domains are never in the domain list, so lookups do not find them (domain.c at 4.22.0).
      const error = missingError(lookup, src, build, op.target.missingError);
      steps.push({
        kind: "lookup",
        what: `${op.target.lookup}(${op.target.field}) finds ${target.name}`,
        value: false,
        ref: lookup?.ref ?? ref,
        depth: 0,
      });
      return deny(error);
    }
    // The caller may name itself unless the lookup refuses both its domid and DOMID_SELF.
    if (target === src && lookup && !lookup.selfAllowed && !lookup.domidSelf) {
      steps.push({
        kind: "lookup",
        what: `${op.target.lookup}(${op.target.field}) accepts the caller itself`,
        value: false,
        ref: lookup.ref,
        depth: 0,
      });
      return deny(lookup.selfError ?? "-EPERM");
    }
    steps.push({
      kind: "lookup",
      what: `${op.target.lookup}(${op.target.field}) finds ${target.name}`,
      value: true,
      ref,
      depth: 0,
    });
  }

  const resolve = operandResolver(model, op, src, target, operands);
  const ctx = { src, target, build };
  const when = (c: Check): Tri => (c.when === undefined ? true : evalCond(c.when, ctx));

  for (const check of op.checks) {
    const applies = when(check);
    if (applies === false) {
      if (check.kind !== "skip" && !isArchOnly(check.when))
        steps.push({
          kind: "note",
          what: `${check.kind === "xsm" ? `xsm_${check.hook}` : "check"} not made: ${renderCond(check.when ?? "")} is false`,
          ref: check.ref,
          depth: 0,
        });
      continue;
    }
    if (check.kind === "skip") {
      if (applies === true) {
        steps.push({
          kind: "skip",
          what: `${renderCond(check.when)}: later checks are skipped`,
          value: true,
          ref: check.ref,
          depth: 0,
        });
        return allow();
      }
      conditions.push(`later checks are skipped when ${renderCond(check.when)}`);
      continue;
    }
    if (check.kind === "gate") {
      const ok = evalCond(check.require, ctx);
      steps.push({
        kind: "gate",
        what: renderCond(check.require),
        ...(ok !== "unknown" && { value: ok }),
        ref: check.ref,
        depth: 0,
      });
      if (ok === "unknown") conditions.push(`${renderCond(check.require)} (else ${check.error})`);
      else if (!ok) {
        if (applies === true) return deny(check.error);
        // Depends on the arguments: allowed in general, refused for these arguments.
        conditions.push(`${check.error} when ${renderCond(check.when ?? "")}`);
      }
      continue;
    }
    const hook = model.hooks.get(check.hook);
    const domains: Record<string, Domain | null> = {};
    for (const p in check.args) domains[p] = resolve(check.args[p] as string);
    const params = Object.keys(check.args);
    const hookSrc = hook?.src ?? params[0] ?? "current";
    const hookTarget = hook?.target ?? params[1] ?? "null";
    steps.push({ kind: "hook", what: describeCall(check), ref: check.ref, depth: 0 });
    const verdict = model.policy.hook(
      {
        hook: check.hook,
        action: check.action,
        current: src,
        domains,
        values: check.values,
        ...(op.constant !== undefined && { constant: op.constant }),
        src: hookSrc,
        target: hookTarget,
      },
      build,
    );
    steps.push(...verdict.steps);
    if (verdict.conditions) conditions.push(...verdict.conditions);
    if (!verdict.allowed) {
      if (applies === true) return deny(check.denial);
      conditions.push(`${check.denial} from xsm_${check.hook} when ${renderCond(check.when ?? "")}`);
    }
  }
  return allow();
}
