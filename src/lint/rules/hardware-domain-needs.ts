import { granted, listed, opsUnder } from "../reach.js";
import type { Rule } from "../rule.js";

/** What a hardware domain drives the platform with: firmware and power (platform_op), PCI and GSI setup. */
const NEEDS = ["platform_op", "physdev_op/pci_device_add", "physdev_op/setup_gsi"];

export const hardwareDomainNeeds: Rule = {
  id: "hardware-domain-needs",
  category: "roles",
  defaultSeverity: "warning",
  what: "a hardware domain that, under the chosen policy, cannot do what hardware domains must",
  why: "Xen's default policy keeps platform_op and the PCI and GSI setup of physdev_op with the control domain (XSM_PRIV: xsm_platform_op, xsm_resource_plug_pci, xsm_resource_setup_gsi, xen/include/xsm/dummy.h:606, 393, 414 at RELEASE-4.22.0): a hardware domain split off under `dummy` cannot register PCI devices, set up interrupts or drive the platform. The XSM_HW_PRIV proposals move these to the hardware domain.",
  examples: {
    bad: `xsm: dummy
domains:
  - { name: ctl, domid: 1, caps: [control] }
  - { name: hw, domid: 2, caps: [hardware] }`,
    good: `xsm: hw-priv-v1
domains:
  - { name: ctl, domid: 1, caps: [control] }
  - { name: hw, domid: 2, caps: [hardware] }`,
  },
  messages: {
    denied: "the hardware domain `{{domain}}` may not {{ops}} under {{policy}}",
  },
  check(ctx) {
    const needs = NEEDS.flatMap((n) => opsUnder(ctx, n));
    return ctx.system.domains
      .filter((d) => d.caps.hardware)
      .flatMap((hw) => {
        const denied = needs.filter((op) => !granted(ctx, op, hw));
        if (denied.length === 0) return [];
        const span = ctx.system.spans[hw.name];
        return [
          {
            messageId: "denied",
            data: { domain: hw.name, ops: listed(denied), policy: ctx.model.policy.name },
            ...(span && { span }),
            help: "use a policy that gives the hardware domain its platform operations (hw-priv-v1, hw-priv-v2), or keep the hardware role with the control domain",
            ref: "xen/include/xsm/dummy.h:606",
          },
        ];
      });
  },
};
