import type { Operation } from "../../catalog/schema.js";
import type { Model } from "../../query/model.js";
import type { Output } from "../output.js";

function rule(op: Operation): string {
  const hooks = op.checks.flatMap((c) => (c.kind === "xsm" ? [`${c.hook}:${c.action}`] : []));
  return hooks.length ? hooks.join(", ") : "no XSM hook";
}

/** `xenpriv ops`: the catalogue, filterable by hypercall, hook or action. */
export function opsCommand(
  model: Model,
  filter: { hypercall?: string[]; hook?: string; action?: string },
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
