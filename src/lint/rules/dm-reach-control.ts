import { allowed, listed } from "../reach.js";
import type { Rule } from "../rule.js";

export const dmReachControl: Rule = {
  id: "dm-reach-control",
  category: "privilege",
  defaultSeverity: "error",
  what: "a domain whose device-model reach (XSM_DM_PRIV) includes the control domain",
  why: "A device model may map the memory of its target and inject interrupts into it (dm_op, XSM_DM_PRIV; xen/include/xsm/dummy.h:712 at RELEASE-4.22.0). A domain that may do so on the control domain owns the control domain, and through it the whole system: the split is gone.",
  examples: {
    bad: `domains:
  - { name: ctl, domid: 1, caps: [control] }
  - { name: qemu, domid: 2, target: ctl }   # a stub domain serving the control domain`,
    good: `domains:
  - { name: ctl, domid: 1, caps: [control] }
  - { name: qemu, domid: 2, target: guest }
  - { name: guest, domid: 3, type: hvm }`,
  },
  messages: {
    reach:
      "`{{domain}}` may act as device model on the control domain `{{control}}` under {{policy}} ({{ops}})",
  },
  check(ctx) {
    const dmOps = ctx.index.ops
      .filter(
        (o) => o.target.kind === "domain" && o.checks.some((c) => c.kind === "xsm" && c.action === "DM_PRIV"),
      )
      .map((o) => o.id);
    const controls = ctx.system.domains.filter((d) => d.caps.control);
    return ctx.system.domains
      .filter((d) => !d.caps.control)
      .flatMap((d) =>
        controls.flatMap((c) => {
          const ops = dmOps.filter((op) => allowed(ctx, op, d, c));
          if (ops.length === 0) return [];
          const span = ctx.system.spans[d.name];
          return [
            {
              messageId: "reach",
              data: { domain: d.name, control: c.name, policy: ctx.model.policy.name, ops: listed(ops, 3) },
              ...(span && { span }),
              help: "no domain but the control domain itself should reach it: change the device-model target or the policy",
              ref: "xen/include/xsm/dummy.h:712",
            },
          ];
        }),
      );
  },
};
