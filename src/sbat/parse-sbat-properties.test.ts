/**
 * Property tests: any bytes as `.sbat` data or as an SbatLevel give records or an InputError whose spans
 * are lines and columns, never anything else; records written with any line breaks read back as written;
 * mutated images never make the SBAT check throw anything but an InputError. XENPRIV_FUZZ_RUNS raises the
 * number of cases (`npm run fuzz:sbat` runs 100,000).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { efiImage, sbatSection } from "../../test/support/pe-writer.js";
import { InputError } from "../core/errors.js";
import { readPe } from "../pe/read-pe.js";
import { checkSbat } from "./check-sbat.js";
import { imageSbat } from "./image-sbat.js";
import { parseSbat, SBAT_HEADER } from "./parse-sbat.js";
import { parseSbatLevel } from "./sbat-level.js";
import { shimGeneration } from "./shim-generation.js";

const RUNS = Number(process.env.XENPRIV_FUZZ_RUNS ?? 300);

/** Bytes that matter to shim's reader, and some that do not. */
const piece = fc.oneof(
  fc.constantFrom(
    ",",
    ",",
    "\n",
    "\r",
    "\r\n",
    "\0",
    " ",
    "\t",
    "\ufeff",
    "é",
    "sbat",
    "xen.xs",
    "1",
    "0",
    "65536",
  ),
  fc.string({ maxLength: 4 }),
);
const csvBytes = fc.oneof(
  fc.array(piece, { maxLength: 40 }).map((ps) => Buffer.from(ps.join(""), "utf8")),
  fc.uint8Array({ maxLength: 200 }),
);

function onlyInputErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    for (const d of e.diagnostics) assert.ok(d.span && d.span.line >= 1 && d.span.column >= 1, d.message);
  }
}

test("random .sbat bytes: records, or an InputError located by line and column", () => {
  fc.assert(
    fc.property(csvBytes, (b) => onlyInputErrors(() => parseSbat(b, "fuzz.sbat"))),
    { numRuns: RUNS },
  );
});

test("random SbatLevel bytes: entries, or an InputError located by line and column", () => {
  fc.assert(
    fc.property(csvBytes, (b) => onlyInputErrors(() => parseSbatLevel(b, "fuzz.level"))),
    { numRuns: RUNS },
  );
});

const fieldChar = fc.constantFrom(..."abcxyz.-_:/@ 0123456789");
const field = fc
  .array(fieldChar, { minLength: 1, maxLength: 8 })
  .map((cs) => cs.join(""))
  .filter((s) => s.trim() === s);
const record = fc.tuple(
  field,
  field,
  field,
  field,
  field,
  field,
  fc.array(
    fc.string({ maxLength: 3 }).filter((s) => !/[\r\n\0]/.test(s)),
    { maxLength: 2 },
  ),
);
const lineBreak = fc.constantFrom("\n", "\r\n", "\r", "\n\n", "\r\n\r\n\n");

test("records written with any line breaks, blank lines, a BOM, read back as written", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(record, lineBreak), { maxLength: 8 }),
      fc.boolean(),
      fc.constantFrom("", "\n", "\0\0\0"),
      (rows, bom, tail) => {
        const text =
          (bom ? "\ufeff" : "") +
          rows.map(([r, br]) => [...r.slice(0, 6), ...(r[6] as string[])].join(",") + br).join("") +
          tail;
        const s = parseSbat(Buffer.from(text, "utf8"), "t.sbat");
        assert.deepEqual(
          s.records.map((r) => [
            r.component,
            r.generationText,
            r.vendorName,
            r.vendorPackageName,
            r.vendorVersion,
            r.vendorUrl,
          ]),
          rows.map(([r]) => r.slice(0, 6)),
        );
        for (const r of s.records) assert.equal(r.generation, shimGeneration(r.generationText));
      },
    ),
    { numRuns: RUNS },
  );
});

test("mutated images with a .sbat: the SBAT check throws nothing but an InputError", () => {
  const level = parseSbatLevel("sbat,1,2025051000\nshim,4\ngrub,5\nxen.xs,2\n", "l");
  const base = efiImage(sbatSection(`${SBAT_HEADER}\nxen.xs,2,CSG,xen,4.17,mailto:x\n`));
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      }),
      (edits) => {
        const bytes = base.slice();
        for (const [at, v] of edits) bytes[at] = v;
        try {
          const img = imageSbat(readPe(bytes, "m.efi"));
          const c = checkSbat(img, level);
          assert.ok(["pass", "revoked", "refused"].includes(c.verdict));
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
        }
      },
    ),
    { numRuns: RUNS },
  );
});
