import type { CST } from "yaml";
import { LIMITS } from "./limits.js";

/**
 * The first collection nested deeper than the limit in a YAML parse (the parser keeps an explicit
 * stack, the composer recurses: a document of 10,000 `- - -` must be refused before it is composed),
 * or undefined. One pass with an explicit stack of its own.
 */
export function cstTooDeep(
  tokens: readonly CST.Token[],
  limit: number = LIMITS.nesting,
): CST.Token | undefined {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [t, depth] = top;
    if (t.type === "document") {
      if (t.value) stack.push([t.value, depth]);
    } else if (t.type === "block-map" || t.type === "block-seq" || t.type === "flow-collection") {
      if (depth >= limit) return t;
      for (const item of t.items) {
        if (item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}
