import type { CFunction } from "./xen-tree.js";

/** More definitions than a file the extractor reads can hold: 8 MB at most (xen-tree.ts), `f(){}` each. */
const PER_FILE = 2 ** 20;

/**
 * The function definitions of a tree by name, filled file by file as files are parsed, in any
 * order: each name's definitions are kept in the order of the files (then of the file), as if
 * every file had been read in turn. Asked for a name, it first parses every file not yet parsed
 * that may define it (scan-source.ts), so that a lookup sees every definition; iterating sees the
 * files parsed so far.
 */
export class FunctionTable implements ReadonlyMap<string, readonly CFunction[]> {
  #byName = new Map<string, CFunction[]>();
  /** a definition's place: its file's, then its own in the file */
  readonly #place = new Map<CFunction, number>();
  readonly #parsed: boolean[];
  readonly #definers: (name: string) => readonly number[];
  readonly #parse: (file: number) => void;

  /**
   * `definers`: the files that may define each name; `parse`: parses a file now and `add`s it.
   * With every file added first, `definers` is never asked.
   */
  constructor(files: number, definers: (name: string) => readonly number[], parse: (file: number) => void) {
    this.#parsed = new Array(files).fill(false);
    this.#definers = definers;
    this.#parse = parse;
  }

  /** Whether a file's functions are in. */
  parsed(file: number): boolean {
    return this.#parsed[file] === true;
  }

  /** A file's functions, once; `file` is its place in the tree's order. */
  add(file: number, functions: readonly CFunction[]): void {
    if (this.#parsed[file]) return;
    this.#parsed[file] = true;
    for (const [k, f] of functions.entries()) {
      const place = file * PER_FILE + k;
      this.#place.set(f, place);
      const defs = this.#byName.get(f.name);
      if (!defs) {
        this.#byName.set(f.name, [f]);
        continue;
      }
      // after every definition from this file or one before it
      let at = defs.length;
      while (at > 0 && (this.#place.get(defs[at - 1] as CFunction) ?? 0) > place) at--;
      defs.splice(at, 0, f);
    }
  }

  /** Names in the order a read of every parsed file in turn would meet them (Map order, as findCallSites reports). */
  sortNames(): void {
    const first = (defs: readonly CFunction[]) => this.#place.get(defs[0] as CFunction) ?? 0;
    this.#byName = new Map([...this.#byName].sort(([, a], [, b]) => first(a) - first(b)));
  }

  get(name: string): readonly CFunction[] | undefined {
    for (const file of this.#definers(name)) if (!this.#parsed[file]) this.#parse(file);
    return this.#byName.get(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get size(): number {
    return this.#byName.size;
  }

  forEach(
    fn: (value: readonly CFunction[], key: string, map: ReadonlyMap<string, readonly CFunction[]>) => void,
  ): void {
    for (const [k, v] of this.#byName) fn(v, k, this);
  }

  entries(): MapIterator<[string, readonly CFunction[]]> {
    return this.#byName.entries();
  }

  keys(): MapIterator<string> {
    return this.#byName.keys();
  }

  values(): MapIterator<readonly CFunction[]> {
    return this.#byName.values();
  }

  [Symbol.iterator](): MapIterator<[string, readonly CFunction[]]> {
    return this.#byName.entries();
  }
}
