import { formatSpan } from "../core/span.js";
import type { Finding } from "../lint/rule.js";

/**
 * Findings as text: `file:line:col: severity[rule]: message`, the source line with the span
 * underlined (when the file's text is given), help, and the Xen line a boot rule comes from.
 */
export function renderFindings(findings: readonly Finding[], sources: ReadonlyMap<string, string>): string {
  const blocks = findings.map((f) => {
    const where = f.span ? `${formatSpan(f.span)}: ` : "";
    const code = f.code === `lint/${f.rule}` ? f.rule : `${f.rule}/${f.code.replace(/^boot\//, "")}`;
    const lines = [`${where}${f.severity}[${code}]: ${f.message}`];
    const text = f.span && f.span.line > 0 ? sources.get(f.span.file) : undefined;
    if (f.span && text !== undefined) {
      const line = text.split("\n")[f.span.line - 1];
      if (line !== undefined) {
        const gutter = String(f.span.line).length;
        const width =
          f.span.endLine === f.span.line && f.span.endColumn !== undefined
            ? Math.max(1, f.span.endColumn - f.span.column)
            : Math.max(1, line.length - f.span.column + 1);
        lines.push(
          `${" ".repeat(gutter)} |`,
          `${f.span.line} | ${line.replace(/\t/g, "    ")}`,
          `${" ".repeat(gutter)} | ${" ".repeat(visualColumn(line, f.span.column))}${"^".repeat(width)}`,
        );
      }
    }
    if (f.help) lines.push(`  help: ${f.help}`);
    if (f.ref) lines.push(`  xen: ${f.ref}`);
    return lines.join("\n");
  });
  const count = (s: Finding["severity"]) => findings.filter((f) => f.severity === s).length;
  blocks.push(`${count("error")} error(s), ${count("warning")} warning(s), ${count("note")} note(s)`);
  return blocks.join("\n\n");
}

/** Tabs count 4 in the frame, as they are printed. */
function visualColumn(line: string, column: number): number {
  let v = 0;
  for (const ch of line.slice(0, column - 1)) v += ch === "\t" ? 4 : 1;
  return v;
}
