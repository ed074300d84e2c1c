import type { CellChange } from "./cell-change.js";

/** What the heatmap's filters read of the matrix. */
export interface MatrixInput {
  readonly domainNames: readonly string[];
  readonly domainRoles: readonly (readonly string[])[];
  readonly opIds: readonly string[];
  readonly opHypercalls: readonly string[];
  readonly opActions: readonly (readonly string[])[];
  /** label index per domain and operation, 0 = never */
  readonly cells: Uint16Array;
  /** how a cell changes under the `--vs` policy, when there is one */
  readonly change?: (s: number, o: number) => CellChange;
}

export const DECISIONS = ["allowed", "never", "changed", "widened", "narrowed"] as const;
export type DecisionFilter = "" | (typeof DECISIONS)[number];

export interface MatrixFilter {
  readonly hypercall: string;
  readonly role: string;
  readonly action: string;
  readonly decision: DecisionFilter;
  readonly search: string;
}

export interface MatrixView {
  readonly rows: readonly number[];
  readonly cols: readonly number[];
}

/** Whether a cell with this label index and this change under the `--vs` policy is one decision `d` keeps. */
export function keepsDecision(d: DecisionFilter, code: number, change: CellChange): boolean {
  if (d === "allowed") return code !== 0;
  if (d === "never") return code === 0;
  return d === "changed" ? change !== "same" : change === d || change === "changed";
}

function matchesDecision(m: MatrixInput, d: DecisionFilter, s: number, o: number): boolean {
  const code = m.cells[s * m.opIds.length + o] ?? 0;
  const change = d === "allowed" || d === "never" ? "same" : (m.change?.(s, o) ?? "same");
  return keepsDecision(d, code, change);
}

/**
 * The domains (rows) and operations (columns) the filters leave. Hypercall and action choose
 * columns, role chooses rows; the search narrows the columns when some operation's id holds it,
 * and the rows when some domain's name does. A decision keeps the rows and columns that have at
 * least one such cell.
 */
export function filterMatrix(m: MatrixInput, f: MatrixFilter): MatrixView {
  const q = f.search.trim().toLowerCase();
  const inFilters = m.opIds
    .map((_, o) => o)
    .filter(
      (o) =>
        (!f.hypercall || m.opHypercalls[o] === f.hypercall) &&
        (!f.action || (m.opActions[o] ?? []).includes(f.action)),
    );
  const opHits = q ? inFilters.filter((o) => m.opIds[o]?.toLowerCase().includes(q)) : [];
  let cols = opHits.length ? opHits : inFilters;
  const nameHit = (s: number) => (m.domainNames[s] ?? "").toLowerCase().includes(q);
  const byName = q !== "" && m.domainNames.some((_, s) => nameHit(s));
  if (q && !opHits.length && !byName) return { rows: [], cols: [] };
  let rows = m.domainNames
    .map((_, s) => s)
    .filter((s) => (!f.role || (m.domainRoles[s] ?? []).includes(f.role)) && (!byName || nameHit(s)));
  if (f.decision) {
    const d = f.decision;
    rows = rows.filter((s) => cols.some((o) => matchesDecision(m, d, s, o)));
    cols = cols.filter((o) => rows.some((s) => matchesDecision(m, d, s, o)));
  }
  return { rows, cols };
}
