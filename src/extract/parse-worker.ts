/**
 * A worker of parse-files.ts: takes the next file from a counter the workers share, parses it
 * (parse-source.ts) and posts its text, its tree bytes (the buffer transferred) and its functions
 * (functionsIn, with their call summaries), until none is left.
 * scripts/build.mjs bundles it as dist/parse-worker.js; from source it runs through tsx.
 */
import { parentPort, workerData } from "node:worker_threads";
import { InputError } from "../core/errors.js";
import { ParseCache } from "./parse-cache.js";
import type { SourceFile } from "./parse-files.js";
import { parseSource } from "./parse-source.js";
import { SyntaxTree } from "./syntax-tree.js";
import { type FunctionAt, functionsAt } from "./xen-tree.js";

/** What parse-files.ts gives each worker. */
export interface WorkerInput {
  readonly root: string;
  readonly files: readonly SourceFile[];
  /** an Int32Array's buffer: the index of the next file to take */
  readonly next: SharedArrayBuffer;
  readonly cache?: { readonly dir: string; readonly salt: string };
}

/** What a worker posts for each file. */
export type WorkerOutput =
  | {
      readonly index: number;
      readonly text: string;
      readonly bytes: Uint8Array;
      /** functionsIn on the tree, made here: the main thread only puts the bodies on its copy */
      readonly functions: readonly FunctionAt[];
    }
  | { readonly index: number; readonly input: InputError["diagnostics"] }
  | { readonly index: number; readonly error: string };

if (parentPort) {
  const port = parentPort;
  const input = workerData as WorkerInput;
  const next = new Int32Array(input.next);
  const cache = input.cache && new ParseCache(input.cache.dir, input.cache.salt);
  for (let i = Atomics.add(next, 0, 1); i < input.files.length; i = Atomics.add(next, 0, 1)) {
    try {
      const { file, arch } = input.files[i] as SourceFile;
      const { text, tree, bytes } = await parseSource(input.root, file, cache, true);
      const functions = functionsAt(new SyntaxTree(text, tree), file, arch);
      // INVARIANT: asked for bytes, parseSource returns them
      const b = bytes as Uint8Array;
      // a buffer of its own is transferred; a cache entry's payload is a part of the file read
      const own = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice();
      port.postMessage({ index: i, text, bytes: own, functions } satisfies WorkerOutput, [
        own.buffer as ArrayBuffer,
      ]);
    } catch (e) {
      port.postMessage(
        (e instanceof InputError
          ? { index: i, input: e.diagnostics }
          : {
              index: i,
              error: e instanceof Error ? (e.stack ?? e.message) : String(e),
            }) satisfies WorkerOutput,
      );
    }
  }
}
