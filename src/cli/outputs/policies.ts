import { listPolicies } from "../../policy/registry.js";
import type { Output } from "../output.js";

/** `xenpriv policies`: the registered policy modules and where each comes from. */
export function policiesCommand(): Output {
  const ps = listPolicies();
  return {
    kind: "policies",
    json: {
      policies: ps.map((p) => ({
        name: p.name,
        title: p.title,
        origin: p.origin,
        description: p.description,
        actions: p.actions,
      })),
    },
    table: {
      columns: ["name", "kind", "date", "origin"],
      rows: ps.map((p) => [p.name, p.origin.kind, p.origin.date, p.origin.messageId ?? p.origin.source]),
    },
  };
}
