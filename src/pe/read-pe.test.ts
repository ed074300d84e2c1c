import assert from "node:assert/strict";
import { test } from "node:test";
import { firstError, inputError } from "../../test/support/devicetree.js";
import { DATA_RO, efiImage, layoutPe, SCN, writePe } from "../../test/support/pe-writer.js";
import { formatSpan } from "../core/span.js";
import { findSection } from "./find-section.js";
import { readPe, readPeFile } from "./read-pe.js";
import { sectionBytes } from "./section-bytes.js";

const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
const err = (bytes: Uint8Array) => {
  const { code, at } = firstError(() => readPe(bytes, "t.efi"));
  return { code, at };
};
/** the image with little-endian values written over it: [offset, value, width]... */
function patched(bytes: Uint8Array, ...edits: [number, number, 1 | 2 | 4][]): Uint8Array {
  const b = bytes.slice();
  const v = new DataView(b.buffer);
  for (const [at, value, width] of edits) {
    if (width === 1) v.setUint8(at, value);
    else if (width === 2) v.setUint16(at, value, true);
    else v.setUint32(at, value, true);
  }
  return b;
}

test("a PE32+ image: COFF and optional headers, sections with objdump's size, VMA and file offset", () => {
  const img = readPe(
    writePe({
      imageBase: 0x10000000n,
      timeDateStamp: 0x5eed,
      sections: [
        { name: ".text", data: "\xc3\xc3", characteristics: SCN.code | SCN.execute | SCN.read },
        { name: ".sbat", data: "sbat,1,x\n" },
      ],
    }),
    "t.efi",
  );
  assert.deepEqual(
    [img.peOffset, img.coff.machine, img.coff.numberOfSections, img.coff.timeDateStamp],
    [0x80, 0x8664, 2, 0x5eed],
  );
  assert.deepEqual(
    [img.optional.format, img.optional.imageBase, img.optional.fileAlignment, img.optional.sizeOfHeaders],
    ["PE32+", 0x10000000n, 0x200, 0x200],
  );
  assert.equal(img.dataDirectories.length, 16);
  assert.equal(img.certificateTable, undefined);
  assert.deepEqual(
    img.sections.map((s) => [s.name, s.size, s.vma, s.fileOffset, s.sizeOfRawData, s.virtualSize]),
    [
      [".text", 2, 0x10001000n, 0x200, 0x200, 2],
      [".sbat", 9, 0x10002000n, 0x400, 0x200, 9],
    ],
  );
  const sbat = findSection(img, ".sbat");
  assert.ok(sbat);
  assert.equal(text(sectionBytes(img, sbat)), "sbat,1,x\n");
});

test("long section names resolve through the string table after the symbol table", () => {
  const img = readPe(
    writePe({
      symbols: 5,
      sections: [
        { name: ".data.ident", data: "hello" },
        { name: ".sbat", data: "s" },
        { name: ".sbatlevel", data: "x" },
      ],
    }),
    "t.efi",
  );
  assert.deepEqual(
    img.sections.map((s) => [s.rawName, s.name]),
    [
      ["/4", ".data.ident"],
      [".sbat", ".sbat"],
      ["/16", ".sbatlevel"],
    ],
  );
  assert.equal(img.coff.numberOfSymbols, 5);
  assert.deepEqual(img.stringTable, { offset: img.coff.pointerToSymbolTable + 5 * 18, size: 4 + 12 + 11 });
  assert.equal(text(sectionBytes(img, findSection(img, ".data.ident")!)), "hello");
});

test("names as strtol reads them: blanks before the index; `/x` and LLVM's `//` base64 stay plain names", () => {
  const img = readPe(
    writePe({
      symbols: 1,
      sections: [
        { name: ".a", rawName: "/ 4", data: "a" },
        { name: ".b", rawName: "/x", data: "b" },
        { name: ".c", rawName: "//AAAAAE", data: "c" },
        { name: ".long-name-here", data: "d" },
      ],
    }),
    "t.efi",
  );
  assert.deepEqual(
    img.sections.map((s) => s.name),
    [".long-name-here", "/x", "//AAAAAE", ".long-name-here"],
  );
});

test("PE32: ImageBase is 32 bits and the VMA is cut to 32 bits; an RVA of 0 gets no ImageBase", () => {
  const img = readPe(
    writePe({
      pe32: true,
      imageBase: 0xfff00000n,
      sections: [
        { name: ".sbat", data: "abc", rva: 0x200000 },
        { name: ".zero", data: "z", rva: 0 },
      ],
    }),
    "t.efi",
  );
  assert.equal(img.optional.format, "PE32");
  assert.deepEqual(
    img.sections.map((s) => s.vma),
    [0x100000n, 0n],
  );
  const high = readPe(
    writePe({ imageBase: 0xffff800000000000n, sections: [{ name: ".x", data: "a" }] }),
    "t",
  );
  assert.equal(high.sections[0]?.vma, 0xffff800000001000n);
});

test("objdump's size: the virtual size when raw data is padded past it, else the raw size", () => {
  const img = readPe(
    writePe({
      sections: [
        { name: ".padded", data: "abc" },
        { name: ".grown", data: "abc", virtualSize: 0x1000 },
        { name: ".novirt", data: "abc", virtualSize: 0 },
        { name: ".bss", virtualSize: 0x100, rawSize: 0, characteristics: SCN.bss | SCN.read | SCN.write },
      ],
    }),
    "t.efi",
  );
  assert.deepEqual(
    img.sections.map((s) => [s.name, s.size, s.contents, s.alloc, s.load]),
    [
      [".padded", 3, true, true, true],
      [".grown", 0x200, true, true, true],
      [".novirt", 0x200, true, true, true],
      [".bss", 0x100, false, true, false],
    ],
  );
  const bss = img.sections[3]!;
  assert.equal(sectionBytes(img, bss).length, 0);
  assert.equal(text(sectionBytes(img, img.sections[1]!)).replace(/\0+$/, ""), "abc");
});

test("sections objcopy does not copy give no bytes: no CNT flags, debugging, no data in the file", () => {
  const img = readPe(
    writePe({
      sections: [
        { name: ".cfg", data: "opts", characteristics: SCN.read },
        { name: ".debug_x", data: "dbg", characteristics: DATA_RO | SCN.discardable },
        { name: ".x", data: "abc", pointer: 0 },
        // IMAGE_SCN_TYPE_NO_LOAD: BFD says NEVER_LOAD, and objcopy copies it all the same
        { name: ".noload", data: "abc", characteristics: DATA_RO | 0x2 },
      ],
    }),
    "t.efi",
  );
  assert.deepEqual(
    img.sections.map((s) => sectionBytes(img, s).length),
    [0, 0, 0, 3],
  );
});

test("a signed image: the certificate table holds the Authenticode blob", () => {
  const blob = new Uint8Array(21).fill(0x30);
  const l = layoutPe({ certificate: blob, sections: [{ name: ".sbat", data: "abc" }] });
  const img = readPe(l.bytes, "t.efi");
  assert.deepEqual(img.certificateTable, {
    offset: l.certificateTable,
    size: 32,
    certificates: [{ offset: l.certificateTable, length: 29, revision: 0x200, type: 2 }],
  });
  assert.equal(img.dataDirectories[4]?.name, "certificate");
  assert.equal(readPe(efiImage(), "t.efi").certificateTable, undefined);
});

test("fewer data directories than 16 are read as the header says", () => {
  const img = readPe(writePe({ numberOfRvaAndSizes: 4, sections: [{ name: ".a", data: "a" }] }), "t.efi");
  assert.equal(img.dataDirectories.length, 4);
  assert.equal(img.certificateTable, undefined);
  assert.equal(img.sections[0]?.name, ".a");
});

// ---- bad input: every diagnostic names the byte offset

test("not a PE image: no MZ, a DOS header cut short, no PE signature where e_lfanew points", () => {
  assert.deepEqual(err(Buffer.from("\x7fELF")), { code: "pe/bad-dos-magic", at: "t.efi@0" });
  assert.deepEqual(err(Buffer.from("MZ")), { code: "pe/truncated", at: "t.efi@0" });
  const good = writePe({ sections: [] });
  assert.deepEqual(err(patched(good, [0x3c, 0x10000, 4])), { code: "pe/truncated", at: "t.efi@60" });
  assert.deepEqual(err(patched(good, [0x80, 0x4e, 1])), { code: "pe/bad-signature", at: "t.efi@128" });
  assert.deepEqual(err(good.subarray(0, 0x86)), { code: "pe/truncated", at: "t.efi@132" });
});

test("bad headers: an object file, an unknown optional magic, too many or unfitting data directories", () => {
  const l = layoutPe({ sections: [{ name: ".a", data: "a" }] });
  const soh = l.peOffset + 4 + 16;
  assert.deepEqual(err(patched(l.bytes, [soh, 0, 2])), { code: "pe/optional-header", at: `t.efi@${soh}` });
  assert.deepEqual(err(patched(l.bytes, [l.optionalOffset, 0x107, 2])), {
    code: "pe/optional-magic",
    at: `t.efi@${l.optionalOffset}`,
  });
  assert.deepEqual(err(patched(l.bytes, [soh, 100, 2])), { code: "pe/optional-header", at: `t.efi@${soh}` });
  const nDirs = l.optionalOffset + 108;
  assert.deepEqual(err(patched(l.bytes, [nDirs, 17, 4])), {
    code: "pe/data-directories",
    at: `t.efi@${nDirs}`,
  });
  assert.deepEqual(err(patched(l.bytes, [soh, 112 + 8 * 15, 2])), {
    code: "pe/data-directories",
    at: `t.efi@${nDirs}`,
  });
});

test("a truncated image: the section table, or a section's data, past the end of the file", () => {
  const l = layoutPe({
    sections: [
      { name: ".a", data: "a" },
      { name: ".sbat", data: "sbat" },
    ],
  });
  const nsec = l.peOffset + 4 + 2;
  assert.deepEqual(err(patched(l.bytes, [nsec, 200, 2])), { code: "pe/truncated", at: `t.efi@${nsec}` });
  const cut = l.bytes.subarray(0, l.bytes.length - 1);
  const second = l.sectionTable + 40;
  const e = firstError(() => readPe(cut, "t.efi"));
  assert.deepEqual({ code: e.code, at: e.at }, { code: "pe/section-bounds", at: `t.efi@${second + 20}` });
  assert.match(e.message, /section `\.sbat`: its 512 bytes of data from byte 1024 run past the end/);
});

test("symbol and string tables: out of the file; a bad string table length when a long name needs it", () => {
  const l = layoutPe({ symbols: 2, sections: [{ name: ".longer-name", data: "a" }] });
  const symPtr = l.peOffset + 4 + 8;
  assert.deepEqual(err(patched(l.bytes, [symPtr, 0x100000, 4])), {
    code: "pe/symbol-table",
    at: `t.efi@${symPtr}`,
  });
  assert.deepEqual(err(patched(l.bytes, [l.stringTable, 2, 4])), {
    code: "pe/string-table",
    at: `t.efi@${l.stringTable}`,
  });
  assert.deepEqual(err(patched(l.bytes, [l.stringTable, 0x10000, 4])), {
    code: "pe/string-table",
    at: `t.efi@${l.stringTable}`,
  });
  // without long names the string table is not read (a certificate table may follow the symbols)
  const short = layoutPe({
    symbols: 1,
    certificate: new Uint8Array(1),
    sections: [{ name: ".a", data: "a" }],
  });
  assert.equal(readPe(short.bytes, "t.efi").stringTable, undefined);
  // no symbol table pointer: nowhere to find the name
  assert.deepEqual(err(patched(l.bytes, [symPtr, 0, 4])), {
    code: "pe/long-name",
    at: `t.efi@${l.sectionTable}`,
  });
  // an index past the string table, or into its length field
  const far = l.bytes.slice();
  far.set(Buffer.from("/99\0\0\0\0\0", "latin1"), l.sectionTable);
  assert.deepEqual(err(far), { code: "pe/long-name", at: `t.efi@${l.sectionTable}` });
  far.set(Buffer.from("/2\0\0\0\0\0\0", "latin1"), l.sectionTable);
  assert.deepEqual(err(far), { code: "pe/long-name", at: `t.efi@${l.sectionTable}` });
});

test("a certificate table outside the file, or a certificate that does not fit in it", () => {
  const l = layoutPe({ certificate: new Uint8Array(16), sections: [{ name: ".a", data: "a" }] });
  const dir = l.optionalOffset + 112 + 4 * 8;
  assert.deepEqual(err(patched(l.bytes, [dir + 4, 0x10000, 4])), {
    code: "pe/certificate-table",
    at: `t.efi@${dir}`,
  });
  assert.deepEqual(err(patched(l.bytes, [l.certificateTable, 4000, 4])), {
    code: "pe/certificate-table",
    at: `t.efi@${l.certificateTable}`,
  });
  assert.deepEqual(err(patched(l.bytes, [l.certificateTable, 3, 4])), {
    code: "pe/certificate-table",
    at: `t.efi@${l.certificateTable}`,
  });
});

test("diagnostics print as file@0x.. and say which byte; a missing file is bad input", () => {
  try {
    readPe(Buffer.from("MZ"), "shim.efi");
    assert.fail("expected an InputError");
  } catch (e) {
    const d = (e as { diagnostics: { span: Parameters<typeof formatSpan>[0]; message: string }[] })
      .diagnostics[0]!;
    assert.equal(formatSpan(d.span), "shim.efi@0x0");
    assert.match(
      d.message,
      /the file ends at byte 2, inside the DOS header \(64 bytes from 0\) \(byte 0, 0x0\)/,
    );
  }
  assert.equal(inputError(() => readPeFile("/nonexistent/x.efi"))[0]?.code, "pe/unreadable");
});
