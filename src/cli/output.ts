import { renderCsv, renderMarkdown, renderText, type Tabular } from "../report/tabular.js";
import type { Format } from "./formats.js";

/** What a command produced: a JSON value and a table or text for humans. */
export interface Output {
  readonly kind: string;
  readonly json: unknown;
  readonly table?: Tabular;
  readonly text?: string;
  readonly markdown?: string;
  readonly exitCode?: number;
  /**
   * The output in a format as chunks written one after the other, for outputs too large to be one
   * string (a matrix of 32,752 domains); the same bytes `render` would give.
   */
  readonly chunks?: (format: Format) => Iterable<string>;
}

/** Renders an output in the chosen format; JSON carries a version and its kind. */
export function render(out: Output, format: Format): string {
  if (out.chunks) return [...out.chunks(format)].join("");
  switch (format) {
    case "json":
      return JSON.stringify({ version: 1, kind: out.kind, ...(out.json as object) }, null, 2);
    case "md":
      return out.markdown ?? (out.table ? renderMarkdown(out.table) : (out.text ?? ""));
    case "csv":
      if (!out.table) return out.text ?? "";
      return renderCsv(out.table);
    default:
      return [out.text, out.table && renderText(out.table)].filter(Boolean).join("\n\n");
  }
}
