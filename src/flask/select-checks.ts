import type {
  FlaskCheck,
  FlaskCondition,
  FlaskHook,
  FlaskPermissionRef,
  FlaskRefusal,
} from "./hook-checks.js";

/** A condition's value for a call: settled by the values the call is known to pass, or left to run time. */
export type ConditionValue = boolean | "unknown";

const families = new WeakMap<readonly string[], string>();
/** The common prefix of a switch's labels up to its last `_` (`XEN_DOMCTL_`), "" when they share none. */
function familyOf(labels: readonly string[]): string {
  let f = families.get(labels);
  if (f === undefined) {
    f = familyOf1(labels);
    families.set(labels, f);
  }
  return f;
}
function familyOf1(labels: readonly string[]): string {
  if (labels.length === 0) return "";
  let p = labels[0] as string;
  for (const l of labels) while (!l.startsWith(p)) p = p.slice(0, -1);
  return p.slice(0, p.lastIndexOf("_") + 1);
}

/**
 * Whether a call with the known values (the catalogue's hook arguments, `cmd` = `XEN_DOMCTL_pausedomain`,
 * and the operation's own constant) reaches a condition. A `case` is settled when a known value is one of
 * its switch's labels (it is reached when the value is one of its own), or when a known value has the
 * labels' prefix (`XEN_DOMCTL_`) and is none of them: the switch's `default` is taken. An `if` is left to
 * run time.
 */
export function conditionValue(c: FlaskCondition, known: readonly string[]): ConditionValue {
  if (c.kind === "if") return "unknown";
  const named = known.filter((v) => c.switchLabels.includes(v));
  if (named.length > 0) return named.some((v) => c.labels.includes(v));
  const family = familyOf(c.switchLabels);
  if (family.length >= 3 && known.some((v) => v.startsWith(family))) return c.default;
  return "unknown";
}

/** All of a list of conditions: false if one is false, unknown if one is unknown. */
function all(conds: readonly FlaskCondition[], known: readonly string[]): ConditionValue {
  let v: ConditionValue = true;
  for (const c of conds) {
    const x = conditionValue(c, known);
    if (x === false) return false;
    if (x === "unknown") v = "unknown";
  }
  return v;
}

/** A condition as an explanation prints it: `case XEN_DOMCTL_pausedomain` (path:line). */
export function formatCondition(c: FlaskCondition): string {
  if (c.kind === "if") return `${c.negated ? `!(${c.expr})` : c.expr} (${c.ref})`;
  const labels = [...c.labels.map((l) => `case ${l}`), ...(c.default ? ["default"] : [])];
  return `${labels.join(" | ")} (${c.ref})`;
}

/** A check a call makes, with the permissions its path asks for and what is left to run time. */
export interface SelectedCheck {
  readonly check: FlaskCheck;
  /** the permissions asked: all of them, or for a choice settled by the known values, the one taken */
  readonly permissions: readonly FlaskPermissionRef[];
  /** a choice the known values do not settle: one of `permissions` by path */
  readonly oneOf: boolean;
  /** the conditions around the check that only run time settles */
  readonly runtime: readonly FlaskCondition[];
}

export interface SelectedRefusal {
  readonly refusal: FlaskRefusal;
  readonly runtime: readonly FlaskCondition[];
}

/** What a hook checks and refuses for a call with the known values, in the hook's order. */
export function selectChecks(
  hook: FlaskHook,
  known: readonly string[],
): { checks: SelectedCheck[]; refusals: SelectedRefusal[] } {
  const checks: SelectedCheck[] = [];
  for (const check of hook.checks) {
    const v = all(check.when, known);
    if (v === false) continue;
    const runtime = check.when.filter((c) => conditionValue(c, known) === "unknown");
    let permissions = check.permissions;
    let oneOf = false;
    if (check.choice) {
      // settled when one assignment is left: one that always happens may still be overwritten by another
      permissions = check.permissions.filter((p) => all(p.when, known) !== false);
      oneOf = permissions.length > 1;
    }
    checks.push({ check, permissions, oneOf, runtime });
  }
  const refusals: SelectedRefusal[] = [];
  for (const refusal of hook.refusals) {
    if (all(refusal.when, known) === false) continue;
    refusals.push({ refusal, runtime: refusal.when.filter((c) => conditionValue(c, known) === "unknown") });
  }
  return { checks, refusals };
}
