import { cellOf } from "../../query/cells.js";
import { listed } from "../reach.js";
import type { Rule } from "../rule.js";

export const dmBeyondTarget: Rule = {
  id: "dm-beyond-target",
  category: "privilege",
  defaultSeverity: "warning",
  what: "a domain other than the control domain whose device-model power (XSM_DM_PRIV operations) reaches domains other than its device-model target",
  why: "Under the default policy a device model acts only on the one domain XEN_DOMCTL_set_target bound it to (`src->target == target`, xen/include/xsm/dummy.h:93-94 at RELEASE-4.22.0). A policy that lets it act on other domains (the XSM_HW_PRIV v1 patch gives the hardware domain dm_op on every domain, seed 000; a Flask policy that allows a device-model type `hvm:dm` on a guest type itself instead of the `<guest>_target` type that set_target's type_transition gives, tools/flask/policy/modules/xen.if:268-270) makes one compromised QEMU a threat to every guest it can reach.",
  examples: {
    bad: `domains:
  - { name: hwdom, domid: 0, built: dom0, caps: [hardware] }   # runs QEMU for both guests
  - { name: ctl, domid: 1, built: dom0less, caps: [control] }
  - { name: web, domid: 2, type: hvm }
  - { name: db, domid: 3, type: hvm }`,
    good: `domains:
  - { name: ctl, domid: 0, built: dom0, caps: [control, hardware] }
  - { name: qemu-web, domid: 1, target: web }
  - { name: web, domid: 2, type: hvm }`,
    policy: "hw-priv-v1",
  },
  messages: {
    beyond:
      "`{{domain}}` may act as device model on {{reach}} than its target under {{policy}} (e.g. {{op}} on `{{witness}}`; {{ops}})",
  },
  check(ctx) {
    const dmOps = ctx.index.ops
      .map((o, i) => ({ o, i }))
      .filter(
        ({ o }) =>
          o.target.kind === "domain" && o.checks.some((c) => c.kind === "xsm" && c.action === "DM_PRIV"),
      );
    return ctx.system.domains.flatMap((d) => {
      if (d.caps.control) return [];
      const s = ctx.index.indexOf(d);
      const reached = dmOps.flatMap(({ o, i }) => {
        const c = cellOf(ctx.index, i, s);
        return c.others && c.others !== "none" ? [{ op: o.id, cell: c }] : [];
      });
      if (reached.length === 0) return [];
      const first = reached[0] as (typeof reached)[number];
      const witness =
        first.cell.allowedWitness ??
        ctx.system.domains.find((t) => t !== d && t.domid !== d.target && t.name !== d.name)?.name ??
        "";
      const span = ctx.system.spans[d.name];
      return [
        {
          messageId: "beyond",
          data: {
            domain: d.name,
            reach: reached.some((r) => r.cell.others === "all") ? "every domain other" : "some domains other",
            policy: ctx.model.policy.name,
            op: first.op,
            witness,
            ops: listed(
              reached.map((r) => r.op),
              3,
            ),
          },
          ...(span && { span }),
          help: "bind each device model to its guest with set_target and a policy that confines DM_PRIV to it (dummy; under Flask, allow the device-model type only on `<guest>_target` types)",
          ref: "xen/include/xsm/dummy.h:93-94",
        },
      ];
    });
  },
};
