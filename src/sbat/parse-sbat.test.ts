import assert from "node:assert/strict";
import { test } from "node:test";
import { inputError } from "../../test/support/devicetree.js";
import { formatSpan } from "../core/span.js";
import { parseSbat, SBAT_HEADER } from "./parse-sbat.js";

const fields = (text: string | Uint8Array) =>
  parseSbat(text, "t.sbat").records.map((r) => [
    r.component,
    r.generationText,
    r.vendorName,
    r.vendorPackageName,
    r.vendorVersion,
    r.vendorUrl,
  ]);
const errors = (text: string | Uint8Array) =>
  inputError(() => parseSbat(text, "t.sbat")).map((d) => `${d.code} ${d.span ? formatSpan(d.span) : ""}`);

const XEN = "xen.xs,2,Cloud Software Group,xen,4.17.5-1,mailto:security@xenserver.com";

test("a header and a record; the fields as written, the generation as shim reads it", () => {
  const s = parseSbat(`${SBAT_HEADER}\n${XEN}\n`, "t.sbat");
  assert.deepEqual(
    s.records.map((r) => [r.component, r.generation, r.line, r.vendorName, r.vendorUrl]),
    [
      ["sbat", 1, 1, "SBAT Version", "https://github.com/rhboot/shim/blob/main/SBAT.md"],
      ["xen.xs", 2, 2, "Cloud Software Group", "mailto:security@xenserver.com"],
    ],
  );
  assert.deepEqual(s.warnings, []);
  assert.equal(formatSpan(s.records[1]!.generationSpan), "t.sbat:2:8");
});

test("lines: blank lines, CRLF, lone CR, no final newline, a leading UTF-8 BOM", () => {
  const a = "a,1,v,p,1,u";
  const b = "b,2,v,p,1,u";
  const want = [
    ["a", "1", "v", "p", "1", "u"],
    ["b", "2", "v", "p", "1", "u"],
  ];
  assert.deepEqual(fields(`${a}\n\n\n${b}\n\n`), want);
  assert.deepEqual(fields(`${a}\r\n${b}\r\n`), want);
  assert.deepEqual(fields(`${a}\r${b}`), want);
  assert.deepEqual(fields(`\ufeff${a}\n${b}`), want);
  const s = parseSbat(`\ufeff\r\n\r\n${a}\r\n\r\n${b}`, "t.sbat");
  assert.deepEqual(
    s.records.map((r) => [r.line, formatSpan(r.span)]),
    [
      [3, "t.sbat:3:1"],
      [5, "t.sbat:5:1"],
    ],
  );
  assert.equal(s.bom, true);
  // a BOM anywhere else is part of a field
  assert.deepEqual(fields(`${a}\n\ufeff${b}`)[1]?.[0], "\ufeffb");
});

test("no quoting, no trimming, commas only: quotes and blanks are part of fields", () => {
  assert.deepEqual(fields(`"a,b",1,v,p,1,u\n`), [['"a', 'b"', "1", "v", "p", "1"]]);
  assert.deepEqual(fields(` grub , 3 ,v,p,1,u`), [[" grub ", " 3 ", "v", "p", "1", "u"]]);
  assert.deepEqual(fields("a;1;v;p;1;u,x,y,z,w,v"), [["a;1;v;p;1;u", "x", "y", "z", "w", "v"]]);
});

test("more than six fields: the rest are ignored, even empty ones", () => {
  const s = parseSbat("a,1,v,p,1,u,extra,,more", "t.sbat");
  assert.deepEqual(s.records[0]?.extra, ["extra", "", "more"]);
  assert.deepEqual(fields("a,1,v,p,1,u,"), [["a", "1", "v", "p", "1", "u"]]);
});

test("fewer than six fields, or no comma: the whole section is invalid, every bad record reported", () => {
  assert.deepEqual(errors("sbat,1,SBAT Version,sbat,1\n"), ["sbat/too-few-fields t.sbat:1:1"]);
  assert.deepEqual(errors("a,1,v,p,1,u\nnocommas\nb,1\n"), [
    "sbat/too-few-fields t.sbat:2:1",
    "sbat/too-few-fields t.sbat:3:1",
  ]);
  const [d] = inputError(() => parseSbat("a,1", "t.sbat"));
  assert.equal(
    d?.message,
    "`a,1` has 2 fields: a record needs 6 (component_name, component_generation, vendor_name, vendor_package_name, vendor_version, vendor_url)",
  );
  assert.match(d?.help ?? "", /shim rejects the whole section/);
});

test("an empty field among the six invalidates the section; the span points at it", () => {
  assert.deepEqual(errors("xen.xs,2,CSG,xen,,mailto:x\n"), ["sbat/empty-field t.sbat:1:18"]);
  assert.deepEqual(errors(",1,v,p,1,u"), ["sbat/empty-field t.sbat:1:1"]);
  assert.deepEqual(errors("a,1,v,p,1,"), ["sbat/empty-field t.sbat:1:11"]);
  const [d] = inputError(() => parseSbat("xen.xs,2,CSG,xen,,mailto:x", "t.sbat"));
  assert.equal(d?.message, "field 5 (vendor_version) of `xen.xs` is empty");
});

test("nothing but blank lines, or nothing at all: valid, no records", () => {
  assert.deepEqual(fields(""), []);
  assert.deepEqual(fields("\n\r\n\n"), []);
  assert.deepEqual(fields("\ufeff"), []);
});

test("a NUL ends the data, except after a run of line breaks, where shim steps over it", () => {
  const a = "a,1,v,p,1,u";
  const b = "b,1,v,p,1,u";
  const nul = (s: string) => Buffer.from(s, "latin1");
  assert.deepEqual(fields(nul(`${a}\0${b}`)).length, 1);
  assert.deepEqual(fields(nul(`${a}\n\0${b}`)).length, 1);
  assert.deepEqual(fields(nul(`${a}\r\n\0${b}`)).length, 2);
  assert.deepEqual(fields(nul(`${a}\n\n\0${b}`)).length, 2);
  assert.deepEqual(fields(nul(`\0${a}`)).length, 0);
  // padding after the text (a section's raw data) is not a warning; text after the NUL is
  assert.deepEqual(parseSbat(nul(`${a}\n\0\0\0\0`), "t.sbat").warnings, []);
  const w = parseSbat(nul(`${a}\n\0${b}`), "t.efi(.sbat)", { offset: 0x1000 }).warnings;
  assert.deepEqual(
    w.map((d) => [d.code, d.span && formatSpan(d.span)]),
    [["sbat/after-nul", "t.efi(.sbat)@0x100d"]],
  );
});

test("spans of a section in a PE file carry the file offset; columns count from the line start", () => {
  const s = parseSbat("a,1,v,p,1,u\nbb,22,v,p,1,u\n", "x.efi(.sbat)", { offset: 0x400 });
  assert.deepEqual(
    [
      s.records[1]?.span.offset,
      s.records[1]?.generationSpan.offset,
      formatSpan(s.records[1]!.generationSpan),
    ],
    [0x40c, 0x40f, "x.efi(.sbat):2:4"],
  );
});

test("warnings: a blank in a component, a generation that is not plain decimal, one past 16 bits", () => {
  const s = parseSbat("xen.xs ,2,v,p,1,u\nxen.xs, 2,v,p,1,u\ngrub,two,v,p,1,u\nx,70000,v,p,1,u\n", "t.sbat");
  assert.deepEqual(
    s.warnings.map((d) => [d.code, d.message, d.span && formatSpan(d.span)]),
    [
      [
        "sbat/component-blank",
        "component `xen.xs ` has a blank: it matches no revocation of `xen.xs`",
        "t.sbat:1:1",
      ],
      ["sbat/generation-not-decimal", "generation ` 2` of `xen.xs` is read as 2", "t.sbat:2:8"],
      [
        "sbat/generation-not-decimal",
        "generation `two` of `grub` is read as 0, which any SbatLevel entry for it revokes",
        "t.sbat:3:6",
      ],
      ["sbat/generation-wraps", "generation 70000 of `x` is compared as 4464", "t.sbat:4:3"],
    ],
  );
});
