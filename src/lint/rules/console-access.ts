import { allowed } from "../reach.js";
import type { Rule } from "../rule.js";

export const consoleAccess: Rule = {
  id: "console-access",
  category: "console",
  defaultSeverity: "note",
  what: "which domains can read Xen's console",
  why: "The console ring holds Xen's log and what every domain wrote to it: boot messages, addresses, warnings. console_io read is allowed to domains with is_console under the default policy (xsm_console_io, xen/include/xsm/dummy.h:257-268 at RELEASE-4.22.0), and every dom0less domain gets is_console (xen/common/device-tree/dom0less-build.c:906).",
  examples: {
    bad: `arch: arm
domains:
  - { name: guest, domid: 1, built: dom0less }   # is_console: reads Xen's log`,
    good: `arch: arm
domains:
  - { name: guest, domid: 1, built: dom0less, console: false }`,
  },
  messages: {
    readers: "{{count}} domain(s) can read the console under {{policy}}: {{domains}}",
  },
  check(ctx) {
    const readers = ctx.system.domains.filter((d) => allowed(ctx, "console_io/read", d, null));
    if (readers.length === 0) return [];
    return [
      {
        messageId: "readers",
        data: {
          count: readers.length,
          policy: ctx.model.policy.name,
          domains: readers.map((d) => `\`${d.name}\``).join(", "),
        },
        ...(ctx.system.spans[readers[0]?.name ?? ""] && { span: ctx.system.spans[readers[0]?.name ?? ""] }),
        help: ctx.deviceTree
          ? "Xen makes every dom0less domain a console domain (dom0less-build.c:906): keep secrets out of Xen's log, or use a policy that checks console_io"
          : "set `console: false` on domains that need not read Xen's log",
        ref: "xen/include/xsm/dummy.h:257-268",
      },
    ];
  },
};
