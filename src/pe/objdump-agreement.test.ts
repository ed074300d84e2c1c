/**
 * The PE reader against GNU binutils: for images from the test writer (named cases, then random ones) the
 * section table equals `objdump -h` (name, size, VMA, LMA, file offset) and `sectionBytes` equals what
 * `objcopy -O binary --only-section` writes. XENPRIV_OBJDUMP_RUNS sets the number of random images (each
 * runs objdump and objcopy once per section).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { asObjdump, objcopySection, objdumpSections, tempFile } from "../../test/support/binutils.js";
import { DATA_RO, type PeSpec, SCN, type SectionSpec, writePe } from "../../test/support/pe-writer.js";
import { readPe } from "./read-pe.js";
import { sectionBytes } from "./section-bytes.js";

const RUNS = Number(process.env.XENPRIV_OBJDUMP_RUNS ?? 25);

/** Compares one image with objdump and objcopy. */
function agree(bytes: Uint8Array, allocatedNotLoaded = true): void {
  const t = tempFile(bytes);
  try {
    const image = readPe(bytes, t.path);
    const dumped = objdumpSections(t.path);
    assert.ok(dumped, "objdump recognises the image");
    assert.deepEqual(asObjdump(image.sections), dumped);
    const names = image.sections.map((s) => s.name);
    for (const s of image.sections) {
      // objcopy copies every section of the name; the writer's names are unique unless a test says so
      if (names.indexOf(s.name) !== names.lastIndexOf(s.name)) continue;
      const ours = Buffer.from(sectionBytes(image, s));
      if (s.contents && s.alloc && !s.load && s.size > 0) {
        // allocated, not loaded: objcopy writes the bytes at their LMA after zeros (see sectionBytes); at a
        // random LMA that can be gigabytes, so only the named case compares them
        if (!allocatedNotLoaded) continue;
        const theirs = objcopySection(t.path, s.name);
        assert.deepEqual(theirs.subarray(theirs.length - ours.length), ours, s.name);
        assert.ok(theirs.subarray(0, theirs.length - ours.length).every((b) => b === 0));
      } else assert.deepEqual(ours, objcopySection(t.path, s.name), `section ${s.name}`);
    }
  } finally {
    t.cleanup();
  }
}

const CASES: Record<string, PeSpec> = {
  "code and data": {
    sections: [
      { name: ".text", data: "\xc3\xc3", characteristics: SCN.code | SCN.execute | SCN.read },
      { name: ".sbat", data: "sbat,1,x\n" },
    ],
  },
  "long names with symbols": {
    symbols: 7,
    sections: [
      { name: ".data.ident", data: "hello" },
      { name: ".sbatlevel", data: "\0\0\0\0\x08\0\0\0" },
      { name: ".vendor_cert", data: "cert" },
    ],
  },
  "long names without symbols": {
    stringTable: true,
    sections: [{ name: ".note.gnu.build-id", data: "id" }],
  },
  "virtual size above the raw size": {
    sections: [{ name: ".data", data: "abc", virtualSize: 0x1000, characteristics: DATA_RO | SCN.write }],
  },
  "virtual size 0": { sections: [{ name: ".x", data: "abc", virtualSize: 0 }] },
  "uninitialised data": {
    sections: [
      { name: ".text", data: "\xc3", characteristics: SCN.code | SCN.read },
      { name: ".bss", virtualSize: 0x100, rawSize: 0, characteristics: SCN.bss | SCN.read | SCN.write },
    ],
  },
  "uninitialised data with raw data": {
    sections: [{ name: ".bss", data: "zz", virtualSize: 0x100, characteristics: SCN.bss | SCN.read }],
  },
  "no contents flags, debugging, no file data": {
    sections: [
      { name: ".cfg", data: "opts", characteristics: SCN.read },
      { name: ".debug_info", data: "dbg", characteristics: DATA_RO | SCN.discardable },
      { name: ".nofile", data: "abc", pointer: 0 },
      { name: ".noload", data: "abc", characteristics: DATA_RO | 0x2 },
    ],
  },
  "PE32 with a high ImageBase": {
    pe32: true,
    imageBase: 0xfff00000n,
    sections: [{ name: ".sbat", data: "abc", rva: 0x200000 }],
  },
  "PE32+ with a kernel ImageBase": {
    imageBase: 0xffff800000000000n,
    sections: [{ name: ".sbat", data: "abc" }],
  },
  "an RVA of 0": { imageBase: 0x10000n, sections: [{ name: ".sbat", data: "abc", rva: 0 }] },
  "strtol names": {
    symbols: 1,
    sections: [
      { name: ".a", rawName: "/ 4", data: "a" },
      { name: ".b", rawName: "/x", data: "b" },
      { name: ".c", rawName: "//AAAAAE", data: "c" },
      { name: ".e", rawName: "/-0x", data: "e" },
      { name: ".long-name-here", data: "d" },
    ],
  },
  "a signed image": { certificate: new Uint8Array(100).fill(7), sections: [{ name: ".sbat", data: "s" }] },
  "8 data directories": { numberOfRvaAndSizes: 8, sections: [{ name: ".sbat", data: "s" }] },
};

for (const [name, spec] of Object.entries(CASES)) {
  test(`objdump and objcopy agree: ${name}`, () => agree(writePe(spec)));
}

const FLAGS = [
  DATA_RO,
  DATA_RO | SCN.write,
  SCN.code | SCN.execute | SCN.read,
  SCN.bss | SCN.read | SCN.write,
  SCN.read,
  DATA_RO | SCN.discardable,
];
const nameChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz_.");
const sectionName = fc
  .array(nameChar, { minLength: 1, maxLength: 14 })
  .map((cs) => `.${cs.join("")}`)
  .filter((n) => !n.startsWith("./"));
const section: fc.Arbitrary<SectionSpec> = fc.record({
  name: sectionName,
  data: fc.uint8Array({ maxLength: 700 }),
  virtualSize: fc.option(fc.nat(0x3000), { nil: undefined }),
  characteristics: fc.constantFrom(...FLAGS),
});
const spec: fc.Arbitrary<PeSpec> = fc.record({
  pe32: fc.boolean(),
  imageBase: fc.bigInt({ min: 0n, max: 0xffffn }).map((n) => n << 16n),
  symbols: fc.nat(4),
  fileAlignment: fc.constantFrom(0x200, 0x1000),
  sections: fc.uniqueArray(section, { maxLength: 6, selector: (s) => s.name }),
  certificate: fc.option(fc.uint8Array({ minLength: 1, maxLength: 40 }), { nil: undefined }),
});

test("objdump and objcopy agree on random images", () => {
  fc.assert(
    fc.property(spec, (s) => agree(writePe(s), false)),
    { numRuns: RUNS },
  );
});
