import type { Operation } from "../../catalog/schema.js";
import { type Cell, cellLabel, cellsOfDomain } from "../../query/cells.js";
import { DecisionIndex } from "../../query/decision-index.js";
import type { Model } from "../../query/model.js";
import type { Output } from "../output.js";

/** Operations of the given hypercalls (all when none given). */
export function opFilter(hypercalls: readonly string[] = []): (op: Operation) => boolean {
  return (op) => hypercalls.length === 0 || hypercalls.includes(op.hypercall);
}

/** `xenpriv matrix`: domains x operations, targets summarised by relation. */
export function matrixCommand(model: Model, hypercalls: readonly string[] = []): Output {
  const ops = model.ops.filter(opFilter(hypercalls));
  const ix = new DecisionIndex(model, ops);
  const cells: Cell[][] = model.domains.map((_, s) => cellsOfDomain(ix, s));
  const names = model.domains.map((d) => d.name);
  return {
    kind: "matrix",
    json: { policy: model.policy.name, domains: names, ops: ops.map((o) => o.id), cells },
    text: `decision matrix under ${model.policy.name}: ${ops.length} operations x ${names.length} domains (self = on itself, tgt = its device-model target, all/some = all/some other domains, xen/io = dom_xen/dom_io, yes = allowed, - = never)`,
    table: {
      columns: ["operation", ...names],
      rows: ops.map((op, o) => [op.id, ...cells.map((row) => cellLabel(row[o] as Cell))]),
    },
  };
}
