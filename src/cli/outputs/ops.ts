import { loadFlaskHooks } from "../../catalog/load-flask-hooks.js";
import type { Operation } from "../../catalog/schema.js";
import { error } from "../../core/diagnostic.js";
import { fail } from "../../core/errors.js";
import { flaskChecksOf } from "../../query/flask-op-checks.js";
import type { Model } from "../../query/model.js";
import type { Output } from "../output.js";

function rule(op: Operation): string {
  const hooks = op.checks.flatMap((c) => (c.kind === "xsm" ? [`${c.hook}:${c.action}`] : []));
  return hooks.length ? hooks.join(", ") : "no XSM hook";
}

/** `xenpriv ops`: the catalogue, filterable by hypercall, hook or action. */
export function opsCommand(
  model: Model,
  filter: { hypercall?: string[]; hook?: string; action?: string; flask?: boolean },
): Output {
  const ops = model.ops.filter(
    (o) =>
      (!filter.hypercall?.length || filter.hypercall.includes(o.hypercall)) &&
      (!filter.hook || o.checks.some((c) => c.kind === "xsm" && c.hook === filter.hook)) &&
      (!filter.action ||
        o.checks.some(
          (c) => c.kind === "xsm" && c.action === filter.action?.toUpperCase().replace(/^XSM_/, ""),
        )),
  );
  const meta = model.catalogue.meta;
  if (filter.flask) return flaskView(model, ops);
  return {
    kind: "ops",
    json: { xen: meta.xen, arch: model.system.build.arch, operations: ops },
    text: `${ops.length} operations in the Xen ${meta.xen} catalogue (${meta.origin}, ${meta.tag}) on ${model.system.build.arch}`,
    table: {
      columns: ["operation", "hooks", "target", "source"],
      rows: ops.map((o) => [o.id, rule(o), o.target.kind === "none" ? "-" : o.target.lookup, o.ref]),
    },
  };
}

/** `xenpriv ops --flask`: each operation's Flask checks, one row each, with the line of each. */
function flaskView(model: Model, ops: readonly Operation[]): Output {
  const meta = model.catalogue.meta;
  const hooks = loadFlaskHooks(model.catalogue);
  if (!hooks)
    return fail(
      error(
        "policy/no-flask-hooks",
        `the Xen ${meta.xen} catalogue (${meta.origin}) does not say what the Flask hooks check`,
        undefined,
        "use a catalogue that has them (`--xen 4.22.0`)",
      ),
    );
  const per = ops.map((o) => ({
    op: o,
    flask: flaskChecksOf(model.catalogue, hooks, o),
  }));
  const rows: string[][] = [];
  for (const { op, flask } of per) {
    for (const c of flask.checks)
      rows.push([
        op.id,
        `${c.class}:${c.permissions.join(c.oneOf ? "|" : ",")}`,
        c.subject,
        c.object,
        c.permissionRef,
        c.runtime.join("; "),
      ]);
    for (const r of flask.refusals) rows.push([op.id, r.error, "", "", r.ref, r.runtime.join("; ")]);
    if (flask.checks.length + flask.refusals.length === 0 && op.checks.some((c) => c.kind === "xsm"))
      rows.push([op.id, "no check", "", "", "", ""]);
  }
  return {
    kind: "ops-flask",
    json: {
      xen: meta.xen,
      arch: model.system.build.arch,
      flaskSource: hooks.source,
      operations: per.map(({ op, flask }) => ({ id: op.id, ...flask })),
    },
    text: `what Flask checks for ${ops.length} operations of the Xen ${meta.xen} catalogue (hooks read from xen/xsm/flask/hooks.c at ${hooks.source})`,
    table: { columns: ["operation", "check", "subject", "object", "source", "only when"], rows },
  };
}
