import type { CellChange } from "./cell-change.js";

/** What a cell of the heatmap shows: its label's kind, or how the diff changes it. */
export type CellClass = "never" | "some" | "all" | "widened" | "narrowed" | "changed";

export const CELL_CLASSES: readonly CellClass[] = ["never", "some", "all", "widened", "narrowed", "changed"];

/**
 * The class of a cell from its label (`cellLabel`: `-`, `self`, `self+all`, `yes`…) and, in the
 * diff view, its change: a changed cell shows its change, any other its label.
 */
export function cellClass(label: string, change: CellChange = "same"): CellClass {
  if (change !== "same") return change;
  if (label === "-") return "never";
  return /all|yes/.test(label) ? "all" : "some";
}
