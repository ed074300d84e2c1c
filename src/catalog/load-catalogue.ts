import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { type Diagnostic, error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import { packageRoot } from "../core/package-root.js";
import { readInput } from "../core/read-input.js";
import { parseJsonSource, type SourceDoc } from "../core/source-doc.js";
import { didYouMean } from "../core/suggest.js";
import { catalogueDigest, readSnapshot, snapshotPath } from "./catalogue-snapshot.js";
import { checkCatalogue } from "./check-catalogue.js";
import { type Catalogue, CatalogueSchema } from "./schema.js";

/** Versions whose catalogue ships with xenpriv. */
export function shippedVersions(): string[] {
  const dir = join(packageRoot(), "catalogues");
  return readdirSync(dir)
    .filter((n) => n.startsWith("xen-"))
    .map((n) => n.replace(/^xen-/, "").replace(/\.json$/, ""))
    .sort();
}

/** Versions with only an extracted catalogue (`catalogues/extracted/xen-4.17.7.json`). */
export function extractedVersions(): string[] {
  const curated = new Set(shippedVersions());
  return readdirSync(join(packageRoot(), "catalogues", "extracted"))
    .flatMap((n) => /^xen-(.+)\.json$/.exec(n)?.slice(1, 2) ?? [])
    .filter((v) => !curated.has(v))
    .sort();
}

/** The catalogue `xenpriv extract` made of a shipped version (`catalogues/extracted/xen-4.22.0.json`), if there is one. */
export function extractedCataloguePath(version: string): string | null {
  const path = join(packageRoot(), "catalogues", "extracted", `xen-${version}.json`);
  return /^[\w.-]+$/.test(version) && existsSync(path) ? path : null;
}

function parse(path: string, bytes: Buffer): SourceDoc {
  const { doc, diagnostics } = parseJsonSource(bytes.toString("utf8"), path, "catalogue");
  if (!doc) throw new InputError(diagnostics);
  return doc;
}

/** The files of a catalogue, read: the file itself, or a directory's `.json` parts in name order. */
export function catalogueParts(path: string): { file: string; name: string; bytes: Buffer }[] {
  const files = statSync(path, { throwIfNoEntry: false })?.isDirectory()
    ? readdirSync(path)
        .filter((n) => n.endsWith(".json"))
        .sort()
        .map((n) => join(path, n))
    : [path];
  return files.map((file) => ({
    file,
    name: basename(file),
    bytes: readInput(file, { code: "catalogue/unreadable" }),
  }));
}

/**
 * Loads a catalogue from a file, or from a directory of part files that are merged
 * (`meta.json`, `hooks.json`, `lookups.json`, `ops-*.json`), and validates it. A shipped catalogue
 * whose parts are those its build-time snapshot was made from is that snapshot, validated then
 * (catalogue-snapshot.ts); `snapshot: false` validates the parts whatever.
 */
export function loadCataloguePath(path: string, o: { snapshot?: boolean } = {}): Catalogue {
  const read = catalogueParts(path);
  if (o.snapshot !== false) {
    const snapshot = readSnapshot<Catalogue>(snapshotPath(path), catalogueDigest(read));
    if (snapshot) return snapshot;
  }
  const parts = read.map((r) => parse(r.file, r.bytes));
  const merged: Record<string, unknown> = { operations: [], hooks: [], lookups: [] };
  const origin: { doc: SourceDoc; key: string; index: number }[] = [];
  for (const doc of parts) {
    const v = doc.value as Record<string, unknown>;
    if (!v || typeof v !== "object")
      throw new InputError([
        error("catalogue/invalid", "a catalogue part must be a JSON object", doc.spanOf([])),
      ]);
    for (const [k, val] of Object.entries(v)) {
      if (k === "$comment") continue;
      if (Array.isArray(val) && Array.isArray(merged[k])) {
        val.forEach((_, index) => {
          origin.push({ doc, key: k, index });
        });
        // one by one: a spread of a part's 200,000 entries would overflow the stack
        for (const x of val) (merged[k] as unknown[]).push(x);
      } else merged[k] = val;
    }
  }
  const r = CatalogueSchema.safeParse(merged);
  if (r.success) {
    // What the schema cannot see but the engine relies on: hooks bound, operands known, switch values given.
    // A call-site action that differs from the hook's is Xen's own link-time finding, not a broken file.
    const opOrigin = origin.filter((x) => x.key === "operations");
    const spanOfOp = (i: number) => {
      const o = opOrigin[i];
      return o?.doc.spanOf(["operations", o.index]);
    };
    const broken = checkCatalogue(r.data, spanOfOp).filter((d) => d.code !== "catalogue/action-mismatch");
    if (broken.length) throw new InputError(broken);
    return r.data;
  }
  const diags: Diagnostic[] = r.error.issues.slice(0, 20).map((issue) => {
    const [key, index, ...rest] = issue.path as (string | number)[];
    const o = origin.filter((x) => x.key === key)[index as number];
    const span = o ? o.doc.spanOf([key as string, o.index, ...rest]) : parts[0]?.spanOf([]);
    return error(
      "catalogue/invalid",
      `\`${issue.path.join(".")}\`: ${issue.message.toLowerCase()}`,
      span,
      "the catalogue does not match schemas/catalogue.schema.json",
    );
  });
  throw new InputError(diags);
}

/** Loads a shipped catalogue by Xen version (`4.22.0`), or a catalogue file or directory by path. */
export function loadCatalogue(versionOrPath: string): Catalogue {
  if (versionOrPath.includes("/") || versionOrPath.endsWith(".json")) {
    if (!existsSync(versionOrPath))
      throw new InputError([
        error(
          "catalogue/missing",
          `no catalogue at \`${versionOrPath}\``,
          undefined,
          "give a shipped version or a catalogue file",
        ),
      ]);
    return loadCataloguePath(versionOrPath);
  }
  const root = join(packageRoot(), "catalogues");
  for (const candidate of [join(root, `xen-${versionOrPath}`), join(root, `xen-${versionOrPath}.json`)]) {
    if (existsSync(candidate)) return loadCataloguePath(candidate);
  }
  // a version only `xenpriv extract` made (every release series from 4.17): its tree's policy comes with it
  const extracted = extractedCataloguePath(versionOrPath);
  if (extracted) return loadCataloguePath(extracted);
  const known = [...shippedVersions(), ...extractedVersions()];
  throw new InputError([
    error(
      "catalogue/unknown-version",
      `no shipped catalogue for Xen \`${versionOrPath}\``,
      undefined,
      didYouMean(versionOrPath, known) ?? `shipped: ${known.join(", ")}`,
    ),
  ]);
}
