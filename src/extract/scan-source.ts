import { blankMacros } from "./blank-macros.js";
import type { ParseCache } from "./parse-cache.js";
import { mayGate } from "./relevant.js";
import { readSource } from "./xen-tree.js";

/**
 * What a C file may hold, read from its text without parsing it: every name it may call, and every
 * name it may define as a function. readXenTree parses only the files these say can matter; each
 * is a superset of what tree-sitter finds (a call of a name is the name, then `(` after blanks and
 * comments), so a file left unparsed holds nothing the extractor would have read.
 */
export interface SourceScan {
  /**
   * each identifier followed by `(` (blanks, comments and line continuations between), not a member
   * (`ops->read(`, `s.f(`), outside comments, and each word of a string literal (tree-sitter can read
   * `"d" (rh)` in an asm operand as a call of `d`), once, as its nameHash
   */
  readonly calls: Int32Array;
  /**
   * each identifier followed by `(` outside parentheses between a `;`, `{` or `}` and the next `{`, as its nameHash: a
   * function definition's name is one, and so is a macro call tree-sitter reads as one
   * (`TVM_REG(SCTLR_EL1)` lines before a definition, xen/arch/arm/arm64/vsysreg.c:51-66 at 4.22.0)
   */
  readonly defines: Int32Array;
}

/** Small enough to stay a small integer in V8 (31 bits), so sets of them are cheap. */
const HASH_MASK = 0x3fffffff;

/**
 * A name's FNV-1a hash, what a scan keeps instead of the name: making a string of each of a tree's
 * 1.5 million identifiers costs more than the rest of the scan. Two names with one hash only make
 * a file look as if it called (or defined) both, which is safe.
 */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h & HASH_MASK;
}

/** 1 for the characters of a C name (`[A-Za-z0-9_]`), 0 else, by character code below 128. */
const WORD = Uint8Array.from({ length: 128 }, (_, c) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 ? 1 : 0,
);
const isWord = (c: number): boolean => c < 128 && WORD[c] === 1;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

/** One pass over the text: linear in its length, whatever the tokens (a 200 KB identifier included). */
export function scanSource(text: string): SourceScan {
  const calls = new Set<number>();
  const defines = new Set<number>();
  // the identifiers before a `(` outside parentheses since the last `;`, `{` or `}`
  // (`if ( is_hvm_domain(d) ) {` names `if` only)
  const called: number[] = [];
  let depth = 0;
  let last = -1;
  // whether the last identifier came right after `.` or `->`: `a->b(x)` calls no function named b
  let member = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // blanks change nothing (29 % of RELEASE-4.22.0's C text): past them before the other tests
    if (c === 32 || c === 10 || c === 9) {
      i++;
      continue;
    }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf("\n", i);
      i = end < 0 ? n : end;
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      // a literal ends at its quote or, unclosed (`#error can't`), at the line's end; its words are
      // calls too (tree-sitter can read `"d" (rh)` in an asm operand as a call of `d`,
      // xen/crypto/vmac.c:404 at RELEASE-4.22.0)
      i++;
      let h = -1;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === c || d === 10) break;
        if (isWord(d)) h = Math.imul((h === -1 ? 0x811c9dc5 : h) ^ d, 0x01000193);
        else if (h !== -1) {
          calls.add(h & HASH_MASK);
          h = -1;
        }
        i += d === 92 /* \ */ ? 2 : 1;
      }
      if (h !== -1) calls.add(h & HASH_MASK);
      i++;
      last = -1;
    } else if (isWord(c)) {
      const before = i > 0 ? text.charCodeAt(i - 1) : 0;
      // `x-->f(y)` is `(x--) > f(y)`: a call
      member =
        before === 46 /* . */ ||
        (before === 62 /* > */ && text.charCodeAt(i - 2) === 45 /* - */ && text.charCodeAt(i - 3) !== 45);
      // nameHash, as the word is read
      let h = 0x811c9dc5;
      for (let d = c; isWord(d); d = text.charCodeAt(++i)) h = Math.imul(h ^ d, 0x01000193);
      // a number (`0x1fUL`) is no name
      last = c >= 48 && c <= 57 ? -1 : h & HASH_MASK;
    } else {
      i++;
      if (c === 40 /* ( */) {
        if (last !== -1 && !member) calls.add(last);
        if (last !== -1 && depth === 0) called.push(last);
        depth++;
      } else if (c === 41 /* ) */) depth = Math.max(0, depth - 1);
      else if (c === 123 /* { */) {
        for (const name of called) defines.add(name);
        called.length = 0;
        depth = 0;
      } else if (c === 59 /* ; */ || c === 125 /* } */) {
        called.length = 0;
        depth = 0;
      }
      // a backslash ending its line (`\n` or `\r\n`) joins the next one to it
      const joins =
        c === 92 /* \ */ &&
        (text.charCodeAt(i) === 10 || (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10));
      if (!isSpace(c) && !joins) last = -1;
    }
  }
  return { calls: Int32Array.from(calls), defines: Int32Array.from(defines) };
}

/**
 * Every branch of scanSource, run before a thread scans its first file: V8 optimizes scanSource while
 * it reads the first large file, and code compiled before a branch had run is thrown away when the
 * branch first runs (a `->` call, a literal, the end of the text), then compiled again: four times per
 * thread (BENCHMARKS.md, "TurboFan's inlining budget"). V8 keeps what a function meets only once it
 * has run some multiple of its bytecode's size (`--lazy-feedback-allocation`,
 * `--interrupt-budget-factor-for-feedback-allocation=8` in Node 20): ten runs of this sample get
 * there, one did not (still four compiles).
 */
let warmedUp = false;
function warmUp(): void {
  for (let k = 0; k < 10; k++)
    scanSource("int f(void) /* c */ { // c\n a->b(\"s\", 'c', 0x1) \\\n; g(1); }\n");
  warmedUp = true;
}

/** What a file's scan gives: the names of scanSource, its length, and whether it may hold a gate (relevant.ts). */
export interface FileScan extends SourceScan {
  readonly length: number;
  readonly gate: boolean;
}

/**
 * A file's scan, on the text its tree is parsed from (its macros blanked); with a cache, kept by
 * the hash of the file as read, so that a file scanned before is neither blanked nor scanned again.
 */
export function scanFile(root: string, file: string, cache?: ParseCache): FileScan {
  if (!warmedUp) warmUp();
  const raw = readSource(root, file);
  const key = cache?.key(raw, "scan");
  const hit = key ? cache?.get(key, "scan") : null;
  const kept = hit ? scanFromBytes(hit) : null;
  if (kept) return kept;
  const text = blankMacros(raw);
  const scan = { ...scanSource(text), length: text.length, gate: mayGate(text) };
  if (key) cache?.put(key, scanToBytes(scan), "scan");
  return scan;
}

/** A scan as 32-bit words: its length, the gate, the counts of names and definitions, then each hash. */
export function scanToBytes(scan: FileScan): Uint8Array {
  const words = new Int32Array(4 + scan.calls.length + scan.defines.length);
  words.set([scan.length, scan.gate ? 1 : 0, scan.calls.length, scan.defines.length]);
  words.set(scan.calls, 4);
  words.set(scan.defines, 4 + scan.calls.length);
  return new Uint8Array(words.buffer);
}

/** What scanToBytes made, or null for bytes it cannot have made. */
export function scanFromBytes(bytes: Uint8Array): FileScan | null {
  if (bytes.byteLength < 16 || bytes.byteLength % 4 !== 0) return null;
  // copied (a Buffer's slice() would not copy): a cache entry's bytes are a part of the file read, at any offset
  const words = new Int32Array(new Uint8Array(bytes).buffer);
  const [length = -1, gate = -1, calls = -1, defines = -1] = words;
  if (length < 0 || (gate !== 0 && gate !== 1) || calls < 0 || defines < 0) return null;
  if (words.length !== 4 + calls + defines) return null;
  return {
    length,
    gate: gate === 1,
    calls: words.subarray(4, 4 + calls),
    defines: words.subarray(4 + calls),
  };
}
