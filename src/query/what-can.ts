import { type Cell, cellLabel, cellsOfDomain } from "./cells.js";
import { DecisionIndex } from "./decision-index.js";
import { type Model, resolveDomain } from "./model.js";

export interface WhatCan {
  readonly domain: string;
  readonly policy: string;
  /** the cells of the operations it may perform (every operation with `all`) */
  readonly cells: readonly Cell[];
  /** how many operations it may perform, of how many */
  readonly allowed: number;
  readonly total: number;
}

/** Every operation `domainRef` may perform, and on whom; with `all`, those it may not too. */
export function whatCan(
  model: Model,
  domainRef: string,
  o: { readonly all?: boolean | undefined } = {},
): WhatCan {
  const d = resolveDomain(model, domainRef);
  const ix = new DecisionIndex(model);
  const every = cellsOfDomain(ix, ix.indexOf(d));
  const allowed = every.filter((c) => cellLabel(c) !== "-");
  return {
    domain: d.name,
    policy: model.policy.name,
    cells: o.all ? every : allowed,
    allowed: allowed.length,
    total: every.length,
  };
}
