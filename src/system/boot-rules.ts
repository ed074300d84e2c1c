import { configOption } from "../cmdline/xen-config.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { DtNode } from "../devicetree/device-tree.js";
import { getProperty } from "../devicetree/find-node.js";
import { armIommu } from "./arm-iommu.js";
import { type BootContext, bootFinding } from "./boot-context.js";
import { domainOptionRules } from "./boot-domain-options.js";
import { eventChannelRules } from "./boot-event-channels.js";
import { iommuRules } from "./boot-iommu.js";
import { missingKernel, moduleRules, registerModules } from "./boot-modules.js";
import { sharedMemoryRules } from "./boot-shared-memory.js";
import { staticMemoryRules } from "./boot-static-memory.js";
import { type BootDomain, type DeviceTreeSystem, DOMAIN_CAPS } from "./device-tree-system.js";
import { isAvailable, isCompatible, xenReadString, xenReadU32, xenReadU64 } from "./xen-dt-property.js";

/**
 * The conditions on which Xen 4.22.0 refuses or panics while it builds the domains of an Arm device
 * tree, each from its source (refs at RELEASE-4.22.0): the `xen,domain` bindings
 * (xen/common/device-tree/dom0less-bindings.c), the domain builder (dom0less-build.c) and the Arm
 * part (xen/arch/arm/dom0less-build.c). Xen stops at the first; all are reported.
 */

const BND = "xen/common/device-tree/dom0less-bindings.c";
const CDB = "xen/common/device-tree/dom0less-build.c";
const ADB = "xen/arch/arm/dom0less-build.c";

export interface BootFacts {
  /** `iommu_enabled` at boot; by default, what armIommu() finds from the tree, the build and `iommu=` */
  readonly iommu?: boolean;
}

/** `gnttab=max-ver:N` on Xen's command line; Arm's default is 1 (xen/arch/arm/include/asm/grant_table.h:11). */
function maxGrantVersion(bootargs: string): number {
  let max = 1;
  for (const m of bootargs.matchAll(/(?:^|\s)gnttab=(\S+)/g))
    for (const part of (m[1] as string).split(",")) {
      const v = /^max[-_]ver:([12])$/.exec(part);
      if (v) max = Number(v[1]);
    }
  return max;
}

/** GICv2 parts Xen drives (xen/arch/arm/include/asm/gic.h:186-191); GICv3 is `arm,gic-v3` (:193). */
const GIC_V2 = ["arm,cortex-a15-gic", "arm,cortex-a7-gic", "arm,gic-400"];

/**
 * The most vCPUs a domain may have: the vGIC's limit (8 for GICv2, 4096 for GICv3,
 * xen/arch/arm/vgic.c:903-917) and the arm64 build's MAX_VIRT_CPUS, 128 (xen/arch/arm/include/asm/config.h:35-36).
 */
function maxVcpus(dts: DeviceTreeSystem): { max: number; why: string } {
  const gic = dts.nodes.find(
    (n) => isAvailable(n) && (GIC_V2.some((c) => isCompatible(n, c)) || isCompatible(n, "arm,gic-v3")),
  );
  if (gic && GIC_V2.some((c) => isCompatible(gic, c)))
    return { max: 8, why: `the board's GICv2 (\`${gic.path}\`) allows 8` };
  if (configOption(dts.config, "CONFIG_ARM_32") === true)
    return { max: 8, why: "arm32 Xen allows 8 (MAX_VIRT_CPUS, xen/arch/arm/include/asm/config.h:37-38)" };
  return { max: 128, why: "arm64 Xen allows 128 (MAX_VIRT_CPUS)" };
}

/** Every condition of the boot rules the tree meets, in tree order. */
export function checkBootRules(dts: DeviceTreeSystem, facts: BootFacts = {}): Diagnostic[] {
  // a design Xen does not implement has no boot rules of its own yet
  if (dts.design) return [];
  const out: Diagnostic[] = [];
  const arm = armIommu(dts);
  const iommu = facts.iommu ?? arm.enabled;
  const dom0 = dts.domains.find((d) => d.domain.builtBy === "dom0");
  const limit = maxVcpus(dts);
  let hardware: BootDomain | undefined = dom0;
  const xenstores: BootDomain[] = [];
  let needXenstore: DtNode | undefined;
  const firstHardware = dts.domains.find((d) => ((d.capabilities ?? 0) & DOMAIN_CAPS.hardware) !== 0);
  const ctx: BootContext = {
    dts,
    iommu,
    ...(dom0 && { dom0 }),
    ...((dom0 ?? firstHardware) && { hardware: dom0 ?? firstHardware }),
    domainOf: new Map(dts.domains.flatMap((d) => (d.node ? [[d.node, d] as const] : []))),
    assumed: new Set(),
  };
  // one by one: a board of 200,000 modules has a finding for each, and a spread of them overflows the stack
  if (facts.iommu === undefined) for (const d of iommuRules(ctx, arm)) out.push(d);
  const registry = registerModules(ctx);
  for (const d of moduleRules(ctx, registry)) out.push(d);
  if (dom0 && !registry.registered.some((m) => m.kind === "kernel" && !m.domain)) {
    out.push(
      bootFinding(
        "missing-kernel",
        'no dom0 kernel and no dom0less domain with a kernel: Xen stops with "Missing kernel boot module?"',
        dts.chosen,
        undefined,
        "xen/common/device-tree/kernel.c:201-205",
        "add a `multiboot,kernel` module under `/chosen` for dom0, or `xen,domain` nodes with their kernels",
      ),
    );
  }

  for (const d of dts.domains) {
    const node = d.node;
    if (!node || d.domain.builtBy !== "dom0less") continue;
    const name = node.baseName;
    const caps = d.capabilities ?? 0;
    if (caps & ~DOMAIN_CAPS.mask)
      out.push(
        bootFinding(
          "invalid-capabilities",
          `\`${name}\`: \`capabilities\` is 0x${caps.toString(16)}, with bits outside 0x7: Xen panics "Invalid capabilities"`,
          node,
          "capabilities",
          `${BND}:38-39`,
          "use 0x1 (control), 0x2 (hardware) and 0x4 (xenstore), or their sum",
        ),
      );
    const isHardware = (caps & DOMAIN_CAPS.hardware) !== 0;
    if (isHardware) {
      if (hardware)
        out.push(
          bootFinding(
            "second-hardware-domain",
            `\`${name}\` asks to be the hardware domain, but \`${hardware.domain.name}\` already is: Xen panics "Only 1 hardware domain can be specified!"`,
            node,
            "capabilities",
            `${BND}:44-48`,
            hardware.domain.builtBy === "dom0"
              ? "dom0 is the hardware domain whenever it is built: boot without a dom0 kernel (dom0less mode) to give the role to a `xen,domain` node"
              : "give the hardware bit (0x2) to one domain only",
          ),
        );
      else hardware = d;
    }
    const directMap = !!getProperty(node, "direct-map");
    const cpus = xenReadU32(node, "cpus");
    if (cpus === undefined)
      out.push(
        bootFinding(
          "missing-cpus",
          `\`${name}\` has no \`cpus\` (or it is shorter than one cell): Xen panics "Missing property 'cpus' for domain ${name}"`,
          node,
          "cpus",
          `${BND}:82-84`,
          "add `cpus = <1>;` (the number of vCPUs)",
        ),
      );
    else if (cpus === 0)
      out.push(
        bootFinding(
          "no-vcpus",
          `\`${name}\` has \`cpus = <0>\`: domain_create() refuses a domain without vCPUs`,
          node,
          "cpus",
          "xen/common/domain.c:822-826",
          "give it at least one vCPU",
        ),
      );
    if (cpus !== undefined && cpus > limit.max)
      out.push(
        bootFinding(
          "too-many-vcpus",
          `\`${name}\` asks for ${cpus} vCPUs and ${limit.why}: domain_create() refuses it`,
          node,
          "cpus",
          "xen/arch/arm/domain.c:631-644",
          `use at most ${limit.max}`,
        ),
      );
    const spis = xenReadU32(node, "nr_spis");
    // rounded up to whole ranks of 32 in 32-bit arithmetic, then at most 1020 - 32 without CONFIG_GICV3_ESPI
    if (spis !== undefined && !isHardware && ((spis + 31) & ~31) >>> 0 > 988)
      out.push(
        bootFinding(
          "too-many-spis",
          `\`${name}\`: \`nr_spis = <${spis}>\` is ${((spis + 31) & ~31) >>> 0} once rounded up to 32, more than the 988 SPIs a vGIC has: domain_create() refuses it`,
          node,
          "nr_spis",
          "xen/arch/arm/vgic.c:254-261",
          "use at most 988 (the extended SPI range needs CONFIG_GICV3_ESPI)",
        ),
      );
    const passthrough = xenReadString(node, "passthrough");
    if (isHardware && !passthrough.startsWith("-E"))
      out.push(
        bootFinding(
          "hardware-passthrough",
          `the hardware domain \`${name}\` has \`passthrough\`: Xen panics "Don't specify passthrough for hardware domain"`,
          node,
          "passthrough",
          `${BND}:86-89`,
          "the hardware domain owns the devices already: remove `passthrough`",
        ),
      );
    if (isHardware && !directMap && !iommu)
      out.push(
        bootFinding(
          "hardware-needs-iommu",
          `the hardware domain \`${name}\` is not direct-mapped and Xen has no IOMMU (${facts.iommu === undefined ? arm.why : "as given"}): Xen panics "non-direct mapped hardware domain requires iommu"`,
          node,
          "capabilities",
          `${BND}:95-97`,
          "describe the board's IOMMU (an SMMU or IPMMU node Xen has a driver for), or direct-map the hardware domain",
        ),
      );
    if (isHardware) {
      // dt_find_compatible_node(node, ...) searches from this node to the end of the whole tree
      const later = dts.nodes
        .slice(dts.nodes.indexOf(node) + 1)
        .find((n) => isCompatible(n, "multiboot,device-tree"));
      if (later)
        out.push(
          bootFinding(
            "hardware-partial-device-tree",
            `the hardware domain \`${name}\` is followed by a \`multiboot,device-tree\` module (\`${later.path}\`): Xen panics "\\"multiboot,device-tree\\" incompatible with hardware domain"`,
            node,
            "capabilities",
            `${BND}:99-102`,
            "Xen searches every node after the hardware domain's, not only its children: put domains with a partial device tree before it, or give the hardware domain none",
          ),
        );
      if (getProperty(node, "nr_spis") && xenReadU32(node, "nr_spis") !== undefined)
        out.push(
          bootFinding(
            "hardware-nr-spis",
            `the hardware domain \`${name}\` has \`nr_spis\`: Xen panics "nr_spis cannot be specified for hardware domain"`,
            node,
            "nr_spis",
            `${ADB}:412-413`,
            "the hardware domain gets the host's SPIs: remove `nr_spis`",
          ),
        );
      if (getProperty(node, "vpl011"))
        out.push(
          bootFinding(
            "hardware-vpl011",
            `the hardware domain \`${name}\` has \`vpl011\`: Xen does not create the virtual PL011 for it`,
            node,
            "vpl011",
            `${CDB}:826-847`,
            "construct_domU() sets up the vUART only for domains that are not the hardware domain: remove `vpl011`",
            "warning",
          ),
        );
    }
    if (xenReadU64(node, "memory") === undefined)
      out.push(
        bootFinding(
          "missing-memory",
          // construct_domU() prints why and fails; create_domUs() panics (dom0less-build.c:909-912)
          `\`${name}\` has no 64-bit \`memory\`: Xen prints "Error building DomU: cannot read \\"memory\\" property" and panics "Could not set up domain ${name}"`,
          node,
          "memory",
          `${CDB}:784-789`,
          "add `memory = <0x0 0x40000>;` (KiB, two cells)",
        ),
      );
    const noKernel = missingKernel(ctx, registry, node);
    if (noKernel)
      out.push(
        bootFinding(
          "missing-kernel",
          // kernel_probe() prints "Missing kernel boot module?" and fails with -ENOENT; create_domUs()
          // panics (xen/common/device-tree/dom0less-build.c:909-912)
          `\`${name}\` has no kernel Xen can find (${noKernel}): Xen prints "Missing kernel boot module?" and panics "Could not set up domain ${name}"`,
          node,
          undefined,
          "xen/common/device-tree/kernel.c:158-205",
          'add a child with `compatible = "multiboot,kernel", "multiboot,module";` and its `reg`',
        ),
      );
    const version = xenReadU32(node, "max_grant_version");
    if (version !== undefined) {
      // XEN_DOMCTL_GRANT_version() keeps the low 4 bits (xen/include/public/domctl.h:97-98)
      const v = version & 0xf;
      const max = maxGrantVersion(dts.bootargs);
      if (v === 0 || v > max)
        out.push(
          bootFinding(
            "grant-version",
            v === 0
              ? `\`${name}\`: \`max_grant_version = <${version}>\` is version 0 for Xen (low 4 bits): domain_create() refuses it`
              : `\`${name}\`: \`max_grant_version = <${version}>\` is above the ${max} this Xen allows: domain_create() refuses it`,
            node,
            "max_grant_version",
            v === 0 ? "xen/common/grant_table.c:1994-1999" : "xen/common/grant_table.c:2000-2006",
            v === 0
              ? "use 1 or 2"
              : "Arm's default maximum is 1 (xen/arch/arm/include/asm/grant_table.h:11): add `gnttab=max-ver:2` to Xen's command line, or ask for 1",
          ),
        );
    }
    const trap = xenReadU32(node, "trap-unmapped-accesses");
    if (trap !== undefined && trap > 1)
      out.push(
        bootFinding(
          "trap-unmapped-accesses",
          `\`${name}\`: \`trap-unmapped-accesses = <${trap}>\`: Xen panics "trap-unmapped-accesses: supported values are 0 or 1"`,
          node,
          "trap-unmapped-accesses",
          `${ADB}:445-451`,
          "use 0 or 1",
        ),
      );
    for (const [prop, at] of [
      ["max_grant_frames", "124-129"],
      ["max_maptrack_frames", "131-136"],
    ] as const) {
      const v = xenReadU32(node, prop);
      if (v !== undefined && v > 0x7fffffff)
        out.push(
          bootFinding(
            "grant-frames-overflow",
            `\`${name}\`: \`${prop}\` is ${v}, more than INT32_MAX: Xen panics "${prop} (${v}) overflow"`,
            node,
            prop,
            `${BND}:${at}`,
            "use a value below 2^31",
          ),
        );
    }
    if (caps & DOMAIN_CAPS.xenstore) xenstores.push(d);
    const enhanced = xenReadString(node, "xen,enhanced");
    if (enhanced === "-EILSEQ" || enhanced === "-ENODATA" || enhanced === "enabled" || enhanced === "legacy")
      needXenstore ??= node;
  }

  out.push(
    ...staticMemoryRules(ctx),
    ...sharedMemoryRules(ctx, registry),
    ...domainOptionRules(ctx),
    ...eventChannelRules(ctx),
  );
  // dom0 is the xenstore domain (set_xs_domain(dom0), xen/arch/arm/domain_build.c:2002)
  const xsDomains = [...(dom0 ? [dom0] : []), ...xenstores];
  for (const d of xsDomains.slice(1))
    out.push(
      bootFinding(
        "second-xenstore-domain",
        `\`${d.domain.name}\` asks to be the xenstore domain, but \`${xsDomains[0]?.domain.name}\` already is: Xen panics "Only 1 xenstore domain can be specified!"`,
        d.node as DtNode,
        "capabilities",
        `${CDB}:39-46`,
        dom0
          ? "dom0 is the xenstore domain whenever it is built"
          : "give the xenstore bit (0x4) to one domain only",
      ),
    );
  if (needXenstore && xsDomains.length === 0)
    out.push(
      bootFinding(
        "xenstore-missing",
        `\`${needXenstore.baseName}\` asks for xenstore (\`xen,enhanced\`) but no domain is the xenstore domain: Xen panics "xenstore requested, but xenstore domain not present"`,
        needXenstore,
        "xen,enhanced",
        `${CDB}:918-919`,
        'give one domain `capabilities` with the xenstore bit (0x4), or use `xen,enhanced = "no-xenstore"`',
      ),
    );
  return out;
}
