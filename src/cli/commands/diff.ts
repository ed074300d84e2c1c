import { asBuilt } from "../../query/as-built.js";
import { diffModels } from "../../query/diff.js";
import type { Model } from "../../query/model.js";
import type { Output } from "../output.js";
import { opFilter } from "./matrix.js";

/** `xenpriv diff --policy A --vs B`: every request whose answer changes, with a witness. */
export function diffCommand(a: Model, b: Model, hypercalls: readonly string[] = []): Output {
  // a call site that contradicts its hook decides nothing: each policy sees the hook's own action
  const r = diffModels(asBuilt(a), asBuilt(b), opFilter(hypercalls));
  const contradicting = a.catalogue.extraction?.mismatches.length ?? 0;
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
    text: `${a.policy.name} -> ${b.policy.name}: ${r.widened} widened, ${r.narrowed} narrowed${note}`,
    table: {
      columns: ["change", "domain", "operation", "target"],
      rows: r.changes.map((c) => [c.kind, c.domain, c.op, rel(c)]),
    },
  };
}
