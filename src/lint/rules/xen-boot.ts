import { checkBootRules } from "../../system/boot-rules.js";
import type { Rule } from "../rule.js";

export const xenBoot: Rule = {
  id: "xen-boot",
  category: "boot",
  defaultSeverity: "error",
  what: "conditions on which Xen 4.22.0 panics or refuses while it builds the domains of an Arm device tree",
  why: "Xen checks the dom0less bindings only at boot, and stops the machine with a panic at the first problem (xen/common/device-tree/dom0less-bindings.c, dom0less-build.c, xen/arch/arm/dom0less-build.c at RELEASE-4.22.0). Every condition is reported here, with the Xen line that panics.",
  examples: {
    bad: `/dts-v1/;
/ {
    #address-cells = <2>;
    #size-cells = <2>;
    chosen {
        a {
            compatible = "xen,domain";
            #address-cells = <1>;
            #size-cells = <1>;
            memory = <0x0 0x40000>;
            cpus = <1>;
            capabilities = <0x2>;
            direct-map;
            xen,static-mem = <0x80000000 0x10000000>;
            module@1 { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x1 0x1000>; };
        };
        b {
            compatible = "xen,domain";
            #address-cells = <1>;
            #size-cells = <1>;
            memory = <0x0 0x40000>;
            cpus = <1>;
            capabilities = <0x2>;
            module@1 { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x1 0x1000>; };
        };
    };
};`,
    good: `/dts-v1/;
/ {
    #address-cells = <2>;
    #size-cells = <2>;
    chosen {
        a {
            compatible = "xen,domain";
            #address-cells = <1>;
            #size-cells = <1>;
            memory = <0x0 0x40000>;
            cpus = <1>;
            capabilities = <0x2>;
            direct-map;
            xen,static-mem = <0x80000000 0x10000000>;
            module@1 { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x1 0x1000>; };
        };
        b {
            compatible = "xen,domain";
            #address-cells = <1>;
            #size-cells = <1>;
            memory = <0x0 0x40000>;
            cpus = <1>;
            module@1 { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x1 0x1000>; };
        };
    };
};`,
  },
  messages: { boot: "{{message}}" },
  check(ctx) {
    if (!ctx.deviceTree) return [];
    return checkBootRules(ctx.deviceTree).map((d) => ({
      messageId: "boot",
      data: { message: d.message },
      code: d.code,
      severity: d.severity,
      ...(d.span && { span: d.span }),
      ...(d.help && { help: d.help }),
      ...(d.ref && { ref: d.ref }),
    }));
  },
};
