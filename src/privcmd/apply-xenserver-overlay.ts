import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import type { Hypercall, HypercallCatalogue, OverlayMark, Subop } from "./hypercall-catalogue.js";
import type { OverlaySubop, XenServerOverlay } from "./xenserver-overlay.js";

/** The overlay file's path as the marks name it. */
export const OVERLAY_FILE = "catalogues/privcmd/xenserver-overlay.json";

function subopOf(s: OverlaySubop, hypercall: string): Subop {
  const mark: OverlayMark = {
    source: OVERLAY_FILE,
    ...(s.unverified && { unverified: s.unverified }),
    decidedBy: s.decidedBy,
    ...(s.note && { note: s.note }),
  };
  return {
    name: s.name,
    constant: s.constant,
    ...(s.value !== undefined && { value: s.value }),
    ref: s.ref ?? `${OVERLAY_FILE}#${hypercall}/${s.name}`,
    arch: s.arch,
    ...(s.struct && { struct: s.struct }),
    ...(s.handles && { handles: s.handles }),
    overlay: mark,
  };
}

/**
 * The hypercall catalogue with XenServer's operations added, each marked as the overlay's. An
 * operation the catalogue already has stays upstream's; a number that collides with another
 * operation's is bad input (the overlay is wrong for this catalogue).
 */
export function applyXenServerOverlay(
  catalogue: HypercallCatalogue,
  overlay: XenServerOverlay,
): HypercallCatalogue {
  const hypercalls: Hypercall[] = catalogue.hypercalls.map((h) => ({ ...h, subops: [...h.subops] }));
  for (const o of overlay.hypercalls) {
    let h = hypercalls.find((x) => x.name === o.name);
    if (!h) {
      if (o.number === undefined || !o.ref || !o.callers || !o.decidedBy)
        fail(
          error(
            "privcmd/overlay-extends-missing",
            `the overlay adds sub-ops to ${o.name}, which the Xen ${catalogue.xen} catalogue does not have`,
          ),
        );
      const clash = hypercalls.find((x) => x.number === o.number && (x.callers.x86pv || x.callers.x86hvm));
      if (clash)
        fail(
          error(
            "privcmd/overlay-clash",
            `the overlay's ${o.name} is hypercall ${o.number}, which is ${clash.name} in Xen ${catalogue.xen}`,
          ),
        );
      h = {
        name: o.name,
        number: o.number,
        ref: o.ref,
        callers: o.callers,
        ...(o.callersRef && { callersRef: o.callersRef }),
        ...(o.selector && { selector: o.selector }),
        subops: [],
        overlay: { source: OVERLAY_FILE, decidedBy: o.decidedBy, ...(o.note && { note: o.note }) },
      };
      hypercalls.push(h);
    }
    for (const s of o.subops) {
      if (h.subops.some((x) => x.name === s.name)) continue;
      const clash = s.value === undefined ? undefined : h.subops.find((x) => x.value === s.value);
      if (clash)
        fail(
          error(
            "privcmd/overlay-clash",
            `the overlay's ${o.name}/${s.name} is ${s.value}, which is ${o.name}/${clash.name} in Xen ${catalogue.xen}`,
          ),
        );
      h.subops.push(subopOf(s, o.name));
    }
  }
  return { ...catalogue, hypercalls };
}
