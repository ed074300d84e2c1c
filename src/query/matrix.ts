import type { Operation } from "../catalog/schema.js";
import { type Cell, cellsOfDomain, otherRepresentatives } from "./cells.js";
import { DecisionIndex } from "./decision-index.js";
import type { Model } from "./model.js";
import { opFilter } from "./op-filter.js";

/**
 * Domains x operations, each cell summarised over the domain's targets. The cells are computed a
 * domain at a time when asked (`cellsOf`, `rows`): 32,752 domains x 239 operations are 7.8 million
 * cells, which a caller streams rather than holds.
 */
export interface Matrix {
  readonly policy: string;
  /** domain names, in the system's order */
  readonly domains: readonly string[];
  readonly ops: readonly Operation[];
  /** the cells of domain index `s`, in operation order */
  cellsOf(s: number): Cell[];
  /** every domain's cells, a domain at a time */
  rows(): Iterable<Cell[]>;
  /**
   * A key for the cells of domain index `s`: two domains with the same key have the same cells but
   * for their `domain` (a decision goes by the classes of caller and target: decision-index.ts), so
   * an output can render a row once per key.
   */
  rowKey(s: number): string;
  /** the whole matrix as plain data: `{ policy, domains, ops, cells }` (cells per domain) */
  toJSON(): { policy: string; domains: readonly string[]; ops: readonly string[]; cells: Cell[][] };
}

/** The decision matrix of a model, over the operations of `o.hypercalls` (all when none). */
export function matrix(model: Model, o: { readonly hypercalls?: readonly string[] } = {}): Matrix {
  const ops = model.ops.filter(opFilter(o.hypercalls));
  const ix = new DecisionIndex(model, ops);
  const domains = model.domains.map((d) => d.name);
  const cellsOf = (s: number) => cellsOfDomain(ix, s);
  function* rows(): Generator<Cell[]> {
    for (let s = 0; s < domains.length; s++) yield cellsOf(s);
  }
  const rowKey = (s: number) => {
    const t = ix.ownTarget[s] as number;
    return `${ix.cls[s]}:${t < 0 ? -1 : ix.cls[t]}:${otherRepresentatives(ix, s).join(",")}`;
  };
  return {
    policy: model.policy.name,
    domains,
    ops,
    cellsOf,
    rows,
    rowKey,
    toJSON: () => ({ policy: model.policy.name, domains, ops: ops.map((x) => x.id), cells: [...rows()] }),
  };
}
