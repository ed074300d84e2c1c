import { extractedCataloguePath, loadCatalogue } from "../catalog/load-catalogue.js";
import type { Catalogue } from "../catalog/schema.js";
import { InputError } from "../core/errors.js";
import { applyXenServerOverlay } from "./apply-xenserver-overlay.js";
import { classify } from "./classify.js";
import { loadLinuxPrivcmd, loadXenServerFilter, loadXenServerOverlay } from "./load-filter-facts.js";
import { loadHypercallCatalogue } from "./load-hypercall-catalogue.js";

/**
 * The facts every privcmd query reads, loaded once: the hypercall catalogue of a Xen version, the
 * XenServer filter and Linux's privcmd. With `overlay` (the filter is XenServer's), the hypercall
 * catalogue holds XenServer's operations beyond upstream too, each marked as the overlay's.
 */
export function privcmdFacts(xen: string, overlay = false) {
  const upstream = loadHypercallCatalogue(xen);
  const hypercalls = overlay ? applyXenServerOverlay(upstream, loadXenServerOverlay()) : upstream;
  const filter = loadXenServerFilter();
  const linux = loadLinuxPrivcmd();
  // classifying reads the XSM catalogue too: only `classify` and the pointer-free profile need it
  const classified = () => classify(hypercalls, xsmCatalogue(hypercalls.xen), filter, { linux });
  return { hypercalls, filter, linux, classified };
}

/** What `privcmdFacts` loads. */
export type PrivcmdFacts = ReturnType<typeof privcmdFacts>;

/** Xen's XSM checks of the same version: the curated catalogue where one is shipped, else the extracted one. */
export function xsmCatalogue(xen: string): Catalogue {
  const extracted = extractedCataloguePath(xen);
  try {
    return loadCatalogue(xen);
  } catch (e) {
    if (e instanceof InputError && extracted) return loadCatalogue(extracted);
    throw e;
  }
}
