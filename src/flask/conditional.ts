import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import type { CondExpr, FlaskPolicy } from "./policydb.js";

/**
 * The value of a conditional expression (reverse Polish, as stored) under the booleans' states, indexed
 * by boolean value - 1: cond_evaluate_expr (libsepol/src/conditional.c at SELinuxProject/selinux 3.4).
 * The reader has checked that every expression reduces to one value.
 */
export function evaluateConditional(expr: readonly CondExpr[], states: readonly boolean[]): boolean {
  const stack: boolean[] = [];
  for (const e of expr) {
    if (e.op === "bool") {
      stack.push(states[e.bool - 1] === true);
      continue;
    }
    const b = stack.pop() === true;
    if (e.op === "not") {
      stack.push(!b);
      continue;
    }
    const a = stack.pop() === true;
    stack.push(
      e.op === "or"
        ? a || b
        : e.op === "and"
          ? a && b
          : e.op === "xor"
            ? a !== b
            : e.op === "eq"
              ? a === b
              : a !== b,
    );
  }
  return stack.pop() === true;
}

/**
 * The booleans' states by value - 1: the policy's defaults, with `overrides` by name. A name the policy
 * has no boolean for is bad input (`policy/flask-boolean`), listing the policy's booleans.
 */
export function booleanStates(
  policy: FlaskPolicy,
  overrides: Readonly<Record<string, boolean>> = {},
): boolean[] {
  const states: boolean[] = Array.from({ length: policy.counts.booleans }, () => false);
  for (const b of policy.booleans) states[b.value - 1] = overrides[b.name] ?? b.state;
  const unknown = Object.keys(overrides).filter((n) => !policy.booleans.some((b) => b.name === n));
  if (unknown.length)
    fail(
      error(
        "policy/flask-boolean",
        `the policy ${policy.file} has no boolean ${unknown.map((b) => `\`${b}\``).join(", ")}`,
        undefined,
        `its booleans: ${policy.booleans.map((b) => `${b.name} (default ${b.state})`).join(", ") || "none"}`,
      ),
    );
  return states;
}
