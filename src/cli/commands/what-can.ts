import { cellLabel, cellsOfDomain } from "../../query/cells.js";
import { DecisionIndex } from "../../query/decision-index.js";
import { type Model, resolveDomain } from "../../query/model.js";
import type { Output } from "../output.js";

/** `xenpriv what-can <domain>`: every operation the domain may perform, and on whom. */
export function whatCanCommand(model: Model, domainRef: string, all = false): Output {
  const d = resolveDomain(model, domainRef);
  const ix = new DecisionIndex(model);
  const cells = cellsOfDomain(ix, ix.indexOf(d));
  const shown = all ? cells : cells.filter((c) => cellLabel(c) !== "-");
  return {
    kind: "what-can",
    json: { domain: d.name, policy: model.policy.name, cells: shown },
    text: `${d.name} may perform ${cells.filter((c) => cellLabel(c) !== "-").length} of ${cells.length} operations under ${model.policy.name} (self = on itself, tgt = on its device-model target, all/some = on all/some other domains, xen/io = on dom_xen/dom_io)`,
    table: { columns: ["operation", "may"], rows: shown.map((c) => [c.op, cellLabel(c)]) },
  };
}
