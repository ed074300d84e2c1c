import { join } from "node:path";
import { packageRoot } from "../core/package-root.js";
import { shippedVersions } from "../core/shipped-data.js";

/** Where the shipped option catalogues are. */
export const optionCatalogueDir = () => join(packageRoot(), "catalogues", "options");

/** The shipped option catalogues' versions: `4.22.0`, `master-2026-08-20`. */
export const shippedOptionVersions = (): string[] => shippedVersions(optionCatalogueDir());
