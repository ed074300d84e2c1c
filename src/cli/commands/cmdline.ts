import { dirname, join } from "node:path";
import {
  analyseCommandLine,
  type CommandLineAnalysis,
  type TokenReport,
} from "../../cmdline/analyse-command-line.js";
import type { BootPath, BootSources, CfgSource } from "../../cmdline/assemble-command-line.js";
import { efiSecureBoot, parseSecureBootVariable } from "../../cmdline/efi-secure-boot.js";
import { loadOptionCatalogue } from "../../cmdline/load-option-catalogue.js";
import { LOCKDOWN_MODELS, type LockdownModelId } from "../../cmdline/lockdown-models.js";
import { SAFE_LISTS, type SafeListId } from "../../cmdline/safe-lists.js";
import { parseXenCfg, type XenCfg } from "../../cmdline/xen-cfg.js";
import { readInput } from "../../core/read-input.js";
import type { DtNode } from "../../devicetree/device-tree.js";
import { getProperty, nodeByPath } from "../../devicetree/find-node.js";
import { loadDeviceTree } from "../../devicetree/load-device-tree.js";
import { type PeImage, readPeFile } from "../../pe/read-pe.js";
import { renderDiagnostics } from "../../report/render-diagnostics.js";
import { renderDiagnosticsMarkdown } from "../../report/render-diagnostics-markdown.js";
import { renderMarkdown, renderText } from "../../report/tabular.js";
import { imageSbat } from "../../sbat/image-sbat.js";
import { configOption, readXenConfig, type XenConfig } from "../../system/xen-config.js";
import type { CMDLINE_FAIL_ON } from "../formats.js";
import type { Output } from "../output.js";

export interface CmdlineOptions {
  readonly boot?: BootPath;
  /** `arm` is arm64 */
  readonly arch?: "x86" | "arm" | "arm32";
  readonly loader: string;
  readonly builtin?: string;
  readonly override?: boolean;
  readonly kconfig?: string;
  readonly efiCfg?: string;
  readonly section?: string;
  readonly uki?: string;
  readonly dt?: string;
  readonly secureBoot?: boolean;
  readonly secureBootVariable?: string;
  readonly lockdownModel: LockdownModelId;
  readonly safeList: SafeListId;
  readonly lockdownDefault?: boolean;
  readonly pvShim?: boolean;
  readonly xen: string;
  /** the words are `xl set-parameters` arguments (cmdline-runtime.ts) */
  readonly runtime?: boolean;
  /** `--no-hypfs`: CONFIG_HYPFS=n */
  readonly hypfs?: boolean;
  /** exit 1 when the line depends on what lockdown drops (`CMDLINE_FAIL_ON`) */
  readonly failOn?: (typeof CMDLINE_FAIL_ON)[number];
}

/** Why the line fails `--fail-on`, or undefined when it passes. */
export function cmdlineFailure(
  a: CommandLineAnalysis,
  failOn: (typeof CMDLINE_FAIL_ON)[number],
): string | undefined {
  const dropped = a.tokens.filter((t) => t.status === "dropped" || t.status === "partly-applied");
  const why: string[] = [];
  if (dropped.length) why.push(`lockdown drops ${dropped.map((t) => `\`${t.text}\``).join(", ")}`);
  if (failOn === "untrusted") {
    const untrusted = a.tokens.filter((t) => !t.trusted && !dropped.includes(t));
    if (untrusted.length)
      why.push(`${untrusted.map((t) => `\`${t.text}\``).join(", ")} from an untrusted source`);
  }
  if (failOn === "warning") {
    const warnings = a.diagnostics.filter((d) => d.severity === "warning" || d.severity === "error");
    if (warnings.length) why.push(`${warnings.length} warning(s)`);
  }
  return why.length ? why.join("; ") : undefined;
}

/** xen.cfg is read byte for byte (non-ASCII is reported by the parser, as Xen refuses it). */
const readText = (path: string, what: string) =>
  readInput(path, { code: "cmdline/unreadable", what }).toString("latin1");

/** A property's bytes as NUL-separated strings, read raw as libfdt callers read them. */
function rawStrings(node: DtNode | undefined, name: string): string[] | undefined {
  const p = node && getProperty(node, name);
  return p && Buffer.from(p.bytes).toString("latin1").split("\0");
}

/**
 * `/chosen` as `boot_fdt_cmdline` reads it (xen/common/device-tree/bootinfo-fdt.c:520-543):
 * `prop->data` is a C string, so a value is read up to its first NUL, whatever its type.
 */
function chosenOf(path: string): NonNullable<BootSources["chosen"]> {
  const chosen = nodeByPath(loadDeviceTree(path), "/chosen");
  // the dom0 kernel module the early scan registers (fdt_node_check_compatible compares exactly)
  const kernel = chosen?.children.find((c) => rawStrings(c, "compatible")?.includes("multiboot,kernel"));
  const xenBootargs = rawStrings(chosen, "xen,xen-bootargs")?.[0];
  const bootargs = rawStrings(chosen, "bootargs")?.[0];
  return {
    file: path,
    ...(xenBootargs !== undefined && { xenBootargs }),
    ...(bootargs !== undefined && { bootargs }),
    dom0Bootargs: Boolean(chosen && getProperty(chosen, "xen,dom0-bootargs")),
    dom0ModuleHasCmdline: Boolean(rawStrings(kernel, "bootargs")?.[0]),
  };
}

/** Secure Boot, CONFIG_LOCKDOWN_DEFAULT and CONFIG_PV_SHIM, from the options and the build's `.config`. */
export function lockdownFacts(o: CmdlineOptions, config: XenConfig | undefined) {
  return {
    secureBoot: o.secureBootVariable
      ? efiSecureBoot(parseSecureBootVariable(o.secureBootVariable)).on
      : Boolean(o.secureBoot),
    lockdownDefault: Boolean(o.lockdownDefault) || configOption(config, "CONFIG_LOCKDOWN_DEFAULT") === true,
    pvShim: Boolean(o.pvShim) || configOption(config, "CONFIG_PV_SHIM") === true,
  };
}

/** Kconfig writes strings with `\"` and `\\` escaped. */
const kconfigString = (v: string) => v.replace(/\\(["\\])/g, "$1");

/** The inputs of a boot, from the command's options. */
function bootSources(
  line: string,
  o: CmdlineOptions,
  config: XenConfig | undefined,
  uki: PeImage | undefined,
): BootSources {
  const builtin =
    o.builtin ??
    (config?.values.get("CONFIG_CMDLINE") !== undefined
      ? kconfigString(config.values.get("CONFIG_CMDLINE") as string)
      : undefined);
  const override = o.override || configOption(config, "CONFIG_CMDLINE_OVERRIDE") === true;
  const boot: BootPath = o.boot ?? (o.efiCfg || o.uki ? "efi" : o.dt ? "dt" : "multiboot");
  const arch = o.arch === "arm32" ? "arm" : (o.arch ?? (boot === "dt" ? "arm" : "x86"));
  let cfg: CfgSource | undefined;
  if (uki) cfg = ukiConfig(uki);
  if (!cfg && o.efiCfg)
    cfg = {
      cfg: parseXenCfg(readText(o.efiCfg, "the EFI configuration file"), o.efiCfg),
      uki: false,
      signed: false,
    };
  const cfgDir = o.efiCfg ? dirname(o.efiCfg) : o.uki ? dirname(o.uki) : ".";
  const readChained = (name: string): XenCfg => {
    const path = join(cfgDir, name.replace(/\\/g, "/"));
    return parseXenCfg(readText(path, "the chained configuration file"), path);
  };
  return {
    arch,
    boot,
    ...(builtin && { builtin }),
    ...(override && { override }),
    ...(boot === "efi" ? { loadOptions: line || "xen.efi" } : { bootloader: line }),
    loaderName: o.loader,
    ...(o.section !== undefined && { section: o.section }),
    ...(cfg && { cfg }),
    readChained,
    // without a device tree, the words stand for /chosen's xen,xen-bootargs
    ...(o.dt
      ? { chosen: chosenOf(o.dt) }
      : boot === "dt" &&
        line && {
          chosen: {
            file: "(command line)",
            xenBootargs: line,
            dom0Bootargs: false,
            dom0ModuleHasCmdline: false,
          },
        }),
  };
}

/**
 * The `.config` section of a unified Xen image as `read_section` finds it (xen/common/efi/pe.c:54-100 at
 * RELEASE-4.22.0): the first section whose 8-byte name is `.config`, `VirtualSize` bytes at its RVA
 * (the file's raw data, zeros past it). The image is trusted when it carries a signature.
 */
function ukiConfig(image: PeImage): CfgSource | undefined {
  const path = image.file;
  const section = image.sections.find((s) => s.rawName === ".config");
  if (!section) return undefined;
  const raw = image.bytes.subarray(
    section.pointerToRawData,
    section.pointerToRawData + Math.min(section.virtualSize, section.sizeOfRawData),
  );
  const text = Buffer.from(raw).toString("latin1");
  return { cfg: parseXenCfg(text, `${path}(.config)`), uki: true, signed: Boolean(image.certificateTable) };
}

/** What `--uki` shows of the image besides its configuration: its signature and SBAT records. */
function ukiInfo(image: PeImage) {
  const sbat = imageSbat(image);
  return {
    file: image.file,
    signed: Boolean(image.certificateTable),
    config: image.sections.some((s) => s.rawName === ".config"),
    sbat: (sbat.sbat?.records ?? []).map((r) => ({
      component: r.component,
      generation: r.generation,
      line: r.text,
    })),
    ...(sbat.missing && { sbatMissing: sbat.missing }),
    ...(sbat.refused && { sbatRefused: sbat.refused }),
    ...(sbat.invalid && { sbatInvalid: sbat.invalid.map((d) => d.message) }),
  };
}

function ukiLine(u: ReturnType<typeof ukiInfo>): string {
  const sbat = u.sbat.length
    ? u.sbat.map((r) => `${r.component},${r.generation}`).join(" ")
    : (u.sbatMissing ?? u.sbatRefused ?? u.sbatInvalid?.join("; ") ?? "no records");
  return `unified image ${u.file}: ${u.signed ? "signed" : "not signed"}, ${u.config ? ".config used" : "no .config section"}; SBAT: ${sbat} (xenpriv sbat check ${u.file} checks it against a level)`;
}

const yesNo = (b: boolean) => (b ? "yes" : "no");

function summary(a: CommandLineAnalysis): string[] {
  const lines = [
    `xen ${a.xen} ${a.arch}; lockdown model ${a.lockdown.model}${a.lockdown.model === "none" ? "" : `, safe list ${a.lockdown.safeList}`}; Secure Boot ${a.lockdown.secureBoot ? "on" : "off"}; lockdown ${a.lockdown.enabled ? "on" : "off"} at the end`,
  ];
  for (const p of a.assembled.passes)
    lines.push(`${p.kind === "builtin" ? "built-in (CONFIG_CMDLINE)" : "bootloader"}: ${p.text}`);
  if (!a.assembled.passes.length) lines.push("no command line");
  if (a.assembled.dom0 !== undefined) lines.push(`dom0 (after " -- "): ${JSON.stringify(a.assembled.dom0)}`);
  if (a.assembled.efi?.chosenSection !== undefined)
    lines.push(`EFI section: ${a.assembled.efi.chosenSection}`);
  return lines;
}

/** What each registration of an option did with it, in one line. */
export const tokenApplied = (t: TokenReport): string =>
  t.options.map((x) => `${x.name}: ${x.result}`).join("; ");

/** The diagnostics worth showing: warnings, and the notes on how the line was assembled and locked down. */
export const shownDiagnostics = (a: CommandLineAnalysis) =>
  a.diagnostics.filter(
    (d) => d.severity !== "note" || d.code.startsWith("lockdown/") || d.code.startsWith("cmdline/"),
  );

/** What a command line does on the boot path and under the lockdown model the options give. */
export function analyseCmdline(line: string, o: CmdlineOptions, image?: PeImage): CommandLineAnalysis {
  const config = o.kconfig ? readXenConfig(o.kconfig) : undefined;
  return analyseCommandLine(
    loadOptionCatalogue(o.xen),
    bootSources(line, o, config, image),
    {
      model: LOCKDOWN_MODELS[o.lockdownModel],
      safeList: SAFE_LISTS[o.safeList],
      ...lockdownFacts(o, config),
    },
    // arm32's integer widths; its paddr_t is 32 bits with CONFIG_PHYS_ADDR_T_32 (ARM_PA_BITS_32)
    // and the registrations the build has (their guards against the .config)
    {
      arm32: o.arch === "arm32",
      physAddrT32: configOption(config, "CONFIG_PHYS_ADDR_T_32") === true,
      ...(config && { config }),
    },
  );
}

/** `xenpriv cmdline`: what a Xen command line does on a boot path, under a lockdown model. */
export function cmdlineCommand(words: readonly string[], o: CmdlineOptions): Output {
  const image = o.uki ? readPeFile(o.uki) : undefined;
  const uki = image && ukiInfo(image);
  const a = analyseCmdline(words.join(" "), o, image);
  const table = {
    columns: ["#", "source", "trusted", "option", "status", "applied", "why"],
    rows: a.tokens.map((t, i) => [
      String(i + 1),
      t.source,
      yesNo(t.trusted),
      t.text,
      t.status,
      tokenApplied(t) || "-",
      t.why.join("; ") || "-",
    ]),
  };
  const settings = {
    columns: ["option", "type", "value", "from"],
    rows: a.settings.map((s) => [
      s.name,
      s.type,
      s.value,
      s.sources.map((x) => `${x.source}${x.trusted ? " (trusted)" : ""}`).join(", "),
    ]),
  };
  const diags = shownDiagnostics(a);
  const warnings = a.diagnostics.filter((d) => d.severity !== "note").length;
  const failure = o.failOn && cmdlineFailure(a, o.failOn);
  const verdict = failure ? `fails --fail-on ${o.failOn}: ${failure}` : "";
  return {
    kind: "cmdline",
    json: { ...a, ...(uki && { uki }) },
    ...(failure && { exitCode: 1 }),
    text: [
      [...summary(a), ...(uki ? [ukiLine(uki)] : [])].join("\n"),
      renderText(table),
      `effective settings:\n${renderText(settings)}`,
      diags.length ? renderDiagnostics(diags) : "",
      `${a.tokens.length} option(s), ${a.tokens.filter((t) => t.status === "dropped" || t.status === "partly-applied").length} dropped by lockdown, ${a.tokens.filter((t) => t.status === "unknown").length} unknown; ${warnings} warning(s)`,
      verdict,
    ]
      .filter(Boolean)
      .join("\n\n"),
    markdown: [
      `# Command line\n\n${summary(a)
        .map((l) => `- ${l}`)
        .join("\n")}`,
      `## Options\n\n${renderMarkdown(table)}`,
      `## Effective settings\n\n${renderMarkdown(settings)}`,
      diags.length ? `## Findings\n\n${renderDiagnosticsMarkdown(diags)}` : "",
      verdict && `**${verdict}**`,
    ]
      .filter(Boolean)
      .join("\n\n"),
  };
}
