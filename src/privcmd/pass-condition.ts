import type { Condition } from "./filter-facts.js";
import type { PrivcmdContext } from "./privcmd-call.js";

/**
 * What must hold for a call to pass one of the XenServer filter's checks, in words: the condition
 * under which it is allowed, never the state a particular call failed in. `other` conditions are
 * shown by their own words; they are not evaluated.
 */
export function passCondition(c: Condition, ctx: Pick<PrivcmdContext, "kexecSignatureCheck"> = {}): string {
  switch (c.kind) {
    case "target-not-dom0":
      return "the target domain is not domain 0";
    case "field-zero":
      return `${c.field} is 0`;
    case "inner-subops":
      return `${c.field} is ${c.allowed.length === 1 ? c.allowed[0] : `one of ${c.allowed.join(", ")}`}`;
    case "signed-image":
      // without the build option the filter refuses every image: nothing the caller passes helps
      return ctx.kexecSignatureCheck === false
        ? `never: the kernel is built without ${c.config}`
        : `segment 0 carries a valid signature (${c.config})`;
    case "pci-device":
      return "the device is a PCI device";
    case "not-in-multicall":
      return "it is not an entry of a multicall";
    case "other":
      return c.what;
  }
}
