import { XSA77_MEMORY_OPS, XSA77_REF, XSA77_SAFE_DOMCTLS } from "../../catalog/xsa77-statement.js";
import { granted, listed, opsUnder } from "../reach.js";
import type { Rule } from "../rule.js";

export const xsa77Delegation: Rule = {
  id: "xsa77-delegation",
  category: "privilege",
  defaultSeverity: "warning",
  what: "operations that the XSA-77 statement says are not safe to delegate, granted to a domain other than the control domain",
  why: 'docs/misc/xsm-flask.txt:20-82 ("Security Status of dom0 disaggregation") lists every domctl but four, every sysctl and three memory_op sub-ops as interfaces "not reviewed for security against hostile callers": Xen handles their bugs in public. A domain that is not fully trusted and is given one of them is only as safe as that unreviewed code.',
  examples: {
    bad: `domains:
  - { name: ctl, domid: 1, caps: [control] }
  - { name: xs, domid: 2, caps: [xenstore] }   # XS_PRIV gives it getdomaininfo
  - { name: guest, domid: 3 }`,
    good: `xsm: dummy
domains:
  - { name: ctl, domid: 1, caps: [control] }
  - { name: guest, domid: 2 }`,
  },
  messages: {
    delegated:
      "`{{domain}}` is granted {{count}} operation(s) that XSA-77 does not consider safe to delegate: {{ops}}",
  },
  check(ctx) {
    // an operation Xen performs without any XSM check (vm_event_op GET_VERSION) is no delegation
    const checked = (id: string) => ctx.model.opsById.get(id)?.checks.some((c) => c.kind === "xsm") === true;
    const covered = [
      ...opsUnder(ctx, "domctl").filter((o) => !XSA77_SAFE_DOMCTLS.has(o)),
      ...opsUnder(ctx, "sysctl"),
      ...XSA77_MEMORY_OPS.filter((o) => ctx.model.opsById.has(o)),
    ].filter(checked);
    return ctx.system.domains
      .filter((d) => !d.caps.control)
      .flatMap((d) => {
        const ops = covered.filter((o) => granted(ctx, o, d));
        if (ops.length === 0) return [];
        const span = ctx.system.spans[d.name];
        return [
          {
            messageId: "delegated",
            data: { domain: d.name, count: ops.length, ops: listed(ops) },
            ...(span && { span }),
            help: "keep these with the control domain, or accept that their bugs are handled in public (https://xenbits.xen.org/xsa/advisory-77.html)",
            ref: XSA77_REF,
          },
        ];
      });
  },
};
