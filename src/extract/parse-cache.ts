import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { treeFromBytes } from "./tree-bytes.js";

const MAGIC = "XPTC";
/** What an entry holds: a file's syntax tree, its chunks (chunk-memo.ts), its scan, or walks (walk-memo.ts). */
type Kind = "tree" | "chunks" | "scan" | "functions" | "walk" | "value";
/**
 * What xenpriv's own code made, not tree-sitter: keyed by that code too (code-digest.ts), so that a
 * scan, the files' functions, a walk or a value made by other code is never read as this code's.
 */
const MADE_BY_CODE: ReadonlySet<Kind> = new Set(["chunks", "scan", "functions", "walk", "value"]);
/**
 * Bumped when the entry or tree-bytes.ts's layout changes, or what a tree holds (syntax-tree.ts, and
 * where chunk-bounds.ts cuts a text: each chunk is parsed alone).
 */
const FORMAT = 6;
const HEADER = 4 + 4 + 32 + 32;

/**
 * Syntax trees on disk, keyed by a hash of the text parsed (after blank-macros.ts) and of what
 * made the tree (the grammar, web-tree-sitter, xenpriv's version and this format): a second tag of
 * Xen shares most of its files with the first, and those are not parsed again.
 *
 * An entry is `XPTC`, the format, its key, a SHA-256 of the rest, and treeToBytes's buffer. One that
 * is truncated, corrupt, of another format or another key is a miss, never an error; a write goes
 * to a temporary file renamed into place, so a reader sees a whole entry or none, and a write that
 * fails (a full disk, a read-only directory) leaves the extraction as it was.
 *
 * A cache made `inBackground` hands its writes to a worker while this thread goes on (the main
 * thread's walks and parses, whose entries took a second tag 60 ms to write): an entry is got back
 * from memory until `ParseCache.written()`, which waits for every such write of this thread. A writer
 * that fails leaves `put` writing at once.
 */
export class ParseCache {
  readonly dir: string;
  readonly #salt: string;
  readonly #code: string;
  readonly #inBackground: boolean;

  /**
   * `salt` names what made the trees (parse-files.ts hashes the grammar and the versions), `code`
   * the code that made the functions and walks (code-digest.ts).
   */
  constructor(dir: string, salt: string, code = "", options: { inBackground?: boolean } = {}) {
    this.dir = join(dir, `trees-${FORMAT}`);
    this.#salt = salt;
    this.#code = code;
    this.#inBackground = options.inBackground ?? false;
  }

  /** Resolves once every entry this thread's caches put in the background is written, or given up. */
  static written(): Promise<void> {
    // after the flushes asked before, one after the other: a second call waits for the first's writes
    flushing = flushing.then(flush);
    return flushing;
  }

  /**
   * The key of a text: hex SHA-256 of the salt and the text; a scan's (scan-source.ts) is of the
   * file as read, before its macros are blanked, so that a hit costs no blanking.
   */
  key(text: string, kind: Kind = "tree"): string {
    const hash = createHash("sha256").update(this.#salt);
    if (MADE_BY_CODE.has(kind)) hash.update(`\0${this.#code}`);
    return hash.update(`\0${kind}\0`).update(text).digest("hex");
  }

  #path(key: string, kind: Kind): string {
    return join(this.dir, key.slice(0, 2), `${key.slice(2)}.${kind}`);
  }

  /**
   * The entry stored for `key`, or null: a tree as treeToBytes's buffer, or a scan's bytes
   * (scan-source.ts reads them, and takes what it cannot read for a miss).
   */
  get(key: string, kind: Kind = "tree"): Uint8Array | null {
    const path = this.#path(key, kind);
    let entry: Buffer;
    try {
      entry = queued.get(path) ?? readFileSync(path);
    } catch {
      return null;
    }
    if (entry.length < HEADER || entry.toString("latin1", 0, 4) !== MAGIC) return null;
    if (entry.readUInt32LE(4) !== FORMAT || entry.toString("hex", 8, 40) !== key) return null;
    const payload = entry.subarray(HEADER);
    const sum = createHash("sha256").update(payload).digest();
    if (!sum.equals(entry.subarray(40, HEADER)) || (kind === "tree" && !treeFromBytes(payload))) return null;
    return payload;
  }

  /**
   * The value `remember` kept for `what` of `input` (as JSON), or undefined: `remember` keeps objects
   * only, so anything else (`null`, a number, text that is not JSON) was made by no xenpriv.
   */
  recall<T extends object>(what: string, input: string): T | undefined {
    const bytes = this.get(this.key(`${what}\0${input}`, "value"), "value");
    if (!bytes) return undefined;
    try {
      const value: unknown = JSON.parse(Buffer.from(bytes).toString("utf8"));
      return value !== null && typeof value === "object" ? (value as T) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Keeps `value` (JSON's values only) as `what` of `input`. */
  remember(what: string, input: string, value: object): void {
    this.put(this.key(`${what}\0${input}`, "value"), Buffer.from(JSON.stringify(value)), "value");
  }

  /**
   * Stores an entry under `key`; false when it could not be written. In the background, true: the
   * write is queued, and one that fails is given up as a failing write is.
   */
  put(key: string, payload: Uint8Array, kind: Kind = "tree"): boolean {
    const head = Buffer.alloc(HEADER);
    head.write(MAGIC, 0, "latin1");
    head.writeUInt32LE(FORMAT, 4);
    head.write(key, 8, "hex");
    createHash("sha256").update(payload).digest().copy(head, 40);
    const path = this.#path(key, kind);
    // a buffer of its own (not a slice of node's pool): what is posted to the writer is cloned whole
    const entry = Buffer.allocUnsafeSlow(HEADER + payload.length);
    head.copy(entry);
    entry.set(payload, HEADER);
    if (this.#inBackground && writeSoon(path, entry)) return true;
    return writeNow(path, entry);
  }
}

/** An entry written whole, through a temporary file renamed into place; false when it could not be. */
function writeNow(path: string, entry: Buffer): boolean {
  const tmp = temporary(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, entry);
    renameSync(tmp, path);
    return true;
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {}
    return false;
  }
}

const temporary = (path: string): string => `${path}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;

/**
 * The writer of this thread's background entries: a worker of a few lines (no module to load) that
 * writes as `put` does, each entry whole through a temporary file. A write on libuv's threads would
 * go no further than its first step while this thread walks: each step's callback runs here.
 */
const WRITER = `
const { parentPort } = require("node:worker_threads");
const { mkdirSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { dirname } = require("node:path");
parentPort.on("message", (m) => {
  if (m.flush !== undefined) return parentPort.postMessage(m.flush);
  try {
    mkdirSync(dirname(m.path), { recursive: true });
    writeFileSync(m.tmp, m.entry);
    renameSync(m.tmp, m.path);
  } catch {
    try { rmSync(m.tmp, { force: true }); } catch {}
  }
});`;

/**
 * Entries put in the background on this thread and not yet known written, by path: what `get` reads
 * meanwhile. They are let go when the writer is flushed, so an extraction holds what its main thread
 * wrote (tens of MB at most: a whole tree's cache is about 21 MB).
 */
const queued = new Map<string, Buffer>();
/** The writer of this thread, and whether it has stopped (it failed, or was flushed). */
let writer: { readonly worker: Worker; exited: boolean } | undefined;
/** A writer failed on this thread: entries are written at once from then on. */
let writerFailed = false;
let flushes = 0;
/** The flushes asked for so far, one after the other: `written()` waits for all of them. */
let flushing: Promise<void> = Promise.resolve();

/** Hands an entry to this thread's writer; false where there is none to hand it to (put writes it now). */
function writeSoon(path: string, entry: Buffer): boolean {
  if (writerFailed) return false;
  if (!writer) {
    let worker: Worker;
    try {
      worker = new Worker(WRITER, { eval: true });
    } catch {
      writerFailed = true;
      return false;
    }
    const w = { worker, exited: false };
    // a writer that fails has written what it could (the rest are misses next time); one nobody waits
    // for keeps no process alive
    worker.on("error", () => {
      writerFailed = true;
    });
    worker.once("exit", () => {
      w.exited = true;
    });
    worker.unref();
    writer = w;
  }
  if (writer.exited) return false;
  queued.set(path, entry);
  // a worker handles its messages in order: a path put twice ends as the second put
  writer.worker.postMessage({ path, tmp: temporary(path), entry });
  return true;
}

/** Resolves once the writer has written all it was given, or has stopped, and stops it. */
async function flush(): Promise<void> {
  const w = writer;
  if (!w) return;
  writer = undefined;
  const given = [...queued];
  const id = ++flushes;
  if (!w.exited)
    await new Promise<void>((resolve) => {
      const done = () => {
        w.worker.off("message", onMessage);
        resolve();
      };
      const onMessage = (m: unknown) => {
        if (m === id) done();
      };
      w.worker.ref();
      w.worker.on("message", onMessage);
      w.worker.once("error", done);
      w.worker.once("exit", done);
      w.worker.postMessage({ flush: id });
    });
  // what was put meanwhile is another writer's
  for (const [path, entry] of given) if (queued.get(path) === entry) queued.delete(path);
  await w.worker.terminate();
}
