import { diffModels } from "../../query/diff.js";
import type { Model } from "../../query/model.js";
import type { Output } from "../output.js";
import { opFilter } from "./matrix.js";

/** `xenpriv diff --policy A --vs B`: every request whose answer changes, with a witness. */
export function diffCommand(a: Model, b: Model, hypercalls: readonly string[] = []): Output {
  const r = diffModels(a, b, opFilter(hypercalls));
  const rel = (c: (typeof r.changes)[number]) =>
    c.relation === "none"
      ? ""
      : c.relation === "other"
        ? `other (e.g. ${c.target})`
        : `${c.relation} (${c.target})`;
  return {
    kind: "diff",
    json: r,
    text: `${a.policy.name} -> ${b.policy.name}: ${r.widened} widened, ${r.narrowed} narrowed`,
    table: {
      columns: ["change", "domain", "operation", "target"],
      rows: r.changes.map((c) => [c.kind, c.domain, c.op, rel(c)]),
    },
  };
}
