import type { FlaskConstraint, FlaskContext, FlaskPolicy, MlsLevel } from "./policydb.js";

// constraint_expr_eval_reason (libsepol/src/services.c:384 at SELinuxProject/selinux 3.4), without its
// reason text; the MLS level comparisons of include/sepol/policydb/mls_types.h.

const has = (set: readonly number[], x: number) => set.includes(x);
const levelEq = (a: MlsLevel, b: MlsLevel) =>
  a.sensitivity === b.sensitivity &&
  a.categories.length === b.categories.length &&
  a.categories.every((c) => has(b.categories, c));
const levelDom = (a: MlsLevel, b: MlsLevel) =>
  a.sensitivity >= b.sensitivity && b.categories.every((c) => has(a.categories, c));

/** Whether a constraint holds between a source and a target context (xcontext: validatetrans only). */
export function constraintHolds(
  policy: FlaskPolicy,
  cons: FlaskConstraint,
  s: FlaskContext,
  t: FlaskContext,
  x?: FlaskContext,
): boolean {
  const stack: boolean[] = [];
  const role = (v: number) => policy.roles.find((r) => r.value === v);
  for (const e of cons.expr) {
    if (e.kind === "not" || e.kind === "and" || e.kind === "or") {
      const b = stack.pop() === true;
      if (e.kind === "not") stack.push(!b);
      else {
        const a = stack.pop() === true;
        stack.push(e.kind === "and" ? a && b : a || b);
      }
      continue;
    }
    if (e.kind === "names") {
      const c = e.attr & 8 ? t : e.attr & 16 ? x : s;
      // services.c: a names node on xcontext outside validatetrans is a BUG(); the reader refuses it
      if (!c) return false;
      const v = e.attr & 1 ? c.user : e.attr & 2 ? c.role : c.type;
      stack.push(e.op === 1 ? has(e.names, v) : !has(e.names, v));
      continue;
    }
    // attr nodes
    if (e.attr === 1 || e.attr === 4 || (e.attr === 2 && e.op <= 2)) {
      const [a, b] = e.attr === 1 ? [s.user, t.user] : e.attr === 2 ? [s.role, t.role] : [s.type, t.type];
      stack.push(e.op === 1 ? a === b : a !== b);
      continue;
    }
    if (e.attr === 2) {
      const r1 = role(s.role);
      const r2 = role(t.role);
      const d12 = r1 ? has(r1.dominates, t.role) : false;
      const d21 = r2 ? has(r2.dominates, s.role) : false;
      stack.push(e.op === 3 ? d12 : e.op === 4 ? d21 : !d12 && !d21);
      continue;
    }
    const [l1, l2] =
      e.attr === 32
        ? [s.range.low, t.range.low]
        : e.attr === 64
          ? [s.range.low, t.range.high]
          : e.attr === 128
            ? [s.range.high, t.range.low]
            : e.attr === 256
              ? [s.range.high, t.range.high]
              : e.attr === 512
                ? [s.range.low, s.range.high]
                : [t.range.low, t.range.high];
    stack.push(
      e.op === 1
        ? levelEq(l1, l2)
        : e.op === 2
          ? !levelEq(l1, l2)
          : e.op === 3
            ? levelDom(l1, l2)
            : e.op === 4
              ? levelDom(l2, l1)
              : !levelDom(l1, l2) && !levelDom(l2, l1),
    );
  }
  return stack.pop() === true;
}
