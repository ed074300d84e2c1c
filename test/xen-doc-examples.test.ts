// Every example of Xen's own device-tree documentation, written out as a whole board
// (test/fixtures/xen-docs/, on the board of board.dtsi), with the verdict Xen 4.22.0 gives it and
// the Xen lines behind that verdict (refs at RELEASE-4.22.0).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseXenConfig } from "../src/cmdline/xen-config.js";
import { loadDeviceTree } from "../src/devicetree/load-device-tree.js";
import { checkBootRules } from "../src/system/boot-rules.js";
import { systemFromDeviceTree } from "../src/system/device-tree-system.js";
import { dotConfig } from "./support/boards.js";

const dir = new URL("./fixtures/xen-docs/", import.meta.url).pathname;

interface Example {
  readonly file: string;
  /** a `.config` (whole) or fragment; none: Xen's defaults, and what the tree needs assumed */
  readonly config?: string;
  /** the domains Xen builds, in order */
  readonly domains: readonly string[];
  /** the boot rules it breaks: code and the Xen line */
  readonly verdict: readonly (readonly [string, string])[];
  /** why, with the Xen lines behind the verdict */
  readonly because: string;
}

const ASSUMED = "boot/assumed-build-option";
const EXAMPLES: readonly Example[] = [
  {
    file: "booting-modules.dts",
    domains: ["dom0"],
    verdict: [],
    because:
      "the first module of unspecified type is dom0's kernel, the ramdisk is typed (xen/common/device-tree/bootinfo-fdt.c:253-263); dom0 is direct-mapped (xen/arch/arm/domain_build.c:1981-1982)",
  },
  {
    file: "booting-legacy-modules.dts",
    domains: ["dom0"],
    verdict: [],
    because:
      "xen,linux-zimage and xen,linux-initrd are still read as kernel and ramdisk (xen/common/device-tree/bootfdt.c:8-15)",
  },
  {
    file: "booting-dom0less.dts",
    domains: ["domU1", "domU2"],
    verdict: [],
    because:
      "no dom0 kernel and domU kernels: dom0less mode (xen/common/device-tree/dom0less-build.c:48-78); vCPU ids below `cpus` and affinities within the 8 pCPUs (dom0less-build.c:687-721); vpl011 with CONFIG_SBSA_VUART_CONSOLE, on by default (xen/arch/arm/Kconfig:184-186)",
  },
  {
    file: "booting-device-assignment.dts",
    domains: ["dom0", "domU1"],
    verdict: [],
    because:
      "a guest's `multiboot,device-tree` is refused only after a hardware domain's node (xen/common/device-tree/dom0less-bindings.c:99-102); the SMMU-500 is probed (CONFIG_ARM_SMMU on by default, xen/drivers/passthrough/Kconfig:6-14), so the guest gets XEN_DOMCTL_CDF_iommu (dom0less-bindings.c:107-108)",
  },
  {
    file: "booting-static-mem.dts",
    domains: ["domU1"],
    verdict: [[ASSUMED, "xen/common/Kconfig:194-196"]],
    because:
      "0x20000000 bytes are the 0x80000 KiB of `memory` (xen/common/device-tree/static-memory.c:174-179); CONFIG_STATIC_MEMORY is off by default",
  },
  {
    file: "booting-static-mem.dts",
    config: dotConfig("CONFIG_ARM_64=y\nCONFIG_STATIC_MEMORY=y\n"),
    domains: ["domU1"],
    verdict: [],
    because: "with CONFIG_STATIC_MEMORY the example boots",
  },
  {
    file: "booting-static-mem.dts",
    config: dotConfig("CONFIG_ARM_64=y\n# CONFIG_STATIC_MEMORY is not set\n"),
    domains: ["domU1"],
    verdict: [["boot/static-mem-not-built", "xen/include/xen/static-memory.h:32-44"]],
    because: "without CONFIG_STATIC_MEMORY no RAM is given to domU1 and Xen panics",
  },
  {
    file: "booting-static-evtchn.dts",
    domains: ["dom0", "domU1", "domU2"],
    verdict: [],
    because:
      "every end names the other (xen/common/device-tree/static-evtchn.c:59-75), ports 0xa-0xd are free and below 1023 (static-evtchn.c:100-120); CONFIG_STATIC_EVTCHN is on by default (xen/common/Kconfig:213-216)",
  },
  {
    file: "booting-static-heap.dts",
    domains: ["dom0"],
    verdict: [],
    because:
      "`xen,static-heap` is read by Xen's early scan (xen/common/device-tree/bootinfo-fdt.c:283-293) and changes no domain",
  },
  {
    file: "booting-static-shm.dts",
    domains: ["dom0", "domU1", "domU2"],
    verdict: [[ASSUMED, "xen/common/Kconfig:207-209"]],
    because:
      "each id names one region and each region one id (xen/common/device-tree/static-shmem.c:652-699), dom0's region is direct-mapped (static-shmem.c:358-363); CONFIG_STATIC_SHM is off by default",
  },
  {
    file: "booting-static-shm.dts",
    config: dotConfig(
      "CONFIG_ARM_64=y\nCONFIG_SBSA_VUART_CONSOLE=y\nCONFIG_STATIC_MEMORY=y\n# CONFIG_STATIC_SHM is not set\n",
    ),
    domains: ["dom0", "domU1", "domU2"],
    // one finding per shared-memory node: dom0's and the five under the domains
    verdict: Array.from(
      { length: 6 },
      () => ["boot/shared-memory-not-built", "xen/common/device-tree/bootinfo-fdt.c:357-365"] as const,
    ),
    because:
      'without CONFIG_STATIC_SHM Xen panics "CONFIG_STATIC_SHM must be enabled for parsing static shared memory nodes"',
  },
  {
    file: "dom0less-pandoc.dts",
    domains: ["dom0", "domU1"],
    verdict: [],
    because: "dom0 and one domU whose modules do not overlap (xen/common/device-tree/bootinfo.c:241-242)",
  },
  {
    file: "cpupools-two-pools.dts",
    domains: ["dom0"],
    verdict: [[ASSUMED, "xen/common/sched/Kconfig:68-70"]],
    because:
      "each CPU in one pool, credit2 built by default (xen/common/sched/Kconfig:10-12, boot-cpupool.c:82-131); CONFIG_BOOT_TIME_CPUPOOLS is off by default",
  },
  {
    file: "cpupools-three-pools.dts",
    domains: ["dom0"],
    verdict: [
      [ASSUMED, "xen/common/sched/Kconfig:68-70"],
      [ASSUMED, "xen/common/sched/Kconfig:32-34"],
    ],
    because:
      "the null scheduler defaults to DEBUG (xen/common/sched/Kconfig:32-34), which a release build leaves off",
  },
  {
    file: "cpupools-three-pools.dts",
    config: dotConfig("CONFIG_ARM_64=y\nCONFIG_BOOT_TIME_CPUPOOLS=y\nCONFIG_SCHED_CREDIT2=y\n"),
    domains: ["dom0"],
    verdict: [["boot/cpupool", "xen/common/sched/boot-cpupool.c:82-90"]],
    because:
      'on a release build (no CONFIG_SCHED_NULL) the null scheduler is not registered (xen/common/sched/core.c:2992-3001): Xen panics "Scheduler null does not exists!"',
  },
  {
    file: "cpupools-three-pools.dts",
    config: dotConfig("CONFIG_ARM_64=y\nCONFIG_BOOT_TIME_CPUPOOLS=y\nCONFIG_SCHED_NULL=y\n"),
    domains: ["dom0"],
    verdict: [],
    because: "with the null scheduler built in, the example boots",
  },
];

describe("the examples of Xen's device-tree documentation, as whole boards", () => {
  for (const e of EXAMPLES)
    test(`${e.file}${
      e.config
        ? ` (${e.config.includes("DO NOT EDIT") ? "whole .config" : "fragment"}: ${e.config
            .split("\n")
            .filter((l) => /CONFIG_(STATIC|SCHED_NULL|BOOT_TIME)/.test(l))
            .join(", ")})`
        : ""
    }: ${e.because}`, () => {
      const config = e.config === undefined ? undefined : parseXenConfig(e.config, "xen/.config");
      const dts = systemFromDeviceTree(loadDeviceTree(`${dir}${e.file}`), { ...(config && { config }) });
      assert.deepEqual(
        dts.domains.map((d) => d.domain.name),
        e.domains,
      );
      assert.deepEqual(
        checkBootRules(dts).map((d) => [d.code, d.ref]),
        e.verdict,
      );
    });
});
