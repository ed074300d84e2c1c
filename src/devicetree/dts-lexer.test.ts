import assert from "node:assert/strict";
import { test } from "node:test";
import { DtsLexer, type Token } from "./dts-lexer.js";

/** Every token of `text` as `kind:text@line:column`. */
function tokens(text: string): string[] {
  const lx = new DtsLexer(text, "t.dts");
  const out: string[] = [];
  for (let t: Token = lx.next(); t.kind !== "eof"; t = lx.next()) {
    out.push(`${t.kind}:${t.text}@${t.span.line}:${t.span.column}`);
  }
  return out;
}

test("after `{` and `;` a name is expected, as in dtc's lexer: digits there are a name, not a number", () => {
  assert.deepEqual(tokens("/ { 0x10 = <0x10>; };"), [
    "punct:/@1:1",
    "punct:{@1:3",
    "name:0x10@1:5",
    "punct:=@1:10",
    "punct:<@1:12",
    "number:0x10@1:13",
    "punct:>@1:17",
    "punct:;@1:18",
    "punct:}@1:20",
    "punct:;@1:21",
  ]);
});

test("labels win over names, `\\name` escapes a keyword-like name, references and path references", () => {
  assert.deepEqual(tokens("; lbl: \\delete-me a-b &lbl &{/a/b@1}"), [
    "punct:;@1:1",
    "label:lbl@1:3",
    "name:delete-me@1:8",
    "word:a-b@1:19",
    "ref:lbl@1:23",
    "pathref:/a/b@1@1:28",
  ]);
});

test("byte strings take hex pairs until `]`", () => {
  assert.deepEqual(tokens("[0a Bc x: 12]"), [
    "punct:[@1:1",
    "byte:0a@1:2",
    "byte:Bc@1:5",
    "label:x@1:8",
    "byte:12@1:11",
    "punct:]@1:13",
  ]);
});

test("comments, two-character operators and a `//` comment at the end of the input", () => {
  assert.deepEqual(tokens("(1 << 2 /* x */ >= 3 && 4) // end"), [
    "punct:(@1:1",
    "number:1@1:2",
    "punct:<<@1:4",
    "number:2@1:7",
    "punct:>=@1:17",
    "number:3@1:20",
    "punct:&&@1:22",
    "number:4@1:25",
    "punct:)@1:26",
  ]);
});

test("line markers set the file and line of what follows; offsets stay those of the text read", () => {
  const lx = new DtsLexer('# 7 "orig.dts" 1\n  x\n#line 20 "other.dtsi"\ny', "pp.dts");
  const x = lx.next();
  const y = lx.next();
  assert.deepEqual([x.span.file, x.span.line, x.span.column, x.span.offset], ["orig.dts", 7, 3, 19]);
  assert.deepEqual([y.span.file, y.span.line, y.span.column], ["other.dtsi", 20, 1]);
});

test("a byte string of 1 MB of hex digits without spaces is read whole; a label after a run is still a label", () => {
  const hex = "0123456789abcdef".repeat(65_536);
  const lx = new DtsLexer(`[${hex} 0a0b x: 0c]`, "t.dts");
  assert.equal(lx.next().text, "[");
  const out: number[] = [];
  lx.hexRun(out);
  assert.equal(out.length, hex.length / 2 + 2);
  assert.deepEqual(out.slice(0, 8), [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);
  assert.deepEqual(out.slice(-2), [0x0a, 0x0b]);
  // the run stops before `x:` (a label), then takes `0c`
  const label = lx.next();
  assert.equal(`${label.kind}:${label.text}`, "label:x");
  lx.hexRun(out);
  assert.equal(out.at(-1), 0x0c);
  // `ab:` is a label, not the byte 0xab followed by a colon, even at the end of a long run
  const lx2 = new DtsLexer(`[${"00".repeat(1000)} ab: 01]`, "t.dts");
  lx2.next();
  const out2: number[] = [];
  lx2.hexRun(out2);
  assert.equal(out2.length, 1000);
  assert.equal(lx2.next().kind, "label");
});
