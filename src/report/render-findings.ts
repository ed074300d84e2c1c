import { LIMITS } from "../core/limits.js";
import { formatSpan } from "../core/span.js";
import type { Finding } from "../lint/rule.js";
import { moreLine } from "./render-diagnostics.js";

/** The most of a source line a code frame shows. */
const FRAME_WIDTH = 160;

/**
 * Findings as text: `file:line:col: severity[rule]: message`, the source line with the span
 * underlined (when the file's text is given), help, and the Xen line a boot rule comes from.
 */
export function renderFindings(
  findings: readonly Finding[],
  sources: ReadonlyMap<string, string>,
  limit: number = LIMITS.printedDiagnostics,
): string {
  // each file split once, not once per finding (100,000 findings in one file)
  const split = new Map<string, string[]>();
  const linesOf = (file: string, text: string) => {
    const known = split.get(file);
    if (known) return known;
    const lines = text.split("\n");
    split.set(file, lines);
    return lines;
  };
  const blocks = findings.slice(0, limit).map((f) => {
    const where = f.span ? `${formatSpan(f.span)}: ` : "";
    // a relayed check (`boot/<condition>`, `flask/<check>`) is `<rule>/<check>`, as SARIF names it
    const code = f.code === `lint/${f.rule}` ? f.rule : `${f.rule}/${f.code.slice(f.code.indexOf("/") + 1)}`;
    const lines = [`${where}${f.severity}[${code}]: ${f.message}`];
    const text = f.span && f.span.line > 0 ? sources.get(f.span.file) : undefined;
    if (f.span && text !== undefined) {
      const line = linesOf(f.span.file, text)[f.span.line - 1];
      if (line !== undefined) {
        const gutter = String(f.span.line).length;
        const width =
          f.span.endLine === f.span.line && f.span.endColumn !== undefined
            ? Math.max(1, f.span.endColumn - f.span.column)
            : Math.max(1, line.length - f.span.column + 1);
        // a window of a long line (a 1 MB byte string): the frame shows the place, not the whole line
        const from = line.length > FRAME_WIDTH ? Math.max(0, f.span.column - 1 - FRAME_WIDTH / 4) : 0;
        const to = Math.min(line.length, from + FRAME_WIDTH);
        const shown = `${from > 0 ? "..." : ""}${line.slice(from, to)}${to < line.length ? "..." : ""}`;
        const caret = (from > 0 ? 3 : 0) + visualColumn(line.slice(from, to), f.span.column - from);
        lines.push(
          `${" ".repeat(gutter)} |`,
          `${f.span.line} | ${shown.replace(/\t/g, "    ")}`,
          `${" ".repeat(gutter)} | ${" ".repeat(caret)}${"^".repeat(Math.min(width, FRAME_WIDTH))}`,
        );
      }
    }
    if (f.help) lines.push(`  help: ${f.help}`);
    if (f.ref) lines.push(`  xen: ${f.ref}`);
    return lines.join("\n");
  });
  if (findings.length > limit) blocks.push(moreLine(findings.slice(limit)));
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
