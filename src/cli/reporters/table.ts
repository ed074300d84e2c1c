import { renderText } from "../../report/tabular.js";
import type { Reporter } from "./reporter.js";

/** Text for a terminal: the command's text, then its table with aligned columns. */
export const table: Reporter = (out) => [
  [out.text, out.table && renderText(out.table)].filter(Boolean).join("\n\n"),
];
