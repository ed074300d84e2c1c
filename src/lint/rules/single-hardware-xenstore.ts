import type { Rule } from "../rule.js";

export const singleHardwareXenstore: Rule = {
  id: "single-hardware-xenstore",
  category: "roles",
  defaultSeverity: "error",
  what: "more than one hardware domain or more than one xenstore domain",
  why: 'Xen keeps one `hardware_domain` pointer and one xenstore domid: dom0less panics on a second of either ("Only 1 hardware domain can be specified!", xen/common/device-tree/dom0less-bindings.c:44-48; "Only 1 xenstore domain can be specified!", dom0less-build.c:39-46 at RELEASE-4.22.0), and a toolstack that starts two xenstored has two views of the store.',
  examples: {
    bad: `domains:
  - { name: xs1, domid: 1, caps: [xenstore] }
  - { name: xs2, domid: 2, caps: [xenstore] }`,
    good: `domains:
  - { name: xs, domid: 1, caps: [xenstore] }
  - { name: guest, domid: 2 }`,
  },
  messages: {
    second: "`{{domain}}` is a second {{role}} domain (first: `{{first}}`)",
  },
  check(ctx) {
    const reports = [];
    for (const [role, has] of [
      ["hardware", (d: { caps: { hardware: boolean } }) => d.caps.hardware],
      ["xenstore", (d: { caps: { xenstore: boolean } }) => d.caps.xenstore],
    ] as const) {
      const all = ctx.system.domains.filter(has);
      for (const d of all.slice(1)) {
        const span = ctx.system.spans[d.name];
        reports.push({
          messageId: "second",
          data: { domain: d.name, role, first: all[0]?.name ?? "" },
          ...(span && { span }),
          help: `give the ${role} role to one domain`,
          ref:
            role === "hardware"
              ? "xen/common/device-tree/dom0less-bindings.c:44-48"
              : "xen/common/device-tree/dom0less-build.c:39-46",
        });
      }
    }
    return reports;
  },
};
