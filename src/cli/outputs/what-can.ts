import { cellLabel } from "../../query/cells.js";
import type { WhatCan } from "../../query/what-can.js";
import type { Output } from "../output.js";

/** `xenpriv what-can <domain>`: every operation the domain may perform, and on whom. */
export function whatCanOutput(w: WhatCan): Output {
  return {
    kind: "what-can",
    json: { domain: w.domain, policy: w.policy, cells: w.cells },
    text: `${w.domain} may perform ${w.allowed} of ${w.total} operations under ${w.policy} (self = on itself, tgt = on its device-model target, all/some = on all/some other domains, xen/io = on dom_xen/dom_io)`,
    table: { columns: ["operation", "may"], rows: w.cells.map((c) => [c.op, cellLabel(c)]) },
  };
}
