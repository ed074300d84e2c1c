import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { InputError } from "../core/errors.js";
import { packageRoot } from "../core/package-root.js";
import { blankMacros } from "./blank-macros.js";
import { loadArraysParser, type ParseArrays, type ParseC } from "./c-parser.js";
import { codeDigest } from "./code-digest.js";
import { ParseCache } from "./parse-cache.js";
import { keepFunctions, keptFunctions, parseSourceWith } from "./parse-source.js";
import type { WorkerInput, WorkerJob, WorkerOutput } from "./parse-worker.js";
import { type FileScan, scanFile } from "./scan-source.js";
import { SyntaxTree, type TreeArrays } from "./syntax-tree.js";
import { treeFromBytes } from "./tree-bytes.js";
import { type Arch, type CFunction, functionsAt, functionsIn, functionsOf, readSource } from "./xen-tree.js";

export interface ParseFilesOptions {
  /** where parsed trees are kept between runs (parse-cache.ts); none: every file is parsed */
  readonly cacheDir?: string;
  /**
   * threads that parse besides this one, which takes its share; 0: this one alone. Default: one
   * per core but one (at most 8), or 0 for under 64 files
   */
  readonly workers?: number;
  /**
   * A parser to use instead, on this thread and without the cache: the tests give one that returns
   * web-tree-sitter's own trees, to check that the copies change nothing.
   */
  readonly parse?: ParseC;
}

/** A C file of the tree and the arch it is built for (xen-tree.ts, archOf). */
export interface SourceFile {
  readonly file: string;
  readonly arch: Arch | null;
}

/** A file's functions as they arrive, in any order. */
export type OnParsed = (index: number, functions: CFunction[]) => void;

/** Below this many files, starting threads (each loads tree-sitter) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 64;
/** Each worker holds tree-sitter's wasm memory and a heap of its own: a big machine gets no more. */
const MAX_WORKERS = 8;

/**
 * Reads, scans and parses the `files` of the tree at `root` (scan-source.ts, parse-source.ts), in
 * worker threads when there are many, a job at a time: every file's scan, then the files a caller
 * lists, as often as it asks, and one file at once on this thread (`parseNow`). A file that
 * cannot be read fails as it does read alone: the first such file of the job in its order decides
 * the error.
 */
export class SourceParser {
  readonly #root: string;
  readonly #files: readonly SourceFile[];
  readonly #workers: Worker[];
  readonly #cache: ParseCache | undefined;
  /** this thread's parser, once loaded (it starts loading as the parser opens, in the background) */
  #parse: ParseArrays | undefined;
  readonly #loading: Promise<ParseArrays>;
  readonly #reference: ParseC | undefined;

  private constructor(
    root: string,
    files: readonly SourceFile[],
    workers: Worker[],
    cache: ParseCache | undefined,
    loading: Promise<ParseArrays>,
    reference: ParseC | undefined,
  ) {
    this.#root = root;
    this.#files = files;
    this.#workers = workers;
    this.#cache = cache;
    this.#loading = loading.then((p) => {
      this.#parse = p;
      return p;
    });
    // awaited where a file must be parsed; a failure to load is said there
    this.#loading.catch(() => {});
    this.#reference = reference;
  }

  /** Resolves once this thread can parse (parseNow). */
  async ready(): Promise<void> {
    await this.#loading;
  }

  static async open(
    root: string,
    files: readonly SourceFile[],
    options: ParseFilesOptions = {},
  ): Promise<SourceParser> {
    const cache =
      options.cacheDir === undefined
        ? undefined
        : { dir: options.cacheDir, salt: treeSalt(), code: codeDigest() };
    const threads = options.parse
      ? 0
      : (options.workers ??
        (files.length < MIN_FILES_FOR_WORKERS || availableParallelism() < 2
          ? 0
          : Math.min(availableParallelism() - 1, MAX_WORKERS)));
    const workers = Array.from({ length: Math.min(threads, files.length) }, () =>
      startWorker({ root, files, ...(cache && { cache }) }),
    );
    return new SourceParser(
      root,
      files,
      workers,
      // this thread's entries are written in the background (extract-catalogue.ts waits for them)
      cache && !options.parse
        ? new ParseCache(cache.dir, cache.salt, cache.code, { inBackground: true })
        : undefined,
      loadArraysParser(),
      options.parse,
    );
  }

  /**
   * Every file's scan, in the order of the files; this thread takes its share once `joinAfter` is
   * settled (it reads something else meanwhile), the workers at once.
   */
  async scan(joinAfter?: Promise<unknown>): Promise<FileScan[]> {
    const out: FileScan[] = new Array(this.#files.length);
    if (this.#workers.length === 0) {
      for (const [i, { file }] of this.#files.entries()) out[i] = scanFile(this.#root, file, this.#cache);
      return out;
    }
    const all = this.#files.map((_, i) => i);
    await this.#job(
      { scan: true, next: new SharedArrayBuffer(4) },
      all,
      (m) => {
        if ("scan" in m) out[m.index] = m.scan;
      },
      (i) => {
        out[i] = scanFile(this.#root, (this.#files[i] as SourceFile).file, this.#cache);
      },
      joinAfter,
    );
    return out;
  }

  /** Parses the files at `indices` and hands each one's functions to `done` as it arrives. */
  async parse(indices: readonly number[], done: OnParsed): Promise<void> {
    if (this.#workers.length === 0) {
      await this.ready();
      for (const i of indices) this.parseNow(i, done);
      return;
    }
    await this.#job(
      { parse: indices, next: new SharedArrayBuffer(4) },
      indices,
      (m) => {
        if (!("functions" in m)) return;
        const { file, arch } = this.#files[m.index] as SourceFile;
        // INVARIANT: a worker posts only what treeToBytes made
        const tree =
          "bytes" in m
            ? new SyntaxTree(m.text, treeFromBytes(m.bytes) as TreeArrays)
            : this.#lazyTree(m.index);
        done(m.index, functionsOf(m.functions, tree, file, arch, this.#root));
      },
      (i) => this.parseNow(i, done),
      // this thread joins once it can parse (tree-sitter loads meanwhile; the workers start at once)
      this.#parse ? undefined : this.#loading,
    );
  }

  /** Parses one file on this thread, now (once `ready`). */
  parseNow(index: number, done: OnParsed): void {
    const { file, arch } = this.#files[index] as SourceFile;
    const raw = readSource(this.#root, file);
    if (this.#reference) {
      done(index, functionsIn(this.#reference(blankMacros(raw)).rootNode, file, arch));
      return;
    }
    const kept = keptFunctions(raw, this.#cache);
    if (kept.functions) {
      done(index, functionsOf(kept.functions, this.#lazyTree(index), file, arch, this.#root));
      return;
    }
    const { text, tree: arrays } = parseSourceWith(this.#parser(), this.#root, file, this.#cache, raw);
    const tree = new SyntaxTree(text, arrays);
    const functions = functionsAt(tree, file, arch, this.#cache !== undefined);
    keepFunctions(this.#cache, kept.key, functions);
    done(index, functionsOf(functions, tree, file, arch, this.#root));
  }

  #parser(): ParseArrays {
    // INVARIANT: readXenTree awaits `ready` before it returns a tree whose lookups parse here
    if (!this.#parse) throw new Error("the C parser is not loaded yet");
    return this.#parse;
  }

  /** A file's tree, made on this thread when first asked (from the cache, where it has the tree). */
  #lazyTree(index: number): () => SyntaxTree {
    let tree: SyntaxTree | undefined;
    return () => {
      if (!tree) {
        const { text, tree: arrays } = parseSourceWith(
          this.#parser(),
          this.#root,
          (this.#files[index] as SourceFile).file,
          this.#cache,
        );
        tree = new SyntaxTree(text, arrays);
      }
      return tree;
    };
  }

  /** Stops the workers; parseNow still works. */
  close(): void {
    for (const w of this.#workers) void w.terminate();
    this.#workers.length = 0;
  }

  /**
   * Runs one job on every worker and on this thread, each taking the next file from the job's
   * counter (`here` does this thread's, at once or once `joinAfter` is settled); resolves once each
   * has done, or fails with the first file of `order` that failed.
   */
  #job(
    job: WorkerJob,
    order: readonly number[],
    take: (m: WorkerOutput) => void,
    here: (index: number) => void,
    joinAfter?: Promise<unknown>,
  ): Promise<void> {
    const failures = new Map<number, Error>();
    const failed = (i: number, e: unknown) => failures.set(i, e instanceof Error ? e : new Error(String(e)));
    return new Promise<void>((resolve, reject) => {
      let running = this.#workers.length;
      // whether this thread has taken its share (or will take none)
      let joined = false;
      let settled = false;
      const listeners: [Worker, (m: WorkerOutput) => void, (e: unknown) => void][] = [];
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        for (const [w, onMessage, onError] of listeners) {
          w.off("message", onMessage);
          w.off("error", onError);
        }
        if (error) {
          this.close();
          reject(error);
          return;
        }
        const first = order.find((i) => failures.has(i));
        if (first !== undefined) reject(failures.get(first));
        else resolve();
      };
      for (const w of this.#workers) {
        const onMessage = (m: WorkerOutput) => {
          if ("done" in m) {
            if (--running === 0 && joined) finish();
            return;
          }
          if ("input" in m) failures.set(m.index, new InputError(m.input));
          else if ("error" in m) failures.set(m.index, new Error(m.error));
          else if (failures.size === 0)
            try {
              take(m);
            } catch (e) {
              failed(m.index, e);
            }
        };
        const onError = (e: unknown) => finish(e);
        listeners.push([w, onMessage, onError]);
        w.on("message", onMessage);
        w.on("error", onError);
        w.postMessage(job);
      }
      // this thread's share, while the workers take theirs; their messages wait until it is done
      const takeShare = () => {
        const next = new Int32Array(job.next);
        for (let at = Atomics.add(next, 0, 1); at < order.length && !settled; at = Atomics.add(next, 0, 1)) {
          const i = order[at] as number;
          if (failures.size === 0)
            try {
              here(i);
            } catch (e) {
              failed(i, e);
            }
        }
        joined = true;
        if (running === 0) finish();
      };
      // a refusal meanwhile leaves the whole job to the workers
      const stayOut = () => {
        joined = true;
        if (running === 0) finish();
      };
      if (joinAfter) joinAfter.then(takeShare, stayOut);
      else takeShare();
    });
  }
}

/**
 * Reads, blanks and parses every one of `files` (parse-source.ts), in worker threads when there
 * are many, and returns the functions each defines (functionsIn, with their call summaries when
 * made from a copied tree) in the order of `files`.
 */
export async function parseFiles(
  root: string,
  files: readonly SourceFile[],
  options: ParseFilesOptions = {},
): Promise<CFunction[][]> {
  const parser = await SourceParser.open(root, files, options);
  const out: CFunction[][] = new Array(files.length);
  try {
    await parser.parse(
      files.map((_, i) => i),
      (i, functions) => {
        out[i] = functions;
      },
    );
  } finally {
    parser.close();
    await ParseCache.written();
  }
  return out;
}

/**
 * A worker running parse-worker.ts: the bundle's own entry (scripts/build.mjs writes
 * dist/parse-worker.cjs), or from source the .ts beside this module through tsx. NOTE: tsx's
 * `--import` does not reach workers (privatenumber/tsx#354), so the worker imports tsx itself.
 */
function startWorker(workerData: WorkerInput): Worker {
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(join(packageRoot(), "dist", "parse-worker.cjs"), { workerData });
  const [api, entry] = [
    import.meta.resolve("tsx/esm/api"),
    new URL("./parse-worker.ts", import.meta.url).href,
  ];
  const code = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(code, { eval: true, workerData });
}

let salt: string | undefined;

/** What the cached trees depend on besides the text: the grammar, web-tree-sitter and xenpriv. */
export function treeSalt(): string {
  if (salt === undefined) {
    const require = createRequire(import.meta.url);
    const hash = createHash("sha256");
    hash.update(JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")).version);
    for (const wasm of ["tree-sitter-c/tree-sitter-c.wasm", "web-tree-sitter/tree-sitter.wasm"])
      hash.update(readFileSync(require.resolve(wasm)));
    salt = hash.digest("hex");
  }
  return salt;
}
