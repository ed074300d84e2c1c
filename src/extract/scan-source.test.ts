import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { blankMacros } from "./blank-macros.js";
import { loadCParser, type ParseC } from "./c-parser.js";
import { callSummary } from "./relevant.js";
import { nameHash, scanFromBytes, scanSource, scanToBytes } from "./scan-source.js";
import { functionsIn, walk } from "./xen-tree.js";

let parse: ParseC;
before(async () => {
  parse = await loadCParser();
});

const has = (list: Int32Array, name: string): boolean => list.includes(nameHash(name));

/** What tree-sitter finds that the scan must cover: each definition, and each name a body calls. */
function coverage(text: string): { defined: string[]; called: string[] } {
  const functions = functionsIn(parse(text).rootNode, "x.c", null);
  return {
    defined: functions.map((f) => f.name),
    called: functions.flatMap((f) => callSummary(f.body).calls),
  };
}

function assertCovers(text: string, where = "text"): void {
  const scan = scanSource(text);
  const { defined, called } = coverage(text);
  for (const name of defined)
    assert.ok(has(scan.defines, name), `${where}: \`${name}\` is defined but not scanned as such`);
  for (const name of called)
    assert.ok(has(scan.calls, name), `${where}: \`${name}\` is called but not scanned as such`);
}

describe("scanSource", () => {
  test("definitions in Xen's styles: split parameters, a comment or an #endif before the brace", () => {
    const text = [
      "static long cf_check do_widget_op(unsigned int cmd,",
      "                                  XEN_GUEST_HANDLE_PARAM(void) arg /* (a */)",
      "{",
      "    return widget_reset(current->domain, cmd);",
      "}",
      "int plain(void) /* no body yet */ { return 0; }",
      "#ifdef CONFIG_X",
      "int guarded(int a)",
      "#endif",
      "{",
      "    return a;",
      "}",
    ].join("\n");
    const scan = scanSource(text);
    for (const name of ["do_widget_op", "plain", "guarded"]) assert.ok(has(scan.defines, name), name);
    // a call in a body is no definition
    assert.ok(!has(scan.defines, "widget_reset"));
    assert.ok(has(scan.calls, "widget_reset"));
    assertCovers(text);
  });

  test("comments and literals hide nothing after them: `//` in a string, a quote in a char", () => {
    const text = [
      'static void log_it(void) { printk("see http://x (not a call"); reached_a(); }',
      "static char q(void) { return '\"'; }",
      "static void after(void) { reached_b(); }",
      "/* reached_c() is in a comment */",
      "#error don't stop here",
      "static void last(void) { reached_d(); }",
    ].join("\n");
    const scan = scanSource(text);
    for (const name of ["reached_a", "reached_b", "reached_d"]) assert.ok(has(scan.calls, name), name);
    assert.ok(!has(scan.calls, "reached_c"), "a call in a comment is none");
    assert.ok(has(scan.calls, "http"), "a word in a string may be one");
    for (const name of ["log_it", "q", "after", "last"]) assert.ok(has(scan.defines, name), name);
    assertCovers(text);
  });

  test("a name pasted by a macro is scanned on the blanked text, as it is parsed", () => {
    const text =
      "#define DO(fn) long do_##fn\nDO(xen_version)(int cmd, void *arg)\n{\n    return xsm_xen_version(cmd);\n}\n";
    const scan = scanSource(blankMacros(text));
    assert.ok(has(scan.defines, "do_xen_version"));
    assert.ok(has(scan.calls, "xsm_xen_version"));
    assertCovers(blankMacros(text));
  });

  test("numbers are no names; each name once", () => {
    const scan = scanSource("int f(void) { return 0x1fUL(1) + g(1) + g(2); }");
    assert.ok(!has(scan.calls, "x1fUL") && !has(scan.calls, "fUL"));
    assert.equal(scan.calls.filter((h) => h === nameHash("g")).length, 1);
  });

  test("a call is a name before `(`, blanks, comments and a joined line between; a member's is none", () => {
    const text = [
      "static int f(struct ops *ops, struct s s)",
      "{",
      "    ops->read(1);",
      "    s.write(2);",
      "    spaced /* ( */ (3);",
      "    joined\\",
      "    (4);",
      "    return ops -> wide(5) + named;",
      "}",
    ].join("\n");
    const scan = scanSource(text);
    assert.ok(!has(scan.calls, "read") && !has(scan.calls, "write"), "a member is no function");
    for (const name of ["spaced", "joined", "wide"]) assert.ok(has(scan.calls, name), name);
    assert.ok(!has(scan.calls, "named") && !has(scan.calls, "ops"), "no `(` after them");
    assertCovers(text);
  });

  test("`x-->f(y)` calls f; a line joined by `\\` before `\\r\\n` is joined", () => {
    const text =
      "int g(int x)\r\n{\r\n    while ( x-->f(x) )\r\n        crlf\\\r\n        (x);\r\n    return 0;\r\n}\r\n";
    const scan = scanSource(text);
    for (const name of ["f", "crlf"]) assert.ok(has(scan.calls, name), name);
    assertCovers(text);
  });

  test("one pass over a 200 KB identifier, its parentheses and its comments", () => {
    const long = "a".repeat(200_000);
    const text = `int ${long}(void)\n{\n    return ${long}() ${"( ".repeat(50_000)} /* ${") ".repeat(50_000)} */;\n}\n`;
    const scan = scanSource(text);
    assert.ok(has(scan.defines, long));
    assert.deepEqual([...scan.calls], [nameHash(long)]);
  });

  test("property: every definition and call tree-sitter finds in generated C is scanned", () => {
    // C that compiles: literals and comments with parentheses and braces in them, blocks and #ifdefs closed
    const ident = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
    const { statements } = fc.letrec((tie) => ({
      statement: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        ident.map((n) => `${n}(x);`),
        ident.map((n) => `p->${n}(x);`),
        ident.map((n) => `s.${n}(x);`),
        ident.map((n) => `${n} /* ) */ (x);`),
        ident.map((n) => `${n}\\\n(x);`),
        ident.map((n) => `/* ${n}( ) */`),
        ident.map((n) => `p = "${n}) {";`),
        fc.constantFrom("if ( a ) b = 1;", "x = (y);", "c = '(';", "c = ')';", "// f(\n"),
        tie("statements").map((b) => `{ ${b} }`),
        tie("statements").map((b) => `\n#ifdef CONFIG_A\n${b}\n#endif\n`),
      ),
      statements: fc.array(tie("statement"), { maxLength: 5 }).map((list) => (list as string[]).join(" ")),
    }));
    const fn = fc
      .tuple(ident, fc.array(ident, { maxLength: 3 }), statements)
      .map(
        ([name, params, body]) =>
          `static int ${name}(${params.map((p) => `int ${p}`).join(", ") || "void"})\n{\n    ${body}\n}\n`,
      );
    fc.assert(
      fc.property(fc.array(fn, { minLength: 1, maxLength: 4 }), (fns) => {
        assertCovers(fns.join("\n"));
      }),
      { numRuns: Number(process.env.XENPRIV_FUZZ_RUNS ?? 300), seed: 0x5ca9 },
    );
  });
});

describe("real tree (XEN_SRC): the scan covers what tree-sitter finds", () => {
  test("XEN_SRC: every definition and every call in every C file of the tree is in its file's scan", () => {
    const root = process.env.XEN_SRC;
    if (!root) {
      console.log("XEN_SRC not set: real-tree check not run");
      return;
    }
    const found = { c: [] as string[], h: [] as string[] };
    walk(join(root, "xen"), found);
    let definitions = 0;
    for (const path of found.c) {
      const text = blankMacros(readFileSync(path, "utf8"));
      assertCovers(text, relative(root, path));
      definitions += coverage(text).defined.length;
    }
    console.log(`${found.c.length} files, ${definitions} definitions covered`);
    assert.ok(definitions > 1000, "a Xen tree defines thousands of functions");
  });
});

// the fixtures of the extractor's own tests, each file as it is parsed
test("every fixture C file's definitions and calls are in its scan", () => {
  const root = fileURLToPath(new URL("../../test/fixtures/extract/", import.meta.url));
  const files = readdirSync(root, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".c"));
  assert.ok(files.length > 20);
  for (const f of files) assertCovers(blankMacros(readFileSync(join(root, f), "utf8")), f);
});

test("a scan kept in the cache is the scan made, and bytes it cannot read are a miss", () => {
  const scan = { ...scanSource("int f(void)\n{\n    return g(1);\n}\n"), length: 34, gate: true };
  const back = scanFromBytes(scanToBytes(scan));
  assert.deepEqual(back && { ...back, calls: [...back.calls], defines: [...back.defines] }, {
    ...scan,
    calls: [...scan.calls],
    defines: [...scan.defines],
  });
  const bytes = scanToBytes(scan);
  // as the cache gives it: a Buffer over a part of the file read, at an odd offset
  const read = Buffer.concat([Buffer.from([1, 2, 3]), bytes]).subarray(3);
  assert.deepEqual(scanFromBytes(read)?.calls, scan.calls);
  assert.equal(scanFromBytes(bytes.subarray(0, bytes.length - 4)), null, "truncated");
  assert.equal(scanFromBytes(bytes.subarray(0, 6)), null, "not whole words");
  const bad = bytes.slice();
  bad[4] = 7;
  assert.equal(scanFromBytes(bad), null, "a gate that is neither 0 nor 1");
});
