import type { ClassifiedOp } from "./classify.js";
import type { XenServerFilter } from "./filter-facts.js";
import type { Profile } from "./profile.js";

export const BUILTIN_PROFILES = ["none", "restrict", "xenserver", "pointer-free"] as const;
export type BuiltinProfileId = (typeof BUILTIN_PROFILES)[number];

/**
 * A built-in profile. `restrict` filters nothing itself: the fd's restriction (RESTRICT, or
 * XSA-482's in a domU) does the work, and the caller sets it in the context.
 */
export function builtinProfile(
  id: BuiltinProfileId,
  filter: XenServerFilter,
  classified: () => readonly ClassifiedOp[],
): Profile {
  switch (id) {
    case "none":
      return { kind: "none", id, title: "mainline Linux privcmd in dom0: no filter" };
    case "restrict":
      return { kind: "none", id, title: "IOCTL_PRIVCMD_RESTRICT: the fd's restriction, no filter" };
    case "xenserver":
      return {
        kind: "xenserver",
        id,
        title: `XenServer/XCP-ng filter-hypercall (${filter.source} ${filter.commit.slice(0, 8)})`,
        facts: filter,
      };
    case "pointer-free":
      return {
        kind: "pointer-free",
        id,
        title: "pointer-free control-plane operations only (the DMOP design, generalised)",
        allowed: new Set(
          classified()
            .filter((c) => c.class !== "privileged" && !c.whenDom0 && c.pointerFree === true)
            .map((c) => c.id),
        ),
        errno: "EPERM",
      };
  }
}
