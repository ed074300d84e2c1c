import type { RuntimeParameters } from "../cmdline/runtime-parameters.js";
import { SET_PARAMETERS_REF } from "../cmdline/set-parameters.js";
import { renderDiagnostics } from "./render-diagnostics.js";
import { renderDiagnosticsMarkdown } from "./render-diagnostics-markdown.js";
import { renderMarkdown, renderText } from "./tabular.js";

function parts(r: RuntimeParameters) {
  const l = r.lockdown;
  const head = [
    `xen ${r.xen} ${r.arch}; CONFIG_HYPFS ${r.hypfs ? "on" : "off"}; lockdown ${l.enabled ? `on (${l.model}, safe list ${l.safeList})` : "off"}`,
    `xl set-parameters ${JSON.stringify(r.argument)}: writes go through XEN_HYPFS_OP_write_contents, which only a domain passing xsm_hypfs_op(XSM_PRIV) may call (${SET_PARAMETERS_REF.xsm} at 4.22.0)`,
  ];
  const table = {
    columns: ["#", "token", "hypfs path", "value", "result", "why", "at boot"],
    rows: r.writes.map((w, i) => [
      String(i + 1),
      w.text,
      w.path,
      JSON.stringify(w.value),
      w.errno ? `${w.result} (${w.errno})` : w.result,
      w.why,
      w.atBoot ?? "-",
    ]),
  };
  const crashed = r.writes.at(-1)?.result === "crash";
  const verdict = r.ok
    ? `${r.writes.length} write(s), all accepted`
    : `${crashed ? "xl crashes" : 'xl fails: "cannot set parameters"'} after ${r.writes.filter((w) => w.result === "written" || w.result === "handler-called").length} accepted write(s)${r.notReached.length ? `, ${r.notReached.length} not reached` : ""}`;
  return { head, table, verdict };
}

/** `xenpriv cmdline --runtime` as text. */
export function renderSetParameters(r: RuntimeParameters): string {
  const { head, table, verdict } = parts(r);
  return [
    head.join("\n"),
    r.writes.length ? renderText(table) : "",
    r.diagnostics.length ? renderDiagnostics(r.diagnostics) : "",
    verdict,
  ]
    .filter(Boolean)
    .join("\n\n");
}

/** `xenpriv cmdline --runtime` as Markdown. */
export function renderSetParametersMarkdown(r: RuntimeParameters): string {
  const { head, table, verdict } = parts(r);
  return [
    `# Runtime parameters\n\n${head.map((l) => `- ${l}`).join("\n")}`,
    r.writes.length ? `## Writes\n\n${renderMarkdown(table)}` : "",
    r.diagnostics.length ? `## Findings\n\n${renderDiagnosticsMarkdown(r.diagnostics)}` : "",
    verdict,
  ]
    .filter(Boolean)
    .join("\n\n");
}
