import { readPeFile } from "../pe/read-pe.js";
import { analyseCommandLine, type CommandLineAnalysis } from "./analyse-command-line.js";
import { bootSources, type CmdlineOptions } from "./boot-sources.js";
import { loadOptionCatalogue } from "./load-option-catalogue.js";
import { lockdownFacts } from "./lockdown-facts.js";
import { LOCKDOWN_MODELS } from "./lockdown-models.js";
import { SAFE_LISTS } from "./safe-lists.js";
import { type UkiInfo, ukiInfo } from "./uki-info.js";
import { configOption, readXenConfig } from "./xen-config.js";

/** What a command line does, and the unified image it came with. */
export type CmdlineAnalysis = CommandLineAnalysis & { readonly uki?: UkiInfo };

/**
 * What a Xen command line does on the boot path and under the lockdown model the options give:
 * where each option comes from, whether it is trusted, what Xen applies and what it ignores. Reads
 * the files the options name (`kconfig`, `efiCfg`, `uki`, `dt`).
 */
export function analyseCmdline(line: string, o: CmdlineOptions): CmdlineAnalysis {
  const image = o.uki ? readPeFile(o.uki) : undefined;
  const uki = image && ukiInfo(image);
  const config = o.kconfig ? readXenConfig(o.kconfig) : undefined;
  const a = analyseCommandLine(
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
  return { ...a, ...(uki && { uki }) };
}
