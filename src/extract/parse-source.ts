import { join } from "node:path";
import { blankMacros } from "./blank-macros.js";
import { loadArraysParser, type ParseArrays } from "./c-parser.js";
import type { ParseCache } from "./parse-cache.js";
import type { TreeArrays } from "./syntax-tree.js";
import { treeFromBytes, treeToBytes } from "./tree-bytes.js";
import { readSource } from "./xen-tree.js";

/** A C file of a tree as the extractor parses it: its text with macros blanked, and its tree. */
export interface ParsedSource {
  readonly text: string;
  readonly tree: TreeArrays;
  /** the tree as bytes: read from the cache, made for it, or asked for (a worker posts them) */
  readonly bytes?: Uint8Array;
}

let parser: Promise<ParseArrays> | undefined;

/**
 * Reads `file` of the tree at `root`, blanks its macros and parses it, or takes its tree from the
 * cache (then tree-sitter is not even loaded).
 */
export async function parseSource(
  root: string,
  file: string,
  cache: ParseCache | undefined,
  asBytes = false,
): Promise<ParsedSource> {
  const found = cached(root, file, cache);
  if ("tree" in found) return found;
  parser ??= loadArraysParser();
  return parsed(found, join(root, file), await parser, cache, asBytes);
}

/** parseSource with a parser already loaded, on this thread. */
export function parseSourceWith(
  parse: ParseArrays,
  root: string,
  file: string,
  cache: ParseCache | undefined,
): ParsedSource {
  const found = cached(root, file, cache);
  return "tree" in found ? found : parsed(found, join(root, file), parse, cache, false);
}

type Found = ParsedSource | { readonly text: string; readonly key: string | undefined };

function cached(root: string, file: string, cache: ParseCache | undefined): Found {
  const text = blankMacros(readSource(root, file));
  const key = cache?.key(text);
  const hit = key ? cache?.get(key) : null;
  // INVARIANT: the cache returns only buffers treeFromBytes reads
  return hit ? { text, tree: treeFromBytes(hit) as TreeArrays, bytes: hit } : { text, key };
}

function parsed(
  { text, key }: { readonly text: string; readonly key: string | undefined },
  path: string,
  parse: ParseArrays,
  cache: ParseCache | undefined,
  asBytes: boolean,
): ParsedSource {
  const tree = parse(text, path);
  if (!key && !asBytes) return { text, tree };
  const bytes = treeToBytes(tree);
  if (key) cache?.put(key, bytes);
  return { text, tree, bytes };
}
