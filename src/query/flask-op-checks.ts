import type { Catalogue, FlaskHooks, Operation } from "../catalog/schema.js";
import type { FlaskHook, SidSource } from "../flask/hook-checks.js";
import { conditionValue, formatCondition, selectChecks } from "../flask/select-checks.js";

/** One permission check Flask makes on an operation's path. */
export interface FlaskOpCheck {
  /** the XSM hook call of the operation it comes from (`path:line` of the call site) */
  readonly hook: string;
  readonly callRef: string;
  /** the Flask function and where it is */
  readonly function: string;
  readonly functionRef: string;
  readonly class: string;
  /** the permissions asked; `oneOf` when run time picks one of them */
  readonly permissions: readonly string[];
  readonly oneOf: boolean;
  /** subject and object in the operation's terms: `current`, `target`, `domain_target_sid(current, target)`, ... */
  readonly subject: string;
  readonly object: string;
  /** the `avc_has_perm` call, and the line that names the permission (its helper's call) */
  readonly ref: string;
  readonly permissionRef: string;
  /** what only run time settles: conditions around the check */
  readonly runtime: readonly string[];
}

/** A refusal Flask makes on an operation's path without a check (an unknown sub-op, a -EPERM case). */
export interface FlaskOpRefusal {
  readonly hook: string;
  readonly error: string;
  readonly ref: string;
  readonly runtime: readonly string[];
}

/**
 * What Flask checks for an operation: for each XSM hook call of the operation, the Flask hook's checks the
 * call's values reach (`flask`, read from xen/xsm/flask/hooks.c: catalog/load-flask-hooks.ts), each SID
 * named in the operation's terms.
 */
export function flaskChecksOf(
  catalogue: Catalogue,
  flask: FlaskHooks,
  op: Operation,
): { checks: FlaskOpCheck[]; refusals: FlaskOpRefusal[] } {
  const hooks = new Map(flask.hooks.map((h) => [h.name, h as FlaskHook]));
  const params = new Map(catalogue.hooks.map((h) => [h.name, h.params]));
  const checks: FlaskOpCheck[] = [];
  const refusals: FlaskOpRefusal[] = [];
  for (const c of op.checks) {
    if (c.kind !== "xsm") continue;
    const h = hooks.get(c.hook);
    if (!h) continue;
    const operand = (name: string): string => {
      if (name === "current") return "current";
      const i = h.params.indexOf(name);
      const dummy = i >= 0 ? params.get(c.hook)?.[i] : undefined;
      return (dummy !== undefined && c.args[dummy]) || name;
    };
    const sid = (s: SidSource): string => {
      switch (s.kind) {
        case "domain":
          return operand(s.domain);
        case "domain-target":
          return `domain_target_sid(${operand(s.source)}, ${operand(s.target)})`;
        case "initial-sid":
          return `SECINITSID_${s.name.toUpperCase()}`;
        case "ocontext":
          return `${s.context} label (${s.via})`;
        case "evtchn":
          return `event channel ${s.channel}`;
        case "argument":
          return `argument ${s.expr}`;
        case "one-of":
          return [...new Set(s.sources.map(sid))].join(" | ");
        case "unresolved":
          return s.expr;
      }
    };
    const known = [...Object.values(c.values), ...(op.constant ? [op.constant] : [])];
    const sel = selectChecks(h, known);
    for (const s of sel.checks) {
      const first = s.check.via[0];
      checks.push({
        hook: c.hook,
        callRef: c.ref,
        function: h.function,
        functionRef: h.ref || h.opsRef,
        class: s.check.class,
        permissions: s.permissions.map((p) => p.name),
        oneOf: s.oneOf,
        subject: sid(s.check.subject),
        object: sid(s.check.object),
        ref: s.check.ref,
        permissionRef: first?.includes("@") ? (first.split("@")[1] as string) : s.check.ref,
        runtime: [
          ...s.runtime.map(formatCondition),
          ...s.permissions.flatMap((p) => {
            const open = p.when.filter((w) => conditionValue(w, known) !== true);
            return open.length ? [`${p.name} when ${open.map(formatCondition).join(" and ")}`] : [];
          }),
        ],
      });
    }
    for (const r of sel.refusals)
      refusals.push({
        hook: c.hook,
        error: r.refusal.error === "unknown" ? "avc_unknown_permission" : r.refusal.error,
        ref: r.refusal.ref,
        runtime: r.runtime.map(formatCondition),
      });
  }
  return { checks, refusals };
}
