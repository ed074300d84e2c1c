import assert from "node:assert/strict";
import { test } from "node:test";
import type { FlaskCondition, FlaskHook } from "./hook-checks.js";
import { conditionValue, formatCondition, selectChecks } from "./select-checks.js";

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

test("select checks: `if` and `#if` conditions as the caller decides them; a default assignment a sure one overwrites", () => {
  const ifdef: FlaskCondition = {
    kind: "cpp",
    expr: "defined(CONFIG_X86)",
    negated: false,
    ref: "hooks.c:20",
  };
  const iommu: FlaskCondition = {
    kind: "if",
    expr: "is_iommu_enabled(d)",
    negated: false,
    ref: "hooks.c:31",
  };
  assert.equal(formatCondition(ifdef), "#if defined(CONFIG_X86) (hooks.c:20)");
  assert.equal(formatCondition({ ...ifdef, negated: true }), "#if !(defined(CONFIG_X86)) (hooks.c:20)");
  assert.equal(conditionValue(ifdef, []), "unknown");
  assert.equal(
    conditionValue(ifdef, [], () => false),
    false,
  );
  // a case is the known values', whatever the caller says
  assert.equal(
    conditionValue(kase(["XEN_DOMCTL_pausedomain"], DOMCTL), ["XEN_DOMCTL_pausedomain"], () => false),
    true,
  );
  const perm = (name: string, line: number, when: FlaskCondition[]) => ({
    macro: `RESOURCE__${name.toUpperCase()}`,
    class: "resource",
    name,
    ref: `hooks.c:${line}`,
    when,
  });
  const hook: FlaskHook = {
    name: "h",
    function: "flask_h",
    params: ["d", "cmd"],
    ref: "hooks.c:1",
    opsRef: "hooks.c:99",
    guards: [],
    checks: [
      {
        ref: "hooks.c:40",
        via: [],
        subject: { kind: "domain", domain: "d" },
        object: { kind: "initial-sid", name: "xen" },
        class: "resource",
        classRef: "hooks.c:40",
        // `perm = USE_NOIOMMU; if ( is_iommu_enabled(d) ) perm = USE_IOMMU;`
        permissions: [perm("use_noiommu", 30, []), perm("use_iommu", 32, [iommu])],
        choice: true,
        conditions: [],
        when: [],
        classMismatch: [],
      },
      {
        ref: "hooks.c:50",
        via: [],
        subject: { kind: "domain", domain: "current" },
        object: { kind: "domain", domain: "d" },
        class: "resource",
        classRef: "hooks.c:50",
        permissions: [perm("add", 50, [])],
        choice: false,
        conditions: [],
        when: [ifdef, kase(["XEN_DOMCTL_unpausedomain"], DOMCTL)],
        classMismatch: [],
      },
    ],
    refusals: [],
  };
  const names = (s: ReturnType<typeof selectChecks>) => s.checks.map((c) => c.permissions.map((p) => p.name));
  // nothing decided: both assignments are possible, and the #if is left to run time
  const open = selectChecks(hook, ["XEN_DOMCTL_unpausedomain"]);
  assert.deepEqual(names(open), [["use_noiommu", "use_iommu"], ["add"]]);
  assert.deepEqual(open.checks[1]?.runtime, [ifdef]);
  assert.deepEqual(open.decided, []);
  // the IOMMU on: the later assignment surely happens; the #if on: no run-time condition left
  const on = selectChecks(hook, ["XEN_DOMCTL_unpausedomain"], () => true);
  assert.deepEqual(names(on), [["use_iommu"], ["add"]]);
  assert.equal(on.checks[0]?.oneOf, false);
  assert.deepEqual(on.checks[1]?.runtime, []);
  assert.deepEqual(on.decided, [iommu, ifdef]);
  // off: the default assignment alone, and no check under the #if; a call the case rules out reports no #if
  const off = selectChecks(hook, ["XEN_DOMCTL_unpausedomain"], () => false);
  assert.deepEqual(names(off), [["use_noiommu"]]);
  assert.deepEqual(selectChecks(hook, ["XEN_DOMCTL_pausedomain"], () => false).decided, [iommu]);
});
