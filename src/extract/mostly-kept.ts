import { codeDigest } from "./code-digest.js";
import { ParseCache } from "./parse-cache.js";
import { type SourceFile, treeSalt } from "./parse-files.js";
import { readSource } from "./xen-tree.js";

/** How many of the tree's files are looked up: spread evenly over it, in its order. */
const SAMPLE = 64;
/** At most this share of them new to the cache: a second tag with few files changed. */
const NEW_AT_MOST = 1 / 20;

/**
 * Whether the cache at `cacheDir` has scanned nearly every one of the tree's `files` (at most one in
 * twenty of 64 files, read evenly over the tree, is new to it): an extraction that will parse few
 * files. seed-4.22.0 after RELEASE-4.22.0 has 6 of 727 files new (0 or 1 of the 64); master after
 * it, 106 of 728 (9 expected). A file that cannot be read answers no: the extraction says what it is.
 */
export function mostlyKept(root: string, files: readonly SourceFile[], cacheDir: string): boolean {
  const cache = new ParseCache(cacheDir, treeSalt(), codeDigest());
  const looked = Math.min(SAMPLE, files.length);
  let kept = 0;
  try {
    for (let k = 0; k < looked; k++) {
      const raw = readSource(root, (files[Math.floor((k * files.length) / looked)] as SourceFile).file);
      if (cache.get(cache.key(raw, "scan"), "scan")) kept++;
    }
  } catch {
    return false;
  }
  return looked > 0 && looked - kept <= looked * NEW_AT_MOST;
}
