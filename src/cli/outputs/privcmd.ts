import { OVERLAY_FILE } from "../../privcmd/apply-xenserver-overlay.js";
import { POLICY_DOCUMENT_NOTE } from "../../privcmd/classification-rules.js";
import { type ClassifiedOp, disagreementList } from "../../privcmd/classify.js";
import { CONDITIONAL, compileProfile } from "../../privcmd/compile-profile.js";
import { type Decision, overlayDecides } from "../../privcmd/evaluate-call.js";
import { renderFilterHeader } from "../../privcmd/filter-header.js";
import { renderFilterListing } from "../../privcmd/filter-listing.js";
import { buildFilterProgram } from "../../privcmd/filter-program.js";
import type { PrivcmdCall } from "../../privcmd/privcmd-call.js";
import type { PrivcmdEmu } from "../../privcmd/privcmd-emu.js";
import { privcmdFacts } from "../../privcmd/privcmd-facts.js";
import { privcmdProfile } from "../../privcmd/privcmd-profile.js";
import { renderMarkdown, renderText } from "../../report/tabular.js";
import type { EXPORT_FORMATS } from "../formats.js";
import type { Output } from "../output.js";
import { writeWhole } from "../write-whole.js";

/** `xenpriv privcmd classify`: every dom0-reachable operation, its class and the evidence. */
export function privcmdClassifyOutput(xen: string, rows: readonly ClassifiedOp[]): Output {
  const table = {
    columns: ["operation", "class", "XenServer filter", "XSM", "XSA-77", "pointers", "disagreement"],
    rows: rows.map((r) => [
      r.overlay
        ? `${r.id} (XenServer overlay${r.value === undefined && r.subop ? ", number unverified" : ""})`
        : r.id,
      r.whenDom0 ? `${r.class} (${r.whenDom0} on dom0)` : r.class,
      r.xenserver,
      r.overlay ? `XenServer's Xen: ${overlayDecides(r.overlay)}` : r.xsm.join(", ") || "-",
      r.xsa77 ? "yes" : "-",
      r.pointerFree === undefined ? "?" : r.pointerFree ? "none" : (r.handles?.join(", ") ?? ""),
      disagreementList(r.disagreements).join("; ") || "-",
    ]),
  };
  const count = (c: ClassifiedOp["class"]) => rows.filter((r) => r.class === c).length;
  const policy = `The Secure Boot policy document (${POLICY_DOCUMENT_NOTE.source}) ${POLICY_DOCUMENT_NOTE.says} (${POLICY_DOCUMENT_NOTE.ref}).`;
  const kind = (k: keyof ClassifiedOp["disagreements"]) =>
    rows.filter((r) => r.disagreements[k].length).length;
  const overlaid = rows.filter((r) => r.overlay);
  const unverified = overlaid.filter((r) => r.subop && r.value === undefined).map((r) => r.id);
  const overlayLine = overlaid.length
    ? `\n${overlaid.length} of them from the XenServer overlay (${OVERLAY_FILE}): XenServer's Xen has them, upstream's headers do not${unverified.length ? `; number unverified: ${unverified.join(", ")}` : ""}`
    : "";
  const summary = `${rows.length} operation(s): ${count("privileged")} privileged, ${count("control-plane")} control-plane, ${count("informational")} informational; disagreements: ${kind("conflicts")} with conflicting sources, ${kind("defaults")} on xenpriv's own default, ${kind("open")} open${overlayLine}`;
  return {
    kind: "privcmd-classify",
    json: { xen, operations: rows, policyDocument: POLICY_DOCUMENT_NOTE },
    text: `${renderText(table)}\n\n${summary}\n${policy}`,
    markdown: `# privcmd classification (Xen ${xen})\n\n${renderMarkdown(table)}\n\n${summary}\n\n${policy}`,
  };
}

/** `xenpriv privcmd emu`: one call, or a trace, through privcmd and a filter profile. */
export function privcmdEmuOutput(e: PrivcmdEmu): Output {
  const ctx = e.context;
  const head = `profile ${e.profile}: ${e.profileTitle}; ${ctx.domain}${ctx.lockedDown ? ", locked down" : ""}`;
  if ("calls" in e) {
    const denied = e.calls.filter((r) => !r.allowed);
    const table = {
      columns: ["line", "fd", "call", "verdict"],
      rows: denied.map((r) => [String(r.line), String(r.fd), describe(r.call), r.errno ?? "denied"]),
    };
    const summary = `${e.calls.length} call(s): ${Object.entries(e.summary)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ")}`;
    return {
      kind: "privcmd-trace",
      json: { profile: e.profile, calls: e.calls, summary: e.summary },
      text: [head, denied.length ? `denied:\n${renderText(table)}` : "", summary]
        .filter(Boolean)
        .join("\n\n"),
      markdown: [`# ${head}`, denied.length ? renderMarkdown(table) : "", summary]
        .filter(Boolean)
        .join("\n\n"),
      exitCode: denied.length ? 1 : 0,
    };
  }
  const { call, decision: d } = e;
  return {
    kind: "privcmd-emu",
    json: { profile: e.profile, call, ...d },
    text: [head, render(call, d)].join("\n\n"),
    markdown: `# ${head}\n\n\`\`\`\n${render(call, d)}\n\`\`\``,
    exitCode: d.allowed ? 0 : 1,
  };
}

function describe(c: PrivcmdCall): string {
  const op = c.hypercall ? ` ${c.hypercall}${c.subop ? `/${c.subop}` : ""}` : "";
  return `${c.ioctl}${op}${c.dom !== undefined ? ` dom ${c.dom}` : ""}`;
}

function render(call: PrivcmdCall, d: Decision): string {
  const lines = d.steps.map(
    (s) =>
      `${s.outcome === "pass" ? "ok  " : s.outcome === "fail" ? "FAIL" : "    "} ${s.what}${s.ref ? `  [${s.ref}]` : ""}`,
  );
  return [...lines, "", `${describe(call)}: ${d.allowed ? "ALLOW" : `DENY -${d.errno}`}`].join("\n");
}

export interface ExportOptions {
  readonly xen: string;
  readonly profile: string;
  readonly as: (typeof EXPORT_FORMATS)[number];
  readonly output?: string;
}

/**
 * `xenpriv privcmd export`: a profile as a kernel filter would hold it, as a PFC-like listing, a C
 * header or JSON; `-o` writes it whole, otherwise it goes to stdout as it is.
 */
export function privcmdExportCommand(o: ExportOptions): Output {
  // XenServer's profile is exported over XenServer's hypercalls, as emu and check read it
  const facts = privcmdFacts(o.xen, o.profile === "xenserver");
  const program = buildFilterProgram(privcmdProfile(o.profile, facts), facts.hypercalls, {
    linux: facts.linux,
  });
  const { kind, ...rest } = program;
  const text =
    o.as === "c"
      ? renderFilterHeader(program)
      : o.as === "json"
        ? `${JSON.stringify({ version: 1, kind, ...rest }, null, 2)}\n`
        : renderFilterListing(program);
  if (!o.output) return { kind, json: rest, text };
  writeWhole(o.output, text);
  const table = compileProfile(program);
  const conditional = [...table.verdicts, ...table.other].filter((v) => v === CONDITIONAL).length;
  return {
    kind,
    json: rest,
    text: `wrote ${o.output}: profile ${program.profile.id}, ${program.hypercalls.length} hypercalls, ${table.verdicts.length} sub-op entries, ${conditional} of them checked on the arguments`,
  };
}
