import type { Decision, Step } from "../model/decision.js";

function mark(s: Step): string {
  if (s.value === undefined) return " ";
  return s.value ? "✔" : "✘";
}

/** The explanation of a decision: every step with its value and Xen source line. */
export function renderDecision(d: Decision): string {
  const head = `${d.decision === "allow" ? "ALLOW" : "DENY"}  ${d.src} ${d.op}${d.target ? ` ${d.target}` : ""}  (policy ${d.policy})${d.error ? `  -> ${d.error}` : ""}`;
  const lines = d.steps.map((s) => {
    const indent = "  ".repeat(s.depth + 1);
    return `${indent}${mark(s)} ${s.what}${s.ref ? `   [${s.ref}]` : ""}`;
  });
  const cond = d.conditions.map((c) => `  ? at run time: ${c}`);
  return [head, ...lines, ...cond].join("\n");
}

/**
 * Markdown form of the explanation; with `link`, each Xen source reference that has an address is
 * a link to it (the HTML report links each line at the catalogue's commit).
 */
export function renderDecisionMarkdown(
  d: Decision,
  o: { readonly link?: (ref: string) => string | undefined } = {},
): string {
  const ref = (r: string | undefined) => {
    const href = r === undefined ? undefined : o.link?.(r);
    return href === undefined
      ? (r ?? "")
      : `[${r}](${href.replace(/[()|\s]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`)})`;
  };
  const rows = d.steps.map(
    (s) =>
      `| ${"&nbsp;&nbsp;".repeat(s.depth)}${s.what.replace(/\|/g, "\\|")} | ${s.value === undefined ? "" : s.value ? "yes" : "no"} | ${ref(s.ref)} |`,
  );
  return [
    `**${d.decision}**: \`${d.src}\` \`${d.op}\`${d.target ? ` \`${d.target}\`` : ""} under \`${d.policy}\`${d.error ? ` (${d.error})` : ""}`,
    "",
    "| check | value | Xen source |",
    "|---|---|---|",
    ...rows,
    ...(d.conditions.length ? ["", ...d.conditions.map((c) => `- at run time: ${c}`)] : []),
  ].join("\n");
}
