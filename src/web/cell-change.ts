export type CellChange = "same" | "widened" | "narrowed" | "changed";

/** The relations a cell label (`cellLabel`) allows; `all` other domains includes `some`. */
function relations(label: string): Set<string> {
  const parts = new Set(label === "-" ? [] : label.split("+"));
  if (parts.has("all")) parts.add("some");
  return parts;
}

/** How a cell moves from one policy to another: it allows more, less, or some of each. */
export function cellChange(before: string, after: string): CellChange {
  if (before === after) return "same";
  const a = relations(before);
  const b = relations(after);
  if ([...a].every((x) => b.has(x))) return "widened";
  if ([...b].every((x) => a.has(x))) return "narrowed";
  return "changed";
}
