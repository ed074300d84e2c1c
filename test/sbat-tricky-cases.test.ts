/**
 * The SBAT tricky cases of the reference (xen-lockdown-sbat-privcmd.md §10, cases 22-25), each as a named
 * test on images from the test writer and levels as shim parses them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readPe } from "../src/pe/read-pe.js";
import { applySbatPolicy } from "../src/sbat/apply-sbat-policy.js";
import { checkSbat } from "../src/sbat/check-sbat.js";
import { imageSbat } from "../src/sbat/image-sbat.js";
import { SBAT_HEADER } from "../src/sbat/parse-sbat.js";
import { parseSbatLevel, SBAT_VAR_ORIGINAL } from "../src/sbat/sbat-level.js";
import { efiImage, sbatSection } from "./support/pe-writer.js";

const image = (sbat: string) => imageSbat(readPe(efiImage(sbatSection(sbat)), "xen.efi"));
const level = (text: string) => parseSbatLevel(text, "SbatLevel");
const NV_BS = 3;

test("tricky case 22: `xen.xs, 2` reads as generation 2 (EDK2's atoi skips blanks); `xen.xs ,2` matches nothing", () => {
  const spaced = image(`${SBAT_HEADER}\nxen.xs, 2,CSG,xen,4.17,mailto:x\n`);
  const rec = spaced.sbat?.records[1];
  assert.deepEqual([rec?.component, rec?.generationText, rec?.generation], ["xen.xs", " 2", 2]);
  assert.equal(checkSbat(spaced, level("sbat,1,2026010100\nxen.xs,2\n")).verdict, "pass");
  assert.equal(checkSbat(spaced, level("sbat,1,2026010100\nxen.xs,3\n")).verdict, "revoked");
  assert.deepEqual(
    spaced.sbat?.warnings.map((w) => w.code),
    ["sbat/generation-not-decimal"],
  );

  const trailing = image(`${SBAT_HEADER}\nxen.xs ,2,CSG,xen,4.17,mailto:x\n`);
  assert.equal(trailing.sbat?.records[1]?.component, "xen.xs ");
  const c = checkSbat(trailing, level("sbat,1,2026010100\nxen.xs,99\n"));
  assert.equal(c.verdict, "pass");
  assert.equal(c.records[1]?.result, "not-listed");
  assert.deepEqual(
    trailing.sbat?.warnings.map((w) => w.message),
    ["component `xen.xs ` has a blank: it matches no revocation of `xen.xs`"],
  );
});

test("tricky case 23: a trailing empty line or CRLF is fine; an empty version field rejects the whole image", () => {
  const lv = level("sbat,1,2026010100\nxen.xs,2\n");
  const line = "xen.xs,2,CSG,xen,4.17,mailto:x";
  assert.equal(checkSbat(image(`${SBAT_HEADER}\n${line}\n\n`), lv).verdict, "pass");
  assert.equal(checkSbat(image(`${SBAT_HEADER}\r\n${line}\r\n`), lv).verdict, "pass");
  const empty = image(`${SBAT_HEADER}\nxen.xs,2,CSG,xen,,mailto:x\n`);
  assert.deepEqual(
    empty.invalid?.map((d) => [d.code, d.span?.line, d.span?.column]),
    [["sbat/empty-field", 2, 18]],
  );
  assert.equal(checkSbat(empty, lv).verdict, "refused");
  // with no SbatLevel entries shim does not read the section at all
  assert.equal(checkSbat(empty, level("")).verdict, "pass");
});

test("tricky case 24: a level's duplicate component counts once, its first; an image's duplicates are each checked", () => {
  const twice = level("sbat,1,2026010100\ngrub,3\ngrub,5\n");
  const grub4 = image(
    `${SBAT_HEADER}\ngrub,4,Free Software Foundation,grub,2.12,https://www.gnu.org/software/grub/\n`,
  );
  const c = checkSbat(grub4, twice);
  assert.equal(c.verdict, "pass");
  assert.deepEqual(c.records[1]?.entry, { component: "grub", generation: 3, line: 2 });

  const dup = image(`${SBAT_HEADER}\ngrub,5,FSF,grub,2.12,u\ngrub,2,FSF,grub,2.12,u\n`);
  const d = checkSbat(dup, twice);
  assert.equal(d.verdict, "revoked");
  assert.deepEqual([d.revokedBy?.record.line, d.revokedBy?.needed], [3, 3]);
});

test("tricky case 25: SbatPolicy=3 (reset) under Secure Boot is refused for automatic; the level never goes down", () => {
  const automatic = "sbat,1,2024040900\nshim,4\ngrub,4\ngrub.peimage,2\n";
  const latest = "sbat,1,2025051000\nshim,4\ngrub,5\ngrub.proxmox,2\n";
  // from the original level: reset refused, automatic written
  const fromOriginal = applySbatPolicy({
    policy: 3,
    secureBoot: true,
    automatic,
    latest,
    current: { text: SBAT_VAR_ORIGINAL, attributes: NV_BS },
  });
  assert.deepEqual(
    [fromOriginal.candidate, fromOriginal.action, fromOriginal.level, fromOriginal.messages],
    ["automatic", "written", automatic, ["Cannot reset SBAT policy: Secure Boot is enabled."]],
  );
  // from latest: automatic is older, so latest stays (datestamp compare)
  const fromLatest = applySbatPolicy({
    policy: 3,
    secureBoot: true,
    automatic,
    latest,
    current: { text: latest, attributes: NV_BS },
  });
  assert.deepEqual([fromLatest.action, fromLatest.level], ["kept", latest]);
  // only with Secure Boot off does reset write the original level
  const off = applySbatPolicy({
    policy: 3,
    secureBoot: false,
    automatic,
    latest,
    current: { text: latest, attributes: NV_BS },
  });
  assert.deepEqual([off.candidate, off.action, off.level], ["original", "written", SBAT_VAR_ORIGINAL]);
});
