import { existsSync } from "node:fs";
import { join } from "node:path";
import { extractedCataloguePath, loadCatalogue } from "../catalog/load-catalogue.js";
import type { Catalogue } from "../catalog/schema.js";
import { extractCatalogue } from "./extract-catalogue.js";
import { treeMetaLater } from "./tree-meta.js";
import { DUMMY_H } from "./xen-tree.js";

/**
 * The catalogue a name means for `diff --xen`: a Xen source tree (extracted), a shipped version (its
 * extracted catalogue, so both sides of a diff are read the same way), or a catalogue file.
 */
export async function catalogueFrom(spec: string): Promise<Catalogue> {
  if (isXenTree(spec)) return extractCatalogue(spec, { meta: treeMetaLater(spec) });
  return loadCatalogue(extractedCataloguePath(spec) ?? spec);
}

/** Whether `diff --xen` reads `spec` as a source tree, to be extracted (catalogueFrom). */
export const isXenTree = (spec: string): boolean => existsSync(join(spec, DUMMY_H));
