import type { Span } from "../core/span.js";

// The tree while a DTS file is read, with dtc's semantics: deleted nodes, properties and labels stay in
// place with a flag, so that a later definition brings them back where they were (dtc's livetree.c).

/** A label with dtc's deleted flag. */
export interface LiveLabel {
  readonly name: string;
  readonly span: Span;
  deleted: boolean;
}

/** One element of `<...>` before references are resolved. */
export type LiveCell =
  | { readonly kind: "int"; readonly value: bigint; readonly span: Span }
  | { readonly kind: "ref"; readonly ref: string; readonly span: Span }
  | { readonly kind: "label"; readonly name: string; readonly span: Span };

/** One piece of a property value as written; labels between pieces are pieces too. */
export type LivePiece =
  | { readonly kind: "string"; readonly bytes: readonly number[]; readonly span: Span }
  | {
      readonly kind: "cells";
      readonly bits: 8 | 16 | 32 | 64;
      readonly cells: readonly LiveCell[];
      readonly span: Span;
    }
  | {
      readonly kind: "bytes";
      readonly bytes: Uint8Array;
      /** labels inside `[...]`, at a byte index */
      readonly labels: readonly { readonly name: string; readonly at: number; readonly span: Span }[];
      readonly span: Span;
    }
  | { readonly kind: "path"; readonly ref: string; readonly span: Span }
  | { readonly kind: "label"; readonly name: string; readonly span: Span };

/** A property while the file is read; a deleted one keeps its place. */
export interface LiveProperty {
  readonly name: string;
  labels: LiveLabel[];
  value: LivePiece[];
  deleted: boolean;
  span: Span;
}

/** A node while the file is read; a deleted one keeps its place. */
export interface LiveNode {
  /** set when the definition is placed (`__overlay__` for an overlay fragment) */
  name: string;
  labels: LiveLabel[];
  readonly props: LiveProperty[];
  readonly children: LiveNode[];
  /** children by name, in order, deleted ones too: merges and paths look names up */
  readonly byName: Map<string, LiveNode[]>;
  parent: LiveNode | undefined;
  deleted: boolean;
  omitIfUnused: boolean;
  referenced: boolean;
  /** 0: none yet */
  phandle: number;
  span: Span;
  /** path in the final tree, set once parsing is over */
  path: string;
}

/** An empty node. */
export function newNode(name: string, span: Span): LiveNode {
  return {
    name,
    labels: [],
    props: [],
    children: [],
    byName: new Map(),
    parent: undefined,
    deleted: false,
    omitIfUnused: false,
    referenced: false,
    phandle: 0,
    span,
    path: "",
  };
}

/** Adds a label to a list, or brings a deleted one of the same name back; true when it is new. */
export function addLabel(labels: LiveLabel[], label: LiveLabel): boolean {
  const old = labels.find((l) => l.name === label.name);
  if (old) {
    old.deleted = false;
    return false;
  }
  labels.push({ ...label, deleted: false });
  return true;
}

function deleteLabels(labels: LiveLabel[]): void {
  for (const l of labels) l.deleted = true;
}

/** Flags a property and its labels as deleted. */
export function deleteProperty(prop: LiveProperty): void {
  prop.deleted = true;
  deleteLabels(prop.labels);
}

/** Flags a node, its properties, labels and whole subtree as deleted. */
export function deleteNode(node: LiveNode): void {
  node.deleted = true;
  for (const c of node.children) if (!c.deleted) deleteNode(c);
  for (const p of node.props) if (!p.deleted) deleteProperty(p);
  deleteLabels(node.labels);
}

/** Appends a child, keeping the index of children by name. */
export function addChild(parent: LiveNode, child: LiveNode): void {
  child.parent = parent;
  parent.children.push(child);
  const same = parent.byName.get(child.name);
  if (same) same.push(child);
  else parent.byName.set(child.name, [child]);
}

/** The first child of that name that is not deleted. */
export function liveChild(node: LiveNode, name: string): LiveNode | undefined {
  return node.byName.get(name)?.find((c) => !c.deleted);
}

/** The property of that name that is not deleted. */
export function liveProperty(node: LiveNode, name: string): LiveProperty | undefined {
  return node.props.find((p) => !p.deleted && p.name === name);
}

/** The node a path names below `from` (dtc's get_node_by_path: full names, deleted nodes skipped). */
export function nodeAtPath(from: LiveNode, path: string): LiveNode | undefined {
  let node: LiveNode | undefined = from;
  for (const part of path.split("/")) {
    if (part === "") continue;
    node = liveChild(node, part);
    if (!node) return undefined;
  }
  return node.deleted ? undefined : node;
}

/**
 * The tree being built, with an index of node labels so that `&label` needs no walk of the tree.
 * Every node that ever carried a label is indexed; a lookup keeps the ones still in the tree.
 */
export class LiveTree {
  readonly root: LiveNode;
  private readonly labelled = new Map<string, LiveNode[]>();

  constructor(root: LiveNode) {
    this.root = root;
    this.indexSubtree(root);
  }

  /** Indexes the labels of a node and of everything below it (call once for each new subtree). */
  indexSubtree(node: LiveNode): void {
    const stack = [node];
    while (stack.length > 0) {
      const n = stack.pop() as LiveNode;
      for (const l of n.labels) this.index(l.name, n);
      // one by one: a spread of a node's 200,000 children overflows the stack
      for (const c of n.children) stack.push(c);
    }
  }

  /** Adds a label to a node in the tree. */
  labelNode(node: LiveNode, label: LiveLabel): void {
    if (addLabel(node.labels, label)) this.index(label.name, node);
  }

  private index(label: string, node: LiveNode): void {
    const list = this.labelled.get(label);
    if (!list) this.labelled.set(label, [node]);
    else if (!list.includes(node)) list.push(node);
  }

  /** Whether a node hangs from the root through nodes that are not deleted. */
  private attached(node: LiveNode): boolean {
    let n: LiveNode | undefined = node;
    while (n && n !== this.root) {
      if (n.deleted) return false;
      n = n.parent;
    }
    return n === this.root && !this.root.deleted;
  }

  /** The first node in document order with a live label of that name (dtc's get_node_by_label). */
  nodeWithLabel(label: string): LiveNode | undefined {
    const found = (this.labelled.get(label) ?? []).filter(
      (n) => n.labels.some((l) => !l.deleted && l.name === label) && this.attached(n),
    );
    if (found.length <= 1) return found[0];
    // a duplicate label (an error later): the first in document order, as dtc finds it
    const stack = [this.root];
    while (stack.length > 0) {
      const n = stack.pop() as LiveNode;
      if (found.includes(n)) return n;
      for (let i = n.children.length - 1; i >= 0; i--) {
        const c = n.children[i] as LiveNode;
        if (!c.deleted) stack.push(c);
      }
    }
    return undefined;
  }

  /** `/path`, `label` or `label/path` (dtc's get_node_by_ref). */
  nodeByRef(ref: string): LiveNode | undefined {
    if (ref === "/") return this.root;
    if (ref.startsWith("/")) return nodeAtPath(this.root, ref);
    const slash = ref.indexOf("/");
    const target = this.nodeWithLabel(slash < 0 ? ref : ref.slice(0, slash));
    if (!target || slash < 0) return target;
    return nodeAtPath(target, ref.slice(slash + 1));
  }

  /** Moves a later definition of a node into the first one, as dtc's merge_nodes does. */
  mergeNodes(old: LiveNode, later: LiveNode): void {
    old.deleted = false;
    for (const l of later.labels) this.labelNode(old, l);
    for (const p of later.props) {
      const same = old.props.find((o) => o.name === p.name);
      if (p.deleted) {
        if (same) deleteProperty(same);
        continue;
      }
      if (same) {
        for (const l of p.labels) addLabel(same.labels, l);
        same.value = p.value;
        same.deleted = false;
        same.span = p.span;
      } else old.props.push(p);
    }
    for (const c of later.children) {
      const same = old.byName.get(c.name)?.[0];
      if (c.deleted) {
        if (same) deleteNode(same);
        continue;
      }
      if (same) this.mergeNodes(same, c);
      else {
        addChild(old, c);
        this.indexSubtree(c);
      }
    }
  }

  /** Adds a new child to a node of the tree. */
  attach(parent: LiveNode, child: LiveNode): void {
    addChild(parent, child);
    this.indexSubtree(child);
  }
}
