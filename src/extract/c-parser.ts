import { createRequire } from "node:module";
import { isDeepStrictEqual } from "node:util";
import { Language, Parser, type Tree as WasmTree } from "web-tree-sitter";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { chunkBounds } from "./chunk-bounds.js";
import {
  type ChunkTree,
  type CopyTree,
  directWalk,
  publicWalk,
  TreeBuilder,
  type WalkTree,
  wholeCopy,
} from "./copy-tree.js";
import { SyntaxNode, SyntaxTree, type TreeArrays } from "./syntax-tree.js";

/** A C syntax node: the extractor reads trees copied out of tree-sitter (syntax-tree.ts). */
export type Node = SyntaxNode;
export type Tree = SyntaxTree;

/**
 * Parses C text into a syntax tree (tree-sitter-c's packaged grammar, no native build); `file`
 * names the text in the diagnostic of a parse that runs out of time.
 */
export type ParseC = (text: string, file?: string) => Tree;

/**
 * Parses C text into the arrays of its syntax tree, for a worker to post or the cache to store: each
 * chunk alone (chunk-bounds.ts), their trees under one root; `kept` gives the trees of chunks another
 * version of the text had, and is told of each chunk.
 */
export type ParseArrays = (text: string, file?: string, kept?: KeptChunks) => TreeArrays;

/** Chunks' trees kept from other texts (parse-source.ts keeps them in the cache). */
export interface KeptChunks {
  /** the tree of a chunk with this text, at `from` in the text parsed, where one is kept */
  take(chunk: string, from: number): ChunkTree | undefined;
  /** each chunk of the text, in order: how many nodes it has, and whether its root has an error */
  made(chunk: string, nodes: number, error: boolean): void;
}

/** The parser with tree-sitter-c, and how its trees are copied out of wasm. */
export interface WasmParser {
  readonly parser: Parser;
  readonly language: Language;
  readonly copy: CopyTree;
  /** the walk `copy` copies through */
  readonly walk: WalkTree;
  /** whether `copy` calls the cursor's wasm functions directly (copy-tree.ts) */
  readonly direct: boolean;
}

let loading: Promise<WasmParser> | undefined;

// a sample with every kind of node the copy treats apart: fields, K&R, errors, missing tokens (a hidden one last)
const SAMPLE =
  "int f(a) int a; { return g(a)\n}\n#ifdef X\nstatic long h(void) { x = ; }\n#endif\n#define Y(a) a";

/** Loads tree-sitter-c once per thread (the tests compare the copies with web-tree-sitter's nodes). */
export function loadWasmParser(): Promise<WasmParser> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    // emscripten fills this object with the module's exports: the direct copy calls them
    const module = {};
    await Parser.init(module);
    const language = await Language.load(require.resolve("tree-sitter-c/tree-sitter-c.wasm"));
    const parser = new Parser();
    parser.setLanguage(language);
    const throughCursor = publicWalk(language);
    const slow = wholeCopy(throughCursor, language);
    const direct = directWalk(module, language);
    const fast = direct && wholeCopy(direct, language);
    // the direct copy relies on web-tree-sitter's internals: it is used only if it copies the sample alike
    const sample = (copy: CopyTree) => {
      const tree = parser.parse(SAMPLE) as WasmTree;
      try {
        return copy(tree);
      } finally {
        tree.delete();
      }
    };
    if (direct && fast && isDeepStrictEqual(sample(fast), sample(slow)))
      return { parser, language, copy: fast, walk: direct, direct: true };
    return { parser, language, copy: slow, walk: throughCursor, direct: false };
  })();
  return loading;
}

/**
 * How long a parse may take: tree-sitter's error recovery is slow on some garbage (a run of
 * unterminated `'` or of `do do do`: 40 s for 80 KB), and Xen's files never come near it (the
 * slowest of 4.22.0, 336 KB of x86_emulate.c, parses in 0.12 s; none takes over 7 ms per KB).
 */
export const parseBudgetMs = (chars: number): number => 2000 + (10 * chars) / 1024;

/**
 * Loads the grammar once per thread; each chunk's tree is copied out of wasm and freed there. The
 * budget is the whole text's, over its chunks.
 */
export async function loadArraysParser(): Promise<ParseArrays> {
  const { parser, language, copy, walk } = await loadWasmParser();
  return (text, file = "<C text>", kept) => {
    const deadline = performance.now() + parseBudgetMs(text.length);
    const parseAt = (chunk: string, from: number): WasmTree => {
      let reached = 0;
      const tree = parser.parse(chunk, null, {
        progressCallback: (state) => {
          reached = state.currentOffset;
          return performance.now() > deadline;
        },
      });
      if (tree) return tree;
      // a parse stopped is taken up again by the next one unless the parser is reset: the next file
      // would get this text's tree
      parser.reset();
      // tree-sitter counts UTF-16 bytes of a JS string
      return tooSlow(text, file, from + reached / 2);
    };
    const ends = chunkBounds(text);
    // a text of one chunk is its tree as tree-sitter gives it, root and all
    if (ends.length === 1 && !kept) return copied(parseAt(text, 0), copy);
    const tree = new TreeBuilder(language, true);
    let error = false;
    ends.forEach((end, i) => {
      const from = i === 0 ? 0 : (ends[i - 1] as number);
      const chunk = text.slice(from, end);
      const before = tree.nodes;
      const found = kept?.take(chunk, from);
      let chunkError: boolean;
      if (found) {
        tree.kept(found);
        chunkError = found.error;
      } else {
        const parsed = parseAt(chunk, from);
        try {
          chunkError = walk(parsed, (w) => tree.children(w, from));
        } finally {
          parsed.delete();
        }
      }
      kept?.made(chunk, tree.nodes - before, chunkError);
      error ||= chunkError;
    });
    return tree.joined(text.length, error);
  };
}

/** A tree's arrays, the tree freed. */
function copied(tree: WasmTree, copy: CopyTree): TreeArrays {
  try {
    return copy(tree);
  } finally {
    tree.delete();
  }
}

/** Loads the tree-sitter-c grammar once per thread. */
export async function loadCParser(): Promise<ParseC> {
  const parse = await loadArraysParser();
  return (text, file) => new SyntaxTree(text, parse(text, file));
}

function tooSlow(text: string, file: string, at: number): never {
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  fail(
    error(
      "extract/unparsable",
      `tree-sitter could not parse \`${file}\` within ${(parseBudgetMs(text.length) / 1000).toFixed(1)} s: its error recovery stalled near here`,
      { file, line, column, offset: at },
      "this does not read as C; Xen's own files parse in well under a second",
    ),
  );
}

/** 1-based line of a node. */
export const lineOf = (n: Node): number => n.startPosition.row + 1;

/**
 * A node's text without whitespace: how expressions are compared (`op->cmd`, `current->domain`).
 * Kept on the node (web-tree-sitter's, in the tests, have no place for it).
 */
export function norm(n: Node): string {
  if (n.normText === undefined) n.normText = n.text.replace(/\s+/g, "");
  return n.normText;
}

/** Calls that return their argument unchanged as far as access decisions go (xen/include/xen/compiler.h, nospec.h). */
export const TRANSPARENT: ReadonlySet<string> = new Set(["evaluate_nospec", "likely", "unlikely"]);

/** The statements of a block without its comments; a single statement is a block of one. */
export function statementsOf(n: Node): Node[] {
  if (n.type !== "compound_statement") return n.type === "comment" ? [] : [n];
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== "comment");
}

export { SyntaxNode, SyntaxTree };
