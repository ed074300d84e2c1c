import assert from "node:assert/strict";
import { test } from "node:test";
import type { FlaskCondition } from "./hook-checks.js";
import { conditionValue, formatCondition } from "./select-checks.js";

const kase = (labels: string[], switchLabels: string[], dflt = false): FlaskCondition => ({
  kind: "case",
  labels,
  default: dflt,
  switchLabels,
  ref: "hooks.c:10",
});
const DOMCTL = ["XEN_DOMCTL_pausedomain", "XEN_DOMCTL_unpausedomain"];

test("select checks: a case is reached by a value its switch names, and only by its own", () => {
  assert.equal(conditionValue(kase(["XEN_DOMCTL_pausedomain"], DOMCTL), ["XEN_DOMCTL_pausedomain"]), true);
  assert.equal(conditionValue(kase(["XEN_DOMCTL_unpausedomain"], DOMCTL), ["XEN_DOMCTL_pausedomain"]), false);
  // a value of the switch's family it does not name takes `default`
  assert.equal(conditionValue(kase([], DOMCTL, true), ["XEN_DOMCTL_shadow_op"]), true);
  assert.equal(conditionValue(kase(["XEN_DOMCTL_pausedomain"], DOMCTL), ["XEN_DOMCTL_shadow_op"]), false);
  assert.equal(conditionValue(kase([], DOMCTL, true), ["XEN_DOMCTL_pausedomain"]), false);
  // a value of another family, or none, leaves it to run time; so does every `if`
  assert.equal(conditionValue(kase(["XEN_DOMCTL_pausedomain"], DOMCTL), ["HVMOP_set_param"]), "unknown");
  assert.equal(conditionValue(kase(["XEN_DOMCTL_pausedomain"], DOMCTL), []), "unknown");
  const cond: FlaskCondition = { kind: "if", expr: "d == current->domain", negated: true, ref: "hooks.c:3" };
  assert.equal(conditionValue(cond, ["XEN_DOMCTL_pausedomain"]), "unknown");
  assert.equal(formatCondition(cond), "!(d == current->domain) (hooks.c:3)");
  assert.equal(
    formatCondition(kase(["A_x", "A_y"], ["A_x", "A_y"], true)),
    "case A_x | case A_y | default (hooks.c:10)",
  );
});
