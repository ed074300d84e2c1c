import { lockedAtStart } from "../../cmdline/apply-lockdown.js";
import { loadOptionCatalogue } from "../../cmdline/load-option-catalogue.js";
import { LOCKDOWN_MODELS } from "../../cmdline/lockdown-models.js";
import { SAFE_LISTS } from "../../cmdline/safe-lists.js";
import { SET_PARAMETERS_REF, setParameters } from "../../cmdline/set-parameters.js";
import { error } from "../../core/diagnostic.js";
import { fail } from "../../core/errors.js";
import { renderDiagnostics } from "../../report/render-diagnostics.js";
import { renderDiagnosticsMarkdown } from "../../report/render-diagnostics-markdown.js";
import { renderMarkdown, renderText } from "../../report/tabular.js";
import { configOption, readXenConfig } from "../../cmdline/xen-config.js";
import type { Output } from "../output.js";
import { type CmdlineOptions, lockdownFacts } from "./cmdline.js";

/** Options that describe a boot, which a runtime write has none of. */
const BOOT_ONLY = {
  boot: "--boot",
  builtin: "--builtin",
  override: "--override",
  efiCfg: "--efi-cfg",
  section: "--section",
  uki: "--uki",
  dt: "--dt",
  pvShim: "--pv-shim",
} as const;

/** `xenpriv cmdline --runtime`: what `xl set-parameters` writes to hypfs `/params`, and what fails. */
export function cmdlineRuntimeCommand(words: readonly string[], o: CmdlineOptions): Output {
  const given = Object.entries(BOOT_ONLY).filter(([k]) => o[k as keyof typeof BOOT_ONLY] !== undefined);
  if (given.length)
    fail(
      error(
        "cmdline/runtime-options",
        `${given.map(([, flag]) => flag).join(", ")} ${given.length > 1 ? "describe" : "describes"} a boot, not \`xl set-parameters\``,
        undefined,
        "drop --runtime to analyse a boot command line",
      ),
    );
  const catalogue = loadOptionCatalogue(o.xen);
  const config = o.kconfig ? readXenConfig(o.kconfig) : undefined;
  const arch = o.arch ?? "x86";
  const hypfs = o.hypfs !== false && configOption(config, "CONFIG_HYPFS") !== false;
  // no boot line is given here: lockdown as Secure Boot or CONFIG_LOCKDOWN_DEFAULT leave it
  const lockdownOn = lockedAtStart({ model: LOCKDOWN_MODELS[o.lockdownModel], ...lockdownFacts(o, config) });
  const safeList = SAFE_LISTS[o.safeList];
  const r = setParameters(words, catalogue.options, {
    arch,
    hypfs,
    ...(lockdownOn && { lockdown: safeList }),
  });

  const head = [
    `xen ${catalogue.xen} ${arch}; CONFIG_HYPFS ${hypfs ? "on" : "off"}; lockdown ${lockdownOn ? `on (${o.lockdownModel}, safe list ${o.safeList})` : "off"}`,
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
  return {
    kind: "set-parameters",
    json: {
      xen: catalogue.xen,
      arch,
      hypfs,
      lockdown: { model: o.lockdownModel, safeList: o.safeList, enabled: lockdownOn },
      ...r,
    },
    text: [
      head.join("\n"),
      r.writes.length ? renderText(table) : "",
      r.diagnostics.length ? renderDiagnostics(r.diagnostics) : "",
      verdict,
    ]
      .filter(Boolean)
      .join("\n\n"),
    markdown: [
      `# Runtime parameters\n\n${head.map((l) => `- ${l}`).join("\n")}`,
      r.writes.length ? `## Writes\n\n${renderMarkdown(table)}` : "",
      r.diagnostics.length ? `## Findings\n\n${renderDiagnosticsMarkdown(r.diagnostics)}` : "",
      verdict,
    ]
      .filter(Boolean)
      .join("\n\n"),
    exitCode: r.ok ? 0 : 1,
  };
}
