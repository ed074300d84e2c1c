import { dirname, join } from "node:path";
import { readInput } from "../core/read-input.js";
import type { PeImage } from "../pe/read-pe.js";
import type { BootPath, BootSources, CfgSource } from "./assemble-command-line.js";
import type { LockdownModelId } from "./lockdown-models.js";
import { readChosen } from "./read-chosen.js";
import type { SafeListId } from "./safe-lists.js";
import { ukiConfig } from "./uki-config.js";
import { parseXenCfg, type XenCfg } from "./xen-cfg.js";
import { configOption, type XenConfig } from "./xen-config.js";

/** Where a command line comes from and what decides lockdown: the options of `xenpriv cmdline`. */
export interface CmdlineOptions {
  readonly boot?: BootPath | undefined;
  /** `arm` is arm64 */
  readonly arch?: "x86" | "arm" | "arm32" | undefined;
  /** multiboot boot_loader_name: not GRUB 2 means the first word is dropped */
  readonly loader: string;
  /** CONFIG_CMDLINE */
  readonly builtin?: string | undefined;
  /** CONFIG_CMDLINE_OVERRIDE */
  readonly override?: boolean | undefined;
  /** the build's `.config` (a path) */
  readonly kconfig?: string | undefined;
  /** xen.cfg */
  readonly efiCfg?: string | undefined;
  readonly section?: string | undefined;
  /** a unified Xen image, whose `.config` section is the configuration */
  readonly uki?: string | undefined;
  /** an Arm device tree: `/chosen` */
  readonly dt?: string | undefined;
  readonly secureBoot?: boolean | undefined;
  /** the SecureBoot variable, `absent` or `ATTRIBUTES:BYTES` in hex */
  readonly secureBootVariable?: string | undefined;
  readonly lockdownModel: LockdownModelId;
  readonly safeList: SafeListId;
  readonly lockdownDefault?: boolean | undefined;
  readonly pvShim?: boolean | undefined;
  /** an option catalogue: a shipped version or a path */
  readonly xen: string;
  /** the words are `xl set-parameters` arguments (`runtimeParameters`) */
  readonly runtime?: boolean | undefined;
  /** `false`: CONFIG_HYPFS=n */
  readonly hypfs?: boolean | undefined;
}

/** xen.cfg is read byte for byte (non-ASCII is reported by the parser, as Xen refuses it). */
const readText = (path: string, what: string) =>
  readInput(path, { code: "cmdline/unreadable", what }).toString("latin1");

/** Kconfig writes strings with `\"` and `\\` escaped. */
const kconfigString = (v: string) => v.replace(/\\(["\\])/g, "$1");

/**
 * The inputs of a boot: the line, CONFIG_CMDLINE (given, or from the `.config`), xen.cfg or a unified
 * image's `.config`, the chained files beside it, and an Arm device tree's `/chosen`.
 */
export function bootSources(
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
      ? { chosen: readChosen(o.dt) }
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
