import { join } from "node:path";
import { loadJsonFile } from "../core/load-json-file.js";
import { packageRoot } from "../core/package-root.js";
import { shippedOrPath, shippedVersions } from "../core/shipped-data.js";
import { type HypercallCatalogue, HypercallCatalogueSchema } from "./hypercall-catalogue.js";

const DIR = () => join(packageRoot(), "catalogues", "privcmd");

/** The shipped hypercall catalogues' versions: `4.22.0`, `master-…`. */
export const shippedHypercallVersions = (): string[] => shippedVersions(DIR());

/** A shipped version's hypercall catalogue, or one from a path; a corrupt one is bad input. */
export function loadHypercallCatalogue(versionOrPath: string): HypercallCatalogue {
  const path = shippedOrPath(DIR(), versionOrPath, {
    code: "privcmd/unknown-version",
    what: "hypercall catalogue",
  });
  return loadJsonFile(path, HypercallCatalogueSchema, {
    code: "privcmd/corrupt",
    what: "a hypercall catalogue",
    help: "regenerate it with `npx tsx scripts/extract-privcmd-catalogue.ts <tree> <version>`",
  });
}
