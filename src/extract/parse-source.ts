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
  const text = blankMacros(readSource(root, file));
  const key = cache?.key(text);
  const hit = key ? cache?.get(key) : null;
  // INVARIANT: the cache returns only buffers treeFromBytes reads
  if (hit) return { text, tree: treeFromBytes(hit) as TreeArrays, bytes: hit };
  parser ??= loadArraysParser();
  const tree = (await parser)(text);
  if (!key && !asBytes) return { text, tree };
  const bytes = treeToBytes(tree);
  if (key) cache?.put(key, bytes);
  return { text, tree, bytes };
}
