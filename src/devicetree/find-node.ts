import type { DeviceTree, DtNode, DtProperty } from "./device-tree.js";

interface Index {
  readonly byPath: Map<string, DtNode>;
  readonly byLabel: Map<string, DtNode>;
  readonly byPhandle: Map<number, DtNode>;
  readonly parent: Map<DtNode, DtNode>;
}

// Trees are immutable once read: one index per tree, built on the first lookup.
const indexes = new WeakMap<DeviceTree, Index>();

function indexOf(tree: DeviceTree): Index {
  const known = indexes.get(tree);
  if (known) return known;
  const index: Index = { byPath: new Map(), byLabel: new Map(), byPhandle: new Map(), parent: new Map() };
  const stack = [tree.root];
  while (stack.length > 0) {
    const n = stack.pop() as DtNode;
    index.byPath.set(n.path, n);
    for (const l of n.labels) if (!index.byLabel.has(l.name)) index.byLabel.set(l.name, n);
    if (n.phandle !== undefined) index.byPhandle.set(n.phandle, n);
    for (const c of n.children) {
      index.parent.set(c, n);
      stack.push(c);
    }
  }
  indexes.set(tree, index);
  return index;
}

/** The node at a full path (`/soc/uart@1000`, unit addresses included, as dtc's paths are). */
export function nodeByPath(tree: DeviceTree, path: string): DtNode | undefined {
  const clean = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return indexOf(tree).byPath.get(clean);
}

/** The node carrying a label (DTS only: a DTB keeps no labels). */
export function nodeByLabel(tree: DeviceTree, label: string): DtNode | undefined {
  return indexOf(tree).byLabel.get(label);
}

/** The node whose `phandle` (or `linux,phandle`) is this value. */
export function nodeByPhandle(tree: DeviceTree, phandle: number): DtNode | undefined {
  return indexOf(tree).byPhandle.get(phandle);
}

/** The parent of a node of the tree; undefined for the root. */
export function parentOf(tree: DeviceTree, node: DtNode): DtNode | undefined {
  return indexOf(tree).parent.get(node);
}

/** A node named as DTS references name them: `/path`, `label`, `&label`, `&{/path}` or `label/sub/path`. */
export function findNode(tree: DeviceTree, ref: string): DtNode | undefined {
  const r =
    ref.startsWith("&{") && ref.endsWith("}") ? ref.slice(2, -1) : ref.startsWith("&") ? ref.slice(1) : ref;
  if (r.startsWith("/")) return nodeByPath(tree, r);
  const slash = r.indexOf("/");
  const base = nodeByLabel(tree, slash < 0 ? r : r.slice(0, slash));
  if (!base || slash < 0) return base;
  return nodeByPath(tree, `${base.path === "/" ? "" : base.path}/${r.slice(slash + 1)}`);
}

/** A property of a node by name. */
export function getProperty(node: DtNode, name: string): DtProperty | undefined {
  return node.properties.find((p) => p.name === name);
}
