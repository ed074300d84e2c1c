import type { Operation } from "../catalog/schema.js";
import type { Action } from "../model/action.js";
import type { PolicyModule } from "../policy/types.js";

/** The default actions a policy checks an operation with: its hooks' actions as the module asserts them. */
export function opActions(policy: PolicyModule, op: Operation): Action[] {
  const actions = op.checks.flatMap((c) =>
    c.kind === "xsm" ? [policy.hookAction(c.hook, c.action).action] : [],
  );
  return [...new Set(actions)];
}
