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
 * The booleans' states by value - 1: the policy's defaults, with `overrides` by name. An unknown name
 * is returned in `unknown` for the caller to report.
 */
export function booleanStates(
  policy: FlaskPolicy,
  overrides: Readonly<Record<string, boolean>> = {},
): { states: boolean[]; unknown: string[] } {
  const states: boolean[] = Array.from({ length: policy.counts.booleans }, () => false);
  for (const b of policy.booleans) states[b.value - 1] = overrides[b.name] ?? b.state;
  const unknown = Object.keys(overrides).filter((n) => !policy.booleans.some((b) => b.name === n));
  return { states, unknown };
}
