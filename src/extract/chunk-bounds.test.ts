import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chunkBounds } from "./chunk-bounds.js";

/** The chunks of a text, as chunkBounds cuts it. */
const chunks = (text: string): string[] =>
  chunkBounds(text).map((end, i, ends) => text.slice(i === 0 ? 0 : ends[i - 1], end));

/** A function of 300 characters or more: a chunk has 256 at least (but the last). */
const f = (name: string, body = "    return 0;") =>
  `int ${name}(void)\n{\n    /* ${"-".repeat(280)} */\n${body}\n}\n`;

describe("chunkBounds", () => {
  test("a text is cut after each function's closing brace at column 0; the chunks are the text", () => {
    const text = `#include <xen/lib.h>\n\n${f("a")}\n/* b */\n${f("b")}\n${f("c")}`;
    assert.deepEqual(chunks(text), [
      `#include <xen/lib.h>\n\n${f("a")}`,
      `\n/* b */\n${f("b")}`,
      `\n${f("c")}`,
    ]);
    assert.equal(chunks(text).join(""), text);
  });

  test("no cut inside an #if, however deep; after its #endif the cuts go on", () => {
    const text = `#ifndef COMPAT\n${f("a")}\n#if defined(X)\n${f("b")}\n#endif\n${f("c")}#endif\n${f("d")}\n${f("e")}`;
    assert.deepEqual(chunks(text), [
      `#ifndef COMPAT\n${f("a")}\n#if defined(X)\n${f("b")}\n#endif\n${f("c")}#endif\n${f("d")}`,
      `\n${f("e")}`,
    ]);
  });

  test("braces in comments, literals and directives do not count; `};` and `} x` end no chunk", () => {
    const text = [
      'static const char *s = "{";',
      "static char c = '{';",
      "/* { */",
      "// {",
      "#define OPEN {",
      "#if X /* { */",
      "#endif",
      "struct s {",
      "    int x;",
      "};",
      "int t[] = {",
      "    1,",
      "} ;",
      f("a"),
      f("b"),
    ].join("\n");
    assert.deepEqual(chunks(text).length, 2);
    assert.ok(chunks(text)[0]?.endsWith(f("a")));
  });

  test("a brace inside a function that opens at column 0 does not end it before its own", () => {
    const a = f("a", "    if ( x )\n{\n    y();\n}\n    return 0;");
    assert.deepEqual(chunks(`${a}${f("b")}`), [a, f("b")]);
  });

  test("a chunk has 256 characters at least: short functions go with those after them", () => {
    const short = (name: string) => `int ${name}(void)\n{\n    return 0;\n}\n`;
    const shorts = Array.from({ length: 20 }, (_, i) => short(`s${i}`)).join("");
    const cut = chunks(`${shorts}${f("a")}`);
    assert.ok(cut.length >= 2 && cut.length <= 3, `${cut.length} chunks`);
    for (const c of cut.slice(0, -1)) assert.ok(c.length >= 256, `${c.length} characters`);
    assert.equal(cut.join(""), `${shorts}${f("a")}`);
  });

  test("a struct's or an enum's braces end no chunk: its name on the next line stays with it", () => {
    const typedef = `typedef struct {\n    int a; /* ${"-".repeat(260)} */\n}\nwidget_t;\n`;
    assert.deepEqual(chunks(`${typedef}${f("a")}${f("b")}`), [`${typedef}${f("a")}`, f("b")]);
    const attributed = `struct packed {\n    uint8_t b; /* ${"-".repeat(260)} */\n}\n__attribute__((packed));\n`;
    assert.deepEqual(chunks(`${attributed}${f("a")}`), [`${attributed}${f("a")}`]);
    // a body after a K&R parameter list or an attribute still opens after a `)` or not: only a cut lost
    assert.deepEqual(
      chunks(`${f("a").replace("(void)", "(void) __attribute__((cold))")}${f("b")}`).length,
      2,
    );
  });

  test("a directive's comment, literal or `//` hides nothing after its line", () => {
    const text = `#define OPEN "/*"\n#include "a/*b"\n#if X // /* no comment\n#endif\n${f("a")}${f("b")}`;
    assert.deepEqual(chunks(text).length, 2);
  });

  test("a text with no cut is one chunk; a `}` last in the text ends no empty chunk after it", () => {
    assert.deepEqual(chunkBounds(""), [0]);
    assert.deepEqual(chunkBounds("int x;\n"), [7]);
    assert.deepEqual(chunks(f("a")), [f("a")]);
    assert.deepEqual(chunks(`${f("a")}${f("b")}`), [f("a"), f("b")]);
  });

  test("unbalanced input stops the cuts, never the scan: a stray `}`, an open comment, an open literal", () => {
    assert.deepEqual(chunks(`}\n${f("a")}${f("b")}`).length, 1);
    assert.deepEqual(chunks(`${f("a")}/* open\n${f("b")}${f("c")}`), [f("a"), `/* open\n${f("b")}${f("c")}`]);
    // a literal left open ends at its line, as the lexer gives up there
    assert.deepEqual(chunks(`${f("a", '    puts("open);')}${f("b")}`), [f("a", '    puts("open);'), f("b")]);
  });

  test("garbage of open braces, quotes and comments is one chunk", () => {
    const text = "{'\"/*\\\n}\n".repeat(100_000);
    assert.deepEqual(chunkBounds(text), [text.length]);
  });
});
