import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import { packageRoot } from "../core/package-root.js";
import { readInput } from "../core/read-input.js";
import { parseJsonSource } from "../core/source-doc.js";
import { catalogueDigest, readSnapshot, snapshotPath } from "./catalogue-snapshot.js";
import { type Catalogue, type FlaskHooks, FlaskHooksSchema } from "./schema.js";

/** Where the Flask hooks of a Xen version ship: `catalogues/flask/xen-<version>.json`. */
export function flaskHooksPath(version: string): string {
  return join(packageRoot(), "catalogues", "flask", `xen-${version}.json`);
}

/**
 * What each Flask hook checks for a catalogue: the catalogue's own `flask` part, else the one shipped for
 * its Xen version (read only when a Flask question is asked: every other command starts without it).
 * Undefined when there is none.
 */
export function loadFlaskHooks(catalogue: Catalogue): FlaskHooks | undefined {
  if (catalogue.flask) return catalogue.flask;
  const path = flaskHooksPath(catalogue.meta.xen);
  if (!/^[\w.-]+$/.test(catalogue.meta.xen) || !existsSync(path)) return undefined;
  return loadFlaskHooksFile(path);
}

/**
 * A file of Flask hooks (`{ "flask": ... }`), validated; a shipped one whose build-time snapshot
 * was made from the same bytes is that snapshot (catalogue-snapshot.ts), unless `snapshot: false`.
 */
export function loadFlaskHooksFile(path: string, o: { snapshot?: boolean } = {}): FlaskHooks {
  const bytes = readInput(path, { code: "catalogue/unreadable" });
  if (o.snapshot !== false) {
    const snapshot = readSnapshot<FlaskHooks>(
      snapshotPath(path),
      catalogueDigest([{ name: basename(path), bytes }]),
    );
    if (snapshot) return snapshot;
  }
  const text = bytes.toString("utf8");
  // the shipped file parses plainly; positions are read only to say where a broken one is wrong
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const r = FlaskHooksSchema.safeParse((value as { flask?: unknown } | undefined)?.flask);
  if (!r.success) {
    const { doc, diagnostics } = parseJsonSource(text, path, "catalogue");
    if (!doc) throw new InputError(diagnostics);
    throw new InputError(
      r.error.issues.map((i) =>
        error(
          "catalogue/invalid",
          `${i.path.join(".")}: ${i.message}`,
          doc.spanOf(["flask", ...(i.path as (string | number)[])]),
        ),
      ),
    );
  }
  return r.data;
}
