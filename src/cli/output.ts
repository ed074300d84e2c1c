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
}

/** Renders an output in the chosen format; JSON carries a version and its kind. */
export function render(out: Output, format: Format): string {
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
