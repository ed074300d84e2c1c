/**
 * A worker of parse-files.ts. Asked to scan, it takes the next file from a counter the workers
 * share, reads and blanks it and posts what scan-source.ts finds in it; asked to parse a list, it
 * takes the next file of the list the same way, parses it (parse-source.ts) and posts its text, its
 * tree bytes (the buffer transferred) and its functions (functionsIn, with their call summaries), or
 * only the functions where the cache kept them.
 * Each job ends with a `done` message. scripts/build.mjs bundles it as dist/parse-worker.cjs; from
 * source it runs through tsx.
 */
import { parentPort, workerData } from "node:worker_threads";
import { InputError } from "../core/errors.js";
import { ParseCache } from "./parse-cache.js";
import type { SourceFile } from "./parse-files.js";
import { keepFunctions, keptFunctions, parseSource } from "./parse-source.js";
import { type FileScan, scanFile } from "./scan-source.js";
import { SyntaxTree } from "./syntax-tree.js";
import { type FunctionAt, functionsAt, readSource } from "./xen-tree.js";

/** What parse-files.ts gives each worker. */
export interface WorkerInput {
  readonly root: string;
  readonly files: readonly SourceFile[];
  readonly cache?: { readonly dir: string; readonly salt: string; readonly code: string };
}

/** A job: scan every file, or parse those listed; `next` is an Int32Array's buffer, the next place to take. */
export type WorkerJob =
  | { readonly scan: true; readonly next: SharedArrayBuffer }
  | { readonly parse: readonly number[]; readonly next: SharedArrayBuffer };

/** What a worker posts for each file, and once a job is done. */
export type WorkerOutput =
  | {
      readonly index: number;
      readonly text: string;
      readonly bytes: Uint8Array;
      /** functionsIn on the tree, made here: the main thread only puts the bodies on its copy */
      readonly functions: readonly FunctionAt[];
    }
  /** the functions the cache kept: the tree is made here when a body is read */
  | { readonly index: number; readonly functions: readonly FunctionAt[] }
  | { readonly index: number; readonly scan: FileScan }
  | { readonly index: number; readonly input: InputError["diagnostics"] }
  | { readonly index: number; readonly error: string }
  | { readonly done: true };

if (parentPort) {
  const port = parentPort;
  const input = workerData as WorkerInput;
  const cache = input.cache && new ParseCache(input.cache.dir, input.cache.salt, input.cache.code);
  const failed = (i: number, e: unknown) =>
    port.postMessage(
      (e instanceof InputError
        ? { index: i, input: e.diagnostics }
        : {
            index: i,
            error: e instanceof Error ? (e.stack ?? e.message) : String(e),
          }) satisfies WorkerOutput,
    );
  port.on("message", async (job: WorkerJob) => {
    const next = new Int32Array(job.next);
    const count = "scan" in job ? input.files.length : job.parse.length;
    for (let at = Atomics.add(next, 0, 1); at < count; at = Atomics.add(next, 0, 1)) {
      const i = "scan" in job ? at : (job.parse[at] as number);
      const { file, arch } = input.files[i] as SourceFile;
      try {
        if ("scan" in job) {
          port.postMessage({ index: i, scan: scanFile(input.root, file, cache) } satisfies WorkerOutput);
          continue;
        }
        const raw = readSource(input.root, file);
        const kept = keptFunctions(raw, cache);
        if (kept.functions) {
          port.postMessage({ index: i, functions: kept.functions } satisfies WorkerOutput);
          continue;
        }
        const { text, tree, bytes } = await parseSource(input.root, file, cache, true, raw);
        const functions = functionsAt(new SyntaxTree(text, tree), file, arch, cache !== undefined);
        keepFunctions(cache, kept.key, functions);
        // INVARIANT: asked for bytes, parseSource returns them
        const b = bytes as Uint8Array;
        // a buffer of its own is transferred; a cache entry's payload is a part of the file read
        const own = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice();
        port.postMessage({ index: i, text, bytes: own, functions } satisfies WorkerOutput, [
          own.buffer as ArrayBuffer,
        ]);
      } catch (e) {
        failed(i, e);
      }
    }
    port.postMessage({ done: true } satisfies WorkerOutput);
  });
}
