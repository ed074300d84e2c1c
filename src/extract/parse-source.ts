import { join } from "node:path";
import { blankMacros } from "./blank-macros.js";
import { loadArraysParser, type ParseArrays } from "./c-parser.js";
import { ChunkMemo } from "./chunk-memo.js";
import type { ParseCache } from "./parse-cache.js";
import type { TreeArrays } from "./syntax-tree.js";
import { treeFromBytes, treeToBytes } from "./tree-bytes.js";
import { type FunctionAt, readSource } from "./xen-tree.js";

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
  raw = readSource(root, file),
): Promise<ParsedSource> {
  const found = cached(raw, cache);
  if ("tree" in found) return found;
  parser ??= loadArraysParser();
  return parsed(found, root, file, await parser, cache, asBytes);
}

/** parseSource with a parser already loaded, on this thread. */
export function parseSourceWith(
  parse: ParseArrays,
  root: string,
  file: string,
  cache: ParseCache | undefined,
  raw = readSource(root, file),
): ParsedSource {
  const found = cached(raw, cache);
  return "tree" in found ? found : parsed(found, root, file, parse, cache, false);
}

type Found = ParsedSource | { readonly text: string; readonly key: string | undefined };

function cached(raw: string, cache: ParseCache | undefined): Found {
  const text = blankMacros(raw);
  const key = cache?.key(text);
  const hit = key ? cache?.get(key) : null;
  // INVARIANT: the cache returns only buffers treeFromBytes reads
  return hit ? { text, tree: treeFromBytes(hit) as TreeArrays, bytes: hit } : { text, key };
}

/** A file parsed, where the cache has a tree of another version of it: only its chunks that changed (chunk-memo.ts). */
function parsed(
  { text, key }: { readonly text: string; readonly key: string | undefined },
  root: string,
  file: string,
  parse: ParseArrays,
  cache: ParseCache | undefined,
  asBytes: boolean,
): ParsedSource {
  const chunks = key && cache ? new ChunkMemo(cache, file) : undefined;
  const tree = parse(text, join(root, file), chunks);
  if (!key && !asBytes) return { text, tree };
  const bytes = treeToBytes(tree);
  if (key && cache?.put(key, bytes)) chunks?.keep(key);
  return { text, tree, bytes };
}

/**
 * A file's functions (functionsAt's) as the cache keeps them, keyed by the file as read (a hit costs
 * no blanking and no tree), or null and the key to keep them under once made.
 */
export function keptFunctions(
  raw: string,
  cache: ParseCache | undefined,
): { readonly key?: string; readonly functions: FunctionAt[] | null } {
  if (!cache) return { functions: null };
  const key = cache.key(raw, "functions");
  const bytes = cache.get(key, "functions");
  let functions: unknown = null;
  try {
    functions = bytes && JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {}
  // the entry's hash was checked: what is of another shape was made by no xenpriv with this code
  return { key, functions: Array.isArray(functions) && functions.every(isFunctionAt) ? functions : null };
}

export function keepFunctions(
  cache: ParseCache | undefined,
  key: string | undefined,
  functions: FunctionAt[],
): void {
  if (cache && key) cache.put(key, Buffer.from(JSON.stringify(functions)), "functions");
}

const strings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === "string");

function isFunctionAt(v: unknown): v is FunctionAt {
  const f = v as Partial<FunctionAt> | null;
  return (
    !!f &&
    typeof f.name === "string" &&
    strings(f.params) &&
    strings(f.guards) &&
    Number.isInteger(f.line) &&
    Number.isInteger(f.body) &&
    strings(f.summary?.calls) &&
    typeof f.summary?.gate === "boolean" &&
    Array.isArray(f.summary?.xsm) &&
    f.summary.xsm.every(
      (x) => !!x && typeof x.name === "string" && Number.isInteger(x.line) && strings(x.args),
    ) &&
    typeof f.extent?.digest === "string" &&
    Number.isInteger(f.extent?.from) &&
    Number.isInteger(f.extent?.to)
  );
}
