import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { InputError } from "../core/errors.js";
import { packageRoot } from "../core/package-root.js";
import { blankMacros } from "./blank-macros.js";
import type { ParseC } from "./c-parser.js";
import { ParseCache } from "./parse-cache.js";
import { parseSource } from "./parse-source.js";
import type { WorkerInput, WorkerOutput } from "./parse-worker.js";
import { SyntaxTree, type TreeArrays } from "./syntax-tree.js";
import { treeFromBytes } from "./tree-bytes.js";
import { type Arch, type CFunction, functionsAt, functionsIn, functionsOf, readSource } from "./xen-tree.js";

export interface ParseFilesOptions {
  /** where parsed trees are kept between runs (parse-cache.ts); none: every file is parsed */
  readonly cacheDir?: string;
  /** threads that parse; 0 parses on this one. Default: one per core (at most 8), or 0 for under 64 files */
  readonly workers?: number;
  /** each file's functions as soon as it is read, in any order (the caller can work while others parse) */
  readonly onParsed?: (index: number, functions: CFunction[], text: string) => void;
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

/** Below this many files, starting threads (each loads tree-sitter) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 64;
/** Each worker holds tree-sitter's wasm memory and a heap of its own: a big machine gets no more. */
const MAX_WORKERS = 8;

/**
 * Reads, blanks and parses `files` of the tree at `root` (parse-source.ts), in worker threads when
 * there are many, and returns the functions each defines (functionsIn, with their call summaries
 * when made from a copied tree) in the order of `files`. A file that cannot be read fails as it
 * does read alone: the first such file in that order decides the error.
 */
export async function parseFiles(
  root: string,
  files: readonly SourceFile[],
  options: ParseFilesOptions = {},
): Promise<CFunction[][]> {
  const cache = options.cacheDir === undefined ? undefined : { dir: options.cacheDir, salt: treeSalt() };
  const threads =
    options.workers ??
    (files.length < MIN_FILES_FOR_WORKERS || availableParallelism() < 2
      ? 0
      : Math.min(availableParallelism(), MAX_WORKERS));
  const out: (CFunction[] | undefined)[] = new Array(files.length);
  const failures = new Map<number, Error>();
  const done = (index: number, functions: CFunction[], text: string) => {
    out[index] = functions;
    options.onParsed?.(index, functions, text);
  };
  if (options.parse) {
    for (const [i, { file, arch }] of files.entries()) {
      const text = blankMacros(readSource(root, file));
      done(i, functionsIn(options.parse(text).rootNode, file, arch), text);
    }
    return out as CFunction[][];
  }
  if (threads === 0) {
    const c = cache && new ParseCache(cache.dir, cache.salt);
    for (const [i, { file, arch }] of files.entries()) {
      const { text, tree: arrays } = await parseSource(root, file, c);
      const tree = new SyntaxTree(text, arrays);
      done(i, functionsOf(functionsAt(tree, file, arch), tree, file, arch), text);
    }
    return out as CFunction[][];
  }
  await inWorkers({ root, files, next: new SharedArrayBuffer(4), ...(cache && { cache }) }, threads, (m) => {
    if ("bytes" in m) {
      const { file, arch } = files[m.index] as SourceFile;
      // INVARIANT: a worker posts only what treeToBytes made
      const tree = new SyntaxTree(m.text, treeFromBytes(m.bytes) as TreeArrays);
      done(m.index, functionsOf(m.functions, tree, file, arch), m.text);
    } else failures.set(m.index, "input" in m ? new InputError(m.input) : new Error(m.error));
  });
  for (let i = 0; i < files.length; i++) {
    const failure = failures.get(i);
    if (failure) throw failure;
    if (!out[i]) throw new Error(`no worker parsed ${files[i]?.file}`);
  }
  return out as CFunction[][];
}

/** Runs `threads` workers over the files and hands over what they post; resolves once all have. */
function inWorkers(input: WorkerInput, threads: number, take: (m: WorkerOutput) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let running = Math.max(1, Math.min(threads, input.files.length));
    const workers: Worker[] = [];
    const stop = (error?: unknown) => {
      for (const w of workers) void w.terminate();
      if (error) reject(error);
      else resolve();
    };
    for (let t = running; t > 0; t--) {
      const w = startWorker(input);
      workers.push(w);
      w.on("message", (m: WorkerOutput) => {
        try {
          take(m);
        } catch (e) {
          stop(e);
          return;
        }
        if (++received === input.files.length) stop();
      });
      w.on("error", stop);
      w.on("exit", () => {
        // every worker stopped before every file was posted (messages still queued come first):
        // the caller sees which files are missing
        if (--running === 0) setImmediate(() => received < input.files.length && stop());
      });
    }
  });
}

/**
 * A worker running parse-worker.ts: the bundle's own entry (scripts/build.mjs writes
 * dist/parse-worker.js), or from source the .ts beside this module through tsx. NOTE: tsx's
 * `--import` does not reach workers (privatenumber/tsx#354), so the worker imports tsx itself.
 */
function startWorker(workerData: WorkerInput): Worker {
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(pathToFileURL(join(packageRoot(), "dist", "parse-worker.js")), { workerData });
  const [api, entry] = [
    import.meta.resolve("tsx/esm/api"),
    new URL("./parse-worker.ts", import.meta.url).href,
  ];
  const code = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(code, { eval: true, workerData });
}

let salt: string | undefined;

/** What the cached trees depend on besides the text: the grammar, web-tree-sitter and xenpriv. */
function treeSalt(): string {
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
