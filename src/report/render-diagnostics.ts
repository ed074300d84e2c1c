import type { Diagnostic } from "../core/diagnostic.js";
import { LIMITS } from "../core/limits.js";
import { formatSpan } from "../core/span.js";

/** `file:line:col: error[code]: message`, an indented help line and the Xen source the rule comes from. */
function renderOne(d: Diagnostic): string {
  const where = d.span ? `${formatSpan(d.span)}: ` : "";
  const xen = d.ref ? `\n  xen: ${d.ref}` : "";
  return `${where}${d.severity}[${d.code}]: ${d.message}${d.help ? `\n  help: ${d.help}` : ""}${xen}`;
}

/**
 * The first diagnostics as text, then how many more there are of each severity: 400 KB of `]` is
 * an error per byte, and a reader wants the first few, not 400,000.
 */
export function renderDiagnostics(
  diags: readonly Diagnostic[],
  limit: number = LIMITS.printedDiagnostics,
): string {
  const shown = diags.slice(0, limit).map(renderOne);
  if (diags.length > limit) shown.push(moreLine(diags.slice(limit)));
  return shown.join("\n");
}

/** `... and 399,900 more (399,900 errors)`. */
export function moreLine(rest: readonly { readonly severity: Diagnostic["severity"] }[]): string {
  const count = { error: 0, warning: 0, note: 0 };
  for (const d of rest) count[d.severity]++;
  const n = (x: number) => x.toLocaleString("en-US");
  const parts = (["error", "warning", "note"] as const)
    .filter((s) => count[s] > 0)
    .map((s) => `${n(count[s])} ${s}${count[s] === 1 ? "" : "s"}`);
  return `... and ${n(rest.length)} more (${parts.join(", ")})`;
}
