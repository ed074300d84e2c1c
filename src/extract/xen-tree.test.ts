import assert from "node:assert/strict";
import { test } from "node:test";
import { flagsIn } from "./xen-tree.js";

const names = (text: string): string[] => flagsIn(text, "xen/include/xen/flags.h", null).map(([n]) => n);

test("flagsIn finds a flag however the raw text spells the gaps between its tokens", () => {
  // each in a header of its own: the test of the raw text must pass on each spelling alone
  const headers = [
    "#define opt_plain true",
    "# define opt_spaced\t0",
    "#define opt_commented /* until the guest asks */ false",
    "#/* odd */define /* but C */ opt_comment_first 1",
    "#define opt_continued \\\n    true",
    "#define opt_crlf \\\r\n  1\r\n",
    "#define opt_trailing 1 // a line comment after the value",
  ];
  assert.deepEqual(headers.flatMap(names), [
    "opt_plain",
    "opt_spaced",
    "opt_commented",
    "opt_comment_first",
    "opt_continued",
    "opt_crlf",
    "opt_trailing",
  ]);
});

test("flagsIn leaves out what is not a flag, and flags inside comments", () => {
  const text = [
    "#define opt_long 1UL",
    "#define Opt_upper 1",
    "#define opt_fn(x) 1",
    "#define opt_two 1 2",
    "#define opt_hex 0x1",
    "/* #define opt_in_comment 1 */",
    "// #define opt_in_line_comment 1",
    "#define opt_other_value bar",
  ].join("\n");
  assert.deepEqual(names(text), []);
});

test("flagsIn still reads a header with a comment left open, as it always did", () => {
  // the open comment is no comment to logicalLines (its regex needs the end): the flag after it counts
  assert.deepEqual(names("/* never closed\n#define opt_after_open 1\n"), ["opt_after_open"]);
});

// Inputs on which a quadratic reading takes minutes, so that one shows in the suite's time (node:test's
// timeout cannot stop a synchronous loop); these tests assert the answer only, and time nothing.
test("flagsIn's test of the raw text is linear on comments that start at every `#`", () => {
  // each `#/*` opens a comment that the next one does not close: a test that started a match inside a
  // comment would scan to its end from each of the 100,000 `#`s
  const text = `${"#/*".repeat(100_000)}*/\n#define opt_last true\n`;
  assert.deepEqual(names(text), ["opt_last"]);
  assert.deepEqual(names(`${"#define x /*".repeat(50_000)}*/`), []);
});

test("flagsIn joins a million continuation lines in linear time", () => {
  // logicalLines rebuilt the line for each continuation: minutes for this
  const text = `#define opt_continued ${"\\\n".repeat(1_000_000)}1\n`;
  assert.deepEqual(
    flagsIn(text, "xen/include/xen/flags.h", null).map(([n, f]) => [n, f.value, f.ref]),
    [["opt_continued", true, "xen/include/xen/flags.h:1"]],
  );
});
