import { isPrivileged } from "../reach.js";
import type { Rule } from "../rule.js";

export const secureBootSplit: Rule = {
  id: "secure-boot-split",
  category: "secure-boot",
  defaultSeverity: "error",
  what: "a split dom0 on a system that boots with Secure Boot",
  why: 'The Secure Boot design supports only a monolithic dom0 in its first version: "secure boot v1 will only allow a monolithic dom0 [because] otherwise one privileged domain could target the other and violate specs" (seed 001, Xen Summit design session on Secure Boot and lockdown).',
  examples: {
    bad: `build: { secure_boot: true }
domains:
  - { name: ctl, domid: 1, caps: [control] }
  - { name: hw, domid: 2, caps: [hardware] }`,
    good: `build: { secure_boot: true }
domains:
  - { name: dom0, domid: 0 }
  - { name: guest, domid: 1 }`,
  },
  messages: {
    split:
      "Secure Boot is on and the privileged roles are split across {{domains}}: Secure Boot v1 supports only a monolithic dom0",
  },
  check(ctx) {
    if (!ctx.secureBoot) return [];
    const privileged = ctx.system.domains.filter(isPrivileged);
    const monolithic = privileged.length <= 1 && privileged.every((d) => d.caps.control && d.caps.hardware);
    if (monolithic) return [];
    const first = privileged[0];
    const span = first ? ctx.system.spans[first.name] : undefined;
    return [
      {
        messageId: "split",
        data: { domains: privileged.map((d) => `\`${d.name}\``).join(", ") },
        ...(span && { span }),
        help: "boot a monolithic dom0 (control and hardware in one domain) under Secure Boot",
      },
    ];
  },
};
