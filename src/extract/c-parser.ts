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
