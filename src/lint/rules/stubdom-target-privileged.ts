import type { Rule } from "../rule.js";

export const stubdomTargetPrivileged: Rule = {
  id: "stubdom-target-privileged",
  category: "roles",
  defaultSeverity: "error",
  what: "a device-model stub domain whose target is the control, hardware or xenstore domain",
  why: "XEN_DOMCTL_set_target gives a domain device-model rights (XSM_TARGET, XSM_DM_PRIV) over its target (xen/common/domctl.c:490-507 at RELEASE-4.22.0). A stub domain that targets a privileged domain can map its memory: a compromised device model then holds that domain's role.",
  examples: {
    bad: `domains:
  - { name: xs, domid: 1, caps: [xenstore] }
  - { name: qemu-xs, domid: 2, target: xs }`,
    good: `domains:
  - { name: guest, domid: 1, type: hvm }
  - { name: qemu-guest, domid: 2, target: guest }`,
  },
  messages: {
    target: "`{{domain}}` serves as device model for `{{target}}`, the {{roles}} domain",
  },
  check(ctx) {
    return ctx.system.domains.flatMap((d) => {
      const t = d.target === null ? undefined : ctx.system.domains.find((x) => x.domid === d.target);
      if (!t) return [];
      const roles = (["control", "hardware", "xenstore"] as const).filter((r) => t.caps[r]);
      if (roles.length === 0) return [];
      const span = ctx.system.spans[d.name];
      return [
        {
          messageId: "target",
          data: { domain: d.name, target: t.name, roles: roles.join(" and ") },
          ...(span && { span }),
          help: "device models serve guests: privileged domains need no emulator of their own",
          ref: "xen/common/domctl.c:490-507",
        },
      ];
    });
  },
};
