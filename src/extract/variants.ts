import type { Check, Cond, Operation } from "../catalog/schema.js";
import type { ConstantInfo } from "./constants.js";

/** `runtime:op->u.vm_event_op.op == XEN_VM_EVENT_GET_VERSION`: a field of the request against a constant. */
const ARGUMENT_IS = /^runtime:(\w+(?:\.|->)[\w.>-]+) == ([A-Z][A-Z0-9]*(?:_[A-Za-z0-9]+)+)$/;

/** A condition once `atom` is known to hold or not: true, false, or what is left of it. */
export function assume(c: Cond, atom: string, holds: boolean): Cond | boolean {
  if (typeof c === "string") return c === atom ? holds : c;
  if ("not" in c) {
    const v = assume(c.not, atom, holds);
    return typeof v === "boolean" ? !v : { not: v };
  }
  const all = "all" in c;
  const kept: Cond[] = [];
  for (const x of all ? c.all : c.any) {
    const v = assume(x, atom, holds);
    if (v === !all) return v;
    if (typeof v !== "boolean") kept.push(v);
  }
  if (kept.length <= 1) return kept[0] ?? all;
  return all ? { all: kept } : { any: kept };
}

/** The checks of an operation once `atom` holds (or not): checks it rules out go, its tests leave the rest. */
function specialise(checks: readonly Check[], atom: string, holds: boolean): Check[] {
  return checks.flatMap((c) => {
    if (c.when === undefined) return [c];
    const when = assume(c.when, atom, holds);
    if (when === false) return [];
    const { when: _, ...rest } = c;
    return [when === true ? (rest as Check) : ({ ...c, when } as Check)];
  });
}

/** Whether a check is made on the target or depends on it. */
const usesTarget = (checks: readonly Check[]): boolean =>
  checks.some(
    (c) =>
      (c.kind === "xsm" && Object.values(c.args).includes("target")) ||
      /"(self|target\.[\w-]+)"/.test(
        JSON.stringify(c.kind === "gate" ? [c.require, c.when] : (c.when ?? null)),
      ),
  );

/** `XEN_VM_EVENT_GET_VERSION` -> `get_version`: without the prefix its sibling constants share. */
function variantName(constant: string, constants: ReadonlyMap<string, ConstantInfo>): string {
  const parts = constant.split("_");
  for (let i = parts.length - 1; i > 0; i--) {
    const prefix = `${parts.slice(0, i).join("_")}_`;
    for (const other of constants.keys())
      if (other !== constant && other.startsWith(prefix)) return constant.slice(prefix.length).toLowerCase();
  }
  return constant.toLowerCase();
}

/**
 * Splits off the variants an argument constant selects, as the curated catalogue has them: a bypass
 * taken on one value (`vm_event_op` answers XEN_VM_EVENT_GET_VERSION before its checks), or a choice
 * between hooks on one value (`register_ring` with partner XEN_ARGO_DOMID_ANY). The operation keeps the
 * other values; the variant `<op>/<value>` has what that value makes.
 */
export function splitVariants(op: Operation, constants: ReadonlyMap<string, ConstantInfo>): Operation[] {
  const out: Operation[] = [];
  let base = op;
  for (;;) {
    const skip = base.checks.findIndex(
      (c) => c.kind === "skip" && typeof c.when === "string" && ARGUMENT_IS.test(c.when),
    );
    const chooser = base.checks.find(
      (c) =>
        c.kind === "xsm" &&
        typeof c.when === "string" &&
        ARGUMENT_IS.test(c.when) &&
        base.checks.some(
          (d) => d.kind === "xsm" && JSON.stringify(d.when) === JSON.stringify({ not: c.when }),
        ),
    );
    const atom = (skip >= 0 ? base.checks[skip]?.when : chooser?.when) as string | undefined;
    if (atom === undefined) break;
    const [, field, constant] = ARGUMENT_IS.exec(atom) as RegExpExecArray;
    // a bypass leaves the checks after it out
    const taken = specialise(skip >= 0 ? base.checks.slice(0, skip) : base.checks, atom, true);
    out.push({
      ...base,
      // a value that names no domain (XEN_ARGO_DOMID_ANY, GET_VERSION before the lookup matters): no target
      ...(!usesTarget(taken) && { target: { kind: "none" as const }, operands: {} }),
      id: `${op.id}/${variantName(constant as string, constants)}`,
      summary: `${op.summary}, with ${field} == ${constant}`,
      checks: taken,
      // where the value is tested
      ref: (skip >= 0 ? base.checks[skip]?.ref : chooser?.ref) ?? op.ref,
    });
    base = { ...base, checks: specialise(base.checks, atom, false) };
  }
  return [base, ...out];
}
