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

  grow(): void {
    const n = this.kind.length * 2;
    const more = <T extends Uint8Array | Uint16Array | Uint32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.kind = more(this.kind, new Uint16Array(n));
    this.field = more(this.field, new Uint8Array(n));
    this.flags = more(this.flags, new Uint8Array(n));
    this.start = more(this.start, new Uint32Array(n));
    this.end = more(this.end, new Uint32Array(n));
    this.size = more(this.size, new Uint32Array(n));
  }
}

/** One walk over every node in preorder: four reads and one or two moves per node. */
function copy(walk: Walk, language: Language): TreeArrays {
  const cols = new Columns();
  // tree-sitter's ids (symbols, fields) to this tree's, -1 for none yet
  const typeOf = new Int32Array(language.types.length + 1).fill(-1);
  const fieldOf = new Int32Array(language.fields.length + 1).fill(-1);
  fieldOf[0] = 0;
  // ERROR is tree-sitter's ts_builtin_sym_error, (TSSymbol)-1 = 65535: past the grammar's symbols
  const otherTypes = new Map<number, number>();
  const types: string[] = [];
  const fields: string[] = [""];
  const flagsOf: number[] = [];
  let definition = -1;
  // the nodes whose children are being copied, and whether each has an error
  const open: number[] = [];
  const erring: boolean[] = [];
  let n = 0;
  for (;;) {
    if (n === cols.kind.length) cols.grow();
    const i = n++;
    const symbol = walk.typeId();
    let k = symbol < typeOf.length ? (typeOf[symbol] as number) : (otherTypes.get(symbol) ?? -1);
    if (k < 0) {
      k = types.length;
      if (symbol < typeOf.length) typeOf[symbol] = k;
      else otherTypes.set(symbol, k);
      types.push(language.types[symbol] || "ERROR");
      flagsOf.push(walk.isNamed() ? NAMED : 0);
      if (types[k] === "function_definition") definition = k;
    }
    const fieldId = walk.fieldId();
    let f = fieldId < fieldOf.length ? (fieldOf[fieldId] as number) : -1;
    if (f < 0) {
      f = fields.length;
      if (fieldId < fieldOf.length) fieldOf[fieldId] = f;
      fields.push(language.fields[fieldId] ?? "");
    }
    cols.kind[i] = k;
    cols.field[i] = f;
    cols.flags[i] = (flagsOf[k] as number) | (k === definition && walk.hasParametersField() ? OLD_STYLE : 0);
    const start = walk.startIndex();
    const end = walk.endIndex();
    cols.start[i] = start;
    cols.end[i] = end;
    const error = (erring.length === 0 || erring[erring.length - 1] === true) && walk.hasError();
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
      if (p === undefined)
        return {
          types,
          fields,
          kind: cols.kind.slice(0, n),
          field: cols.field.slice(0, n),
          flags: cols.flags.slice(0, n),
          start: cols.start.slice(0, n),
          end: cols.end.slice(0, n),
          size: cols.size.slice(0, n),
        };
      erring.pop();
      walk.gotoParent();
      cols.size[p] = n - p;
    }
  }
}

/** The copy through web-tree-sitter's TreeCursor: each read writes the cursor into wasm memory and back. */
export function publicCopier(language: Language): CopyTree {
  const parameters = language.fieldIdForName("parameters");
  return (tree) => {
    const cursor = tree.walk();
    try {
      return copy(
        {
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
        },
        language,
      );
    } finally {
      cursor.delete();
    }
  };
}

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
 * when the exports are not there; c-parser.ts also checks it against publicCopier on a sample.
 */
export function directCopier(module: object, language: Language): CopyTree | null {
  if (!EXPORTS.every((e) => typeof (module as Record<string, unknown>)[e] === "function")) return null;
  const m = module as CursorExports;
  if (!(m.HEAPU32 instanceof Uint32Array)) return null;
  // ts_init only returns the buffer's address (and writes the ABI versions, as Parser.init did)
  const buffer = m._ts_init() >> 2;
  const parameters = language.fieldIdForName("parameters");
  return (tree) => {
    // web-tree-sitter keeps a tree's wasm address at index 0 (Tree's constructor)
    const t = (tree as unknown as Record<0, number>)[0];
    if (typeof t !== "number" || t === 0) throw new Error("web-tree-sitter tree without an address");
    // walk() leaves the new cursor in the transfer buffer
    tree.walk();
    const saved = new Uint32Array(4);
    // a Node function reads its node where the cursor is: keep the cursor, put the node, ask, put the cursor back
    const askNode = (ask: () => boolean): boolean => {
      saved.set(m.HEAPU32.subarray(buffer, buffer + 4));
      m._ts_tree_cursor_current_node_wasm(t);
      const answer = ask();
      m.HEAPU32.set(saved, buffer);
      return answer;
    };
    try {
      return copy(
        {
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
        },
        language,
      );
    } finally {
      m._ts_tree_cursor_delete_wasm(t);
    }
  };
}
