import { readFileSync } from "node:fs";
import { join } from "node:path";
import { error } from "../../core/diagnostic.js";
import { fail } from "../../core/errors.js";
import { packageRoot } from "../../core/package-root.js";
import type { Finding } from "../../lint/rule.js";
import { runLint } from "../../lint/run-lint.js";
import { DecisionIndex } from "../../query/decision-index.js";
import type { Model } from "../../query/model.js";
import { renderHtmlReport } from "../../report/html-report.js";
import { buildReportData, type ReportFinding } from "../../report/report-data.js";
import { type CommonOptions, loadModels } from "../context.js";
import { findingSources } from "../finding-sources.js";
import type { Output } from "../output.js";
import { writeWhole } from "../write-whole.js";

export interface ReportOptions extends Omit<CommonOptions, "format"> {
  readonly vs?: string;
  readonly output: string;
  readonly secureBoot?: boolean;
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
function withFrame(f: Finding, sources: ReadonlyMap<string, string>): ReportFinding {
  const at = f.span ? `${f.span.file}:${f.span.line}:${f.span.column}` : undefined;
  const line = f.span?.line ?? 0;
  const lines = line > 0 && f.span ? sources.get(f.span.file)?.split("\n") : undefined;
  const frame = lines?.map((t, i) => [i + 1, t] as const).slice(Math.max(0, line - 3), line + 2);
  return {
    code: f.rule,
    severity: f.severity,
    message: f.message,
    ...(at && { at }),
    ...(f.help && { help: f.help }),
    ...(frame?.length && { frame, frameLine: line }),
  };
}

/** `xenpriv report`: one self-contained HTML file with the system, its matrix, explanations, a diff and findings. */
export function reportCommand(o: ReportOptions): Output {
  const [model, vs] = loadModels(o, o.vs ? [o.policy, o.vs] : [o.policy]) as [Model, Model?];
  const findings = runLint({
    system: model.system,
    model,
    index: new DecisionIndex(model),
    secureBoot: o.secureBoot === true || model.system.build.secureBoot === true,
  });
  const sources = findingSources(findings);
  const data = buildReportData(model, {
    title: `xenpriv report: ${model.system.source}`,
    ...(vs && { vs }),
    findings: findings.map((f) => withFrame(f, sources)),
  });
  const html = renderHtmlReport(data, appBundle());
  writeWhole(o.output, html);
  return {
    kind: "report",
    json: { output: o.output, bytes: Buffer.byteLength(html) },
    text: `wrote ${o.output}: ${model.system.domains.length} domains x ${model.ops.length} operations under ${model.policy.name}${vs ? ` (diff with ${vs.policy.name})` : ""}, ${findings.length} finding(s); ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB`,
  };
}
