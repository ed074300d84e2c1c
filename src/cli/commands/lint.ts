import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Severity } from "../../core/diagnostic.js";
import { error } from "../../core/diagnostic.js";
import { InputError } from "../../core/errors.js";
import { packageRoot } from "../../core/package-root.js";
import { loadDeviceTree } from "../../devicetree/load-device-tree.js";
import type { Finding, LintContext } from "../../lint/rule.js";
import { RULES } from "../../lint/rules.js";
import { runLint } from "../../lint/run-lint.js";
import { DecisionIndex } from "../../query/decision-index.js";
import type { Model } from "../../query/model.js";
import { renderFindings } from "../../report/render-findings.js";
import { renderSarif } from "../../report/render-sarif.js";
import { type DeviceTreeSystem, systemFromDeviceTree } from "../../system/device-tree-system.js";
import { isDeviceTree, loadSystemFile } from "../../system/load-system.js";
import { modelsOf, systemOptions } from "../context.js";
import { findingSources } from "../finding-sources.js";
import type { FAIL_ON, LINT_FORMATS } from "../formats.js";

export interface LintOptions {
  readonly policy?: string;
  readonly xen?: string;
  readonly secureBoot?: boolean;
  readonly hyperlaunch?: boolean;
  /** the Xen build's `.config` */
  readonly kconfig?: string;
  readonly rule?: readonly string[];
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
function sarifPlaces(path: string, o: LintOptions): { sourceRoot: string; docsBase: string; cwd: string } {
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

/** `xenpriv lint <system>`: the findings, rendered, and the exit code `--fail-on` asks for. */
export function lintCommand(path: string, o: LintOptions): { text: string; exitCode: number } {
  const unknown = (o.rule ?? []).filter((r) => !RULES.some((x) => x.id === r));
  if (unknown.length)
    throw new InputError([
      error(
        "lint/unknown-rule",
        `unknown rule \`${unknown[0]}\``,
        undefined,
        `rules: ${RULES.map((r) => r.id).join(", ")}`,
      ),
    ]);
  // a device tree Xen would not boot is still linted: its boot rules are findings here
  const deviceTree: DeviceTreeSystem | undefined = isDeviceTree(path)
    ? systemFromDeviceTree(loadDeviceTree(path), systemOptions(o))
    : undefined;
  const system = deviceTree?.system ?? loadSystemFile(path, systemOptions(o));
  const [model] = modelsOf(system, o.xen, [o.policy]) as [Model];
  const ctx: LintContext = {
    system,
    model,
    index: new DecisionIndex(model),
    ...(deviceTree && { deviceTree }),
    secureBoot: o.secureBoot === true || system.build.secureBoot === true,
  };
  const findings: Finding[] = [
    // what reading the tree noted (the hyperlaunch design) belongs to the boot rules
    ...(!o.rule || o.rule.includes("xen-boot") ? (deviceTree?.findings ?? []) : []).map((f) => ({
      ...f,
      rule: "xen-boot",
    })),
    ...runLint(ctx, o.rule),
  ];
  const failing =
    o.failOn !== "never" && findings.some((f) => RANK[f.severity] <= RANK[o.failOn as Severity]);
  let text: string;
  if (o.format === "json")
    text = JSON.stringify(
      {
        version: 1,
        kind: "lint",
        system: system.source,
        policy: model.policy.name,
        findings,
      },
      null,
      2,
    );
  else if (o.format === "sarif")
    text = JSON.stringify(renderSarif(findings, RULES, "0.1.0", sarifPlaces(path, o)), null, 2);
  else {
    text = renderFindings(findings, findingSources(findings));
  }
  return { text, exitCode: failing ? 1 : 0 };
}
