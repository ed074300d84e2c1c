import { renderMarkdown } from "../../report/tabular.js";
import type { Reporter } from "./reporter.js";

/** Markdown: the command's own, else its table as GitHub-flavoured Markdown, else its text. */
export const md: Reporter = (out) => [
  out.markdown ?? (out.table ? renderMarkdown(out.table) : (out.text ?? "")),
];
