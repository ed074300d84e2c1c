import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import type { Decision } from "../model/decision.js";
import { type Cell, cellOf } from "./cells.js";
import { DecisionIndex } from "./decision-index.js";
import { evaluate } from "./evaluate.js";
import { type Model, resolveDomain, resolveOp } from "./model.js";

/** Who may perform an operation on one target: each domain's decision. */
export interface WhoCanOn {
  readonly op: string;
  readonly target: string;
  readonly policy: string;
  readonly decisions: readonly Decision[];
}

/** Who may perform an operation, each domain's cell over its targets. */
export interface WhoCanAll {
  readonly op: string;
  readonly policy: string;
  /** the operation's one-line summary */
  readonly summary: string;
  /** the operation acts on a target domain */
  readonly targeted: boolean;
  readonly cells: readonly Cell[];
}

export type WhoCan = WhoCanOn | WhoCanAll;

/** Which domains may perform `opRef`: on `o.on` (each decision), or on whom (each cell). */
export function whoCan(model: Model, opRef: string, o: { readonly on?: string | undefined } = {}): WhoCan {
  const op = resolveOp(model, opRef);
  if (o.on !== undefined && op.target.kind === "none")
    fail(
      error(
        "query/unexpected-target",
        `\`${op.id}\` takes no target domain, got \`--on ${o.on}\``,
        undefined,
        "drop --on",
      ),
    );
  if (o.on !== undefined) {
    const target = resolveDomain(model, o.on);
    const decisions = model.domains.map((d) => evaluate(model, op, d, target));
    return { op: op.id, target: target.name, policy: model.policy.name, decisions };
  }
  const ix = new DecisionIndex(model, [op]);
  const cells = model.domains.map((_, s) => cellOf(ix, 0, s));
  return {
    op: op.id,
    policy: model.policy.name,
    summary: op.summary,
    targeted: op.target.kind === "domain",
    cells,
  };
}
