import { allowed, listed } from "../reach.js";
import type { Rule } from "../rule.js";

export const xenstoreNeeds: Rule = {
  id: "xenstore-needs",
  category: "roles",
  defaultSeverity: "warning",
  what: "a xenstore domain that the policy does not let do what xenstored needs",
  why: "xenstored watches every domain: it reads their state (XEN_DOMCTL_getdomaininfo, and XEN_DOMCTL_get_domain_state from 4.22) to notice new and dying domains and release their nodes. Xen's default policy grants exactly these to the xenstore domain through XSM_XS_PRIV (xen/include/xsm/dummy.h:137 at RELEASE-4.22.0); a policy that withholds them leaves xenstored blind to other domains.",
  examples: {
    bad: `xsm: some-policy-without-xs_priv
domains:
  - { name: xs, domid: 1, caps: [xenstore] }`,
    good: `xsm: dummy
domains:
  - { name: xs, domid: 1, caps: [xenstore] }`,
  },
  messages: {
    lacks: "the xenstore domain `{{domain}}` may not {{ops}} on the other domains under {{policy}}",
  },
  check(ctx) {
    // what the catalogue checks with XSM_XS_PRIV alone is what Xen's own policy sets aside for xenstore
    const needs = ctx.index.ops
      .filter((o) => {
        const xsm = o.checks.filter((c) => c.kind === "xsm");
        return o.target.kind === "domain" && xsm.length > 0 && xsm.every((c) => c.action === "XS_PRIV");
      })
      .map((o) => o.id);
    return ctx.system.domains
      .filter((d) => d.caps.xenstore)
      .flatMap((xs) => {
        const others = ctx.system.domains.filter((t) => t !== xs);
        const missing = needs.filter((op) => others.some((t) => !allowed(ctx, op, xs, t)));
        if (missing.length === 0 || others.length === 0) return [];
        const span = ctx.system.spans[xs.name];
        return [
          {
            messageId: "lacks",
            data: { domain: xs.name, ops: listed(missing), policy: ctx.model.policy.name },
            ...(span && { span }),
            help: "grant the xenstore domain these operations on every domain, as XSM_XS_PRIV does",
            ref: "xen/include/xsm/dummy.h:137",
          },
        ];
      });
  },
};
