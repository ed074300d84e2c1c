import type { Rule } from "../rule.js";

export const controlIsHardware: Rule = {
  id: "control-is-hardware",
  category: "roles",
  defaultSeverity: "warning",
  what: "a disaggregated system in which the control domain is also the hardware domain",
  why: "Splitting dom0 (dom0less `capabilities`, docs/misc/arm/device-tree/booting.txt:179-188 at RELEASE-4.22.0) exists to keep the large, device-facing hardware domain away from the control of other domains. A system that separates some roles (a xenstore domain of its own, a separate domain with one role) but leaves control and hardware together keeps the largest attack surface where the most power is.",
  examples: {
    bad: `domains:
  - { name: ctl, domid: 1, caps: [control, hardware] }
  - { name: xs, domid: 2, caps: [xenstore] }`,
    good: `domains:
  - { name: ctl, domid: 1, caps: [control] }
  - { name: hw, domid: 2, caps: [hardware] }
  - { name: xs, domid: 3, caps: [xenstore] }`,
  },
  messages: {
    both: "`{{domain}}` is both the control and the hardware domain while {{split}} has a role of its own",
  },
  check(ctx) {
    const both = ctx.system.domains.filter((d) => d.caps.control && d.caps.hardware);
    const split = ctx.system.domains.filter(
      (d) => !(d.caps.control && d.caps.hardware) && (d.caps.control || d.caps.hardware || d.caps.xenstore),
    );
    if (split.length === 0) return [];
    return both.map((d) => {
      const span = ctx.system.spans[d.name];
      return {
        messageId: "both",
        data: { domain: d.name, split: split.map((s) => `\`${s.name}\``).join(", ") },
        ...(span && { span }),
        help: "give the hardware role to a domain of its own (capabilities 0x2), or keep dom0 whole",
        ref: "docs/misc/arm/device-tree/booting.txt:179-188",
      };
    });
  },
};
