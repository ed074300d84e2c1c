import type { OptionEntry } from "./option-catalogue.js";

/** The build an option's variable is compiled for. */
export interface IntegerBuild {
  /** x86_64, arm64 (`arm`) or arm32 */
  readonly arch: "x86" | "arm" | "arm32";
  /** CONFIG_PHYS_ADDR_T_32: arm32 with ARM_PA_BITS_32 (xen/arch/arm/Kconfig:51-54 at RELEASE-4.22.0) */
  readonly physAddrT32?: boolean;
}

/** The types as wide as a `long`: 8 bytes on LP64 (x86_64, arm64), 4 on arm32's ILP32. */
const LONG = /^(?:(?:un)?signed )?long(?: int)?$|^(?:size_t|ssize_t)$/;

/**
 * The size `integer_param`'s `.len = sizeof(_var)` records (xen/include/xen/param.h:61-67 at
 * RELEASE-4.22.0), which decides how assign_integer_param stores a value: the catalogue's LP64
 * width, except on arm32 for a `long` and for `paddr_t`, which arm32 makes an `unsigned long` only
 * with CONFIG_PHYS_ADDR_T_32 and a `u64` otherwise (xen/arch/arm/include/asm/types.h:8-22).
 */
export function integerWidth(e: OptionEntry, build: IntegerBuild): number {
  const lp64 = e.width ?? 8;
  if (build.arch !== "arm32" || e.ctype === undefined) return lp64;
  if (LONG.test(e.ctype)) return 4;
  if (e.ctype === "paddr_t") return build.physAddrT32 ? 4 : 8;
  return lp64;
}
