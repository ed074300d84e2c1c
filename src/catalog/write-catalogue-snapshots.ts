import { mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { packageRoot } from "../core/package-root.js";
import { type CatalogueSnapshot, catalogueDigest, snapshotPath } from "./catalogue-snapshot.js";
import { catalogueParts, loadCataloguePath } from "./load-catalogue.js";
import { loadFlaskHooksFile } from "./load-flask-hooks.js";
import type { Catalogue, FlaskHooks } from "./schema.js";

const filesIn = (dir: string, name: RegExp) =>
  readdirSync(dir)
    .filter((n) => name.test(n))
    .map((n) => join(dir, n));

/** Every shipped catalogue (curated, extracted) and Flask hooks file, each with how it is validated. */
function shippedCataloguePaths(): { path: string; load: (path: string) => Catalogue | FlaskHooks }[] {
  const root = join(packageRoot(), "catalogues");
  const catalogue = (path: string) => loadCataloguePath(path, { snapshot: false });
  const flask = (path: string) => loadFlaskHooksFile(path, { snapshot: false });
  return [
    ...filesIn(root, /^xen-/).map((path) => ({ path, load: catalogue })),
    ...filesIn(join(root, "extracted"), /^xen-.+\.json$/).map((path) => ({ path, load: catalogue })),
    ...filesIn(join(root, "flask"), /^xen-.+\.json$/).map((path) => ({ path, load: flask })),
  ];
}

/**
 * Validates every shipped catalogue as a user's would be (catalogue-snapshot.ts) and writes what the
 * schema returned, with the digest of the parts, under dist/catalogues. Run by scripts/build.mjs.
 */
export function writeCatalogueSnapshots(): string[] {
  return shippedCataloguePaths().map(({ path, load }) => {
    const catalogue = load(path);
    const file = snapshotPath(path) as string;
    const snapshot: CatalogueSnapshot = { digest: catalogueDigest(catalogueParts(path)), catalogue };
    mkdirSync(dirname(file), { recursive: true });
    // written whole, then renamed: a build stopped midway leaves no half snapshot
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(snapshot));
    renameSync(tmp, file);
    return file;
  });
}
