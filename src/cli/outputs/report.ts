import { readFileSync } from "node:fs";
import { join } from "node:path";
import { error } from "../../core/diagnostic.js";
import { fail } from "../../core/errors.js";
import { packageRoot } from "../../core/package-root.js";
import { renderHtmlReport } from "../../report/html-report.js";
import { type ReportOptions as LibraryReportOptions, reportOf } from "../../report/report-of.js";
import { SOURCE_URL_FIELDS, XEN_SOURCE_URL } from "../../report/xen-source-link.js";
import type { CommonOptions } from "../context.js";
import type { Output } from "../output.js";
import { type Progress, progress } from "../progress.js";
import { vsChoice } from "../vs-choice.js";
import { writeWhole } from "../write-whole.js";

export interface ReportCliOptions
  extends Omit<CommonOptions, "format">,
    Omit<LibraryReportOptions, "onStage" | "sourceUrl" | "vs"> {
  readonly vs?: string;
  /** `--vs-flask-boolean`: the --vs policy's booleans, over `flaskBooleans` */
  readonly vsFlaskBooleans?: Readonly<Record<string, boolean>>;
  readonly output: string;
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

/** `xenpriv report`: one self-contained HTML file with the system, its matrix, explanations, a diff and findings. */
export function reportCommand(o: ReportCliOptions): Output {
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

function report(o: ReportCliOptions, line: Progress): Output {
  const r = reportOf({
    ...o,
    vs: o.vs === undefined ? undefined : vsChoice({ ...o, vs: o.vs }),
    sourceUrl: o.xenSourceUrl,
    onStage: (s) => line.stage(s),
  });
  const { model, vs, findings, lockdown } = r;
  const html = renderHtmlReport(r.data, appBundle());
  line.stage(`writing ${o.output}`);
  writeWhole(o.output, html);
  return {
    kind: "report",
    json: { output: o.output, bytes: Buffer.byteLength(html) },
    text: `wrote ${o.output}: ${model.system.domains.length} domains x ${model.ops.length} operations under ${model.policy.name}${vs ? ` (diff with ${vs.policy.name}: ${r.data.vs?.widened} widened, ${r.data.vs?.narrowed} narrowed)` : ""}, ${findings.length} finding(s)${lockdown ? `, command line of ${lockdown.tokens.length} option(s) with lockdown ${lockdown.enabled ? "on" : "off"}` : ""}; ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB`,
  };
}
