import type { CalleeMemo } from "./callee-memo.js";
import type { ParseCache } from "./parse-cache.js";
import { type Place, placeOf, readKey, readValue, WalkReads } from "./walk-reads.js";
import { type HookShape, PathWalker, type WalkResult } from "./walker.js";
import { type Arch, type CFunction, definitionsOn, fileFlags, type XenTree } from "./xen-tree.js";

/** What one walk is asked: the arch, the sub-op followed (null: every label) and where it starts. */
export interface WalkQuestion {
  readonly arch: Arch;
  readonly label: string | null;
  readonly entry: CFunction;
  readonly disc: readonly string[];
}

/** A walk's result as stored: its reads, with their values and places, and the result as JSON. */
interface WalkRecord {
  readonly reads: [key: string, value: string][];
  readonly places: [key: string, places: Place[]][];
  readonly result: unknown;
}

/** What a read gives in this tree: its value and, for definitions, the functions. */
interface Read {
  readonly value: string;
  readonly defs?: readonly CFunction[];
}

const ENTRY = readKey("e");

/** A read's value in this tree (the entry's excepted: it is the question's), or null for a key no walk makes. */
function readNow(
  key: string,
  tree: XenTree,
  hooks: ReadonlyMap<string, HookShape>,
  relevant: ReadonlySet<string>,
): Read | null {
  const [kind, a = "", b = ""] = key.split("\0");
  if (kind === "d") {
    const defs = definitionsOn(tree, b, a as Arch);
    return { value: readValue.definitions(defs), defs };
  }
  if (kind === "h") return { value: readValue.hook(hooks.get(a)) };
  if (kind === "r") return { value: readValue.relevant(relevant.has(a)) };
  if (kind === "f") return { value: readValue.flag(tree.flags.get(a), fileFlags(tree, b).get(a)) };
  if (kind === "k") return { value: tree.kconfig[a as Arch].value(b) };
  return null;
}

/** Records kept per question: a few trees' worth (a release, a patched copy of it, master). */
const RECORDS_PER_QUESTION = 4;
/** A `path:line` ref in any string of a result: a check's, a label's, a reason naming definitions. */
const REF = /(xen\/[\w./-]+\.[ch]):(\d+)/g;

/**
 * Walks (walker.ts) kept between extractions, in the parse cache's directory: a walk is taken again
 * where everything it read (walk-reads.ts) reads the same in this tree, the lines of its refs moved
 * with the functions they are in. A second tag shares most functions with the first, and most walks.
 * The key holds the question and what made the walk: the parse cache's salt and a hash of xenpriv's own
 * code, so that another build never takes a walk made by this one. What cannot be read back is a miss.
 */
export class WalkMemo {
  /** what each read gives in this tree, as walks ask it again and again */
  readonly #now = new Map<string, Read | null>();

  /** The walks of one tree, with what the walker reads besides it; `cache` keyed by the code (code-digest.ts). */
  constructor(
    private readonly cache: ParseCache,
    private readonly tree: XenTree,
    private readonly hooks: ReadonlyMap<string, HookShape>,
    private readonly relevant: ReadonlySet<string>,
  ) {}

  /** `callees`: the helpers' walks of the extraction so far (walker.ts) */
  walk(q: WalkQuestion, callees?: CalleeMemo): WalkResult {
    const { tree, hooks, relevant } = this;
    const key = this.cache.key(JSON.stringify([q.arch, q.label, q.disc, q.entry.name, q.entry.file]), "walk");
    const records = this.#records(key);
    const read = (k: string): Read | null => {
      if (k === ENTRY) return { value: readValue.definitions([q.entry]), defs: [q.entry] };
      let r = this.#now.get(k);
      if (r === undefined) {
        r = readNow(k, tree, hooks, relevant);
        this.#now.set(k, r);
      }
      return r;
    };
    for (const record of records) {
      let result: WalkResult | null = null;
      try {
        result = reuse(record, read);
      } catch {
        // a record of another shape was made by no xenpriv with this code: walked again
      }
      if (result) return result;
    }
    const reads = new WalkReads();
    reads.entry(q.entry);
    const result = new PathWalker(tree, hooks, relevant, q.arch, q.label, reads, callees).run(
      q.entry,
      q.disc,
    );
    const record: WalkRecord = {
      reads: [...reads.values],
      places: [...reads.places],
      result: toJson(result),
    };
    const same = JSON.stringify(record.reads);
    const kept = records.filter((r) => JSON.stringify(r.reads) !== same).slice(0, RECORDS_PER_QUESTION - 1);
    this.cache.put(key, Buffer.from(JSON.stringify([record, ...kept])), "walk");
    return result;
  }

  #records(key: string): WalkRecord[] {
    const bytes = this.cache.get(key, "walk");
    if (!bytes) return [];
    try {
      const records = JSON.parse(Buffer.from(bytes).toString("utf8"));
      // what is not a list of records was made by no xenpriv with this code (a miss, walked again)
      return Array.isArray(records)
        ? records.filter(
            (r): r is WalkRecord => r !== null && typeof r === "object" && Array.isArray(r.reads),
          )
        : [];
    } catch {
      return [];
    }
  }
}

/** The record's result in this tree, or null where it read something else or a ref cannot be moved. */
function reuse(record: WalkRecord, read: (key: string) => Read | null): WalkResult | null {
  for (const [key, value] of record.reads) if (read(key)?.value !== value) return null;
  // how far each function moved, by file
  const moves = new Map<string, [line: number, end: number, by: number][]>();
  for (const [key, places] of record.places) {
    const defs = read(key)?.defs;
    if (!defs || defs.length !== places.length) return null;
    places.forEach(([file, line, end], i) => {
      const by = placeOf(defs[i] as CFunction)[1] - line;
      moves.set(file, [...(moves.get(file) ?? []), [line, end, by]]);
    });
  }
  if (![...moves.values()].some((ranges) => ranges.some(([, , by]) => by !== 0)))
    return fromJson(record.result);
  let lost = false;
  const moved = (text: string): string =>
    text.replace(REF, (ref, file: string, line: string) => {
      const ranges = moves.get(file);
      if (!ranges || ranges.every(([, , by]) => by === 0)) return ref;
      const n = Number(line);
      const range = ranges.find(([from, to]) => n >= from && n <= to);
      if (!range) lost = true;
      return `${file}:${n + (range?.[2] ?? 0)}`;
    });
  const result = fromJson(mapStrings(record.result, moved));
  return lost ? null : result;
}

const mapStrings = (v: unknown, f: (s: string) => string): unknown =>
  typeof v === "string"
    ? f(v)
    : Array.isArray(v)
      ? v.map((x) => mapStrings(x, f))
      : v && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)]))
        : v;

/** A result's maps and sets as arrays, for JSON. */
const toJson = (r: WalkResult): unknown => ({
  ...r,
  labels: [...r.labels],
  systemTargets: [...r.systemTargets].map(([k, s]) => [k, [...s]]),
});

function fromJson(v: unknown): WalkResult {
  const r = v as WalkResult & { labels: [string, never][]; systemTargets: [string, string[]][] };
  const lists = [r.checks, r.labels, r.lookupFailures, r.unresolved, r.systemTargets, r.required];
  if (!lists.every(Array.isArray)) throw new Error("not a walk's result");
  return {
    ...r,
    labels: new Map(r.labels),
    systemTargets: new Map(r.systemTargets.map(([k, s]) => [k, new Set(s)])),
  };
}
