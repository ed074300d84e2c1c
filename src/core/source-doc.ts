import { isMap, isNode, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { type Diagnostic, error } from "./diagnostic.js";
import type { Span } from "./span.js";

/** A parsed YAML or JSON document that can tell where any value or key came from. */
export interface SourceDoc {
  readonly file: string;
  readonly value: unknown;
  /** span of the value at `path`, or of the key itself when `key` is set */
  spanOf(path: readonly (string | number)[], key?: boolean): Span;
}

function nodeAt(
  root: unknown,
  path: readonly (string | number)[],
): { node: Node | null; keyNode: Node | null } {
  let node: unknown = root;
  let keyNode: Node | null = null;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => (isNode(p.key) ? (p.key as { value?: unknown }).value : p.key) === part,
      );
      if (!pair) break;
      keyNode = isNode(pair.key) ? pair.key : null;
      node = pair.value;
    } else if (isSeq(node) && typeof part === "number") {
      node = node.items[part];
      keyNode = null;
    } else break;
  }
  return { node: isNode(node) ? node : null, keyNode };
}

/** Parses YAML (JSON is a subset) keeping positions; syntax errors become diagnostics. */
export function parseSource(text: string, file: string): { doc?: SourceDoc; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Span => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    return {
      diagnostics: doc.errors.map((e) =>
        error(
          "system/syntax",
          e.message
            .split("\n")[0]
            ?.replace(/\.$/, "")
            .replace(/^./, (c) => c.toLowerCase()) ?? "syntax error",
          at(e.pos[0]),
          "fix the YAML or JSON syntax at this place",
        ),
      ),
    };
  }
  const spanOf = (path: readonly (string | number)[], key = false): Span => {
    const { node, keyNode } = nodeAt(doc.contents, path);
    const target = key && keyNode ? keyNode : (node ?? keyNode);
    const range = target?.range ?? doc.contents?.range;
    if (!range) return { file, line: 1, column: 1 };
    const s = at(range[0]);
    const e = at(range[1]);
    return { ...s, endLine: e.line, endColumn: e.column };
  };
  return { doc: { file, value: doc.toJS({ maxAliasCount: 100 }), spanOf }, diagnostics: [] };
}
