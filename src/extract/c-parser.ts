import { createRequire } from "node:module";
import { Language, type Node, Parser, type Tree } from "web-tree-sitter";

export type { Node, Tree };

/** Parses C text into a tree-sitter tree (tree-sitter-c's packaged grammar, no native build). */
export type ParseC = (text: string) => Tree;

let loading: Promise<ParseC> | undefined;

/** Loads the tree-sitter-c grammar once per process. */
export function loadCParser(): Promise<ParseC> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const c = await Language.load(require.resolve("tree-sitter-c/tree-sitter-c.wasm"));
    const parser = new Parser();
    parser.setLanguage(c);
    return (text) => {
      const tree = parser.parse(text);
      // INVARIANT: parse only returns null after a cancelled or timed-out parse; neither is set.
      if (!tree) throw new Error("tree-sitter returned no tree");
      return tree;
    };
  })();
  return loading;
}

/** 1-based line of a node. */
export const lineOf = (n: Node): number => n.startPosition.row + 1;

/** A node's text without whitespace: how expressions are compared (`op->cmd`, `current->domain`). */
export const norm = (n: Node): string => n.text.replace(/\s+/g, "");

/** Calls that return their argument unchanged as far as access decisions go (xen/include/xen/compiler.h, nospec.h). */
export const TRANSPARENT: ReadonlySet<string> = new Set(["evaluate_nospec", "likely", "unlikely"]);

/** The statements of a block without its comments; a single statement is a block of one. */
export function statementsOf(n: Node): Node[] {
  if (n.type !== "compound_statement") return n.type === "comment" ? [] : [n];
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== "comment");
}
