import type { System } from "../../src/model/system.js";
import { loadSystemText } from "../../src/system/load-system.js";

type Arch = "x86" | "arm";
const TYPES: Record<Arch, readonly string[]> = { x86: ["pv", "pvh", "hvm"], arm: ["pvh"] };
/** the roles a domain other than the hardware domain can combine */
const ROLE_SETS = [[], ["control"], ["xenstore"], ["control", "xenstore"]] as const;

/**
 * Systems that together cover every role combination (control, hardware, xenstore, a device model
 * with its target, a plain guest) on every guest type of an arch. Xen has one hardware domain, so
 * each system has its own: one per type and combination of its other roles.
 */
export function roleCoverageSystems(arch: Arch): { name: string; system: System }[] {
  const out: { name: string; system: System }[] = [];
  for (const hwType of TYPES[arch])
    for (const hwRoles of ROLE_SETS) {
      const lines = [`xen: 4.22.0`, `arch: ${arch}`, `xsm: dummy`, `domains:`];
      const add = (name: string, domid: number, type: string, caps: readonly string[], extra = "") =>
        lines.push(
          `  - { name: ${name}, domid: ${domid}, type: ${type}, built: ${domid === 0 ? "dom0" : "dom0less"}, caps: [${caps.join(", ")}]${extra} }`,
        );
      add("hw", 0, hwType, ["hardware", ...hwRoles]);
      let domid = 1;
      for (const type of TYPES[arch]) {
        for (const roles of ROLE_SETS) add([type, ...roles].join("-"), domid++, type, roles);
        add(`${type}-dm`, domid++, type, [], `, target: ${type}-guest`);
        // set_target needs an HVM or PVH target (-EOPNOTSUPP otherwise)
        add(`${type}-guest`, domid++, type === "pv" ? "hvm" : type, []);
      }
      const name = `${arch}-hw-${[hwType, ...hwRoles].join("-")}`;
      out.push({ name, system: loadSystemText(lines.join("\n"), `${name}.yaml`) });
    }
  return out;
}
