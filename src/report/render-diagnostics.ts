import type { Diagnostic } from "../core/diagnostic.js";
import { formatSpan } from "../core/span.js";

/** `file:line:col: error[code]: message`, an indented help line and the Xen source the rule comes from. */
export function renderDiagnostics(diags: readonly Diagnostic[]): string {
  return diags
    .map((d) => {
      const where = d.span ? `${formatSpan(d.span)}: ` : "";
      const xen = d.ref ? `\n  xen: ${d.ref}` : "";
      return `${where}${d.severity}[${d.code}]: ${d.message}${d.help ? `\n  help: ${d.help}` : ""}${xen}`;
    })
    .join("\n");
}
