import assert from "node:assert/strict";
import { test } from "node:test";
import { efiImage, sbatSection } from "../../test/support/pe-writer.js";
import { readPe } from "../pe/read-pe.js";
import { checkSbat } from "./check-sbat.js";
import { imageSbat } from "./image-sbat.js";
import { SBAT_HEADER } from "./parse-sbat.js";
import { parseSbatLevel } from "./sbat-level.js";

const image = (sbat: string, more = {}) => imageSbat(readPe(efiImage(sbatSection(sbat, more)), "t.efi"));
const level = (text: string) => parseSbatLevel(text, "level");
const XS = (gen: number | string) =>
  `xen.xs,${gen},Cloud Software Group,xen,4.17,mailto:security@xenserver.com`;

test("an image at or above every entry of its components passes; others are not listed", () => {
  const c = checkSbat(
    image(`${SBAT_HEADER}\n${XS(2)}\ngrub,3,x,y,z,w\n`),
    level("sbat,1,2024040900\nshim,4\nxen.xs,2\n"),
  );
  assert.equal(c.verdict, "pass");
  assert.deepEqual(
    c.records.map((r) => [r.component, r.result, r.entry?.generation]),
    [
      ["sbat", "pass", 1],
      ["xen.xs", "pass", 2],
      ["grub", "not-listed", undefined],
    ],
  );
});

test("a record below its entry revokes the image: the verdict names the entry and the generation needed", () => {
  const c = checkSbat(
    image(`${SBAT_HEADER}\n${XS(1)}\ngrub,1,x,y,z,w\n`),
    level("sbat,1,2026010100\nxen.xs,2\ngrub,5\n"),
  );
  assert.equal(c.verdict, "revoked");
  assert.deepEqual(
    [c.revokedBy?.record.component, c.revokedBy?.record.line, c.revokedBy?.entry.line, c.revokedBy?.needed],
    ["xen.xs", 2, 2, 2],
  );
  assert.equal(
    c.reason,
    "`xen.xs,1` (line 2) is below `xen.xs,2` of the level (line 2): generation 2 or more is needed",
  );
  // shim stops at the first revoked record
  assert.deepEqual(
    c.records.map((r) => r.result),
    ["pass", "revoked", "not-reached"],
  );
});

test("the image's sbat header is checked like any record", () => {
  const c = checkSbat(image("sbat,0,SBAT Version,sbat,1,https://x\n"), level("sbat,1,2021030218\n"));
  assert.deepEqual([c.verdict, c.revokedBy?.record.component], ["revoked", "sbat"]);
});

test("an empty level lets everything through", () => {
  assert.equal(checkSbat(image(`${XS(0)}\n`), level("\n")).verdict, "pass");
});

test("no .sbat: refused when shim loads the image, passes through the shim protocol", () => {
  const none = imageSbat(readPe(efiImage(), "t.efi"));
  assert.equal(none.missing, "the image has no .sbat section");
  const lv = level("sbat,1,2021030218\n");
  assert.equal(checkSbat(none, lv).verdict, "refused");
  assert.equal(checkSbat(none, lv, { viaProtocol: true }).verdict, "pass");
});

test("a .sbat whose raw size is below its virtual size is ignored, as if absent", () => {
  const s = image(`${SBAT_HEADER}\n`, { virtualSize: 0x400 });
  assert.match(s.missing ?? "", /raw size \(512\) is below its virtual size \(1024\)/);
  assert.equal(checkSbat(s, level("sbat,1,2021030218\n")).verdict, "refused");
});

test("two .sbat sections, or relocations in it: shim refuses the image whatever the level", () => {
  const two = imageSbat(readPe(efiImage(sbatSection(SBAT_HEADER), sbatSection(SBAT_HEADER)), "t.efi"));
  assert.equal(checkSbat(two, level("\n")).verdict, "refused");
  assert.equal(two.refused, "the image has 2 .sbat sections");
  const rel = image(SBAT_HEADER, { numberOfRelocations: 1 });
  assert.equal(
    checkSbat(rel, level("\n")).reason,
    "shim refuses the image: the .sbat section has relocations",
  );
});

test("shim looks for the 8-byte name `.sbat`: a long name that resolves to it is not read", () => {
  const img = readPe(efiImage({ name: ".sbat", longName: true, data: SBAT_HEADER }), "t.efi");
  assert.deepEqual([img.sections[1]?.rawName, img.sections[1]?.name], ["/4", ".sbat"]);
  assert.equal(imageSbat(img).missing, "the image has no .sbat section");
});

test("a .sbat that does not parse: rejected under any level that is not empty", () => {
  const bad = image("xen.xs,2,CSG,xen,,mailto:x\n");
  assert.equal(bad.invalid?.[0]?.code, "sbat/empty-field");
  assert.equal(checkSbat(bad, level("sbat,1,2021030218\n")).verdict, "refused");
  assert.equal(checkSbat(bad, level("\n")).verdict, "pass");
});

test("an unparsable .sbat names the record shim stops at (the first that breaks a rule) and the rule", () => {
  const bad = image("xen.ol,1\nxen.xs,2,CSG,xen,,mailto:x\n");
  const c = checkSbat(bad, level("sbat,1,2021030218\n"));
  assert.equal(c.verdict, "refused");
  assert.deepEqual(
    c.invalid?.map((d) => [d.code, d.span?.line]),
    [
      ["sbat/too-few-fields", 1],
      ["sbat/empty-field", 2],
    ],
  );
  assert.equal(
    c.reason,
    "shim cannot parse the .sbat section and rejects the image: `xen.ol,1` has 2 fields: a record needs 6 (component_name, component_generation, vendor_name, vendor_package_name, vendor_version, vendor_url) (line 1), rule sbat/too-few-fields (row->n_columns < SBAT_SECTION_COLUMNS, sbat.c:55-60)",
  );
});
