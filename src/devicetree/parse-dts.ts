import { type Diagnostic, error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import type { Span } from "../core/span.js";
import type { DeviceTree, DtLabel, DtMemReserve } from "./device-tree.js";
import { DtsLexer, type LexerOptions, readLatin1, type Token } from "./dts-lexer.js";
import { finishTree, unresolvedBytes } from "./finish-tree.js";
import {
  addChild,
  deleteNode,
  type LiveCell,
  type LiveLabel,
  type LiveNode,
  type LivePiece,
  type LiveProperty,
  LiveTree,
  liveProperty,
  newNode,
  nodeAtPath,
} from "./live-tree.js";

/** Options of the DTS parser: where `/include/` looks, and how files are read. */
export type ParseDtsOptions = LexerOptions;

const MAX_U64 = (1n << 64n) - 1n;
/** nodes nested deeper than this are refused, not a stack overflow */
const MAX_NESTING = 1000;
/** each `(` costs a dozen stack frames (one per precedence level): far more than any real source needs */
const MAX_PARENS = 100;
const NODE_NAME = /^[a-zA-Z0-9,._+@-]+$/;
const PROPERTY_NAME = /^[a-zA-Z0-9,._+*#?-]+$/;

/**
 * Parses DTS source as dtc does (dtc 1.6 syntax and semantics): merges repeated node definitions,
 * applies `/delete-node/` and `/delete-property/`, follows `/include/`, maps cpp line markers back,
 * and assigns phandles to referenced nodes. `text` is the file's content, decoded as UTF-8, or its
 * bytes. Bad input raises an InputError whose diagnostics carry file, line and column.
 */
export function parseDts(text: string | Uint8Array, file: string, options: ParseDtsOptions = {}): DeviceTree {
  const latin1 =
    typeof text === "string"
      ? Buffer.from(text, "utf8").toString("latin1")
      : Buffer.from(text).toString("latin1");
  return new Parser(new DtsLexer(latin1, file, options)).parse(file);
}

/** Reads and parses a DTS file (see `parseDts`). */
export function parseDtsFile(path: string, options: ParseDtsOptions = {}): DeviceTree {
  let text: string;
  try {
    text = (options.readFile ?? readLatin1)(path);
  } catch (e) {
    throw new InputError([
      error("devicetree/unreadable", `cannot read \`${path}\`: ${(e as Error).message}`),
    ]);
  }
  return new Parser(new DtsLexer(text, path, options)).parse(path);
}

function describe(t: Token): string {
  if (t.kind === "eof") return "the end of the input";
  if (t.kind === "string") return "a string";
  if (t.kind === "label") return `label \`${t.text}:\``;
  if (t.kind === "ref") return `\`&${t.text}\``;
  if (t.kind === "pathref") return `\`&{${t.text}}\``;
  return `\`${t.text}\``;
}

/** A span from the start of `a` to the end of `b`. */
function join(a: Span, b: Span): Span {
  return {
    file: a.file,
    line: a.line,
    column: a.column,
    endLine: b.endLine ?? b.line,
    endColumn: b.endColumn ?? b.column,
    ...(a.offset !== undefined && { offset: a.offset }),
    ...(b.endOffset !== undefined && { endOffset: b.endOffset }),
  };
}

/** The empty span just after `s`, where something is missing. */
function after(s: Span): Span {
  const line = s.endLine ?? s.line;
  const column = s.endColumn ?? s.column;
  const offset = s.endOffset ?? s.offset;
  return {
    file: s.file,
    line,
    column,
    endLine: line,
    endColumn: column,
    ...(offset !== undefined && { offset, endOffset: offset }),
  };
}

interface Value {
  readonly value: bigint;
  readonly span: Span;
}

class Parser {
  private readonly lx: DtsLexer;
  private readonly problems: Diagnostic[] = [];
  private plugin = false;
  private tree: LiveTree | undefined;
  private fragments = 0;
  private nesting = 0;
  private parens = 0;
  private last: Span | undefined;

  constructor(lexer: DtsLexer) {
    this.lx = lexer;
  }

  parse(file: string): DeviceTree {
    this.headers();
    const memReserves = this.memReserves();
    this.devicetree();
    const tree = this.tree as LiveTree;
    if (this.problems.length > 0) throw new InputError(this.problems);
    return finishTree(tree, { file, plugin: this.plugin, memReserves, bootCpuId: guessBootCpuId(tree.root) });
  }

  // ---- tokens -------------------------------------------------------------------------------------------

  private next(): Token {
    const t = this.lx.next();
    this.last = t.span;
    return t;
  }

  private is(text: string, ahead = 0): boolean {
    const t = this.lx.peek(ahead);
    return (t.kind === "punct" || t.kind === "keyword") && t.text === text;
  }

  private syntax(message: string, span: Span, help?: string): never {
    throw new InputError([...this.problems, error("devicetree/syntax", message, span, help)]);
  }

  private unexpected(expected: string, help?: string): never {
    const t = this.lx.peek();
    return this.syntax(`expected ${expected}, found ${describe(t)}`, t.span, help);
  }

  /** Consumes `text` or fails; a missing `;` is reported right after the token before it. */
  private expect(text: string, what: string): Token {
    if (this.is(text)) return this.next();
    if (text === ";" && this.last) {
      return this.syntax(
        `missing \`;\` ${what}`,
        after(this.last),
        `found ${describe(this.lx.peek())} instead`,
      );
    }
    return this.unexpected(`\`${text}\` ${what}`);
  }

  private problem(code: string, message: string, span: Span, help?: string): void {
    this.problems.push(error(`devicetree/${code}`, message, span, help));
  }

  private labels(): LiveLabel[] {
    const out: LiveLabel[] = [];
    while (this.lx.peek().kind === "label") {
      const t = this.next();
      out.push({ name: t.text, span: t.span, deleted: false });
    }
    return out;
  }

  // ---- file structure -----------------------------------------------------------------------------------

  private headers(): void {
    let flags: string | undefined;
    if (!this.is("/dts-v1/")) {
      this.unexpected("`/dts-v1/;`", "a DTS file starts with `/dts-v1/;` (dtc reads no other version)");
    }
    while (this.is("/dts-v1/")) {
      const start = this.next().span;
      this.expect(";", "after `/dts-v1/`");
      let f = "v1";
      if (this.is("/plugin/")) {
        this.next();
        this.expect(";", "after `/plugin/`");
        f = "v1+plugin";
        this.plugin = true;
      }
      if (flags !== undefined && flags !== f)
        this.problem("header", "header flags don't match earlier ones", start);
      flags = f;
    }
  }

  private memReserves(): DtMemReserve[] {
    const out: DtMemReserve[] = [];
    while (this.lx.peek().kind === "label" || this.is("/memreserve/")) {
      const labels = this.labels();
      if (!this.is("/memreserve/")) {
        if (labels.length > 0) this.unexpected("`/memreserve/` after the label");
        break;
      }
      const start = this.next().span;
      const address = this.prim();
      const size = this.prim();
      const end = this.expect(";", "after the `/memreserve/` entry").span;
      out.push({
        address: address.value,
        size: size.value,
        labels: publicLabels(labels),
        span: join(start, end),
      });
    }
    return out;
  }

  private devicetree(): void {
    for (let first = true; ; first = false) {
      const t = this.lx.peek();
      if (t.kind === "eof") {
        if (first) this.unexpected("the root node `/ { ... };`");
        return;
      }
      if (this.is("/")) {
        const slash = this.next().span;
        const node = this.nodedef("", slash);
        if (this.tree) this.tree.mergeNodes(this.tree.root, node);
        else this.tree = new LiveTree(node);
        continue;
      }
      const labels = first ? [] : this.labels();
      const r = this.lx.peek();
      if (r.kind === "ref" || r.kind === "pathref") {
        this.next();
        const node = this.nodedef("", r.span);
        this.place(r, labels, node);
        continue;
      }
      if (labels.length > 0) this.unexpected("`&label` or `&{/path}` after the label");
      if (!first && (this.is("/delete-node/") || this.is("/omit-if-no-ref/"))) {
        const kw = this.next();
        const ref = this.lx.peek();
        if (ref.kind !== "ref" && ref.kind !== "pathref")
          this.unexpected(`\`&label\` or \`&{/path}\` after \`${kw.text}\``);
        this.next();
        this.expect(";", `after \`${kw.text} ${describe(ref).slice(1, -1)}\``);
        const target = (this.tree as LiveTree).nodeByRef(ref.text);
        if (!target) this.notFound(ref);
        else if (kw.text === "/delete-node/") deleteNode(target);
        else target.omitIfUnused = true;
        continue;
      }
      this.unexpected(
        first ? "the root node `/ { ... };`" : "a node definition (`/ { ... };` or `&label { ... };`)",
      );
    }
  }

  /** `&ref { ... };` at the top: merges into the node it names, or becomes an overlay fragment. */
  private place(ref: Token, labels: LiveLabel[], node: LiveNode): void {
    if (!this.tree) {
      // the first definition of a plugin may be an overlay: the root starts empty
      if (!this.plugin) this.notFound(ref);
      this.tree = new LiveTree(newNode("", ref.span));
      this.orphan(ref, node);
      return;
    }
    const tree = this.tree;
    if (labels.length === 0 && ref.kind === "pathref" && this.plugin) {
      this.orphan(ref, node);
      return;
    }
    const target = tree.nodeByRef(ref.text);
    if (target) {
      for (const l of labels) tree.labelNode(target, l);
      tree.mergeNodes(target, node);
    } else if (labels.length === 0 && this.plugin) this.orphan(ref, node);
    else this.notFound(ref);
  }

  private notFound(ref: Token): void {
    this.problem(
      "unknown-reference",
      `label or path \`${ref.text}\` not found`,
      ref.span,
      ref.kind === "ref"
        ? "define the label before this line, e.g. `name: node { ... };`"
        : "write the node's full path",
    );
  }

  /** An overlay fragment, as dtc's add_orphan_node makes it: `fragment@N { target = <&x>; __overlay__ {...} }`. */
  private orphan(ref: Token, node: LiveNode): void {
    const tree = this.tree as LiveTree;
    node.name = "__overlay__";
    const frag = newNode(`fragment@${this.fragments++}`, node.span);
    const value: LivePiece = ref.text.startsWith("/")
      ? { kind: "string", bytes: [...Buffer.from(ref.text, "latin1")], span: ref.span }
      : { kind: "cells", bits: 32, cells: [{ kind: "ref", ref: ref.text, span: ref.span }], span: ref.span };
    frag.props.push({
      name: ref.text.startsWith("/") ? "target-path" : "target",
      labels: [],
      value: [value],
      deleted: false,
      span: ref.span,
    });
    addChild(frag, node);
    tree.attach(tree.root, frag);
  }

  // ---- nodes --------------------------------------------------------------------------------------------

  /** `{ properties subnodes };` with the node's name; `start` is where the definition starts. */
  private nodedef(name: string, start: Span): LiveNode {
    if (++this.nesting > MAX_NESTING) this.syntax(`nodes nested more than ${MAX_NESTING} deep`, start);
    this.expect("{", "to open the node");
    const node = newNode(name, start);
    let child: Span | undefined;
    for (;;) {
      if (this.is("}")) break;
      if (this.lx.peek().kind === "eof") this.unexpected("`}` to close the node", "every `{` needs a `};`");
      const labels = this.labels();
      let omit = false;
      while (this.is("/omit-if-no-ref/")) {
        this.next();
        omit = true;
        for (const l of this.labels()) labels.push(l);
      }
      const t = this.lx.peek();
      if (this.is("/delete-property/")) {
        if (omit) this.unexpected("a node after `/omit-if-no-ref/`");
        const kw = this.next();
        const n = this.name("a property name after `/delete-property/`");
        const end = this.expect(";", `after \`/delete-property/ ${n.text}\``).span;
        if (child)
          this.syntax(
            "properties must precede subnodes",
            join(kw.span, end),
            `move \`${n.text}\` above the first subnode`,
          );
        node.props.push({ name: n.text, labels, value: [], deleted: true, span: join(kw.span, end) });
        continue;
      }
      if (this.is("/delete-node/")) {
        const kw = this.next();
        const n = this.name("a node name after `/delete-node/`");
        const end = this.expect(";", `after \`/delete-node/ ${n.text}\``).span;
        const gone = newNode(n.text, join(kw.span, end));
        gone.deleted = true;
        gone.labels = labels;
        gone.omitIfUnused = omit;
        addChild(node, gone);
        child ??= gone.span;
        continue;
      }
      if (t.kind !== "name") this.unexpected("a property, a node or `}`");
      const n = this.next();
      const start = labels[0]?.span ?? n.span;
      if (this.is("{")) {
        if (!NODE_NAME.test(n.text)) this.badName(n, "node");
        else if (n.text.indexOf("@") !== n.text.lastIndexOf("@")) {
          this.problem("bad-name", `node name \`${n.text}\` has more than one \`@\``, n.span);
        }
        const sub = this.nodedef(n.text, n.span);
        sub.labels = labels;
        sub.omitIfUnused = omit;
        sub.span = join(start, sub.span);
        addChild(node, sub);
        child ??= sub.span;
        continue;
      }
      if (omit) this.unexpected(`\`{\` after \`${n.text}\`: \`/omit-if-no-ref/\` applies to nodes`);
      const prop = this.propdef(n, labels, start);
      if (child)
        this.syntax(
          "properties must precede subnodes",
          prop.span,
          `move \`${n.text}\` above the first subnode`,
        );
      if (!PROPERTY_NAME.test(n.text)) this.badName(n, "property");
      node.props.push(prop);
    }
    this.next();
    const end = this.expect(";", "after `}`").span;
    node.span = join(start, end);
    this.nesting--;
    return node;
  }

  private badName(n: Token, what: "node" | "property"): void {
    const allowed = what === "node" ? /[^a-zA-Z0-9,._+@-]/ : /[^a-zA-Z0-9,._+*#?-]/;
    const bad = allowed.exec(n.text)?.[0] ?? "";
    this.problem("bad-name", `bad character \`${bad}\` in ${what} name \`${n.text}\``, n.span);
  }

  private name(expected: string): Token {
    if (this.lx.peek().kind !== "name") this.unexpected(expected);
    return this.next();
  }

  // ---- properties ---------------------------------------------------------------------------------------

  private propdef(n: Token, labels: LiveLabel[], start: Span): LiveProperty {
    if (this.is(";")) {
      const end = this.next().span;
      return { name: n.text, labels, value: [], deleted: false, span: join(start, end) };
    }
    if (!this.is("=")) this.unexpected(`\`=\`, \`;\` or \`{\` after \`${n.text}\``);
    this.next();
    const value: LivePiece[] = [];
    for (;;) {
      for (const l of this.labels()) value.push({ kind: "label", name: l.name, span: l.span });
      value.push(this.piece(n.text));
      for (const l of this.labels()) value.push({ kind: "label", name: l.name, span: l.span });
      if (!this.is(",")) break;
      this.next();
    }
    const end = this.expect(";", `after the value of \`${n.text}\``).span;
    return { name: n.text, labels, value, deleted: false, span: join(start, end) };
  }

  private piece(prop: string): LivePiece {
    const t = this.lx.peek();
    if (t.kind === "string") {
      this.next();
      return { kind: "string", bytes: t.bytes, span: t.span };
    }
    if (t.kind === "ref" || t.kind === "pathref") {
      this.next();
      return { kind: "path", ref: t.text, span: t.span };
    }
    if (this.is("<") || this.is("/bits/")) return this.cells();
    if (this.is("[")) return this.bytes();
    if (this.is("/incbin/")) return this.incbin();
    return this.unexpected(
      `a value for \`${prop}\``,
      'a value is a string ("..."), cells (<1 2>), bytes ([0a 1b]) or a reference (&label)',
    );
  }

  private cells(): LivePiece {
    const start = this.lx.peek().span;
    let bits: 8 | 16 | 32 | 64 = 32;
    if (this.is("/bits/")) {
      this.next();
      const b = this.lx.peek();
      if (b.kind !== "number") this.unexpected("a number of bits after `/bits/`");
      this.next();
      if (b.value !== 8n && b.value !== 16n && b.value !== 32n && b.value !== 64n) {
        this.problem("bad-bits", `cells must be 8, 16, 32 or 64 bits, not ${b.text}`, b.span);
      } else bits = Number(b.value) as 8 | 16 | 32 | 64;
    }
    this.expect("<", "to open the cells");
    const cells: LiveCell[] = [];
    for (;;) {
      const t = this.lx.peek();
      if (this.is(">")) break;
      if (t.kind === "label") {
        this.next();
        cells.push({ kind: "label", name: t.text, span: t.span });
      } else if (t.kind === "ref" || t.kind === "pathref") {
        this.next();
        if (bits !== 32) this.problem("bad-reference", "references are only allowed in 32-bit cells", t.span);
        cells.push({ kind: "ref", ref: t.text, span: t.span });
      } else if (t.kind === "number" || t.kind === "char" || this.is("(")) {
        const v = this.prim();
        cells.push({ kind: "int", value: this.fit(v, bits), span: v.span });
      } else if (t.kind === "eof" || this.is(";")) {
        this.unexpected("`>` to close the cells");
      } else {
        this.unexpected(
          "a number, `(expression)`, `&reference` or `>`",
          t.kind === "punct" && "-~!".includes(t.text)
            ? "put an expression in parentheses: `(-1)`"
            : undefined,
        );
      }
    }
    const end = this.next().span;
    return { kind: "cells", bits, cells, span: join(start, end) };
  }

  /** The value as stored in a cell of `bits`; out of range unless it is a sign-extended negative number. */
  private fit(v: Value, bits: number): bigint {
    if (bits === 64) return v.value;
    const mask = (1n << BigInt(bits)) - 1n;
    if (v.value > mask && (v.value | mask) !== MAX_U64) {
      this.problem(
        "value-out-of-range",
        `value \`0x${v.value.toString(16)}\` does not fit in a ${bits}-bit cell`,
        v.span,
        bits === 32 ? "split a 64-bit number into two cells, or write `/bits/ 64 <...>`" : undefined,
      );
    }
    return v.value & mask;
  }

  private bytes(): LivePiece {
    const start = this.next().span;
    const bytes: number[] = [];
    const labels: { name: string; at: number; span: Span }[] = [];
    for (;;) {
      this.lx.hexRun(bytes);
      const t = this.lx.peek();
      if (t.kind === "byte") {
        this.next();
        bytes.push(Number(t.value));
      } else if (t.kind === "label") {
        this.next();
        labels.push({ name: t.text, at: bytes.length, span: t.span });
      } else if (this.is("]")) break;
      else this.unexpected("two hex digits or `]`", "write bytes as hex pairs: `[0a 1b 2c]`");
    }
    const end = this.next().span;
    return { kind: "bytes", bytes: Uint8Array.from(bytes), labels, span: join(start, end) };
  }

  /** `/incbin/("file")` or `/incbin/("file", offset, length)`: the bytes of a file. */
  private incbin(): LivePiece {
    const start = this.next().span;
    this.expect("(", "after `/incbin/`");
    const f = this.lx.peek();
    if (f.kind !== "string") this.unexpected("a file name in quotes");
    this.next();
    let offset: Value | undefined;
    let length: Value | undefined;
    if (this.is(",")) {
      this.next();
      offset = this.prim();
      this.expect(",", "between the offset and the length");
      length = this.prim();
    }
    const end = this.expect(")", "to close `/incbin/(...)`").span;
    const span = join(start, end);
    const name = Buffer.from(f.bytes).toString("utf8");
    const data = Buffer.from(this.lx.readRelative(name, f.span, "incbin").text, "latin1");
    const from = Number(offset?.value ?? 0n);
    const count = length === undefined ? data.length - Math.min(from, data.length) : Number(length.value);
    if (from + count > data.length) {
      this.syntax(`\`${name}\` has ${data.length} bytes, fewer than offset ${from} + length ${count}`, span);
    }
    return { kind: "bytes", bytes: Uint8Array.from(data.subarray(from, from + count)), labels: [], span };
  }

  // ---- integer expressions (C rules on unsigned 64-bit numbers, as dtc evaluates them) -----------------

  private prim(): Value {
    const t = this.lx.peek();
    if (t.kind === "number" || t.kind === "char") {
      this.next();
      return { value: t.value, span: t.span };
    }
    if (!this.is("(")) this.unexpected("a number, a character literal or `(expression)`");
    const open = this.next().span;
    if (++this.parens > MAX_PARENS) this.syntax(`parentheses nested more than ${MAX_PARENS} deep`, open);
    const v = this.ternary();
    const close = this.expect(")", "to close the expression").span;
    this.parens--;
    return { value: v.value, span: join(open, close) };
  }

  private ternary(): Value {
    const c = this.binary(0);
    if (!this.is("?")) return c;
    this.next();
    const a = this.ternary();
    this.expect(":", "in `?:`");
    const b = this.ternary();
    return { value: c.value !== 0n ? a.value : b.value, span: join(c.span, b.span) };
  }

  /** Binary operators by precedence level, loosest first; each level is left-associative. */
  private binary(level: number): Value {
    if (level >= LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    const ops = LEVELS[level] as readonly string[];
    for (;;) {
      const t = this.lx.peek();
      if (t.kind !== "punct" || !ops.includes(t.text)) return left;
      this.next();
      const right = this.binary(level + 1);
      const span = join(left.span, right.span);
      left = { value: this.apply(t.text, left.value, right.value, span), span };
    }
  }

  private apply(op: string, a: bigint, b: bigint, span: Span): bigint {
    const bool = (x: boolean) => (x ? 1n : 0n);
    switch (op) {
      case "||":
        return bool(a !== 0n || b !== 0n);
      case "&&":
        return bool(a !== 0n && b !== 0n);
      case "|":
        return a | b;
      case "^":
        return a ^ b;
      case "&":
        return a & b;
      case "==":
        return bool(a === b);
      case "!=":
        return bool(a !== b);
      case "<":
        return bool(a < b);
      case ">":
        return bool(a > b);
      case "<=":
        return bool(a <= b);
      case ">=":
        return bool(a >= b);
      case "<<":
        return b < 64n ? (a << b) & MAX_U64 : 0n;
      case ">>":
        return b < 64n ? a >> b : 0n;
      case "+":
        return (a + b) & MAX_U64;
      case "-":
        return (a - b) & MAX_U64;
      case "*":
        return (a * b) & MAX_U64;
      default: // "/" and "%"
        if (b === 0n) {
          this.problem("division-by-zero", "division by zero", span);
          return 0n;
        }
        return op === "/" ? a / b : a % b;
    }
  }

  /** `-`, `~` and `!` prefixes, read in a loop and applied innermost first. */
  private unary(): Value {
    const ops: Token[] = [];
    for (;;) {
      const t = this.lx.peek();
      if (t.kind !== "punct" || (t.text !== "-" && t.text !== "~" && t.text !== "!")) break;
      ops.push(this.next());
    }
    let v = this.prim();
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i] as Token;
      const value =
        op.text === "-" ? -v.value & MAX_U64 : op.text === "~" ? v.value ^ MAX_U64 : v.value === 0n ? 1n : 0n;
      v = { value, span: join(op.span, v.span) };
    }
    return v;
  }
}

const LEVELS = [
  ["||"],
  ["&&"],
  ["|"],
  ["^"],
  ["&"],
  ["==", "!="],
  ["<", ">", "<=", ">="],
  ["<<", ">>"],
  ["+", "-"],
  ["*", "/", "%"],
] as const;

function publicLabels(labels: readonly LiveLabel[]): DtLabel[] {
  return labels.filter((l) => !l.deleted).map((l) => ({ name: l.name, span: l.span }));
}

/** dtc's guess of the boot CPU for the DTB header: `reg` of the first child of `/cpus`, when it is one cell. */
function guessBootCpuId(root: LiveNode): number {
  const first = nodeAtPath(root, "/cpus")?.children[0];
  const reg = first && liveProperty(first, "reg");
  const bytes = reg && unresolvedBytes(reg.value);
  return bytes?.length === 4 ? Buffer.from(bytes).readUInt32BE(0) : 0;
}
