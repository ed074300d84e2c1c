import { armIommu } from "../../system/arm-iommu.js";
import { DIRECT_MAPPED_HARDWARE, EXAMPLE_SMMU, exampleBoard } from "../example-board.js";
import { allowed } from "../reach.js";
import type { Rule } from "../rule.js";

export const hwdomDmWithoutIommu: Rule = {
  id: "hwdom-dm-without-iommu",
  category: "privilege",
  defaultSeverity: "warning",
  what: "a hardware domain that runs device models for guests while DMA-capable devices are not behind an IOMMU",
  why: "The seed's split gives the hardware domain device-model rights over guests (XSM_HW_PRIV proposals). Without an IOMMU, the devices it owns can DMA anywhere in host memory: whoever controls the hardware domain then reaches every guest and Xen itself, whatever the XSM policy says. Xen only insists on an IOMMU for a hardware domain that is not direct-mapped (xen/common/device-tree/dom0less-bindings.c:95-97 at RELEASE-4.22.0). A device tree shows whether Xen has an IOMMU: a node one of the build's drivers takes and can probe (xen/drivers/passthrough/arm/iommu.c:51-119), and no `iommu=0` (xen/drivers/passthrough/iommu.c:68-79); `--kconfig` gives the build (CONFIG_ARM_SMMU_V3 and CONFIG_IPMMU_VMSA are off by default). A system file says so with `build: { iommu: false }`.",
  examples: {
    policy: "hw-priv-v1",
    bad: exampleBoard([
      ["ctl", "capabilities = <0x1>;"],
      ["hw", DIRECT_MAPPED_HARDWARE],
      ["guest", ""],
    ]),
    good: exampleBoard(
      [
        ["ctl", "capabilities = <0x1>;"],
        ["hw", DIRECT_MAPPED_HARDWARE],
        ["guest", ""],
      ],
      EXAMPLE_SMMU,
    ),
  },
  messages: {
    noIommu:
      "the hardware domain `{{domain}}` may act as device model on {{count}} guest(s) (dm_op) and the board has no IOMMU Xen uses",
  },
  check(ctx) {
    // a device tree says whether the board has an IOMMU; a system file may (`build.iommu`)
    const iommu = ctx.deviceTree ? armIommu(ctx.deviceTree).enabled : ctx.system.build.iommu;
    if (iommu !== false) return [];
    return ctx.system.domains
      .filter((d) => d.caps.hardware)
      .flatMap((hw) => {
        const guests = ctx.system.domains.filter(
          (g) => g !== hw && !g.caps.control && allowed(ctx, "dm_op", hw, g),
        );
        if (guests.length === 0) return [];
        const span = ctx.system.spans[hw.name];
        return [
          {
            messageId: "noIommu",
            data: { domain: hw.name, count: guests.length },
            ...(span && { span }),
            help: "describe the board's IOMMU (an SMMU or IPMMU Xen has a driver for), or run device models elsewhere",
            ref: "xen/common/device-tree/dom0less-bindings.c:95-97",
          },
        ];
      });
  },
};
