import { lineIndex } from "../core/line-index.js";

/**
 * A tree-sitter syntax tree copied out of wasm into plain arrays, and nodes over it with the part of
 * web-tree-sitter's `Node` API the extractor uses. Reading a web-tree-sitter node crosses into wasm on
 * every property (`.type`, `.text`, each child); here each is an array read, the tree can be built in
 * a worker and posted back, and it can be stored on disk (tree-bytes.ts). web-tree-sitter is the
 * reference: syntax-tree.test.ts compares every node of a parse with it.
 */

/**
 * One parse, in preorder: node `i`'s subtree is nodes `i` to `i + size[i] - 1`, its first child
 * (if `size[i] > 1`) is `i + 1`, and the child after `c` is `c + size[c]`.
 */
export interface TreeArrays {
  /** the node type names this tree uses; `kind` indexes them */
  readonly types: readonly string[];
  /** the field names this tree uses, `""` first (no field); `field` indexes them */
  readonly fields: readonly string[];
  readonly kind: Uint16Array;
  /** the node's field in its parent */
  readonly field: Uint8Array;
  /** NAMED, OLD_STYLE, MISSING, HAS_ERROR */
  readonly flags: Uint8Array;
  /** UTF-16 offsets into the text, as web-tree-sitter gives them for a string */
  readonly start: Uint32Array;
  readonly end: Uint32Array;
  readonly size: Uint32Array;
}

/** A row and column, 0-based, as tree-sitter gives them. */
export interface Point {
  readonly row: number;
  readonly column: number;
}

/** A flag of a named node. */
export const NAMED = 1;
/**
 * A flag of an old-style (K&R) function definition: tree-sitter finds its `parameters` field in its
 * declarator (the rule it is made from inherits the fields of a hidden rule that an alias made visible).
 */
export const OLD_STYLE = 2;
/** A flag of a MISSING node: a token tree-sitter inserted to recover from an error (it is empty). */
export const MISSING = 4;
/**
 * A flag of a node that is or holds an error (tree-sitter's `hasError`): not only a visible ERROR or
 * MISSING node, also a hidden token inserted (the newline ending a `#define` at the end of a file).
 */
export const HAS_ERROR = 8;

// every node of every tree has its own id, as web-tree-sitter's ids are unique among live trees
let nextId = 1;

/** A parsed text: the source the nodes slice their text from, and the arrays of its nodes. */
export class SyntaxTree {
  readonly source: string;
  readonly arrays: TreeArrays;
  /** @internal the id of node 0 */
  readonly firstId: number;
  /** @internal local type and field numbers by name */
  readonly typeIds: ReadonlyMap<string, number>;
  readonly fieldIds: ReadonlyMap<string, number>;
  /** @internal the local type number of ERROR, -1 when the tree has none */
  readonly errorType: number;
  // the nodes asked for so far: each is made once, so what it computes is kept. `#slot[i]` is 1 + the
  // place of node i in `#made`, 0 when not made yet (an array as long as the tree would be mostly holes)
  #slot: Int32Array | undefined;
  readonly #made: SyntaxNode[] = [];
  #parents: Int32Array | undefined;
  #lineStarts: number[] | undefined;

  constructor(source: string, arrays: TreeArrays) {
    this.source = source;
    this.arrays = arrays;
    this.firstId = nextId;
    nextId += arrays.kind.length;
    this.typeIds = new Map(arrays.types.map((t, i) => [t, i]));
    this.fieldIds = new Map(arrays.fields.map((f, i) => [f, i]));
    this.errorType = this.typeIds.get("ERROR") ?? -1;
  }

  get rootNode(): SyntaxNode {
    return this.node(0);
  }

  /** @internal node `i` */
  node(i: number): SyntaxNode {
    this.#slot ??= new Int32Array(this.arrays.kind.length);
    const k = this.#slot[i] as number;
    if (k !== 0) return this.#made[k - 1] as SyntaxNode;
    const n = new SyntaxNode(this, i);
    this.#slot[i] = this.#made.push(n);
    return n;
  }

  /** @internal node `i`'s parent, -1 for the root (computed for all nodes on first use) */
  parentOf(i: number): number {
    if (!this.#parents) {
      const { size } = this.arrays;
      const parents = new Int32Array(size.length).fill(-1);
      for (let p = 0; p < size.length; p++)
        for (let c = p + 1, end = p + (size[p] as number); c < end; c += size[c] as number) parents[c] = p;
      this.#parents = parents;
    }
    return this.#parents[i] as number;
  }

  /** @internal the row and column of a text offset (tree-sitter counts rows at `\n` only) */
  pointAt(offset: number): Point {
    if (!this.#lineStarts) {
      const starts = [0];
      for (let i = this.source.indexOf("\n"); i !== -1; i = this.source.indexOf("\n", i + 1))
        starts.push(i + 1);
      this.#lineStarts = starts;
    }
    const row = lineIndex(this.#lineStarts, offset);
    return { row, column: offset - (this.#lineStarts[row] as number) };
  }
}

/**
 * A node of a SyntaxTree. Its tree makes it once, so `===` holds between two reads of the same node
 * (web-tree-sitter makes a new object each time: compare with `equals`, which works for both).
 */
export class SyntaxNode {
  readonly tree: SyntaxTree;
  /** @internal position in the tree's arrays */
  readonly at: number;
  #children: readonly number[] | undefined;
  #named: readonly number[] | undefined;
  #childNodes: readonly SyntaxNode[] | undefined;
  #namedNodes: readonly SyntaxNode[] | undefined;
  #text: string | undefined;
  /** @internal c-parser.ts's `norm` of this node, kept: the walker compares the same expressions per sub-op */
  normText: string | undefined;

  constructor(tree: SyntaxTree, at: number) {
    this.tree = tree;
    this.at = at;
  }

  get id(): number {
    return this.tree.firstId + this.at;
  }

  get type(): string {
    const a = this.tree.arrays;
    return a.types[a.kind[this.at] as number] as string;
  }

  get isNamed(): boolean {
    return ((this.tree.arrays.flags[this.at] as number) & NAMED) !== 0;
  }

  get isError(): boolean {
    return this.type === "ERROR";
  }

  get isMissing(): boolean {
    return ((this.tree.arrays.flags[this.at] as number) & MISSING) !== 0;
  }

  get hasError(): boolean {
    return ((this.tree.arrays.flags[this.at] as number) & HAS_ERROR) !== 0;
  }

  get startIndex(): number {
    return this.tree.arrays.start[this.at] as number;
  }

  get endIndex(): number {
    return this.tree.arrays.end[this.at] as number;
  }

  get startPosition(): Point {
    return this.tree.pointAt(this.startIndex);
  }

  get endPosition(): Point {
    return this.tree.pointAt(this.endIndex);
  }

  get text(): string {
    this.#text ??= this.tree.source.slice(this.startIndex, this.endIndex);
    return this.#text;
  }

  equals(other: SyntaxNode): boolean {
    return this.tree === other.tree && this.at === other.at;
  }

  get parent(): SyntaxNode | null {
    const p = this.tree.parentOf(this.at);
    return p < 0 ? null : this.tree.node(p);
  }

  get childCount(): number {
    return this.#kids().length;
  }

  get namedChildCount(): number {
    return this.#namedKids().length;
  }

  /** NOTE: the same frozen array each time (web-tree-sitter makes a new one): read it, do not change it. */
  get children(): readonly (SyntaxNode | null)[] {
    this.#childNodes ??= Object.freeze(this.#kids().map((c) => this.tree.node(c)));
    return this.#childNodes;
  }

  /** NOTE: the same frozen array each time (web-tree-sitter makes a new one): read it, do not change it. */
  get namedChildren(): readonly (SyntaxNode | null)[] {
    this.#namedNodes ??= Object.freeze(this.#namedKids().map((c) => this.tree.node(c)));
    return this.#namedNodes;
  }

  child(index: number): SyntaxNode | null {
    return this.#nodeAt(this.#kids()[index]);
  }

  namedChild(index: number): SyntaxNode | null {
    return this.#nodeAt(this.#namedKids()[index]);
  }

  get firstChild(): SyntaxNode | null {
    return this.child(0);
  }

  get lastChild(): SyntaxNode | null {
    return this.#nodeAt(this.#kids().at(-1));
  }

  get firstNamedChild(): SyntaxNode | null {
    return this.namedChild(0);
  }

  get lastNamedChild(): SyntaxNode | null {
    return this.#nodeAt(this.#namedKids().at(-1));
  }

  /**
   * The first child in a field. NOTE: an ERROR node has none, as in tree-sitter, whose search
   * goes by the node's production (an ERROR has no fields), even when a hidden child gave its own
   * children fields (which `fieldNameForChild` and `childrenForFieldName` do report).
   */
  childForFieldName(fieldName: string): SyntaxNode | null {
    // the walker asks this more than anything else: read the arrays, make no list of children
    const t = this.tree;
    const f = t.fieldIds.get(fieldName);
    const { kind, flags, field, size } = t.arrays;
    const i = this.at;
    if (fieldName === "parameters" && ((flags[i] as number) & OLD_STYLE) !== 0)
      return this.childForFieldName("declarator")?.childForFieldName("parameters") ?? null;
    if (!f || kind[i] === t.errorType) return null;
    for (let c = i + 1, end = i + (size[i] as number); c < end; c += size[c] as number)
      if (field[c] === f) return t.node(c);
    return null;
  }

  childrenForFieldName(fieldName: string): (SyntaxNode | null)[] {
    const a = this.tree.arrays;
    const f = this.tree.fieldIds.get(fieldName);
    if (!f) return [];
    const out: SyntaxNode[] = [];
    for (const c of this.#kids()) if (a.field[c] === f) out.push(this.tree.node(c));
    return out;
  }

  fieldNameForChild(index: number): string | null {
    return this.#fieldName(this.#kids()[index]);
  }

  fieldNameForNamedChild(index: number): string | null {
    return this.#fieldName(this.#namedKids()[index]);
  }

  get nextSibling(): SyntaxNode | null {
    return this.#sibling(false, 1);
  }

  get previousSibling(): SyntaxNode | null {
    return this.#sibling(false, -1);
  }

  get nextNamedSibling(): SyntaxNode | null {
    return this.#sibling(true, 1);
  }

  get previousNamedSibling(): SyntaxNode | null {
    return this.#sibling(true, -1);
  }

  /** The number of nodes in this subtree, this one included. */
  get descendantCount(): number {
    return this.tree.arrays.size[this.at] as number;
  }

  /**
   * The nodes of this subtree (this one included) of a type, in preorder. As in web-tree-sitter, a
   * node ending at offset 0 is left out: its search range starts at row 0, column 0. One type only:
   * web-tree-sitter misses nodes when given several (it looks them up as if sorted by symbol).
   */
  descendantsOfType(type: string): (SyntaxNode | null)[] {
    const a = this.tree.arrays;
    const k = this.tree.typeIds.get(type);
    const out: SyntaxNode[] = [];
    if (k === undefined) return out;
    const { kind, end } = a;
    const last = this.at + (a.size[this.at] as number);
    for (let i = this.at; i < last; i++) if (kind[i] === k && end[i] !== 0) out.push(this.tree.node(i));
    return out;
  }

  #nodeAt(i: number | undefined): SyntaxNode | null {
    return i === undefined ? null : this.tree.node(i);
  }

  #fieldName(c: number | undefined): string | null {
    const a = this.tree.arrays;
    return c === undefined ? null : a.fields[a.field[c] as number] || null;
  }

  #kids(): readonly number[] {
    if (!this.#children) {
      const { size } = this.tree.arrays;
      const out: number[] = [];
      for (let c = this.at + 1, end = this.at + (size[this.at] as number); c < end; c += size[c] as number)
        out.push(c);
      this.#children = out;
    }
    return this.#children;
  }

  #namedKids(): readonly number[] {
    const { flags } = this.tree.arrays;
    this.#named ??= this.#kids().filter((c) => ((flags[c] as number) & NAMED) !== 0);
    return this.#named;
  }

  /**
   * The sibling before or after this node. NOTE: as in tree-sitter, which looks for the next
   * sibling by position, one after this node that ends where it ends (an empty MISSING `;`) is
   * passed over.
   */
  #sibling(namedOnly: boolean, step: 1 | -1): SyntaxNode | null {
    const p = this.parent;
    if (!p) return null;
    const siblings = namedOnly ? p.#namedKids() : p.#kids();
    const { end } = this.tree.arrays;
    if (step === 1) {
      const mine = end[this.at] as number;
      return this.#nodeAt(siblings.find((c) => c > this.at && (end[c] as number) > mine));
    }
    return this.#nodeAt(siblings.findLast((c) => c < this.at));
  }
}
