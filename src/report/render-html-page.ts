import type { Tabular } from "./tabular.js";

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

/**
 * One self-contained HTML page of a command's text and table, for a browser or a CI artifact
 * (`xenpriv report` writes its own interactive page).
 */
export function renderHtmlPage(title: string, text: string | undefined, table: Tabular | undefined): string {
  const parts = [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    "<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b;background:#fff}pre{white-space:pre-wrap}table{border-collapse:collapse}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#eee}@media (prefers-color-scheme:dark){body{color:#eee;background:#161616}th{background:#333}}</style>",
    "</head>",
    "<body>",
    `<h1>${escapeHtml(title)}</h1>`,
  ];
  if (text) parts.push(`<pre>${escapeHtml(text)}</pre>`);
  if (table) {
    parts.push(
      "<table>",
      `<thead><tr>${table.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join("")}</tr></thead>`,
      "<tbody>",
    );
    for (const row of table.rows)
      parts.push(`<tr>${row.map((v) => `<td>${escapeHtml(String(v))}</td>`).join("")}</tr>`);
    parts.push("</tbody>", "</table>");
  }
  parts.push("</body>", "</html>");
  return parts.join("\n");
}
