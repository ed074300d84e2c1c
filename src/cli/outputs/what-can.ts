import { cellLabel } from "../../query/cells.js";
import type { WhatCan } from "../../query/what-can.js";
import type { Output } from "../output.js";

/** `xenpriv what-can <domain>`: every operation the domain may perform, and on whom. */
export function whatCanOutput(w: WhatCan): Output {
  const may = w.cells.filter((c) => cellLabel(c) !== "-");
  return {
    kind: "what-can",
    json: { domain: w.domain, policy: w.policy, cells: w.cells },
    graph: {
      name: `what ${w.domain} may do`,
      nodes: [{ id: w.domain }, ...may.map((c) => ({ id: c.op, shape: "box" as const }))],
      edges: may.map((c) => ({ from: w.domain, to: c.op, label: cellLabel(c) })),
    },
    text: `${w.domain} may perform ${w.allowed} of ${w.total} operations under ${w.policy} (self = on itself, tgt = on its device-model target, all/some = on all/some other domains, xen/io = on dom_xen/dom_io)`,
    table: { columns: ["operation", "may"], rows: w.cells.map((c) => [c.op, cellLabel(c)]) },
  };
}
