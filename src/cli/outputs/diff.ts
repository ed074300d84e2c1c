import type { PolicyDiff } from "../../query/diff-policies.js";
import type { Output } from "../output.js";

/** `xenpriv diff --policy A --vs B`: every request whose answer changes, with a witness. */
export function diffOutput(d: PolicyDiff): Output {
  const { contradicting, ...r } = d;
  const rel = (c: (typeof r.changes)[number]) =>
    c.relation === "none"
      ? ""
      : c.relation === "other"
        ? `other (e.g. ${c.target})`
        : `${c.relation} (${c.target})`;
  const note = contradicting
    ? `\n${contradicting} call ${contradicting === 1 ? "site contradicts its hook" : "sites contradict their hook"} (\`diff --xen\` lists them): counted with each hook's own action`
    : "";
  return {
    kind: "diff",
    json: r,
    text: `${r.from} -> ${r.to}: ${r.widened} widened, ${r.narrowed} narrowed${note}`,
    table: {
      columns: ["change", "domain", "operation", "target"],
      rows: r.changes.map((c) => [c.kind, c.domain, c.op, rel(c)]),
    },
  };
}
