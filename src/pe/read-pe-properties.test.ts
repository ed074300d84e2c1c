/**
 * Property tests: mutated and truncated PE images never make the reader throw anything but an InputError,
 * and what it does read stays inside the file. XENPRIV_FUZZ_RUNS raises the number of cases (`npm run
 * fuzz:sbat` runs 100,000); `npm test` runs a few hundred.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { DATA_RO, type PeSpec, SCN, type SectionSpec, writePe } from "../../test/support/pe-writer.js";
import { InputError } from "../core/errors.js";
import { readPe } from "./read-pe.js";
import { sectionBytes } from "./section-bytes.js";

const RUNS = Number(process.env.XENPRIV_FUZZ_RUNS ?? 300);

const section: fc.Arbitrary<SectionSpec> = fc.record({
  name: fc.constantFrom(".text", ".sbat", ".sbatlevel", ".data.ident", ".config", ".vendor_cert", ".x"),
  data: fc.uint8Array({ maxLength: 64 }),
  virtualSize: fc.option(fc.nat(0x2000), { nil: undefined }),
  characteristics: fc.constantFrom(DATA_RO, SCN.code | SCN.read, SCN.bss | SCN.read, SCN.read),
});
const spec: fc.Arbitrary<PeSpec> = fc.record({
  pe32: fc.boolean(),
  symbols: fc.nat(3),
  fileAlignment: fc.constantFrom(0x20, 0x200),
  sections: fc.array(section, { maxLength: 4 }),
  certificate: fc.option(fc.uint8Array({ minLength: 1, maxLength: 24 }), { nil: undefined }),
});

/** Byte edits: most land in the headers, where the offsets and counts are. */
const edit = fc.record({
  at: fc.oneof(fc.nat(0x400), fc.nat(0x4000)),
  value: fc.oneof(
    fc.integer({ min: 0, max: 255 }).map((b) => [b]),
    fc
      .constantFrom(0, 1, 0xff, 0x7fffffff, 0xffffffff)
      .map((w) => [w & 255, (w >>> 8) & 255, (w >>> 16) & 255, w >>> 24]),
  ),
});

/** Reads the image; only an InputError may come out, and every section's bytes are inside the file. */
function check(bytes: Uint8Array): void {
  try {
    const image = readPe(bytes, "fuzz.efi");
    for (const s of image.sections) {
      const b = sectionBytes(image, s);
      assert.ok(b.byteOffset - bytes.byteOffset + b.length <= bytes.length);
    }
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const d = e.diagnostics[0];
    assert.ok(d?.span?.offset !== undefined && d.span.line === 0, "a PE diagnostic names a byte offset");
    assert.match(d.code, /^pe\//);
  }
}

test("mutated PE images: nothing but an InputError with a byte offset", () => {
  fc.assert(
    fc.property(spec, fc.array(edit, { minLength: 1, maxLength: 6 }), (s, edits) => {
      const bytes = writePe(s);
      for (const { at, value } of edits)
        if (at < bytes.length) bytes.set(value.slice(0, bytes.length - at), at);
      check(bytes);
    }),
    { numRuns: RUNS },
  );
});

test("truncated PE images: nothing but an InputError with a byte offset", () => {
  fc.assert(
    fc.property(spec, fc.double({ min: 0, max: 1, noNaN: true }), (s, cut) => {
      const bytes = writePe(s);
      check(bytes.subarray(0, Math.floor(bytes.length * cut)));
    }),
    { numRuns: RUNS },
  );
});

test("random bytes after an MZ header: nothing but an InputError", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(0x200), (tail, lfanew) => {
      const bytes = new Uint8Array(0x40 + tail.length);
      bytes.set([0x4d, 0x5a]);
      new DataView(bytes.buffer).setUint32(0x3c, lfanew, true);
      bytes.set(tail, 0x40);
      if (lfanew + 4 <= bytes.length) bytes.set([0x50, 0x45, 0, 0], lfanew);
      check(bytes);
    }),
    { numRuns: RUNS },
  );
});
