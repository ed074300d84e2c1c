import assert from "node:assert/strict";
import { test } from "node:test";
import { inputError } from "../../test/support/devicetree.js";
import { formatSpan } from "../core/span.js";
import { parseSbatLevel, SBAT_VAR_ORIGINAL } from "./sbat-level.js";

test("a payload: the sbat line's version and datestamp, then component,generation lines", () => {
  const l = parseSbatLevel("sbat,1,2022111500\nshim,2\ngrub,3\n", "level");
  assert.deepEqual([l.version, l.datestamp], ["1", "2022111500"]);
  assert.deepEqual(
    l.entries.map((e) => [e.component, e.generation, e.line]),
    [
      ["sbat", 1, 1],
      ["shim", 2, 2],
      ["grub", 3, 3],
    ],
  );
  assert.equal(parseSbatLevel(SBAT_VAR_ORIGINAL, "o").entries.length, 1);
});

test("an efivarfs file: 4 bytes of attributes, then the payload", () => {
  const bytes = Buffer.concat([Buffer.from([6, 0, 0, 0]), Buffer.from("sbat,1,2021030218\n")]);
  const l = parseSbatLevel(bytes, "SbatLevelRT-605dab50-e046-4300-abb6-3dd810dd8b23");
  assert.deepEqual([l.attributes, l.datestamp, l.text], [6, "2021030218", "sbat,1,2021030218\n"]);
  assert.equal(l.entries[0]?.span.offset, 4);
});

test("lines without a comma or with an empty field make the payload invalid", () => {
  const ds = inputError(() => parseSbatLevel("sbat,1,2021030218\ngrub\nshim,,x\n", "lvl"));
  assert.deepEqual(
    ds.map((d) => [d.code, d.span && formatSpan(d.span)]),
    [
      ["sbat/level-too-few-fields", "lvl:2:1"],
      ["sbat/level-empty-field", "lvl:3:6"],
    ],
  );
});

test("a payload with no lines revokes nothing; one without the sbat line has no datestamp", () => {
  assert.deepEqual(parseSbatLevel("\n\n", "l").entries, []);
  const l = parseSbatLevel("grub,3\n", "l");
  assert.deepEqual([l.datestamp, l.entries.length], [undefined, 1]);
});
