import type { Severity } from "../core/diagnostic.js";

/** One condition of Xen's boot rules: what it is, how grave, and the Xen source that decides it (at RELEASE-4.22.0). */
export interface BootCondition {
  readonly what: string;
  readonly severity: Severity;
  /** the main lines; each finding carries the exact line of its case */
  readonly ref: string;
}

const BND = "xen/common/device-tree/dom0less-bindings.c";
const CDB = "xen/common/device-tree/dom0less-build.c";
const ADB = "xen/arch/arm/dom0less-build.c";
const BI = "xen/common/device-tree/bootinfo.c";
const SHM = "xen/common/device-tree/static-shmem.c";
const SMEM = "xen/common/device-tree/static-memory.c";
const EVT = "xen/common/device-tree/static-evtchn.c";
const PT = "xen/drivers/passthrough";

/**
 * Every condition the boot rules report, by the code after `boot/`: each is its own SARIF rule
 * (`xen-boot/<id>`) with its own page, docs/rules/xen-boot/<id>.md. bootFinding() takes only these ids.
 */
export const BOOT_CONDITIONS = {
  "assumed-build-option": {
    what: "a build option the tree needs and no `.config` decides, assumed on",
    severity: "note",
    ref: "xen/common/Kconfig",
  },
  "iommu-required": {
    what: "`iommu=force` or `iommu=required` on Xen's command line, and no IOMMU Xen can use",
    severity: "error",
    ref: `${PT}/iommu.c:579-582`,
  },
  "iommu-setup-failed": {
    what: "an IOMMU node that fails its driver's probe (or IPMMU caches without a usable root): the IOMMU set-up fails and Xen panics",
    severity: "error",
    ref: "xen/arch/arm/setup.c:455-457",
  },
  "invalid-capabilities": {
    what: "`capabilities` with bits outside DOMAIN_CAPS_MASK (0x7)",
    severity: "error",
    ref: `${BND}:38-39`,
  },
  "second-hardware-domain": {
    what: "a second hardware domain (dom0 is one whenever it is built)",
    severity: "error",
    ref: `${BND}:44-48`,
  },
  "second-xenstore-domain": {
    what: "a second xenstore domain (dom0 is one whenever it is built)",
    severity: "error",
    ref: `${CDB}:39-46`,
  },
  "xenstore-missing": {
    what: "`xen,enhanced` asks for xenstore and no domain is the xenstore domain",
    severity: "error",
    ref: `${CDB}:918-919`,
  },
  "missing-cpus": { what: "a `xen,domain` without a `cpus` cell", severity: "error", ref: `${BND}:82-84` },
  "no-vcpus": {
    what: "`cpus = <0>`: domain_create() refuses a domain without vCPUs",
    severity: "error",
    ref: "xen/common/domain.c:822-826",
  },
  "too-many-vcpus": {
    what: "more vCPUs than the vGIC and the build allow (8 with a GICv2 or on arm32, otherwise 128)",
    severity: "error",
    ref: "xen/arch/arm/domain.c:631-644",
  },
  "too-many-spis": {
    what: "`nr_spis` above 988 once rounded up to 32",
    severity: "error",
    ref: "xen/arch/arm/vgic.c:254-261",
  },
  "missing-memory": {
    what: "a `xen,domain` without a 64-bit `memory`",
    severity: "error",
    ref: `${CDB}:784-789`,
  },
  "missing-kernel": {
    what: "no kernel Xen can find, for dom0 or for a `xen,domain`",
    severity: "error",
    ref: "xen/common/device-tree/kernel.c:158-205",
  },
  "hardware-passthrough": {
    what: "a hardware domain with `passthrough`",
    severity: "error",
    ref: `${BND}:86-89`,
  },
  "hardware-needs-iommu": {
    what: "a hardware domain that is not direct-mapped while Xen has no IOMMU (from the tree, the build and `iommu=`)",
    severity: "error",
    ref: `${BND}:95-97`,
  },
  "hardware-partial-device-tree": {
    what: "a hardware domain followed anywhere in the tree by a `multiboot,device-tree` module",
    severity: "error",
    ref: `${BND}:99-102`,
  },
  "hardware-nr-spis": { what: "a hardware domain with `nr_spis`", severity: "error", ref: `${ADB}:412-413` },
  "hardware-vpl011": {
    what: "`vpl011` on the hardware domain, which Xen silently ignores",
    severity: "warning",
    ref: `${CDB}:826-847`,
  },
  "grant-version": {
    what: "`max_grant_version` that is 0 in its low 4 bits, or above what `gnttab=max-ver` allows",
    severity: "error",
    ref: "xen/common/grant_table.c:1994-2006",
  },
  "grant-frames-overflow": {
    what: "`max_grant_frames` or `max_maptrack_frames` above INT32_MAX",
    severity: "error",
    ref: `${BND}:124-136`,
  },
  "grant-frames-zero": {
    what: "`max_grant_frames = <0>`",
    severity: "error",
    ref: "xen/common/grant_table.c:2014-2018",
  },
  "trap-unmapped-accesses": {
    what: "`trap-unmapped-accesses` above 1",
    severity: "error",
    ref: `${ADB}:445-451`,
  },
  "module-missing-reg": {
    what: "a boot module without `reg`",
    severity: "error",
    ref: "xen/common/device-tree/bootinfo-fdt.c:230-232",
  },
  "module-reg-too-short": {
    what: "a boot module whose `reg` is shorter than the cells Xen inherits",
    severity: "error",
    ref: "xen/common/device-tree/bootinfo-fdt.c:234-236",
  },
  "module-bootargs-too-long": {
    what: "a boot module's `bootargs` over 1024 characters",
    severity: "error",
    ref: `${BI}:303-304`,
  },
  "module-bootargs-lost": {
    what: "a kernel's `bootargs` Xen never finds, as its domain node has a unit address",
    severity: "warning",
    ref: "xen/common/device-tree/kernel.c:196-199",
  },
  "module-too-many": {
    what: "a boot module beyond the 32 Xen keeps",
    severity: "warning",
    ref: `${BI}:229-234`,
  },
  "module-overlap": {
    what: "a boot module overlapping another module or static memory, which Xen drops",
    severity: "warning",
    ref: `${BI}:241-242`,
  },
  "direct-map-without-static-mem": {
    what: "`direct-map` without `xen,static-mem` (or without CONFIG_STATIC_MEMORY)",
    severity: "error",
    ref: `${BND}:73-77`,
  },
  "static-mem-with-llc-coloring": {
    what: "`xen,static-mem` while LLC coloring is on",
    severity: "error",
    ref: `${BND}:65-68`,
  },
  "static-mem-not-built": {
    what: "`xen,static-mem` on a build without CONFIG_STATIC_MEMORY",
    severity: "error",
    ref: "xen/include/xen/static-memory.h:32-44",
  },
  "static-mem-cells": {
    what: "`xen,static-mem` read with `#address-cells`/`#size-cells` Xen refuses",
    severity: "error",
    ref: "xen/common/device-tree/bootinfo-fdt.c:128-133",
  },
  "static-mem-bank-too-large": {
    what: "a static memory bank of more than 2^32 pages",
    severity: "error",
    ref: `${SMEM}:49-54`,
  },
  "static-mem-too-many-banks": {
    what: "a direct-mapped domain with more static banks than a guest may have (256)",
    severity: "error",
    ref: `${SMEM}:212-217`,
  },
  "static-mem-size-mismatch": {
    what: "`xen,static-mem` banks that do not add up to `memory`",
    severity: "error",
    ref: `${SMEM}:174-179`,
  },
  "shared-memory-not-built": {
    what: "static shared memory nodes on a build without CONFIG_STATIC_SHM",
    severity: "error",
    ref: "xen/common/device-tree/bootinfo-fdt.c:357-365",
  },
  "shared-memory-cells": {
    what: "static shared memory read with cells Xen refuses",
    severity: "error",
    ref: `${SHM}:540-544`,
  },
  "shared-memory-id": {
    what: "a missing, empty or too long `xen,shm-id`",
    severity: "error",
    ref: `${SHM}:550-559`,
  },
  "shared-memory-role": {
    what: 'a `role` other than "owner" or "borrower"',
    severity: "error",
    ref: `${SHM}:565-575`,
  },
  "shared-memory-missing": {
    what: "a static shared memory node without `xen,shared-mem`",
    severity: "error",
    ref: `${SHM}:583-585`,
  },
  "shared-memory-layout": {
    what: "`xen,shared-mem` whose length fits neither layout (with or without a host address)",
    severity: "error",
    ref: `${SHM}:588-598`,
  },
  "shared-memory-alignment": {
    what: "a shared region not page-aligned, or of size 0",
    severity: "error",
    ref: `${SHM}:612-617`,
  },
  "shared-memory-id-reused": {
    what: "one `xen,shm-id` used for two different regions",
    severity: "error",
    ref: `${SHM}:652-677`,
  },
  "shared-memory-id-mismatch": {
    what: "one region under two `xen,shm-id`s",
    severity: "error",
    ref: `${SHM}:691-699`,
  },
  "shared-memory-overlap": { what: "shared regions that overlap", severity: "error", ref: `${SHM}:706-708` },
  "shared-memory-too-many": {
    what: "more static shared memory banks than Xen keeps",
    severity: "error",
    ref: `${SHM}:717-721`,
  },
  "shared-memory-two-owners": {
    what: "two owners of one shared region",
    severity: "error",
    ref: `${SHM}:64-129`,
  },
  "shared-memory-direct-map": {
    what: "a shared region of a direct-mapped domain whose guest address is not its host address",
    severity: "error",
    ref: `${SHM}:358-394`,
  },
  "event-channel": {
    what: "a static event channel Xen refuses: ends that do not name each other, no domain, ports out of range or taken",
    severity: "error",
    ref: `${EVT}:16-120`,
  },
  "event-channel-compatible": {
    what: "an event channel node with booting.txt's `xen,evtchn` compatible, which Xen does not look for",
    severity: "warning",
    ref: `${EVT}:45`,
  },
  "event-channel-not-built": {
    what: "static event channels on a build without CONFIG_STATIC_EVTCHN",
    severity: "warning",
    ref: "xen/include/xen/static-evtchn.h:6-14",
  },
  "event-channel-ignored": {
    what: "an event channel under `/chosen` with no hardware domain to own it",
    severity: "warning",
    ref: `${EVT}:135-144`,
  },
  cpupool: {
    what: "a boot-time cpupool Xen refuses: no CPUs, unknown CPUs or scheduler, a CPU in two pools",
    severity: "error",
    ref: "xen/common/sched/boot-cpupool.c:92-140",
  },
  "domain-cpupool": {
    what: "`domain-cpupool` that does not lead to a usable `xen,cpupool`",
    severity: "error",
    ref: `${BND}:114-117`,
  },
  "domain-cpupool-ignored": {
    what: "`domain-cpupool` that Xen ignores (no node, or no CONFIG_BOOT_TIME_CPUPOOLS)",
    severity: "warning",
    ref: `${BND}:111-112`,
  },
  vcpu: {
    what: "a `xen,vcpu` node Xen refuses: a missing or out-of-range `id`, a bad `hard-affinity`",
    severity: "error",
    ref: `${CDB}:687-721`,
  },
  "llc-colors": { what: "`llc-colors` Xen refuses", severity: "error", ref: `${BND}:138-142` },
  "llc-colors-ignored": {
    what: "`llc-colors` on a build without LLC coloring (arm32 or MPU)",
    severity: "warning",
    ref: `${BND}:138-142`,
  },
  sve: {
    what: "`sve` Xen refuses: no CONFIG_ARM64_SVE, or a vector length the hardware or the encoding cannot give",
    severity: "error",
    ref: `${ADB}:424-440`,
  },
  "sci-type": { what: "`xen,sci_type` Xen refuses", severity: "error", ref: `${ADB}:279-300` },
  "v8r-el1-msa": { what: "`v8r_el1_msa` Xen refuses", severity: "error", ref: `${ADB}:313-361` },
  vpl011: {
    what: "`vpl011` Xen cannot give: no CONFIG_SBSA_VUART_CONSOLE, or a bad `vpl011` value",
    severity: "error",
    ref: "xen/arch/arm/vpl011.c:726-731",
  },
  "hyperlaunch-design": {
    what: "a hyperlaunch `/chosen/hypervisor` node, a design Xen 4.22.0 does not implement: its domains are not built",
    severity: "note",
    ref: "docs/designs/launch/hyperlaunch.rst:7",
  },
} as const satisfies Record<string, BootCondition>;

export type BootConditionId = keyof typeof BOOT_CONDITIONS;
