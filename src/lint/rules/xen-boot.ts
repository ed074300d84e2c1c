import { checkBootRules } from "../../system/boot-rules.js";
import { EXAMPLE_SMMU, exampleBoard } from "../example-board.js";
import type { Rule } from "../rule.js";

export const xenBoot: Rule = {
  id: "xen-boot",
  category: "boot",
  defaultSeverity: "error",
  what: "conditions on which Xen 4.22.0 panics or refuses while it builds the domains of an Arm device tree",
  why: "Xen checks the dom0less bindings only at boot, and stops the machine with a panic at the first problem (xen/common/device-tree/dom0less-bindings.c, dom0less-build.c, xen/arch/arm/dom0less-build.c at RELEASE-4.22.0). Every condition is reported here, with the Xen line that panics. Conditions that depend on how Xen was built (static memory, static shared memory, static event channels, boot-time cpupools, LLC coloring, SVE, SCMI, the vUART, MPU builds) read the build's `.config` given with `--kconfig`; without one, an option that is off by default and that the tree needs is assumed on, with a note.",
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
