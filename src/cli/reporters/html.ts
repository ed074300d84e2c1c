import { renderHtmlPage } from "../../report/render-html-page.js";
import type { Reporter } from "./reporter.js";

/** A self-contained HTML page of the command's text and table. */
export const html: Reporter = (out) => [renderHtmlPage(`xenpriv ${out.kind}`, out.text, out.table)];
