import { analyseCmdline } from "../cmdline/analyse-cmdline.js";
import { DEFAULT_LOCKDOWN_MODEL, type LockdownModelId } from "../cmdline/lockdown-models.js";
import { DEFAULT_SAFE_LIST, type SafeListId } from "../cmdline/safe-lists.js";
import { formatSpan } from "../core/span.js";
import { findingSources } from "../lint/finding-sources.js";
import type { Finding } from "../lint/rule.js";
import { runLint } from "../lint/run-lint.js";
import { DecisionIndex } from "../query/decision-index.js";
import { loadModels, type ModelOptions, type PolicyChoice } from "../query/load-models.js";
import type { Model } from "../query/model.js";
import { shownDiagnostics, tokenApplied } from "./render-cmdline.js";
import { buildReportData, type ReportData, type ReportFinding, type ReportLockdown } from "./report-data.js";

/** What a report is of: a system and its policy, and what else its page shows. */
export interface ReportOptions extends ModelOptions {
  /** a second policy (its name, or with its Flask booleans): the page's diff */
  readonly vs?: string | PolicyChoice | undefined;
  /** the command line whose lockdown the page shows */
  readonly cmdline?: string | undefined;
  readonly secureBoot?: boolean | undefined;
  readonly lockdownModel?: LockdownModelId | undefined;
  readonly safeList?: SafeListId | undefined;
  /** the URL template of Xen's source lines (`{path}`, `{line}`, `{commit}`) */
  readonly sourceUrl?: string | undefined;
  /** told the stage the work is at: a large system takes seconds */
  readonly onStage?: (stage: string) => void;
}

/** What a report holds besides its page's data: counts a summary line gives. */
export interface Report {
  readonly data: ReportData;
  readonly model: Model;
  readonly vs?: Model;
  readonly findings: readonly Finding[];
  readonly lockdown?: ReportLockdown;
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
    lockdownModel: o.lockdownModel ?? DEFAULT_LOCKDOWN_MODEL,
    safeList: o.safeList ?? DEFAULT_SAFE_LIST,
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

/**
 * The data of `xenpriv report`'s page: the system, its matrix, a diff with a second policy, lint's
 * findings with the lines around them, and what lockdown does to a command line.
 * `renderHtmlReport` makes the page of it.
 */
export function reportOf(o: ReportOptions): Report {
  const stage = o.onStage ?? (() => {});
  stage("model");
  const [model, vs] = loadModels(o, o.vs ? [o.policy, o.vs] : [o.policy]) as [Model, Model?];
  const secureBoot = o.secureBoot === true || model.system.build.secureBoot === true;
  const lockdown = o.cmdline === undefined ? undefined : lockdownOf(o.cmdline, model, o, secureBoot);
  stage(`matrix: ${model.system.domains.length} domains x ${model.ops.length} operations`);
  const index = new DecisionIndex(model);
  stage("findings");
  const findings = runLint({ system: model.system, model, index, secureBoot });
  const sources = findingSources(findings);
  // each file split once, not once per finding
  const split = new Map<string, string[] | undefined>();
  const linesOf = (file: string) => {
    if (!split.has(file)) split.set(file, sources.get(file)?.split("\n"));
    return split.get(file);
  };
  stage("page");
  const data = buildReportData(model, {
    title: `xenpriv report: ${model.system.source}`,
    ...(vs && { vs }),
    findings: findings.map((f) => withFrame(f, linesOf)),
    ...(lockdown && { lockdown }),
    index,
    ...(o.sourceUrl !== undefined && { sourceUrl: o.sourceUrl }),
  });
  return { data, model, ...(vs && { vs }), findings, ...(lockdown && { lockdown }) };
}
