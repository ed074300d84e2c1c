import { statSync } from "node:fs";
import { join } from "node:path";
import { type ArmView, type ViewText, viewsOfWalk, viewText } from "./arm-view.js";
import type { CalleeMemo } from "./callee-memo.js";
import type { ParseCache } from "./parse-cache.js";
import { identityOf, type Place, placeOf, readKey, readValue, sameButBody, WalkReads } from "./walk-reads.js";
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
  /** the definitions (by key and place in the list) of which the walk read only a view (arm-view.ts) */
  readonly views?: [key: string, at: number, view: readonly ArmView[], text: ViewText][];
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
  // a key walk-reads.ts cannot make (another arch, a file no walk is in) came from no walk: a miss
  const arch = a === "x86" || a === "arm" ? a : null;
  if (kind === "d" && arch) {
    const defs = definitionsOn(tree, b, arch);
    return { value: readValue.definitions(defs), defs };
  }
  if (kind === "h") return { value: readValue.hook(hooks.get(a)) };
  if (kind === "r") return { value: readValue.relevant(relevant.has(a)) };
  if (kind === "f" && isSourceFile(tree.root, b))
    return { value: readValue.flag(tree.flags.get(a), fileFlags(tree, b).get(a)) };
  if (kind === "k" && arch) return { value: tree.kconfig[arch].value(b) };
  return null;
}

/** A C file of the tree's own, as a walk is in: a path under xen/, with no `..`, to a regular file. */
function isSourceFile(root: string, file: string): boolean {
  if (!/^xen\/[\w./-]+\.c$/.test(file) || file.split("/").some((p) => p === ".." || p === ".")) return false;
  try {
    return statSync(join(root, file)).isFile();
  } catch {
    return false;
  }
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
    // A record taken through a view stays as it was made: it holds for this tree as for its own.
    // Writing it again as this tree's cost a second tag 40 ms (4.22.0-rc4 after RELEASE-4.22.0: 205
    // records); a run of the same tree again reads it through its view again (BENCHMARKS.md).
    for (const record of records) {
      const reused = reuse(record, read);
      if (reused) return reused;
    }
    const reads = new WalkReads();
    reads.entry(q.entry);
    const result = new PathWalker(tree, hooks, relevant, q.arch, q.label, reads, callees).run(
      q.entry,
      q.disc,
    );
    const views: NonNullable<WalkRecord["views"]> = [];
    for (const [k, defs] of reads.defs)
      defs.forEach((f, at) => {
        const walked = reads.viewOf(f);
        const seen = walked && viewsOfWalk(f, walked);
        if (seen) views.push([k, at, seen.views, seen.text]);
      });
    const record: WalkRecord = {
      reads: [...reads.values],
      places: [...reads.defs].map(([k, defs]) => [k, defs.map(placeOf)]),
      ...(views.length > 0 && { views }),
      result: toJson(result),
    };
    this.#keep(key, record, records);
    return result;
  }

  /** `record` first, then the others that read something else, up to RECORDS_PER_QUESTION. */
  #keep(key: string, record: WalkRecord, others: readonly WalkRecord[]): void {
    const same = JSON.stringify(record.reads);
    const kept = others.filter((r) => JSON.stringify(r.reads) !== same).slice(0, RECORDS_PER_QUESTION - 1);
    this.cache.put(key, Buffer.from(JSON.stringify([record, ...kept])), "walk");
  }

  #records(key: string): WalkRecord[] {
    const bytes = this.cache.get(key, "walk");
    if (!bytes) return [];
    try {
      const records = JSON.parse(Buffer.from(bytes).toString("utf8"));
      // what is not a record was made by no xenpriv with this code (a miss, walked again)
      return Array.isArray(records) ? records.filter(isRecord) : [];
    } catch {
      return [];
    }
  }
}

/**
 * The record's result in this tree, or null where it read something else or a ref cannot be moved.
 * A definition read only in part (a dispatcher's other cases left out, arm-view.ts) may have changed
 * elsewhere: its view must read the same, and each of the view's parts moves on its own.
 */
function reuse(record: WalkRecord, read: (key: string) => Read | null): WalkResult | null {
  // the new parts of each definition read through its view, by key and place in the list
  const viewed = new Map<string, Map<number, ViewText>>();
  for (const [key, value] of record.reads) {
    const now = read(key);
    if (now?.value === value) continue;
    const defs = now?.defs;
    const views = record.views?.filter(([k]) => k === key) ?? [];
    const was = value.split("\n");
    if (!defs || views.length === 0 || defs.length !== was.length) return null;
    const parts = new Map<number, ViewText>();
    for (const [at, f] of defs.entries()) {
      const identity = identityOf(f);
      if (identity === was[at]) continue;
      const view = views.find(([, i]) => i === at);
      if (!view || !sameButBody(identity, was[at] as string)) return null;
      const text = viewText(f, view[2]);
      if (!text || text.digest !== view[3].digest || text.parts.length !== view[3].parts.length) return null;
      parts.set(at, text);
    }
    viewed.set(key, parts);
  }
  // how far each function moved, by file: a viewed one, each part of it
  const moves = new Map<string, [line: number, end: number, by: number][]>();
  const move = (file: string, line: number, end: number, by: number) =>
    moves.set(file, [...(moves.get(file) ?? []), [line, end, by]]);
  for (const [key, places] of record.places) {
    const defs = read(key)?.defs;
    if (!defs || defs.length !== places.length) return null;
    places.forEach(([file, line, end], i) => {
      const now = viewed.get(key)?.get(i);
      const was = now && record.views?.find(([k, at]) => k === key && at === i)?.[3];
      if (now && was)
        was.parts.forEach(([from, to], p) => {
          move(file, from, to, (now.parts[p] as readonly [number, number])[0] - from);
        });
      else move(file, line, end, placeOf(defs[i] as CFunction)[1] - line);
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
      // a line two parts share (a case's end and the next's start) must move alike in both
      const by = new Set(ranges.filter(([from, to]) => n >= from && n <= to).map(([, , b]) => b));
      if (by.size !== 1) lost = true;
      return `${file}:${n + ([...by][0] ?? 0)}`;
    });
  const json = mapStrings(record.result, moved);
  return lost ? null : fromJson(json);
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

// Tests by hand, not zod: a warm run reads every record of the tree (684 at RELEASE-4.22.0 with
// seed-4.22.0 and master), and zod's first pass over them took 70 ms, a tenth of the run.
type Test = (x: unknown) => boolean;
const isObject: Test = (x) => x !== null && typeof x === "object";
const isString: Test = (x) => typeof x === "string";
const isInt: Test = (x) => Number.isInteger(x);
const listOf = (v: unknown, item: Test): boolean => Array.isArray(v) && v.every(item);
const tuple = (v: unknown, ...items: Test[]): boolean =>
  Array.isArray(v) && v.length === items.length && items.every((item, i) => item(v[i]));
const field = (v: unknown, name: string, test: Test): boolean => test((v as Record<string, unknown>)[name]);

/** A result as toJson wrote it: its lists of objects, its labels and its system targets. */
const isResult: Test = (r) =>
  isObject(r) &&
  ["checks", "lookupFailures", "unresolved", "required"].every((l) =>
    field(r, l, (v) => listOf(v, isObject)),
  ) &&
  field(r, "labels", (v) => listOf(v, (p) => tuple(p, isString, isObject))) &&
  field(r, "systemTargets", (v) => listOf(v, (p) => tuple(p, isString, (s) => listOf(s, isString))));

const isView: Test = (v) =>
  isObject(v) &&
  field(v, "at", isInt) &&
  field(v, "label", isString) &&
  field(v, "count", isInt) &&
  field(v, "absent", (a) => a === undefined || a === true) &&
  field(v, "tail", (a) => a === undefined || a === true);
const isViewText: Test = (t) =>
  isObject(t) &&
  field(t, "digest", isString) &&
  field(t, "parts", (p) => listOf(p, (q) => tuple(q, isInt, isInt)));

/** A record as walk() wrote it, all through: reuse reads it without a test of its own. */
function isRecord(r: unknown): r is WalkRecord {
  return (
    isObject(r) &&
    field(r, "reads", (v) => listOf(v, (p) => tuple(p, isString, isString))) &&
    field(r, "places", (v) =>
      listOf(v, (p) => tuple(p, isString, (ps) => listOf(ps, (q) => tuple(q, isString, isInt, isInt)))),
    ) &&
    field(
      r,
      "views",
      (v) =>
        v === undefined || listOf(v, (x) => tuple(x, isString, isInt, (w) => listOf(w, isView), isViewText)),
    ) &&
    field(r, "result", isResult)
  );
}

/** A record's result (isRecord's) as the walker gives it: its maps and sets made again. */
function fromJson(v: unknown): WalkResult {
  const r = v as WalkResult & { labels: [string, never][]; systemTargets: [string, string[]][] };
  return {
    ...r,
    labels: new Map(r.labels),
    systemTargets: new Map(r.systemTargets.map(([k, s]) => [k, new Set(s)])),
  };
}
