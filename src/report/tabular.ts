/** A table as data; rendered as text, Markdown or CSV. */
export interface Tabular {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Plain text with aligned columns. */
export function renderText(t: Tabular): string {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? "").length)));
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
