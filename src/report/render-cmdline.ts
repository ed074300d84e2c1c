import type { CmdlineAnalysis } from "../cmdline/analyse-cmdline.js";
import type { CommandLineAnalysis, TokenReport } from "../cmdline/analyse-command-line.js";
import type { UkiInfo } from "../cmdline/uki-info.js";
import { renderDiagnostics } from "./render-diagnostics.js";
import { renderDiagnosticsMarkdown } from "./render-diagnostics-markdown.js";
import { renderMarkdown, renderText } from "./tabular.js";

/** What each registration of an option did with it, in one line. */
export const tokenApplied = (t: TokenReport): string =>
  t.options.map((x) => `${x.name}: ${x.result}`).join("; ");

/** The diagnostics worth showing: warnings, and the notes on how the line was assembled and locked down. */
export const shownDiagnostics = (a: CommandLineAnalysis) =>
  a.diagnostics.filter(
    (d) => d.severity !== "note" || d.code.startsWith("lockdown/") || d.code.startsWith("cmdline/"),
  );

function ukiLine(u: UkiInfo): string {
  const sbat = u.sbat.length
    ? u.sbat.map((r) => `${r.component},${r.generation}`).join(" ")
    : (u.sbatMissing ?? u.sbatRefused ?? u.sbatInvalid?.join("; ") ?? "no records");
  return `unified image ${u.file}: ${u.signed ? "signed" : "not signed"}, ${u.config ? ".config used" : "no .config section"}; SBAT: ${sbat} (xenpriv sbat check ${u.file} checks it against a level)`;
}

const yesNo = (b: boolean) => (b ? "yes" : "no");

function summary(a: CommandLineAnalysis): string[] {
  const lines = [
    `xen ${a.xen} ${a.arch}; lockdown model ${a.lockdown.model}${a.lockdown.model === "none" ? "" : `, safe list ${a.lockdown.safeList}`}; Secure Boot ${a.lockdown.secureBoot ? "on" : "off"}; lockdown ${a.lockdown.enabled ? "on" : "off"} at the end`,
  ];
  for (const p of a.assembled.passes)
    lines.push(`${p.kind === "builtin" ? "built-in (CONFIG_CMDLINE)" : "bootloader"}: ${p.text}`);
  if (!a.assembled.passes.length) lines.push("no command line");
  if (a.assembled.dom0 !== undefined) lines.push(`dom0 (after " -- "): ${JSON.stringify(a.assembled.dom0)}`);
  if (a.assembled.efi?.chosenSection !== undefined)
    lines.push(`EFI section: ${a.assembled.efi.chosenSection}`);
  return lines;
}

function tables(a: CommandLineAnalysis) {
  const table = {
    columns: ["#", "source", "trusted", "option", "status", "applied", "why"],
    rows: a.tokens.map((t, i) => [
      String(i + 1),
      t.source,
      yesNo(t.trusted),
      t.text,
      t.status,
      tokenApplied(t) || "-",
      t.why.join("; ") || "-",
    ]),
  };
  const settings = {
    columns: ["option", "type", "value", "from"],
    rows: a.settings.map((s) => [
      s.name,
      s.type,
      s.value,
      s.sources.map((x) => `${x.source}${x.trusted ? " (trusted)" : ""}`).join(", "),
    ]),
  };
  return { table, settings };
}

/** `xenpriv cmdline` as text: the summary, each option, the effective settings, the findings. */
export function renderCmdline(a: CmdlineAnalysis): string {
  const { table, settings } = tables(a);
  const diags = shownDiagnostics(a);
  const warnings = a.diagnostics.filter((d) => d.severity !== "note").length;
  return [
    [...summary(a), ...(a.uki ? [ukiLine(a.uki)] : [])].join("\n"),
    renderText(table),
    `effective settings:\n${renderText(settings)}`,
    diags.length ? renderDiagnostics(diags) : "",
    `${a.tokens.length} option(s), ${a.tokens.filter((t) => t.status === "dropped" || t.status === "partly-applied").length} dropped by lockdown, ${a.tokens.filter((t) => t.status === "unknown").length} unknown; ${warnings} warning(s)`,
  ]
    .filter(Boolean)
    .join("\n\n");
}

/** `xenpriv cmdline` as Markdown. */
export function renderCmdlineMarkdown(a: CmdlineAnalysis): string {
  const { table, settings } = tables(a);
  const diags = shownDiagnostics(a);
  return [
    `# Command line\n\n${summary(a)
      .map((l) => `- ${l}`)
      .join("\n")}`,
    `## Options\n\n${renderMarkdown(table)}`,
    `## Effective settings\n\n${renderMarkdown(settings)}`,
    diags.length ? `## Findings\n\n${renderDiagnosticsMarkdown(diags)}` : "",
  ]
    .filter(Boolean)
    .join("\n\n");
}
