import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { firstError, fixture, inputError } from "../../test/support/devicetree.js";
import { formatSpan } from "../core/span.js";
import { parseDts, parseDtsFile } from "./parse-dts.js";

/** The first error of parsing `text` as `t.dts`: code and `file:line:column`. */
function err(text: string): { code: string; at: string } {
  const { code, at } = firstError(() => parseDts(text, "t.dts"));
  return { code, at };
}

function message(text: string): string {
  return firstError(() => parseDts(text, "t.dts")).message;
}

const V1 = "/dts-v1/;\n";

test("unterminated strings, comments and character literals point at where they open", () => {
  assert.deepEqual(err(`${V1}/ { a = "abc; };\n`), {
    code: "devicetree/unterminated-string",
    at: "t.dts:2:9",
  });
  assert.deepEqual(err(`${V1}/ { /* never closed\n};\n`), {
    code: "devicetree/unterminated-comment",
    at: "t.dts:2:5",
  });
  assert.deepEqual(err(`${V1}/ { a = <'x>; };`), { code: "devicetree/unterminated-char", at: "t.dts:2:10" });
  assert.deepEqual(err(`${V1}/ { a = <''>; };`), { code: "devicetree/bad-char", at: "t.dts:2:10" });
  assert.match(message(`${V1}/ { a = <'ab'>; };`), /character literal has 2 characters instead of 1/);
  assert.deepEqual(err(`${V1}/ { a = "\\xzz"; };`), { code: "devicetree/bad-escape", at: "t.dts:2:9" });
});

test("a token that cannot stand where it is found is a syntax error at that token", () => {
  assert.deepEqual(err(`${V1}/ { a = $; };`), { code: "devicetree/syntax", at: "t.dts:2:9" });
  assert.match(message(`${V1}/ { a = $; };`), /expected a value for `a`, found `\$`/);
  assert.deepEqual(err(`${V1}/ { a = <1 foo>; };`), { code: "devicetree/syntax", at: "t.dts:2:12" });
  assert.deepEqual(err(`${V1}/ { a = ; };`), { code: "devicetree/syntax", at: "t.dts:2:9" });
  assert.deepEqual(err(`${V1}/ { a b; };`), { code: "devicetree/syntax", at: "t.dts:2:7" });
  assert.deepEqual(err(`${V1}/ { a = <-1>; };`), { code: "devicetree/syntax", at: "t.dts:2:10" });
  const d = inputError(() => parseDts(`${V1}/ { a = <-1>; };`, "t.dts"))[0];
  assert.equal(d?.help, "put an expression in parentheses: `(-1)`");
});

test("a missing semicolon is reported right after the token it should follow", () => {
  assert.deepEqual(err(`${V1}/ {\n\ta = <1>\n\tb = <2>;\n};\n`), {
    code: "devicetree/syntax",
    at: "t.dts:3:9",
  });
  assert.match(message(`${V1}/ {\n\ta = <1>\n\tb = <2>;\n};\n`), /missing `;` after the value of `a`/);
  assert.deepEqual(err(`${V1}/ {\n\tn { }\n};\n`), { code: "devicetree/syntax", at: "t.dts:3:7" });
  assert.deepEqual(err(`/dts-v1/\n/ { };`), { code: "devicetree/syntax", at: "t.dts:1:9" });
});

test("the file must start with /dts-v1/; and close every node", () => {
  assert.deepEqual(err("/ { };"), { code: "devicetree/syntax", at: "t.dts:1:1" });
  assert.match(message("/ { };"), /expected `\/dts-v1\/;`/);
  assert.deepEqual(err(`${V1}/ { n { };`), { code: "devicetree/syntax", at: "t.dts:2:11" });
  assert.deepEqual(err(V1), { code: "devicetree/syntax", at: "t.dts:2:1" });
  assert.deepEqual(err(`${V1}/ { }; junk`), { code: "devicetree/syntax", at: "t.dts:2:8" });
});

test("references to unknown labels and paths, with suggestions", () => {
  const d = inputError(() => parseDts(`${V1}/ { a = <&uart1>; uart0: serial { }; };`, "t.dts"))[0];
  assert.deepEqual(
    [d?.code, d?.span?.line, d?.span?.column, d?.message, d?.help],
    ["devicetree/unknown-reference", 2, 10, "reference to an unknown label `uart1`", "did you mean `uart0`?"],
  );
  assert.deepEqual(err(`${V1}/ { a = &{/nowhere}; };`), {
    code: "devicetree/unknown-reference",
    at: "t.dts:2:9",
  });
  assert.deepEqual(err(`${V1}/ { };\n&missing { };`), {
    code: "devicetree/unknown-reference",
    at: "t.dts:3:1",
  });
  assert.deepEqual(err(`${V1}/ { };\n/delete-node/ &missing;`), {
    code: "devicetree/unknown-reference",
    at: "t.dts:3:15",
  });
  assert.deepEqual(err(`${V1}&first { };`), { code: "devicetree/unknown-reference", at: "t.dts:2:1" });
});

test("byte strings need two hex digits per byte", () => {
  assert.deepEqual(err(`${V1}/ { a = [12 3]; };`), { code: "devicetree/odd-hex-digits", at: "t.dts:2:13" });
  assert.deepEqual(err(`${V1}/ { a = [123]; };`), { code: "devicetree/odd-hex-digits", at: "t.dts:2:12" });
  assert.deepEqual(err(`${V1}/ { a = [0x12]; };`), { code: "devicetree/odd-hex-digits", at: "t.dts:2:10" });
});

test("numbers out of range for their cells, bad literals, bad /bits/ and division by zero", () => {
  assert.deepEqual(err(`${V1}/ { a = <0x100000000>; };`), {
    code: "devicetree/value-out-of-range",
    at: "t.dts:2:10",
  });
  assert.match(
    message(`${V1}/ { a = <0x100000000>; };`),
    /value `0x100000000` does not fit in a 32-bit cell/,
  );
  assert.deepEqual(err(`${V1}/ { a = /bits/ 8 <256>; };`), {
    code: "devicetree/value-out-of-range",
    at: "t.dts:2:19",
  });
  assert.deepEqual(err(`${V1}/ { a = /bits/ 16 <0x10000>; };`), {
    code: "devicetree/value-out-of-range",
    at: "t.dts:2:20",
  });
  // dtc's rule: a number whose bits above the cell are all ones is a negative number, truncated
  assert.equal(
    parseDts(`${V1}/ { a = /bits/ 16 <(-32769)>; };`, "t.dts").root.properties[0]?.bytes.join(),
    "127,255",
  );
  assert.deepEqual(err(`${V1}/ { a = <0x10000000000000000>; };`), {
    code: "devicetree/number-out-of-range",
    at: "t.dts:2:10",
  });
  assert.deepEqual(err(`${V1}/ { a = <09>; };`), { code: "devicetree/bad-number", at: "t.dts:2:10" });
  assert.deepEqual(err(`${V1}/ { a = /bits/ 12 <1>; };`), { code: "devicetree/bad-bits", at: "t.dts:2:16" });
  assert.deepEqual(err(`${V1}/ { a = /bits/ 8 <&n>; n: n {}; };`), {
    code: "devicetree/bad-reference",
    at: "t.dts:2:19",
  });
  assert.deepEqual(err(`${V1}/ { a = <(1 / (2 - 2))>; };`), {
    code: "devicetree/division-by-zero",
    at: "t.dts:2:11",
  });
  assert.deepEqual(err(`${V1}/ { a = <(7 % 0)>; };`), {
    code: "devicetree/division-by-zero",
    at: "t.dts:2:11",
  });
});

test("/include/ of a missing file, include cycles and includes nested too deep", () => {
  assert.deepEqual(
    firstError(() => parseDtsFile(fixture("include-missing.dts"))),
    {
      code: "devicetree/include-not-found",
      at: "include-missing.dts:3:1",
      message: "cannot find the included file `include/no-such-file.dtsi`",
    },
  );
  const cycle = firstError(() => parseDtsFile(fixture("include-cycle.dts")));
  assert.deepEqual([cycle.code, cycle.at], ["devicetree/include-cycle", "cycle-b.dtsi:2:1"]);
  assert.match(cycle.message, /include cycle: `.*cycle-a\.dtsi` -> `.*cycle-b\.dtsi` -> `.*cycle-a\.dtsi`/);
  // a chain of 250 distinct files, each including the next
  const readFile = (p: string) => {
    const n = Number(/f(\d+)\.dtsi$/.exec(p)?.[1] ?? -1);
    if (n < 0) return `${V1}/include/ "f0.dtsi"\n/ { };`;
    return n < 250 ? `/include/ "f${n + 1}.dtsi"\n` : "";
  };
  assert.equal(firstError(() => parseDtsFile("/v/main.dts", { readFile })).code, "devicetree/include-depth");
  assert.equal(firstError(() => parseDts(`${V1}/include/ nofile`, "t.dts")).code, "devicetree/bad-include");
});

test("#include and other cpp directives ask for the C preprocessor", () => {
  const d = inputError(() => parseDts(`${V1}#include <dt-bindings/gpio.h>\n/ { };`, "t.dts"))[0];
  assert.deepEqual([d?.code, d?.span?.line, d?.span?.column], ["devicetree/needs-cpp", 2, 1]);
  assert.match(d?.help ?? "", /C preprocessor/);
  assert.equal(err(`${V1}#define X 1\n/ { };`).code, "devicetree/needs-cpp");
  // a property whose name starts with `#` at the start of a line is no directive
  assert.equal(
    parseDts(`${V1}/ {\n#address-cells = <1>;\n};`, "t.dts").root.properties[0]?.name,
    "#address-cells",
  );
});

test("properties after subnodes, duplicate names, labels and phandles", () => {
  assert.deepEqual(err(`${V1}/ {\n\tn { };\n\tp = <1>;\n};`), { code: "devicetree/syntax", at: "t.dts:4:2" });
  assert.match(message(`${V1}/ {\n\tn { };\n\tp = <1>;\n};`), /properties must precede subnodes/);
  assert.deepEqual(err(`${V1}/ {\n\tn { };\n\tn { };\n};`), {
    code: "devicetree/duplicate-node",
    at: "t.dts:4:2",
  });
  assert.deepEqual(err(`${V1}/ {\n\tp;\n\tp = <1>;\n};`), {
    code: "devicetree/duplicate-property",
    at: "t.dts:4:2",
  });
  assert.deepEqual(err(`${V1}/ {\n\tx: a { };\n\tx: b { };\n};`), {
    code: "devicetree/duplicate-label",
    at: "t.dts:4:2",
  });
  assert.deepEqual(err(`${V1}/ { a { phandle = <1>; }; b { phandle = <1>; }; };`), {
    code: "devicetree/duplicate-phandle",
    at: "t.dts:2:31",
  });
  assert.deepEqual(err(`${V1}/ { a { phandle = <0>; }; };`), {
    code: "devicetree/bad-phandle",
    at: "t.dts:2:9",
  });
  assert.deepEqual(err(`${V1}/ { a { phandle = <1 2>; }; };`), {
    code: "devicetree/bad-phandle",
    at: "t.dts:2:9",
  });
  assert.deepEqual(err(`${V1}/ { o: other {}; a { phandle = <&o>; }; };`), {
    code: "devicetree/bad-phandle",
    at: "t.dts:2:33",
  });
});

test("bad characters in names and a `name` property that disagrees with the node", () => {
  assert.deepEqual(err(`${V1}/ { a?b { }; };`), { code: "devicetree/bad-name", at: "t.dts:2:5" });
  assert.deepEqual(err(`${V1}/ { a@1@2 { }; };`), { code: "devicetree/bad-name", at: "t.dts:2:5" });
  assert.deepEqual(err(`${V1}/ { p@1; };`), { code: "devicetree/bad-name", at: "t.dts:2:5" });
  assert.deepEqual(err(`${V1}/ { n { name = "m"; }; };`), {
    code: "devicetree/bad-name-property",
    at: "t.dts:2:9",
  });
  // a `name` equal to the node's own name is dropped, as dtc drops it
  assert.deepEqual(
    parseDts(`${V1}/ { n@1 { name = "n"; x; }; };`, "t.dts").root.children[0]?.properties.map((p) => p.name),
    ["x"],
  );
});

test("nesting too deep is an input error, not a stack overflow", () => {
  const deep = `${V1}/ { ${"n { ".repeat(1200)}${"}; ".repeat(1200)}};`;
  assert.equal(err(deep).code, "devicetree/syntax");
  assert.match(message(deep), /nested more than 1000 deep/);
  const expr = `${V1}/ { a = <${"(".repeat(1200)}1${")".repeat(1200)}>; };`;
  assert.match(message(expr), /parentheses nested more than 100 deep/);
  // prefix operators are read in a loop: any number of them is fine
  const unary = parseDts(`${V1}/ { a = <(${"-".repeat(5001)}1)>; };`, "t.dts");
  assert.equal(Buffer.from(unary.root.properties[0]?.bytes ?? []).toString("hex"), "ffffffff");
});

test("several independent errors are reported together, each at its file:line:column", () => {
  const diags = inputError(() =>
    parseDts(`${V1}/ {\n\ta = <0x100000000>;\n\tb = <&nope>;\n\tc = /bits/ 8 <300>;\n};`, "t.dts"),
  );
  assert.deepEqual(
    diags.map((d) => [d.code, d.span?.line]),
    [
      ["devicetree/value-out-of-range", 3],
      ["devicetree/value-out-of-range", 5],
    ],
  );
  assert.equal(formatSpan(diags[0]?.span ?? { file: "", line: 0, column: 0 }), "t.dts:3:7");
});

test("/incbin/ of /dev/zero or a FIFO is refused at its place, not read forever or waited on", () => {
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-incbin-"));
  try {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    for (const [name, file] of [
      ["zero.dts", "/dev/zero"],
      ["fifo.dts", "fifo"],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, `/dts-v1/;\n/ { p = /incbin/("${file}"); };\n`);
      const d = inputError(() => parseDtsFile(path))[0];
      assert.equal(d?.code, "devicetree/incbin-unreadable");
      // at the file name
      assert.deepEqual([d?.span?.line, d?.span?.column], [2, 18]);
      assert.match(d?.message ?? "", /: not a regular file/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
