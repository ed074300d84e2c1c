import type { Diagnostic } from "../core/diagnostic.js";
import { formatSpan } from "../core/span.js";

/** `file:line:col: error[code]: message` and an indented help line. */
export function renderDiagnostics(diags: readonly Diagnostic[]): string {
  return diags
    .map((d) => {
      const where = d.span ? `${formatSpan(d.span)}: ` : "";
      return `${where}${d.severity}[${d.code}]: ${d.message}${d.help ? `\n  help: ${d.help}` : ""}`;
    })
    .join("\n");
}
