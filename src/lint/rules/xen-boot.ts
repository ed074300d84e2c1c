import { BOOT_CONDITIONS } from "../../system/boot-conditions.js";
import { checkBootRules } from "../../system/boot-rules.js";
import { EXAMPLE_SMMU, exampleBoard } from "../example-board.js";
import type { Rule } from "../rule.js";

export const xenBoot: Rule = {
  id: "xen-boot",
  category: "boot",
  defaultSeverity: "error",
  what: "conditions on which Xen 4.22.0 panics or refuses while it builds the domains of an Arm device tree",
  why: "Xen checks the dom0less bindings only at boot, and stops the machine with a panic at the first problem (xen/common/device-tree/dom0less-bindings.c, dom0less-build.c, xen/arch/arm/dom0less-build.c at RELEASE-4.22.0). Every condition is reported here, with the Xen line that panics. Conditions that depend on how Xen was built (static memory, static shared memory, static event channels, boot-time cpupools, LLC coloring, SVE, SCMI, the vUART, MPU builds) read the build's `.config` given with `--kconfig`; without one, an option that is off by default and that the tree needs is assumed on, with a note. Whether Xen has an IOMMU comes from the tree's IOMMU nodes (`compatible`, `status`, `xen,passthrough` and what each driver reads from its node), the build (CONFIG_ARM_SMMU, on by default; CONFIG_ARM_SMMU_V3, off and offered only with CONFIG_EXPERT; CONFIG_IPMMU_VMSA, off unless an R-Car platform selects it; xen/drivers/passthrough/Kconfig:6-36) and `iommu=` on Xen's command line. Each condition is a rule of its own in SARIF, `xen-boot/<condition>`, with its page under docs/rules/xen-boot/.",
  examples: {
    bad: exampleBoard(
      [
        ["a", "capabilities = <0x2>;"],
        ["b", "capabilities = <0x2>;"],
      ],
      EXAMPLE_SMMU,
    ),
    good: exampleBoard(
      [
        ["a", "capabilities = <0x2>;"],
        ["b", ""],
      ],
      EXAMPLE_SMMU,
    ),
  },
  messages: { boot: "{{message}}" },
  // each condition is reported with the code `boot/<id>`
  parts: Object.entries(BOOT_CONDITIONS).map(([id, c]) => ({
    id,
    what: c.what,
    defaultSeverity: c.severity,
    ref: c.ref,
  })),
  check(ctx) {
    if (!ctx.deviceTree) return [];
    return checkBootRules(ctx.deviceTree).map((d) => ({
      messageId: "boot",
      data: { message: d.message },
      code: d.code,
      severity: d.severity,
      ...(d.span && { span: d.span }),
      ...(d.help && { help: d.help }),
      ...(d.ref && { ref: d.ref }),
    }));
  },
};
