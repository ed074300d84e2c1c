import type { Diagnostic } from "../core/diagnostic.js";
import type { Span } from "../core/span.js";
import { type Catalogue, type Cond, FIXED_OPERANDS } from "./schema.js";

/** Hooks that are not access checks (no XSM_ASSERT_ACTION) but are called on guest paths. */
const NON_CHECK_HOOKS = new Set([
  "argo_enable",
  "argo_register_single_source",
  "argo_register_any_source",
  "argo_send",
  "do_xsm_op",
  "do_compat_op",
]);
/** Values each XSM_OTHER hook switches on. */
const OTHER_VALUES: Record<string, readonly string[]> = {
  console_io: ["cmd"],
  xen_version: ["op"],
  pmu_op: ["op"],
  hvm_altp2mhvm_op: ["mode"],
};

function condAtoms(c: Cond | undefined): string[] {
  if (c === undefined) return [];
  if (typeof c === "string") return [c];
  if ("not" in c) return condAtoms(c.not);
  return ("all" in c ? c.all : c.any).flatMap(condAtoms);
}

/**
 * Internal consistency of a catalogue, as Xen's own link-time check would see it:
 * hooks exist, their domain parameters are bound, call-site actions match the asserted ones.
 */
export function checkCatalogue(
  cat: Catalogue,
  spanOfOp: (index: number) => Span | undefined = () => undefined,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const hooks = new Map(cat.hooks.map((h) => [h.name, h]));
  const lookups = new Set(cat.lookups.map((l) => l.name));
  const seen = new Set<string>();
  let index = 0;
  const problem = (code: string, message: string) => {
    const span = spanOfOp(index);
    out.push({ code: `catalogue/${code}`, severity: "error", message, ...(span && { span }) });
  };
  for (const [i, op] of cat.operations.entries()) {
    index = i;
    if (seen.has(op.id)) problem("duplicate-operation", `duplicate operation \`${op.id}\``);
    seen.add(op.id);
    if (op.target.kind === "domain" && !lookups.has(op.target.lookup))
      problem("unknown-lookup", `\`${op.id}\`: lookup \`${op.target.lookup}\` is not described in lookups`);
    const operands = new Set([...FIXED_OPERANDS, ...Object.keys(op.operands)]);
    for (const check of op.checks) {
      for (const a of condAtoms(
        check.kind === "gate" ? { all: [check.require, ...(check.when ? [check.when] : [])] } : check.when,
      ))
        if (op.target.kind === "none" && /^(self|target\.)/.test(a))
          problem(
            "target-condition",
            `\`${op.id}\`: condition \`${a}\` names a target but the operation has none`,
          );
      if (check.kind !== "xsm") continue;
      const where = `\`${op.id}\` (${check.ref})`;
      for (const [param, operand] of Object.entries(check.args)) {
        if (!operands.has(operand))
          problem(
            "unknown-operand",
            `${where}: xsm_${check.hook} argument \`${param}\` is bound to unknown operand \`${operand}\``,
          );
        if (operand === "target" && op.target.kind === "none")
          problem("no-target", `${where}: xsm_${check.hook} uses the target but the operation has none`);
      }
      const hook = hooks.get(check.hook);
      if (!hook) {
        if (!NON_CHECK_HOOKS.has(check.hook))
          problem("unknown-hook", `${where}: no hook \`xsm_${check.hook}\` in the catalogue`);
        continue;
      }
      for (const param of Object.keys(check.args))
        if (!hook.params.includes(param))
          problem("unknown-parameter", `${where}: xsm_${check.hook} has no parameter \`${param}\``);
      for (const side of [hook.src, hook.target])
        if (side !== "current" && side !== "null" && !(side in check.args))
          problem(
            "unbound-parameter",
            `${where}: xsm_${check.hook} passes \`${side}\` to xsm_default_action but the call binds no domain to it`,
          );
      if (check.action !== hook.action)
        problem(
          "action-mismatch",
          `${where}: call site passes XSM_${check.action} but xsm_${check.hook} asserts XSM_${hook.action}`,
        );
      for (const v of OTHER_VALUES[check.hook] ?? [])
        if (!(v in check.values))
          problem(
            "missing-value",
            `${where}: xsm_${check.hook} switches on \`${v}\` but the call gives no value`,
          );
    }
  }
  return out;
}
