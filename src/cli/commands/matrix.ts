import { type Cell, cellLabel } from "../../query/cells.js";
import type { Matrix } from "../../query/matrix.js";
import type { Output } from "../output.js";

/** `xenpriv matrix`: domains x operations, targets summarised by relation. */
export function matrixOutput(m: Matrix): Output {
  const cells = [...m.rows()];
  return {
    kind: "matrix",
    json: { policy: m.policy, domains: m.domains, ops: m.ops.map((o) => o.id), cells },
    text: `decision matrix under ${m.policy}: ${m.ops.length} operations x ${m.domains.length} domains (self = on itself, tgt = its device-model target, all/some = all/some other domains, xen/io = dom_xen/dom_io, yes = allowed, - = never)`,
    table: {
      columns: ["operation", ...m.domains],
      rows: m.ops.map((op, o) => [op.id, ...cells.map((row) => cellLabel(row[o] as Cell))]),
    },
  };
}
