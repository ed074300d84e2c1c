import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyseCmdline } from "../../cmdline/analyse-cmdline.js";
import type { LockdownModelId } from "../../cmdline/lockdown-models.js";
import type { SafeListId } from "../../cmdline/safe-lists.js";
import { error } from "../../core/diagnostic.js";
import { fail } from "../../core/errors.js";
import { packageRoot } from "../../core/package-root.js";
import { formatSpan } from "../../core/span.js";
import type { Finding } from "../../lint/rule.js";
import { runLint } from "../../lint/run-lint.js";
import { DecisionIndex } from "../../query/decision-index.js";
import { loadModels } from "../../query/load-models.js";
import type { Model } from "../../query/model.js";
import { renderHtmlReport } from "../../report/html-report.js";
import { shownDiagnostics, tokenApplied } from "../../report/render-cmdline.js";
import { buildReportData, type ReportFinding, type ReportLockdown } from "../../report/report-data.js";
import { SOURCE_URL_FIELDS, XEN_SOURCE_URL } from "../../report/xen-source-link.js";
import type { CommonOptions } from "../context.js";
import { findingSources } from "../finding-sources.js";
import type { Output } from "../output.js";
import { type Progress, progress } from "../progress.js";
import { vsChoice } from "../vs-choice.js";
import { writeWhole } from "../write-whole.js";

export interface ReportOptions extends Omit<CommonOptions, "format"> {
  readonly vs?: string;
  /** `--vs-flask-boolean`: the --vs policy's booleans, over `flaskBooleans` */
  readonly vsFlaskBooleans?: Readonly<Record<string, boolean>>;
  readonly output: string;
  readonly secureBoot?: boolean;
  readonly cmdline?: string;
  /** commander's defaults: summit, v2 */
  readonly lockdownModel: LockdownModelId;
  readonly safeList: SafeListId;
  /** the URL template of Xen's source lines (`{path}`, `{line}`, `{commit}`) */
  readonly xenSourceUrl?: string;
  /** the global `--quiet`: no progress line */
  readonly quiet?: boolean;
}

/** The bundled page app (scripts/build.mjs writes it beside the CLI). */
function appBundle(): string {
  const path = join(packageRoot(), "dist", "report-app.js");
  try {
    return readFileSync(path, "utf8");
  } catch {
    return fail(
      error("report/no-app", `the report's app is not built (${path})`, undefined, "run `npm run build`"),
    );
  }
}

/** A finding with the lines around it. */
function withFrame(f: Finding, linesOf: (file: string) => string[] | undefined): ReportFinding {
  // `file:line:column`, or `file@0x4dc` in a binary input (a DTB, a compiled Flask policy)
  const at = f.span ? formatSpan(f.span) : undefined;
  const line = f.span?.line ?? 0;
  const lines = line > 0 && f.span ? linesOf(f.span.file) : undefined;
  // the lines around it only, each cut short: a frame is a help, and a 1 MB line is no help
  const frame = lines
    ?.slice(Math.max(0, line - 3), line + 2)
    .map((t, i) => [Math.max(1, line - 2) + i, t.length > 400 ? `${t.slice(0, 400)}...` : t] as const);
  return {
    // a relayed check (`boot/<condition>`, `flask/<check>`) as `<rule>/<check>`, as lint's text names it
    code: f.code === `lint/${f.rule}` ? f.rule : `${f.rule}/${f.code.slice(f.code.indexOf("/") + 1)}`,
    severity: f.severity,
    message: f.message,
    ...(at && { at }),
    ...(f.help && { help: f.help }),
    ...(frame?.length && { frame, frameLine: line }),
  };
}

/**
 * What lockdown does to the command line, on the system's arch and with its Xen's option
 * catalogue, booted by GRUB 2 through multiboot (on Arm, from the device tree's bootargs).
 */
function lockdownOf(line: string, model: Model, o: ReportOptions, secureBoot: boolean): ReportLockdown {
  const arch = model.system.build.arch;
  const a = analyseCmdline(line, {
    boot: arch === "arm" ? "dt" : "multiboot",
    arch,
    loader: "GRUB 2.12",
    lockdownModel: o.lockdownModel,
    safeList: o.safeList,
    secureBoot,
    xen: o.xen ?? model.system.xen,
  });
  return {
    line,
    xen: a.xen,
    model: a.lockdown.model,
    safeList: a.lockdown.safeList,
    secureBoot: a.lockdown.secureBoot,
    enabled: a.lockdown.enabled,
    tokens: a.tokens.map((t) => ({
      text: t.text,
      source: t.source,
      trusted: t.trusted,
      status: t.status,
      applied: tokenApplied(t),
      why: t.why.join("; "),
    })),
    diagnostics: shownDiagnostics(a).map((d) => ({ severity: d.severity, code: d.code, message: d.message })),
  };
}

/** `xenpriv report`: one self-contained HTML file with the system, its matrix, explanations, a diff and findings. */
export function reportCommand(o: ReportOptions): Output {
  const missing = SOURCE_URL_FIELDS.filter(
    (f) => o.xenSourceUrl !== undefined && !o.xenSourceUrl.includes(f),
  );
  if (missing.length)
    fail(
      error(
        "report/source-url",
        `the source URL \`${o.xenSourceUrl}\` names no ${missing.join(" and no ")}`,
        undefined,
        `a template such as \`${XEN_SOURCE_URL}\``,
      ),
    );
  // on a terminal, the stage the work is at: a large system takes seconds
  const line = progress("report", { quiet: o.quiet });
  try {
    return report(o, line);
  } finally {
    line.clear();
  }
}

function report(o: ReportOptions, line: Progress): Output {
  line.stage("model");
  const [model, vs] = loadModels(o, o.vs ? [o.policy, vsChoice({ ...o, vs: o.vs })] : [o.policy]) as [
    Model,
    Model?,
  ];
  const secureBoot = o.secureBoot === true || model.system.build.secureBoot === true;
  const lockdown = o.cmdline === undefined ? undefined : lockdownOf(o.cmdline, model, o, secureBoot);
  line.stage(`matrix: ${model.system.domains.length} domains x ${model.ops.length} operations`);
  const index = new DecisionIndex(model);
  line.stage("findings");
  const findings = runLint({ system: model.system, model, index, secureBoot });
  const sources = findingSources(findings);
  // each file split once, not once per finding
  const split = new Map<string, string[] | undefined>();
  const linesOf = (file: string) => {
    if (!split.has(file)) split.set(file, sources.get(file)?.split("\n"));
    return split.get(file);
  };
  line.stage("page");
  const data = buildReportData(model, {
    title: `xenpriv report: ${model.system.source}`,
    ...(vs && { vs }),
    findings: findings.map((f) => withFrame(f, linesOf)),
    ...(lockdown && { lockdown }),
    index,
    ...(o.xenSourceUrl !== undefined && { sourceUrl: o.xenSourceUrl }),
  });
  const html = renderHtmlReport(data, appBundle());
  line.stage(`writing ${o.output}`);
  writeWhole(o.output, html);
  return {
    kind: "report",
    json: { output: o.output, bytes: Buffer.byteLength(html) },
    text: `wrote ${o.output}: ${model.system.domains.length} domains x ${model.ops.length} operations under ${model.policy.name}${vs ? ` (diff with ${vs.policy.name}: ${data.vs?.widened} widened, ${data.vs?.narrowed} narrowed)` : ""}, ${findings.length} finding(s)${lockdown ? `, command line of ${lockdown.tokens.length} option(s) with lockdown ${lockdown.enabled ? "on" : "off"}` : ""}; ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB`,
  };
}
