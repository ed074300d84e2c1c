import { error } from "../../core/diagnostic.js";
import { fail } from "../../core/errors.js";
import { cellLabel, cellOf } from "../../query/cells.js";
import { DecisionIndex } from "../../query/decision-index.js";
import { evaluate } from "../../query/evaluate.js";
import { type Model, resolveDomain, resolveOp } from "../../query/model.js";
import type { Output } from "../output.js";

/** `xenpriv who-can <op> [--on <target>]`. */
export function whoCanCommand(model: Model, opRef: string, on?: string): Output {
  const op = resolveOp(model, opRef);
  if (on !== undefined && op.target.kind === "none")
    fail(
      error(
        "query/unexpected-target",
        `\`${op.id}\` takes no target domain, got \`--on ${on}\``,
        undefined,
        "drop --on",
      ),
    );
  if (on !== undefined) {
    const target = resolveDomain(model, on);
    const decisions = model.domains.map((d) => evaluate(model, op, d, target));
    const allowed = decisions.filter((d) => d.decision === "allow");
    return {
      kind: "who-can",
      json: { op: op.id, target: target.name, policy: model.policy.name, decisions },
      text: `${allowed.length} of ${decisions.length} domains may ${op.id} on ${target.name} under ${model.policy.name}`,
      table: {
        columns: ["domain", "decision", "error", "conditions"],
        rows: decisions.map((d) => [d.src, d.decision, d.error ?? "", d.conditions.join("; ")]),
      },
    };
  }
  const ix = new DecisionIndex(model, [op]);
  const cells = model.domains.map((_, s) => cellOf(ix, 0, s));
  return {
    kind: "who-can",
    json: { op: op.id, policy: model.policy.name, cells },
    text: `who may ${op.id} under ${model.policy.name} (${op.summary})`,
    table: {
      columns: ["domain", "may", ...(op.target.kind === "domain" ? ["on others"] : [])],
      rows: cells.map((c) => [c.domain, cellLabel(c), ...(c.others ? [c.others] : [])]),
    },
  };
}
