/**
 * The copied syntax tree against web-tree-sitter's own nodes, node by node: every property and
 * method the copy offers gives what web-tree-sitter gives, on inline C with the odd corners
 * (preprocessor branches, syntax errors, missing tokens, non-ASCII text, CRLF), on every C file of
 * the extractor's fixtures, and under XEN_SRC on every file the extractor parses in a real tree.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import type { Node as WasmNode } from "web-tree-sitter";
import { namedTree } from "../../test/support/named-tree.js";
import { blankMacros } from "./blank-macros.js";
import { loadCParser, loadWasmParser, type ParseC, type WasmParser } from "./c-parser.js";
import { publicCopier } from "./copy-tree.js";
import { type SyntaxNode, SyntaxTree } from "./syntax-tree.js";
import { walk } from "./xen-tree.js";

let parse: ParseC;
let wasm: WasmParser;
before(async () => {
  parse = await loadCParser();
  wasm = await loadWasmParser();
});

const where = (n: WasmNode) => `${n.type} at ${n.startIndex}-${n.endIndex}`;
const same = (a: WasmNode | null, b: SyntaxNode | null, ids: Map<number, number>) =>
  a === null ? b === null : b !== null && ids.get(a.id) === b.at;

/**
 * The differences between web-tree-sitter's tree of `text` and the copy, at most `limit`: the
 * extractor's (the text parsed in chunks, chunk-bounds.ts), or with `whole` the copy of
 * web-tree-sitter's own tree of the whole text. The walk is iterative: the deep-nesting fixture has
 * 40,000 levels.
 */
function differences(text: string, limit = 10, everyField = true, whole = false): string[] {
  const reference = wasm.parser.parse(text);
  assert.ok(reference);
  const copy = whole ? new SyntaxTree(text, wasm.copy(reference)) : parse(text);
  const out: string[] = [];
  const ids = new Map<number, number>();
  const grammarFields = wasm.language.fields.filter((f): f is string => !!f);
  try {
    // first the nodes pair up, then every relation between them is compared through the pairing
    const pairs: [WasmNode, SyntaxNode][] = [];
    const stack: [WasmNode, SyntaxNode][] = [[reference.rootNode, copy.rootNode]];
    while (stack.length && out.length < limit) {
      const [w, c] = stack.pop() as [WasmNode, SyntaxNode];
      pairs.push([w, c]);
      ids.set(w.id, c.at);
      const row = w.startPosition;
      const facts = (n: WasmNode | SyntaxNode) => [
        n.type,
        n.isNamed,
        n.isMissing,
        n.hasError,
        n.startIndex,
        n.endIndex,
        n.childCount,
        n.namedChildCount,
        n.descendantCount,
      ];
      if (JSON.stringify(facts(w)) !== JSON.stringify(facts(c))) out.push(`${where(w)}: ${facts(c)}`);
      if (c.startPosition.row !== row.row || c.startPosition.column !== row.column)
        out.push(`${where(w)}: starts at ${JSON.stringify(c.startPosition)}, not ${JSON.stringify(row)}`);
      if (w.childCount === 0 && w.text !== c.text) out.push(`${where(w)}: text ${JSON.stringify(c.text)}`);
      for (let i = 0; i < w.childCount; i++) {
        const [wc, cc] = [w.child(i), c.child(i)];
        if (!wc || !cc) {
          out.push(`${where(w)}: child ${i} missing`);
          continue;
        }
        stack.push([wc, cc]);
        if (w.fieldNameForChild(i) !== c.fieldNameForChild(i))
          out.push(
            `${where(w)}: child ${i} in field ${c.fieldNameForChild(i)}, not ${w.fieldNameForChild(i)}`,
          );
      }
      for (let i = 0; i < w.namedChildCount; i++)
        if (w.fieldNameForNamedChild(i) !== c.fieldNameForNamedChild(i))
          out.push(`${where(w)}: named child ${i} in field ${c.fieldNameForNamedChild(i)}`);
    }
    for (const [w, c] of pairs) {
      if (out.length >= limit) break;
      // on a whole tree, the fields a node has and two it has not (every field is 40 calls a node)
      const fields = everyField
        ? grammarFields
        : [
            ...new Set([
              ...Array.from({ length: w.childCount }, (_, i) => w.fieldNameForChild(i) ?? "body"),
              "declarator",
              "alternative",
            ]),
          ];
      const relations: [string, WasmNode | null, SyntaxNode | null][] = [
        ["parent", w.parent, c.parent],
        ["next sibling", w.nextSibling, c.nextSibling],
        ["previous sibling", w.previousSibling, c.previousSibling],
        ["next named sibling", w.nextNamedSibling, c.nextNamedSibling],
        ["previous named sibling", w.previousNamedSibling, c.previousNamedSibling],
        ["first named child", w.firstNamedChild, c.firstNamedChild],
        ["last child", w.lastChild, c.lastChild],
        ...w.namedChildren.map((x, i): [string, WasmNode | null, SyntaxNode | null] => [
          `named child ${i}`,
          x,
          c.namedChild(i),
        ]),
        // every field the grammar has, present or not
        ...fields.map((f): [string, WasmNode | null, SyntaxNode | null] => [
          `field ${f}`,
          w.childForFieldName(f),
          c.childForFieldName(f),
        ]),
      ];
      for (const [what, a, b] of relations)
        if (!same(a, b, ids)) out.push(`${where(w)}: ${what} is ${b && `${b.type} at ${b.startIndex}`}`);
      for (const f of fields) {
        const [a, b] = [w.childrenForFieldName(f), c.childrenForFieldName(f)];
        if (a.length !== b.length || a.some((x, i) => !same(x, b[i] ?? null, ids)))
          out.push(`${where(w)}: ${b.length} children in field ${f}, not ${a.length}`);
      }
    }
    for (const types of ["call_expression", "identifier", "ERROR", "function_definition", "comment"]) {
      const [a, b] = [reference.rootNode.descendantsOfType(types), copy.rootNode.descendantsOfType(types)];
      if (a.length !== b.length || a.some((x, i) => !same(x, b[i] ?? null, ids)))
        out.push(`descendants of type ${types}: ${b.length}, not ${a.length}`);
    }
  } finally {
    reference.delete();
  }
  return out.slice(0, limit);
}

const CORNERS: Record<string, string> = {
  empty: "",
  "only blanks": "\n\n   \n",
  "a comment first": "/* é */\nint x;\n",
  preprocessor: [
    "#ifdef CONFIG_A",
    "static int a(void) { return 1; }",
    "#elif defined(CONFIG_B) && !defined(CONFIG_C)",
    "int b(int x) { if ( x ) return -EINVAL; return 0; }",
    "#else",
    "#ifndef CONFIG_D",
    "long c(struct domain *d, unsigned int cmd) { switch ( cmd ) { case 1: case 2: break; default: return 0; } }",
    "#endif",
    "#endif",
    "#include <xen/sched.h>",
    "#define X(a) ((a) + 1)",
  ].join("\n"),
  "a syntax error": "int f(void) { return ) 1 + ; }\nint g(void) { x = ; }\n",
  "a missing token": "int f(int a) { return a + 1 }\nstruct s { int x }\n",
  "garbage at the start": ")))) int f(void) { return 0; }",
  "non-ASCII text and CRLF":
    'int f(void)\r\n{\r\n    puts("héllo → 😀"); /* ünïcode */\r\n    return g("\\u00e9");\r\n}\r\n',
  "K&R and attributes":
    "int f(a, b) int a; char *b; { return a; }\n__attribute__((unused)) static void g(void) {}\n",
  expressions: "void f(void) { a = b ? c->d[e] : (f)(g, h...); *p++ = sizeof(struct s) + (int)q; }",
  "a long identifier": `int ${"x".repeat(5000)}(void) { return ${"y".repeat(5000)}; }`,
  // deeper is slow on web-tree-sitter's side (finding a parent walks down from the root)
  "deep nesting": `int x = ${"(".repeat(300)}1${")".repeat(300)};`,
};

describe("SyntaxTree against web-tree-sitter", () => {
  for (const [name, text] of Object.entries(CORNERS))
    test(name, () => {
      assert.deepEqual(differences(text), []);
    });

  test("every .c and .h file of the extractor's fixtures, as read and blanked", () => {
    const found = { c: [] as string[], h: [] as string[] };
    walk(new URL("../../test/fixtures/extract", import.meta.url).pathname, found);
    assert.ok(found.c.length > 20, `${found.c.length} .c files`);
    for (const file of [...found.c, ...found.h]) {
      const text = readFileSync(file, "utf8");
      assert.deepEqual(differences(text), [], file);
      assert.deepEqual(differences(blankMacros(text)), [], `${file}, blanked`);
    }
  });

  test("the direct copy is in use, and copies every fixture as the TreeCursor copy does", () => {
    // a web-tree-sitter whose internals moved makes c-parser.ts fall back to the slow copy: said here
    assert.ok(wasm.direct, "the direct copy (copy-tree.ts) does not work with this web-tree-sitter");
    const slow = publicCopier(wasm.language);
    const found = { c: [] as string[], h: [] as string[] };
    walk(new URL("../../test/fixtures/extract", import.meta.url).pathname, found);
    for (const text of [...Object.values(CORNERS), ...found.c.map((f) => readFileSync(f, "utf8"))]) {
      const tree = wasm.parser.parse(text);
      assert.ok(tree);
      try {
        assert.deepEqual(wasm.copy(tree), slow(tree));
      } finally {
        tree.delete();
      }
    }
  });

  test("20,000 levels of parentheses: copied without recursion, the innermost node's ancestors all there", () => {
    const text = `int x = ${"(".repeat(20000)}1${")".repeat(20000)};`;
    const reference = wasm.parser.parse(text);
    assert.ok(reference);
    const copy = parse(text);
    try {
      assert.equal(copy.rootNode.descendantCount, reference.rootNode.descendantCount);
    } finally {
      reference.delete();
    }
    const [one] = copy.rootNode.descendantsOfType("number_literal");
    assert.equal(one?.text, "1");
    let depth = 0;
    for (let n = one?.parent; n; n = n.parent) depth++;
    assert.ok(depth > 20000, `${depth} ancestors`);
  });

  test("nodes: equal when they are the same node of the same tree; ids unique across trees", () => {
    const [a, b] = [parse("int x;"), parse("int x;")];
    assert.ok(a.rootNode.equals(a.rootNode));
    assert.ok(a.rootNode.child(0)?.parent?.equals(a.rootNode));
    assert.ok(!a.rootNode.equals(b.rootNode));
    assert.notEqual(a.rootNode.id, b.rootNode.id);
    assert.notEqual(a.rootNode.id, a.rootNode.child(0)?.id);
  });
});

describe("real tree (XEN_SRC): SyntaxTree against web-tree-sitter", () => {
  test("XEN_SRC: every file the extractor parses, blanked, copies node for node; in chunks alike, but where tree-sitter recovered from an error", () => {
    const root = process.env.XEN_SRC;
    if (!root) {
      console.log("XEN_SRC not set: real-tree check not run");
      return;
    }
    const files = readdirSync(join(root, "xen"), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.[ch]$/.test(e.name))
      .map((e) => join(e.parentPath, e.name))
      .filter((f) => !/\/xen\/(tools|scripts|arch\/(?!x86\/|arm\/))/.test(f));
    assert.ok(files.length > 1000, `${files.length} files`);
    const bad: string[] = [];
    // where the chunks' trees are not the whole text's, tree-sitter recovered from an error: the
    // recovery can differ with what follows the chunk (gic-v3.c:635-644 at RELEASE-4.22.0 hid the next
    // 42 KB of functions in one ERROR); a text without one must be alike
    const recovered: string[] = [];
    for (const f of files) {
      const text = blankMacros(readFileSync(f, "utf8"));
      for (const d of differences(text, 3, false, true)) bad.push(`${f}: ${d}`);
      const whole = wasm.parser.parse(text);
      assert.ok(whole);
      try {
        if (JSON.stringify(namedTree(wasm.copy(whole))) === JSON.stringify(namedTree(parse(text).arrays)))
          continue;
        if (!whole.rootNode.hasError) bad.push(`${f}: parsed in chunks, not the whole text's tree`);
        recovered.push(f);
      } finally {
        whole.delete();
      }
    }
    assert.deepEqual(bad.slice(0, 30), []);
    console.log(`${files.length} files; ${recovered.length} whose chunks recover from an error otherwise`);
  });
});
