import type { Diagnostic } from "../core/diagnostic.js";
import { LIMITS } from "../core/limits.js";
import { moreLine } from "./render-diagnostics.js";

/** A Markdown list of the first diagnostics, then how many more, as `renderDiagnostics` does in text. */
export function renderDiagnosticsMarkdown(
  diags: readonly Diagnostic[],
  limit: number = LIMITS.printedDiagnostics,
): string {
  const items = diags
    .slice(0, limit)
    .map((d) => `- **${d.severity}** \`${d.code}\`: ${d.message}${d.help ? ` (${d.help})` : ""}`);
  if (diags.length > limit) items.push(`- ${moreLine(diags.slice(limit))}`);
  return items.join("\n");
}
