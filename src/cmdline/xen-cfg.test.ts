import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InputError } from "../core/errors.js";
import { cfgSections, cfgValue, parseXenCfg } from "./xen-cfg.js";

const cfg = (text: string) => parseXenCfg(text, "xen.cfg");
const value = (text: string, section: string | undefined, key: string) =>
  cfgValue(cfg(text), section, key)?.value;

describe("xen.cfg as pre_parse and get_value read it", () => {
  test("`#` starts a comment anywhere, so options=a#b gives a", () => {
    assert.equal(value("[x]\noptions=a#b\n", "x", "options"), "a");
  });

  test("`;` is a comment only first on a line (after leading spaces)", () => {
    assert.equal(value("[x]\n  ;options=commented\noptions=a;b\n", "x", "options"), "a;b");
  });

  test("a space before `=` means the key is not there", () => {
    assert.equal(value("[x]\noptions = x\n", "x", "options"), undefined);
  });

  test("leading spaces of the value go, trailing ones stay", () => {
    assert.equal(value("[x]\noptions=   a b  \n", "x", "options"), "a b  ");
  });

  test("the first occurrence in the section wins", () => {
    assert.equal(value("[x]\noptions=first\noptions=second\n", "x", "options"), "first");
  });

  test("options= in [global] is not inherited by the chosen section", () => {
    const text = "[global]\noptions=loglvl=all\ndefault=x\n[x]\nkernel=vmlinuz\n";
    assert.equal(value(text, "x", "options"), undefined);
    assert.equal(value(text, "global", "default"), "x");
  });

  test("a section ends at the next header; lines before any header belong to none", () => {
    const text = "options=top\n[a]\nkernel=k\n[b]\noptions=b\n";
    assert.equal(value(text, "a", "options"), undefined);
    assert.equal(value(text, "b", "options"), "b");
  });

  test("with no section chosen, the first occurrence anywhere wins and headers mean nothing", () => {
    assert.equal(
      value("[a]\nkernel=k\n[b]\noptions=from-b\n[c]\noptions=from-c\n", undefined, "options"),
      "from-b",
    );
  });

  test("a control character (CR, TAB) ends a line", () => {
    const text = "[x]\r\noptions=a\tkernel=b\r\n";
    assert.equal(value(text, "x", "options"), "a");
    assert.equal(value(text, "x", "kernel"), "b");
  });

  test("a header matches by its prefix up to `]` only", () => {
    assert.equal(value("[xen]\noptions=a\n[xen2]\noptions=b\n", "xen2", "options"), "b");
    assert.deepEqual(cfgSections(cfg("[a]\n[b] trailing\n")), ["a", "b"]);
  });

  test("a value's position is its line and column in the file", () => {
    const v = cfgValue(cfg("[x]\n  options=  console=com1\n"), "x", "options");
    assert.deepEqual(v, { value: "console=com1", file: "xen.cfg", line: 2, column: 13 });
  });

  test("a character above 0x7f is bad input located by line and column", () => {
    assert.throws(
      () => cfg("[x]\noptions=caf\u00e9\n"),
      (e: unknown) =>
        e instanceof InputError &&
        e.diagnostics[0]?.code === "efi-cfg/not-ascii" &&
        e.diagnostics[0]?.span?.line === 2 &&
        e.diagnostics[0]?.span?.column === 12,
    );
  });
});
