import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { error } from "./diagnostic.js";
import { fail } from "./errors.js";
import { suggest } from "./suggest.js";

/** The versions of the `xen-<version>.json` files in a shipped folder, sorted. */
export function shippedVersions(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^xen-.*\.json$/.test(f))
        .map((f) => f.slice(4, -5))
        .sort()
    : [];
}

/** A shipped version's file, or the argument as a path; neither is bad input, with the closest version. */
export function shippedOrPath(dir: string, versionOrPath: string, o: { code: string; what: string }): string {
  const shipped = join(dir, `xen-${versionOrPath}.json`);
  if (existsSync(shipped)) return shipped;
  if (existsSync(versionOrPath)) return versionOrPath;
  const versions = shippedVersions(dir);
  const close = suggest(versionOrPath, versions);
  return fail(
    error(
      o.code,
      `no ${o.what} for \`${versionOrPath}\``,
      undefined,
      `${close.length ? `did you mean \`${close[0]}\`? ` : ""}shipped: ${versions.join(", ")}`,
    ),
  );
}
