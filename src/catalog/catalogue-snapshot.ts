import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { packageRoot } from "../core/package-root.js";
import type { Catalogue, FlaskHooks } from "./schema.js";

/**
 * A shipped catalogue as the schema returned it, written once at build time
 * (write-catalogue-snapshots.ts) so that a cold command need not validate the same files again:
 * validating the 4.22.0 catalogue with zod is most of a cold `check`. The snapshot holds the digest of
 * the part files it was made from; when a part has changed since, it is not used.
 */
export interface CatalogueSnapshot<T = Catalogue | FlaskHooks> {
  readonly digest: string;
  /** the catalogue, or the Flask hooks of a `catalogues/flask/` file */
  readonly catalogue: T;
}

/** The digest of a catalogue's part files, by name and content. */
export function catalogueDigest(
  parts: readonly { readonly name: string; readonly bytes: Uint8Array }[],
): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(`${p.name}\0${p.bytes.length}\0`).update(p.bytes);
  return h.digest("hex");
}

/** Where the snapshot of a shipped catalogue lives (dist/catalogues/…); null for any other path. */
export function snapshotPath(path: string): string | null {
  const root = packageRoot();
  const rel = relative(join(root, "catalogues"), path);
  if (rel === "" || rel.startsWith("..") || rel.includes(":")) return null;
  return join(
    root,
    "dist",
    "catalogues",
    `${rel
      .split(sep)
      .join("__")
      .replace(/\.json$/, "")}.json`,
  );
}

/** The catalogue a snapshot file holds if it was made from parts of exactly this digest. */
export function readSnapshot<T extends Catalogue | FlaskHooks>(
  file: string | null,
  digest: string,
): T | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as CatalogueSnapshot<T>;
    return s.digest === digest ? s.catalogue : undefined;
  } catch {
    // a damaged snapshot is only a lost shortcut: the parts are validated as if it were not there
    return undefined;
  }
}
