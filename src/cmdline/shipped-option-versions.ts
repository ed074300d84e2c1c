import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/package-root.js";

/** Where the shipped option catalogues are. */
export const optionCatalogueDir = () => join(packageRoot(), "catalogues", "options");

/** The shipped option catalogues' versions: `4.22.0`, `master-2026-08-20`. */
export function shippedOptionVersions(): string[] {
  const dir = optionCatalogueDir();
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^xen-.*\.json$/.test(f))
        .map((f) => f.slice(4, -5))
        .sort()
    : [];
}
