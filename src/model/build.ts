export const ARCHES = ["x86", "arm"] as const;
export type Arch = (typeof ARCHES)[number];

export const BOOT_PHASES = ["boot", "running"] as const;
export type BootPhase = (typeof BOOT_PHASES)[number];

/** Build and boot facts that change decisions. */
export interface BuildFacts {
  readonly arch: Arch;
  /** `CONFIG_VERBOSE_DEBUG` (defaults to `CONFIG_DEBUG`, xen/Kconfig.debug): console writes for all. */
  readonly verboseDebug: boolean;
  /** `CONFIG_LATE_HWDOM` (x86, needs XSM). */
  readonly lateHwdom: boolean;
  /** `CONFIG_PV_SHIM_EXCLUSIVE`: nobody is control or hardware. */
  readonly pvShimExclusive: boolean;
  /** before `xsm_set_system_active()` the idle domain is privileged. */
  readonly phase: BootPhase;
  /** Kconfig options switched off (e.g. `CONFIG_GRANT_TABLE`); operations guarded by them vanish. */
  readonly disabled: readonly string[];
  /** booted with UEFI Secure Boot (what `xenpriv lint` checks the roles against) */
  readonly secureBoot?: boolean;
  /** Xen uses an IOMMU for the platform's devices; undefined when the description does not say */
  readonly iommu?: boolean;
}

export const DEFAULT_BUILD: BuildFacts = {
  arch: "x86",
  verboseDebug: false,
  lateHwdom: false,
  pvShimExclusive: false,
  phase: "running",
  disabled: [],
};
