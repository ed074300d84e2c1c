/**
 * A fixture tree made from another by tests: a copy of `base` with some files taken from another
 * tree and some lines replaced, so that a variant states only what differs (a patch applied in part).
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TreeVariant {
  /** files (paths relative to the tree root) copied from another tree over the base's */
  readonly from?: { readonly tree: string; readonly files: readonly string[] };
  /** exact replacements, each of text that occurs exactly once in its file */
  readonly edits?: readonly { readonly file: string; readonly from: string; readonly to: string }[];
}

/** Writes `base` with the variant's files and edits to `dest`; throws when an edit does not match once. */
export function makeTreeVariant(base: string, dest: string, variant: TreeVariant): string {
  cpSync(base, dest, { recursive: true });
  for (const f of variant.from?.files ?? []) cpSync(join(variant.from?.tree ?? "", f), join(dest, f));
  for (const e of variant.edits ?? []) {
    const path = join(dest, e.file);
    const text = readFileSync(path, "utf8");
    const n = text.split(e.from).length - 1;
    if (n !== 1) throw new Error(`${e.file}: \`${e.from}\` occurs ${n} times, not once`);
    writeFileSync(path, text.replace(e.from, e.to));
  }
  return dest;
}
