/**
 * Pieces of C read out of a Xen tree as they are written, for harnesses compiled at test time from
 * the user's tree: a function's definition (found with the extractor's tree-sitter front-end), a
 * `#define` with its continuation lines, a struct. Nothing of Xen's is kept in the project.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { blankMacros } from "../../src/extract/blank-macros.js";
import { loadCParser } from "../../src/extract/c-parser.js";
import { functionsIn, readSource } from "../../src/extract/xen-tree.js";

/** A piece of a tree's C with where it starts. */
export interface CText {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

let parse: Awaited<ReturnType<typeof loadCParser>> | undefined;

/** The definition of `name` in the first of `files` (paths in the tree) that defines it, as written. */
export async function functionText(
  root: string,
  name: string,
  files: readonly string[],
): Promise<CText | undefined> {
  parse ??= await loadCParser();
  for (const file of files) {
    if (!existsSync(join(root, file))) continue;
    const raw = readSource(root, file);
    if (!new RegExp(`\\b${name}\\s*\\(`).test(raw)) continue;
    // macros are blanked byte for byte, so the parse's offsets are offsets in the raw text
    const f = functionsIn(parse(blankMacros(raw)).rootNode, file, null).find((x) => x.name === name);
    const definition = f?.body.parent;
    if (f && definition)
      return { file, line: f.line, text: raw.slice(definition.startIndex, definition.endIndex) };
  }
  return undefined;
}

/** `#define name...` in `text`, continuation lines included. */
export function macroText(text: string, name: string): string | undefined {
  return new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${name}\\b(?:[^\\n]*\\\\\\n)*[^\\n]*`, "m").exec(text)?.[0];
}

/** `struct name { ... };` in `text`, as written (its closing brace at the start of a line). */
export function structText(text: string, name: string): string | undefined {
  return new RegExp(`^struct ${name}\\s*\\{[\\s\\S]*?^\\};`, "m").exec(text)?.[0];
}
