import { cellLabel } from "../../query/cells.js";
import type { WhoCan } from "../../query/who-can.js";
import type { Output } from "../output.js";

/** `xenpriv who-can <op> [--on <target>]`. */
export function whoCanOutput(w: WhoCan): Output {
  if ("decisions" in w) {
    const allowed = w.decisions.filter((d) => d.decision === "allow");
    return {
      kind: "who-can",
      json: w,
      graph: {
        name: `who may ${w.op} on ${w.target}`,
        nodes: [...new Set([...w.decisions.map((d) => d.src), w.target])].map((id) => ({ id })),
        edges: allowed.map((d) => ({
          from: d.src,
          to: w.target,
          label: w.op,
          ...(d.conditions.length > 0 && { dashed: true }),
        })),
      },
      text: `${allowed.length} of ${w.decisions.length} domains may ${w.op} on ${w.target} under ${w.policy}`,
      table: {
        columns: ["domain", "decision", "error", "conditions"],
        rows: w.decisions.map((d) => [d.src, d.decision, d.error ?? "", d.conditions.join("; ")]),
      },
    };
  }
  const may = w.cells.filter((c) => cellLabel(c) !== "-");
  return {
    kind: "who-can",
    json: { op: w.op, policy: w.policy, cells: w.cells },
    graph: {
      name: `who may ${w.op}`,
      nodes: [...w.cells.map((c) => ({ id: c.domain })), { id: w.op, shape: "box" }],
      edges: may.map((c) => ({ from: c.domain, to: w.op, label: cellLabel(c) })),
    },
    text: `who may ${w.op} under ${w.policy} (${w.summary})`,
    table: {
      columns: ["domain", "may", ...(w.targeted ? ["on others"] : [])],
      rows: w.cells.map((c) => [c.domain, cellLabel(c), ...(c.others ? [c.others] : [])]),
    },
  };
}
