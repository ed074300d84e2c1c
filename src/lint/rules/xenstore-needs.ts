import { grantedOnAllOthers, listed } from "../reach.js";
import type { Rule } from "../rule.js";

export const xenstoreNeeds: Rule = {
  id: "xenstore-needs",
  category: "roles",
  defaultSeverity: "warning",
  what: "a xenstore domain that the policy does not let do what xenstored needs",
  why: "xenstored serves every domain: it reads their state (XEN_DOMCTL_getdomaininfo, and XEN_DOMCTL_get_domain_state from 4.22), which Xen's default policy grants to the xenstore domain through XSM_XS_PRIV (xen/include/xsm/dummy.h:137 at RELEASE-4.22.0); and it binds each domain's store event channel and maps its store page through the grant table (xenevtchn_bind_interdomain and xengnttab_map_grant_ref, tools/xenstored/domain.c:555 and 954). SILO allows those two only with the control domain or oneself (silo_mode_dom_check, xen/xsm/silo.c:27-69): a separate xenstore domain under SILO cannot serve the guests.",
  examples: {
    bad: `xsm: silo
domains:
  - { name: ctl, domid: 1, caps: [control] }
  - { name: xs, domid: 2, caps: [xenstore] }
  - { name: guest, domid: 3 }`,
    good: `xsm: dummy
domains:
  - { name: ctl, domid: 1, caps: [control] }
  - { name: xs, domid: 2, caps: [xenstore] }
  - { name: guest, domid: 3 }`,
  },
  messages: {
    lacks: "the xenstore domain `{{domain}}` may not {{ops}} on the other domains under {{policy}}",
  },
  check(ctx) {
    // what the catalogue checks with XSM_XS_PRIV alone is what Xen's own policy sets aside for xenstore
    const needs = [
      ...["event_channel_op/bind_interdomain", "grant_table_op/map_grant_ref"].filter((o) =>
        ctx.model.opsById.has(o),
      ),
      ...ctx.index.ops
        .filter((o) => {
          const xsm = o.checks.filter((c) => c.kind === "xsm");
          return o.target.kind === "domain" && xsm.length > 0 && xsm.every((c) => c.action === "XS_PRIV");
        })
        .map((o) => o.id),
    ];
    return ctx.system.domains
      .filter((d) => d.caps.xenstore)
      .flatMap((xs) => {
        if (ctx.system.domains.length < 2) return [];
        const missing = needs.filter((op) => !grantedOnAllOthers(ctx, op, xs));
        if (missing.length === 0) return [];
        const span = ctx.system.spans[xs.name];
        return [
          {
            messageId: "lacks",
            data: { domain: xs.name, ops: listed(missing), policy: ctx.model.policy.name },
            ...(span && { span }),
            help: "the xenstore domain needs these on every domain it serves: use a policy that grants them (dummy does)",
            ref: "xen/xsm/silo.c:27-69",
          },
        ];
      });
  },
};
