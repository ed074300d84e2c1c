/** The options a lockdown proposal lets through (`*_secure_param`); every other one is ignored. */
export interface SafeList {
  readonly id: SafeListId;
  readonly title: string;
  /** the posting or commit that marks them */
  readonly ref: string;
  readonly names: readonly string[];
  /** XenServer filters inside two handlers: a `com1`/`com2` I/O base, and `ucode` digest-check off */
  readonly subOptionFilters: boolean;
}

export const SAFE_LIST_IDS = ["v2", "xenserver"] as const;
export type SafeListId = (typeof SAFE_LIST_IDS)[number];
/** The list lockdown lets through unless told: upstream v2 3/3 (xen-devel 20250602134656.3836280-4-kevin.lampis@cloud.com). */
export const DEFAULT_SAFE_LIST: SafeListId = "v2";

const V2 = [
  "dom0_max_vcpus",
  "dom0_mem",
  "max_cstate",
  "allow_unsafe",
  "mce",
  "ucode",
  "hap",
  "noirqbalance",
  "watchdog",
  "nosmp",
  "nmi",
  "mmcfg",
  "dom0_vcpus_pin",
  "crashkernel",
  "numa",
  "bootscrub",
  "noreboot",
  "console",
  "vga",
  "com1",
  "com2",
  "lockdown",
];

export const SAFE_LISTS: Readonly<Record<SafeListId, SafeList>> = {
  v2: {
    id: "v2",
    title: "upstream v2 3/3 (2025-06-02)",
    ref: "xen-devel 20250602134656.3836280-4-kevin.lampis@cloud.com",
    names: V2,
    subOptionFilters: false,
  },
  xenserver: {
    id: "xenserver",
    title: "XenServer (2025-09-25)",
    ref: "xenserver-next/xen 48ce556bfb",
    names: [...V2, "hap_1gb", "hap_2mb", "hvm_fep"],
    subOptionFilters: true,
  },
};
