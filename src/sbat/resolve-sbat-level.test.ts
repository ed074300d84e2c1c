import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { inputError } from "../../test/support/devicetree.js";
import { resolveSbatLevel } from "./resolve-sbat-level.js";
import { parseSbatLevel } from "./sbat-level.js";

test("latest and automatic: a shim's payloads when given, else upstream's defaults", () => {
  assert.equal(resolveSbatLevel("latest").level.datestamp, "2025051000");
  assert.equal(resolveSbatLevel("automatic").level.datestamp, "2024040900");
  const payloads = {
    automatic: parseSbatLevel("sbat,1,2025021800\nshim,4\ngrub,5\n", "a"),
    latest: parseSbatLevel("sbat,1,2025051000\nshim,4\n", "l"),
    section: ".sbatlevel",
    file: "shimx64.efi",
  };
  const r = resolveSbatLevel("previous", payloads);
  assert.deepEqual(
    [r.level.datestamp, r.how],
    ["2025021800", "the automatic payload of shimx64.efi's .sbatlevel"],
  );
  assert.match(r.notes[0] ?? "", /mokutil's name for `automatic`/);
  assert.equal(resolveSbatLevel("original").level.text, "sbat,1,2021030218\n");
});

test("a datestamp: that level of the history, lines as in SbatLevel_Variable.txt; the first of two", () => {
  const r = resolveSbatLevel("2024040900");
  assert.deepEqual(r.advisories, ["CVE-2024-2312"]);
  assert.deepEqual(
    r.level.entries.map((e) => [e.component, e.line]),
    [
      ["sbat", 115],
      ["shim", 116],
      ["grub", 117],
      ["grub.peimage", 118],
    ],
  );
  const twice = resolveSbatLevel("2022052400");
  assert.equal(twice.level.entries.length, 2);
  assert.match(twice.notes[0] ?? "", /2 payloads dated 2022052400 \(lines 34, 41\): the first is used/);
  const [d] = inputError(() => resolveSbatLevel("2025051001"));
  assert.equal(d?.code, "sbat/unknown-level");
  assert.match(d?.help ?? "", /did you mean 2025051000\?/);
});

test("a file holding a payload; a name that is nothing is bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-level-"));
  const file = join(dir, "level.txt");
  writeFileSync(file, "sbat,1,2026010100\nxen.xs,3\n");
  assert.deepEqual(resolveSbatLevel(file).level.entries.at(-1)?.component, "xen.xs");
  assert.equal(inputError(() => resolveSbatLevel("newest"))[0]?.code, "sbat/unknown-level");
  rmSync(dir, { recursive: true, force: true });
});
