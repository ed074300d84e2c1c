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
 * What the caller knows of an `if` or `#if` condition (the build's facts, which policy/ holds): the
 * condition's value, its `negated` applied, or undefined when it does not know.
 */
export type DecideCondition = (c: FlaskCondition) => boolean | undefined;

/**
 * Whether a call with the known values (the catalogue's hook arguments, `cmd` = `XEN_DOMCTL_pausedomain`,
 * and the operation's own constant) reaches a condition. A `case` is settled when a known value is one of
 * its switch's labels (it is reached when the value is one of its own), or when a known value has the
 * labels' prefix (`XEN_DOMCTL_`) and is none of them: the switch's `default` is taken. An `if` or `#if`
 * is what `decide` says of it, else left to run time.
 */
export function conditionValue(
  c: FlaskCondition,
  known: readonly string[],
  decide?: DecideCondition,
): ConditionValue {
  if (c.kind !== "case") return decide?.(c) ?? "unknown";
  const named = known.filter((v) => c.switchLabels.includes(v));
  if (named.length > 0) return named.some((v) => c.labels.includes(v));
  const family = familyOf(c.switchLabels);
  if (family.length >= 3 && known.some((v) => v.startsWith(family))) return c.default;
  return "unknown";
}

/** All of a list of conditions: false if one is false, unknown if one is unknown. */
function all(
  conds: readonly FlaskCondition[],
  known: readonly string[],
  decide?: DecideCondition,
): ConditionValue {
  let v: ConditionValue = true;
  for (const c of conds) {
    const x = conditionValue(c, known, decide);
    if (x === false) return false;
    if (x === "unknown") v = "unknown";
  }
  return v;
}

/** Whether `path:line` `a` is on a later line of the same file than `b`. */
function isAfter(a: string, b: string): boolean {
  const [fa, la] = [a.slice(0, a.lastIndexOf(":")), Number(a.slice(a.lastIndexOf(":") + 1))];
  const [fb, lb] = [b.slice(0, b.lastIndexOf(":")), Number(b.slice(b.lastIndexOf(":") + 1))];
  return fa === fb && la > lb;
}

/** A condition as an explanation prints it: `case XEN_DOMCTL_pausedomain` (path:line). */
export function formatCondition(c: FlaskCondition): string {
  if (c.kind === "if") return `${c.negated ? `!(${c.expr})` : c.expr} (${c.ref})`;
  if (c.kind === "cpp") return `#if ${c.negated ? `!(${c.expr})` : c.expr} (${c.ref})`;
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

/**
 * What a hook checks and refuses for a call with the known values, in the hook's order, `if` and `#if`
 * conditions settled by `decide` where it can; `decided` lists those it settled on the call's way (the
 * conditions of a check, permission or refusal the known values do not rule out), for explanations.
 */
export function selectChecks(
  hook: FlaskHook,
  known: readonly string[],
  decide?: DecideCondition,
): { checks: SelectedCheck[]; refusals: SelectedRefusal[]; decided: FlaskCondition[] } {
  const decided = new Set<FlaskCondition>();
  const note = (conds: readonly FlaskCondition[]) => {
    if (decide && all(conds, known) !== false)
      for (const c of conds) if (c.kind !== "case" && decide(c) !== undefined) decided.add(c);
  };
  const unknown = (conds: readonly FlaskCondition[]) =>
    conds.filter((c) => conditionValue(c, known, decide) === "unknown");
  const checks: SelectedCheck[] = [];
  for (const check of hook.checks) {
    note(check.when);
    const v = all(check.when, known, decide);
    if (v === false) continue;
    for (const p of check.permissions) note(p.when);
    let permissions = check.permissions;
    let oneOf = false;
    if (check.choice) {
      // settled when one assignment is left: one that always happens may still be overwritten by another,
      // and is when a later one surely happens (`perm = RESOURCE__USE_NOIOMMU; if ( is_iommu_enabled(d) )
      // perm = ...;`, hooks.c:1050-1054 at RELEASE-4.22.0)
      const left = check.permissions.filter((p) => all(p.when, known, decide) !== false);
      const sure = left.filter((p) => p.when.length > 0 && all(p.when, known, decide) === true);
      permissions = left.filter((p) => p.when.length > 0 || !sure.some((q) => isAfter(q.ref, p.ref)));
      oneOf = permissions.length > 1;
    }
    checks.push({ check, permissions, oneOf, runtime: unknown(check.when) });
  }
  const refusals: SelectedRefusal[] = [];
  for (const refusal of hook.refusals) {
    note(refusal.when);
    if (all(refusal.when, known, decide) === false) continue;
    refusals.push({ refusal, runtime: unknown(refusal.when) });
  }
  return { checks, refusals, decided: [...decided] };
}
