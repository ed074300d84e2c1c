import type { Diagnostic } from "../core/diagnostic.js";
import type { ArmIommu } from "./arm-iommu.js";
import { type BootContext, bootFinding } from "./boot-context.js";

/**
 * The IOMMU set-up's own verdicts, before any domain is built: the panics of iommu_setup() and
 * start_xen(), and a note for each driver assumed in the build because no configuration says.
 */
export function iommuRules(ctx: BootContext, arm: ArmIommu): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const n of arm.assumed) {
    if (ctx.assumed.has(n.driver.option)) continue;
    ctx.assumed.add(n.driver.option);
    out.push(
      bootFinding(
        "assumed-build-option",
        `\`${n.node.path}\` is Xen's IOMMU only with a driver the build may not have: ${n.build.why}`,
        n.node,
        "compatible",
        n.driver.ref,
        `give the build's \`.config\` with --kconfig to check it (without ${n.driver.option} Xen has no driver for this node)`,
        "note",
      ),
    );
  }
  if (arm.panic) {
    const node = arm.panic.node ?? ctx.dts.chosen;
    const code = arm.force && !arm.enabled ? "iommu-required" : "iommu-setup-failed";
    out.push(
      bootFinding(
        code,
        `${arm.why ? `Xen has no IOMMU (${arm.why})` : "the IOMMU set-up fails"}: ${arm.panic.message}`,
        node,
        arm.panic.node ? "compatible" : "xen,xen-bootargs",
        arm.panic.ref,
        arm.panic.help,
      ),
    );
  }
  return out;
}
