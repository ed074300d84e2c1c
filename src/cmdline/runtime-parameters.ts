import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { lockedAtStart } from "./apply-lockdown.js";
import type { CmdlineOptions } from "./boot-sources.js";
import { loadOptionCatalogue } from "./load-option-catalogue.js";
import { lockdownFacts } from "./lockdown-facts.js";
import { LOCKDOWN_MODELS } from "./lockdown-models.js";
import { SAFE_LISTS } from "./safe-lists.js";
import { type RuntimeReport, setParameters } from "./set-parameters.js";
import { configOption, readXenConfig } from "./xen-config.js";

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

/** What `xl set-parameters` writes, on which build and under which lockdown. */
export type RuntimeParameters = RuntimeReport & {
  readonly xen: string;
  readonly arch: "x86" | "arm" | "arm32";
  readonly hypfs: boolean;
  readonly lockdown: { readonly model: string; readonly safeList: string; readonly enabled: boolean };
};

/** What `xl set-parameters <words>` writes to hypfs `/params`, and where it fails. */
export function runtimeParameters(words: readonly string[], o: CmdlineOptions): RuntimeParameters {
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
  const r = setParameters(words, catalogue.options, {
    arch,
    hypfs,
    ...(lockdownOn && { lockdown: SAFE_LISTS[o.safeList] }),
  });
  return {
    xen: catalogue.xen,
    arch,
    hypfs,
    lockdown: { model: o.lockdownModel, safeList: o.safeList, enabled: lockdownOn },
    ...r,
  };
}
