import type { CmdlineOptions } from "./boot-sources.js";
import { efiSecureBoot, parseSecureBootVariable } from "./efi-secure-boot.js";
import { configOption, type XenConfig } from "./xen-config.js";

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
