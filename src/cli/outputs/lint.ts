import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Severity } from "../../core/diagnostic.js";
import { error } from "../../core/diagnostic.js";
import { InputError } from "../../core/errors.js";
import { packageRoot } from "../../core/package-root.js";
import { findingSources } from "../../lint/finding-sources.js";
import { type LintOptions, lintSystem } from "../../lint/lint-system.js";
import { RULES } from "../../lint/rules.js";
import { renderFindings } from "../../report/render-findings.js";
import { renderSarif } from "../../report/render-sarif.js";
import type { FAIL_ON, LINT_FORMATS } from "../formats.js";
import type { Output } from "../output.js";

export interface LintCliOptions extends LintOptions {
  readonly failOn: (typeof FAIL_ON)[number];
  readonly format: (typeof LINT_FORMATS)[number];
  /** SARIF: the directory paths are relative to; default: the git work tree of the system file, else the current directory */
  readonly sourceRoot?: string;
  /** SARIF: the absolute URI where docs/rules/ is published; default: the installed package's own docs */
  readonly docsUri?: string;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** The work tree holding `file` (the nearest directory with `.git`), else the current directory. */
function workTreeOf(file: string): string {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

const dirUri = (dir: string) => pathToFileURL(`${resolve(dir)}/`).href;

/** Where SARIF's paths start and where its help pages are; a bad one is bad input. */
function sarifPlaces(path: string, o: LintCliOptions): { sourceRoot: string; docsBase: string; cwd: string } {
  if (o.sourceRoot !== undefined && !(existsSync(o.sourceRoot) && statSync(o.sourceRoot).isDirectory()))
    throw new InputError([
      error(
        "lint/source-root",
        `\`${o.sourceRoot}\` is not a directory`,
        undefined,
        "give the repository's root directory",
      ),
    ]);
  let docsBase = dirUri(packageRoot());
  if (o.docsUri !== undefined) {
    if (!URL.canParse(o.docsUri) || !/^[a-z][a-z0-9+.-]*:/i.test(o.docsUri))
      throw new InputError([
        error(
          "lint/docs-uri",
          `\`${o.docsUri}\` is not an absolute URI`,
          undefined,
          "give where xenpriv's docs/ folder is published, e.g. https://example.org/xenpriv/ (docs/rules/<id>.md is appended)",
        ),
      ]);
    docsBase = o.docsUri.endsWith("/") ? o.docsUri : `${o.docsUri}/`;
  }
  return { sourceRoot: dirUri(o.sourceRoot ?? workTreeOf(path)), docsBase, cwd: dirUri(process.cwd()) };
}

/** `xenpriv lint <system>`: the findings (as text, JSON or SARIF), and the exit code `--fail-on` asks for. */
export function lintCommand(path: string, o: LintCliOptions): Output {
  const r = lintSystem(path, o);
  const { findings } = r;
  const failing =
    o.failOn !== "never" && findings.some((f) => RANK[f.severity] <= RANK[o.failOn as Severity]);
  return {
    kind: "lint",
    json: { system: r.system, policy: r.policy, findings },
    text: renderFindings(findings, findingSources(findings)),
    sarif: () => renderSarif(findings, RULES, "0.1.0", sarifPlaces(path, o)),
    exitCode: failing ? 1 : 0,
  };
}
