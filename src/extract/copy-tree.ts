import type { Language, Tree as WasmTree } from "web-tree-sitter";
import { HAS_ERROR, MISSING, NAMED, OLD_STYLE, type TreeArrays } from "./syntax-tree.js";

/** Copies a web-tree-sitter tree into the arrays of a SyntaxTree. */
export type CopyTree = (tree: WasmTree) => TreeArrays;

/** What the copy asks of a cursor standing on a node. */
interface Walk {
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  typeId(): number;
  fieldId(): number;
  startIndex(): number;
  endIndex(): number;
  /** asked once per symbol: whether a node is named depends on its (aliased) symbol only */
  isNamed(): boolean;
  /** asked of function definitions only (syntax-tree.ts, OLD_STYLE) */
  hasParametersField(): boolean;
  /** asked of empty leaves only: a MISSING node is one */
  isMissing(): boolean;
  /** asked of the root and of the children of a node that has one: no error above, none below */
  hasError(): boolean;
}

/** Growable columns of a tree being copied. */
class Columns {
  kind = new Uint16Array(4096);
  field = new Uint8Array(4096);
  flags = new Uint8Array(4096);
  start = new Uint32Array(4096);
  end = new Uint32Array(4096);
  size = new Uint32Array(4096);

  /** Makes room for `n` nodes. */
  reserve(n: number): void {
    let length = this.kind.length;
    if (n <= length) return;
    while (length < n) length *= 2;
    const more = <T extends Uint8Array | Uint16Array | Uint32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.kind = more(this.kind, new Uint16Array(length));
    this.field = more(this.field, new Uint8Array(length));
    this.flags = more(this.flags, new Uint8Array(length));
    this.start = more(this.start, new Uint32Array(length));
    this.end = more(this.end, new Uint32Array(length));
    this.size = more(this.size, new Uint32Array(length));
  }
}

/**
 * The columns every copy on this thread writes before its result is sliced out: a text is parsed in
 * chunks (chunk-bounds.ts), thousands of small trees, and columns of their own each were most of the
 * garbage of an extraction. One builder at a time uses them: each copies and slices synchronously.
 */
let scratch: Columns | undefined;

/**
 * A chunk of a text (chunk-bounds.ts) kept from another tree: that tree's root's children `first` to
 * `end` (node indices, `end` excluded), whose offsets `shift` moves to the chunk's place in this text,
 * and whether the chunk's own root had an error (a hidden token inserted counts, as in `hasError`).
 */
export interface ChunkTree {
  readonly arrays: TreeArrays;
  readonly first: number;
  readonly end: number;
  readonly shift: number;
  readonly error: boolean;
}

/** Runs `use` with a walk over a tree, then lets the walk go. */
export type WalkTree = <T>(tree: WasmTree, use: (walk: Walk) => T) => T;

/**
 * A tree's arrays as they are copied: a whole tree (`whole`), or the trees of a text's chunks one
 * after the other (`children`, `kept`) under one root (`joined`). Type and field numbers are this
 * tree's own, one per name.
 */
export class TreeBuilder {
  readonly #language: Language;
  readonly #cols: Columns;
  #n: number;
  readonly #types: string[] = [];
  readonly #fields: string[] = [""];
  readonly #typeByName = new Map<string, number>();
  readonly #fieldByName = new Map<string, number>([["", 0]]);
  /** whether nodes of each type are named (by this tree's type number) */
  readonly #named: number[] = [];
  /** the number of `function_definition`, -1 before one is seen (OLD_STYLE is asked of those only) */
  #definition = -1;
  // tree-sitter's ids (symbols, fields) to this tree's, -1 for none yet
  readonly #typeOf: Int32Array;
  readonly #fieldOf: Int32Array;
  // ERROR is tree-sitter's ts_builtin_sym_error, (TSSymbol)-1 = 65535: past the grammar's symbols
  readonly #otherTypes = new Map<number, number>();

  /** `joined`: node 0 is kept for the root `joined` writes */
  constructor(language: Language, joined = false) {
    this.#language = language;
    scratch ??= new Columns();
    this.#cols = scratch;
    this.#n = joined ? 1 : 0;
    this.#typeOf = new Int32Array(language.types.length + 1).fill(-1);
    this.#fieldOf = new Int32Array(language.fields.length + 1).fill(-1);
    this.#fieldOf[0] = 0;
  }

  /** How many nodes are copied so far. */
  get nodes(): number {
    return this.#n;
  }

  /** The whole tree under `walk`'s node, root and all. */
  whole(walk: Walk): TreeArrays {
    this.#copy(walk, 0, false);
    return this.#arrays();
  }

  /** Adds the children of the root under `walk`, moved by `shift`; whether that root has an error. */
  children(walk: Walk, shift: number): boolean {
    return this.#copy(walk, shift, true);
  }

  /** Adds a chunk kept from another tree, moved by its shift. */
  kept({ arrays: a, first, end, shift }: ChunkTree): void {
    const cols = this.#cols;
    const from = this.#n;
    cols.reserve(from + end - first);
    // each type's number here, made when first seen (named or not as its node is)
    const typeMap = new Int32Array(a.types.length).fill(-1);
    const fieldMap = a.fields.map((f) => this.#fieldNamed(f));
    for (let i = first, at = from; i < end; i++, at++) {
      const k = a.kind[i] as number;
      if ((typeMap[k] as number) < 0)
        // INVARIANT: a kept chunk's types are in its tree's list (chunk-memo.ts's tiles checks them)
        typeMap[k] = this.#typeNamed(a.types[k] as string, ((a.flags[i] as number) & NAMED) !== 0);
      cols.kind[at] = typeMap[k] as number;
      cols.field[at] = fieldMap[a.field[i] as number] as number;
      cols.start[at] = (a.start[i] as number) + shift;
      cols.end[at] = (a.end[i] as number) + shift;
    }
    cols.flags.set(a.flags.subarray(first, end), from);
    cols.size.set(a.size.subarray(first, end), from);
    this.#n = from + end - first;
  }

  /**
   * The chunks added under one `translation_unit` ending at `end`, with an error or not. It starts where
   * tree-sitter starts a root: at its first token (the first node added), or at the end of a text of none.
   */
  joined(end: number, error: boolean): TreeArrays {
    const cols = this.#cols;
    cols.kind[0] = this.#typeNamed("translation_unit", true);
    cols.field[0] = 0;
    cols.flags[0] = NAMED | (error ? HAS_ERROR : 0);
    cols.start[0] = this.#n > 1 ? (cols.start[1] as number) : end;
    cols.end[0] = end;
    cols.size[0] = this.#n;
    return this.#arrays();
  }

  #arrays(): TreeArrays {
    const cols = this.#cols;
    const n = this.#n;
    return {
      types: this.#types,
      fields: this.#fields,
      kind: cols.kind.slice(0, n),
      field: cols.field.slice(0, n),
      flags: cols.flags.slice(0, n),
      start: cols.start.slice(0, n),
      end: cols.end.slice(0, n),
      size: cols.size.slice(0, n),
    };
  }

  #typeNamed(name: string, named: boolean): number {
    let k = this.#typeByName.get(name);
    if (k === undefined) {
      k = this.#types.length;
      this.#types.push(name);
      this.#named.push(named ? NAMED : 0);
      this.#typeByName.set(name, k);
      if (name === "function_definition") this.#definition = k;
    }
    return k;
  }

  #fieldNamed(name: string): number {
    let f = this.#fieldByName.get(name);
    if (f === undefined) {
      f = this.#fields.length;
      this.#fields.push(name);
      this.#fieldByName.set(name, f);
    }
    return f;
  }

  /**
   * One walk over the nodes under `walk`'s in preorder (`childrenOnly`: not that node itself): four
   * reads and one or two moves per node. Whether the node the walk starts on has an error.
   */
  #copy(walk: Walk, shift: number, childrenOnly: boolean): boolean {
    const cols = this.#cols;
    const language = this.#language;
    const typeOf = this.#typeOf;
    const fieldOf = this.#fieldOf;
    // the nodes whose children are being copied, and whether each has an error
    const open: number[] = [];
    const erring: boolean[] = [];
    let n = this.#n;
    const rootError = walk.hasError();
    if (childrenOnly) {
      if (!walk.gotoFirstChild()) return rootError;
      open.push(-1);
      erring.push(rootError);
    }
    for (;;) {
      if (n === cols.kind.length) cols.reserve(n + 1);
      const i = n++;
      const symbol = walk.typeId();
      let k = symbol < typeOf.length ? (typeOf[symbol] as number) : (this.#otherTypes.get(symbol) ?? -1);
      if (k < 0) {
        k = this.#typeNamed(language.types[symbol] || "ERROR", walk.isNamed());
        if (symbol < typeOf.length) typeOf[symbol] = k;
        else this.#otherTypes.set(symbol, k);
      }
      const fieldId = walk.fieldId();
      let f = fieldId < fieldOf.length ? (fieldOf[fieldId] as number) : -1;
      if (f < 0) {
        f = this.#fieldNamed(language.fields[fieldId] ?? "");
        if (fieldId < fieldOf.length) fieldOf[fieldId] = f;
      }
      cols.kind[i] = k;
      cols.field[i] = f;
      cols.flags[i] =
        (this.#named[k] as number) | (k === this.#definition && walk.hasParametersField() ? OLD_STYLE : 0);
      const start = walk.startIndex();
      const end = walk.endIndex();
      cols.start[i] = start + shift;
      cols.end[i] = end + shift;
      const error = open.length === 0 ? rootError : erring[erring.length - 1] === true && walk.hasError();
      if (error) cols.flags[i] |= HAS_ERROR;
      if (walk.gotoFirstChild()) {
        open.push(i);
        erring.push(error);
        continue;
      }
      cols.size[i] = 1;
      if (start === end && walk.isMissing()) cols.flags[i] |= MISSING;
      for (;;) {
        if (walk.gotoNextSibling()) break;
        const p = open.pop();
        erring.pop();
        if (p === undefined || p < 0) {
          this.#n = n;
          return rootError;
        }
        walk.gotoParent();
        cols.size[p] = n - p;
      }
    }
  }
}

/** A whole tree's copy, through a walk of it. */
export const wholeCopy =
  (walkTree: WalkTree, language: Language): CopyTree =>
  (tree) =>
    walkTree(tree, (walk) => new TreeBuilder(language).whole(walk));

/** The walk through web-tree-sitter's TreeCursor: each read writes the cursor into wasm memory and back. */
export function publicWalk(language: Language): WalkTree {
  const parameters = language.fieldIdForName("parameters");
  return (tree, use) => {
    const cursor = tree.walk();
    try {
      return use({
        gotoFirstChild: () => cursor.gotoFirstChild(),
        gotoNextSibling: () => cursor.gotoNextSibling(),
        gotoParent: () => cursor.gotoParent(),
        typeId: () => cursor.nodeTypeId,
        fieldId: () => cursor.currentFieldId,
        startIndex: () => cursor.startIndex,
        endIndex: () => cursor.endIndex,
        isNamed: () => cursor.nodeIsNamed,
        hasParametersField: () => parameters !== null && !!cursor.currentNode.childForFieldId(parameters),
        isMissing: () => cursor.nodeIsMissing,
        hasError: () => cursor.currentNode.hasError,
      });
    } finally {
      cursor.delete();
    }
  };
}

/** The copy through web-tree-sitter's TreeCursor (publicWalk). */
export const publicCopier = (language: Language): CopyTree => wholeCopy(publicWalk(language), language);

/** The functions of web-tree-sitter's wasm module that its TreeCursor and Node methods call. */
interface CursorExports {
  _ts_init(): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_named_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_node_wasm(tree: number): void;
  _ts_node_child_by_field_id_wasm(tree: number, field: number): void;
  _ts_node_has_error_wasm(tree: number): number;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  HEAPU32: Uint32Array;
}

const EXPORTS = [
  "_ts_init",
  "_ts_tree_cursor_goto_first_child_wasm",
  "_ts_tree_cursor_goto_next_sibling_wasm",
  "_ts_tree_cursor_goto_parent_wasm",
  "_ts_tree_cursor_current_node_type_id_wasm",
  "_ts_tree_cursor_current_field_id_wasm",
  "_ts_tree_cursor_start_index_wasm",
  "_ts_tree_cursor_end_index_wasm",
  "_ts_tree_cursor_current_node_is_named_wasm",
  "_ts_tree_cursor_current_node_is_missing_wasm",
  "_ts_tree_cursor_current_node_wasm",
  "_ts_node_child_by_field_id_wasm",
  "_ts_node_has_error_wasm",
  "_ts_tree_cursor_delete_wasm",
];

/**
 * The same copy, calling the functions TreeCursor's methods call, without the JS in between: a
 * cursor lives in web-tree-sitter's transfer buffer, where every `_wasm` function reads it and the
 * moves write it back, so it can stay there for the whole walk instead of being copied in and out
 * of a JS object around each call (2-3 times faster). `module` is the object given to `Parser.init`,
 * which emscripten fills with the module's exports. It relies on web-tree-sitter's internals: null
 * when the exports are not there; c-parser.ts also checks its copy against publicWalk's on a sample.
 */
export function directWalk(module: object, language: Language): WalkTree | null {
  if (!EXPORTS.every((e) => typeof (module as Record<string, unknown>)[e] === "function")) return null;
  const m = module as CursorExports;
  if (!(m.HEAPU32 instanceof Uint32Array)) return null;
  // ts_init only returns the buffer's address (and writes the ABI versions, as Parser.init did)
  const buffer = m._ts_init() >> 2;
  const parameters = language.fieldIdForName("parameters");
  const saved = new Uint32Array(4);
  return (tree, use) => {
    // web-tree-sitter keeps a tree's wasm address at index 0 (Tree's constructor)
    const t = (tree as unknown as Record<0, number>)[0];
    if (typeof t !== "number" || t === 0) throw new Error("web-tree-sitter tree without an address");
    // walk() leaves the new cursor in the transfer buffer
    tree.walk();
    // a Node function reads its node where the cursor is: keep the cursor, put the node, ask, put the cursor back
    const askNode = (ask: () => boolean): boolean => {
      saved.set(m.HEAPU32.subarray(buffer, buffer + 4));
      m._ts_tree_cursor_current_node_wasm(t);
      const answer = ask();
      m.HEAPU32.set(saved, buffer);
      return answer;
    };
    try {
      return use({
        gotoFirstChild: () => m._ts_tree_cursor_goto_first_child_wasm(t) !== 0,
        gotoNextSibling: () => m._ts_tree_cursor_goto_next_sibling_wasm(t) !== 0,
        gotoParent: () => m._ts_tree_cursor_goto_parent_wasm(t) !== 0,
        typeId: () => m._ts_tree_cursor_current_node_type_id_wasm(t),
        fieldId: () => m._ts_tree_cursor_current_field_id_wasm(t),
        startIndex: () => m._ts_tree_cursor_start_index_wasm(t),
        endIndex: () => m._ts_tree_cursor_end_index_wasm(t),
        isNamed: () => m._ts_tree_cursor_current_node_is_named_wasm(t) !== 0,
        hasParametersField: () =>
          parameters !== null &&
          askNode(() => {
            m._ts_node_child_by_field_id_wasm(t, parameters);
            return m.HEAPU32[buffer] !== 0;
          }),
        isMissing: () => m._ts_tree_cursor_current_node_is_missing_wasm(t) !== 0,
        hasError: () => askNode(() => m._ts_node_has_error_wasm(t) !== 0),
      });
    } finally {
      m._ts_tree_cursor_delete_wasm(t);
    }
  };
}
