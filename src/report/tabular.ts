/** A table as data; rendered as text, Markdown or CSV. */
export interface Tabular {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * The widest cell that still sets its column's width: a longer one (a 100 KB token) runs past the
 * column instead of padding every other row to its width, so the text stays linear in the cells.
 */
export const MAX_ALIGNED_WIDTH = 120;

/** Plain text with aligned columns. */
export function renderText(t: Tabular): string {
  // a loop, not Math.max(...rows): a spread of 200,000 rows overflows the stack
  const widths = t.columns.map((c) => Math.min(c.length, MAX_ALIGNED_WIDTH));
  for (const r of t.rows)
    r.forEach((v, i) => {
      if (v.length <= MAX_ALIGNED_WIDTH && v.length > (widths[i] ?? 0)) widths[i] = v.length;
    });
  const line = (r: readonly string[]) =>
    r
      .map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(t.columns), line(widths.map((w) => "-".repeat(w))), ...t.rows.map(line)].join("\n");
}

/** GitHub-flavoured Markdown table. */
export function renderMarkdown(t: Tabular): string {
  const esc = (v: string) => v.replace(/\|/g, "\\|");
  return [
    `| ${t.columns.map(esc).join(" | ")} |`,
    `|${t.columns.map(() => "---").join("|")}|`,
    ...t.rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

/** RFC 4180 CSV. */
export function renderCsv(t: Tabular): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [t.columns, ...t.rows].map((r) => r.map(q).join(",")).join("\n");
}
