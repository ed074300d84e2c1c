import { createHash } from "node:crypto";
import type { KeptChunks } from "./c-parser.js";
import type { ChunkTree } from "./copy-tree.js";
import type { ParseCache } from "./parse-cache.js";
import type { TreeArrays } from "./syntax-tree.js";
import { treeFromBytes } from "./tree-bytes.js";

/** One chunk of a kept tree: a hash of its text, its length, how many nodes it has, whether it has an error. */
type ChunkEntry = [hash: string, length: number, nodes: number, error: boolean];
/** A tree kept of a file: its key in the cache and its chunks in order. */
interface Version {
  readonly tree: string;
  readonly chunks: ChunkEntry[];
}

/** Versions kept per file: a release, a patched copy of it, master (as walk-memo.ts keeps walks). */
const VERSIONS_PER_FILE = 4;

const hashOf = (chunk: string): string => createHash("sha256").update(chunk).digest("base64url");

/**
 * The chunks (chunk-bounds.ts) of the trees kept of one file, by path in the tree: where the file
 * changed, each chunk whose text another version had is taken from that version's tree, and only
 * the others are parsed (a second tag changes a few functions of a file). The cache keeps, beside
 * each tree, its chunks' hashes, lengths and node counts; what cannot be read back is a miss.
 */
export class ChunkMemo implements KeptChunks {
  readonly #cache: ParseCache;
  readonly #key: string;
  readonly #versions: Version[];
  /** where each chunk's text is: its version, its first node and its offset in that version's tree */
  readonly #where = new Map<string, { at: number; first: number; from: number; entry: ChunkEntry }>();
  readonly #trees = new Map<number, TreeArrays | null>();
  readonly #made: ChunkEntry[] = [];
  #last: [chunk: string, hash: string] | undefined;

  constructor(cache: ParseCache, file: string) {
    this.#cache = cache;
    this.#key = cache.key(file, "chunks");
    this.#versions = versionsIn(cache.get(this.#key, "chunks"));
    this.#versions.forEach((v, at) => {
      let first = 1;
      let from = 0;
      for (const entry of v.chunks) {
        if (!this.#where.has(entry[0])) this.#where.set(entry[0], { at, first, from, entry });
        first += entry[2];
        from += entry[1];
      }
    });
  }

  take(chunk: string, from: number): ChunkTree | undefined {
    const where = this.#where.get(this.#hashOf(chunk));
    if (!where) return undefined;
    const { at, first, entry } = where;
    const [, length, nodes, error] = entry;
    const arrays = this.#tree(at);
    if (
      !arrays ||
      length !== chunk.length ||
      !tiles(arrays, first, first + nodes, where.from, where.from + length)
    )
      return undefined;
    return { arrays, first, end: first + nodes, shift: from - where.from, error };
  }

  made(chunk: string, nodes: number, error: boolean): void {
    this.#made.push([this.#hashOf(chunk), chunk.length, nodes, error]);
  }

  /** A chunk's hash, made once for its `take` and its `made` (the parser asks both of each chunk in turn). */
  #hashOf(chunk: string): string {
    if (this.#last?.[0] !== chunk) this.#last = [chunk, hashOf(chunk)];
    return this.#last[1];
  }

  /** Keeps the chunks made as those of the tree kept under `tree`, first of the file's versions. */
  keep(tree: string): void {
    const versions = [
      { tree, chunks: this.#made },
      ...this.#versions.filter((v) => v.tree !== tree).slice(0, VERSIONS_PER_FILE - 1),
    ];
    this.#cache.put(this.#key, Buffer.from(JSON.stringify(versions)), "chunks");
  }

  #tree(at: number): TreeArrays | null {
    let tree = this.#trees.get(at);
    if (tree === undefined) {
      const bytes = this.#cache.get(this.#versions[at]?.tree ?? "");
      tree = bytes && treeFromBytes(bytes);
      this.#trees.set(at, tree);
    }
    return tree;
  }
}

/** The versions an entry holds, or none where it is not what `keep` wrote. */
function versionsIn(bytes: Uint8Array | null): Version[] {
  if (!bytes) return [];
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return [];
  }
  const count = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
  const isChunk = (c: unknown) =>
    Array.isArray(c) &&
    c.length === 4 &&
    typeof c[0] === "string" &&
    count(c[1]) &&
    count(c[2]) &&
    typeof c[3] === "boolean";
  const isVersion = (x: unknown): x is Version =>
    !!x &&
    typeof (x as Version).tree === "string" &&
    Array.isArray((x as Version).chunks) &&
    (x as Version).chunks.every(isChunk);
  return Array.isArray(v) && v.every(isVersion) ? v : [];
}

/**
 * Whether nodes `first` to `end` of `a` are whole subtrees one after the other, each within the text
 * `from` to `to`, of a type and field the tree names: a kept chunk that is not was not made by `keep`,
 * and is a miss.
 */
function tiles(a: TreeArrays, first: number, end: number, from: number, to: number): boolean {
  if (end > a.kind.length) return false;
  let c = first;
  while (c < end) {
    const size = a.size[c] as number;
    if (size < 1) return false;
    c += size;
  }
  if (c !== end) return false;
  for (let i = first; i < end; i++) {
    const s = a.start[i] as number;
    const e = a.end[i] as number;
    if (s < from || e > to || e < s || i + (a.size[i] as number) > end) return false;
    if ((a.kind[i] as number) >= a.types.length || (a.field[i] as number) >= a.fields.length) return false;
  }
  return true;
}
