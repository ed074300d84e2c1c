import { mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { packageRoot } from "../core/package-root.js";
import { type CatalogueSnapshot, catalogueDigest, snapshotPath } from "./catalogue-snapshot.js";
import { catalogueParts, loadCataloguePath } from "./load-catalogue.js";

/** Every shipped catalogue: the curated ones (catalogues/xen-*) and the extracted ones. */
function shippedCataloguePaths(): string[] {
  const root = join(packageRoot(), "catalogues");
  const extracted = join(root, "extracted");
  return [
    ...readdirSync(root)
      .filter((n) => n.startsWith("xen-"))
      .map((n) => join(root, n)),
    ...readdirSync(extracted)
      .filter((n) => /^xen-.+\.json$/.test(n))
      .map((n) => join(extracted, n)),
  ];
}

/**
 * Validates every shipped catalogue as a user's would be (catalogue-snapshot.ts) and writes what the
 * schema returned, with the digest of the parts, under dist/catalogues. Run by scripts/build.mjs.
 */
export function writeCatalogueSnapshots(): string[] {
  return shippedCataloguePaths().map((path) => {
    const catalogue = loadCataloguePath(path, { snapshot: false });
    const file = snapshotPath(path) as string;
    const snapshot: CatalogueSnapshot = { digest: catalogueDigest(catalogueParts(path)), catalogue };
    mkdirSync(dirname(file), { recursive: true });
    // written whole, then renamed: a build stopped midway leaves no half snapshot
    writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
    renameSync(`${file}.tmp`, file);
    return file;
  });
}
