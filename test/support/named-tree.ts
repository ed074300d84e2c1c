import type { TreeArrays } from "../../src/extract/syntax-tree.js";

/**
 * A tree's arrays with each node's type and field by name: two trees made apart (a copy, a tree of
 * chunks, one taken from the cache) number them apart.
 */
export const namedTree = (a: TreeArrays) => ({
  kind: [...a.kind].map((k) => a.types[k]),
  field: [...a.field].map((f) => a.fields[f]),
  flags: [...a.flags],
  start: [...a.start],
  end: [...a.end],
  size: [...a.size],
});
