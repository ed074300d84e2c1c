// Writes small PE/COFF images for the tests: chosen sections (long names through a COFF string table, as
// GNU ld writes them), an optional symbol table, and an optional certificate table (a signed image).
// Layout: DOS header, PE signature, COFF header, optional header, section table, section data, symbol
// table + string table, certificate table.

/** IMAGE_SCN_* bits the tests use. */
export const SCN = {
  code: 0x00000020,
  data: 0x00000040,
  bss: 0x00000080,
  discardable: 0x02000000,
  execute: 0x20000000,
  read: 0x40000000,
  write: 0x80000000,
} as const;

export const DATA_RO = SCN.data | SCN.read;

export interface SectionSpec {
  readonly name: string;
  /** the section's bytes (a string is written as latin1) */
  readonly data?: Uint8Array | string;
  /** default: the data's length */
  readonly virtualSize?: number;
  /** default: the data's length rounded up to the file alignment; the rest is zero padding */
  readonly rawSize?: number;
  /** default: one page after the previous section */
  readonly rva?: number;
  /** default: DATA_RO */
  readonly characteristics?: number;
  /** write this PointerToRawData instead of where the data goes (0: no data in the file) */
  readonly pointer?: number;
  readonly numberOfRelocations?: number;
  /** write the name field as these 8 bytes, verbatim (no string table entry) */
  readonly rawName?: string;
  /** put the name in the string table even when it fits in 8 bytes */
  readonly longName?: boolean;
}

export interface PeSpec {
  readonly sections: readonly SectionSpec[];
  /** PE32 (magic 0x10b, i386) instead of PE32+ (0x20b, x86-64) */
  readonly pe32?: boolean;
  readonly machine?: number;
  readonly imageBase?: bigint;
  readonly fileAlignment?: number;
  readonly sectionAlignment?: number;
  /** this many 18-byte symbols before the string table */
  readonly symbols?: number;
  /** a string table even without long names (needs symbols or `stringTable`) */
  readonly stringTable?: boolean;
  /** the Authenticode blob: written as one WIN_CERTIFICATE (revision 0x200, type PKCS_SIGNED_DATA) */
  readonly certificate?: Uint8Array;
  readonly timeDateStamp?: number;
  readonly numberOfRvaAndSizes?: number;
  readonly dosStub?: number;
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;
const bytesOf = (d: Uint8Array | string | undefined) =>
  d === undefined ? new Uint8Array(0) : typeof d === "string" ? Buffer.from(d, "latin1") : d;

/** Offsets the tests patch: where each header and table ended up. */
export interface PeLayout {
  readonly bytes: Uint8Array;
  readonly peOffset: number;
  readonly optionalOffset: number;
  readonly sectionTable: number;
  readonly symbolTable: number;
  readonly stringTable: number;
  readonly certificateTable: number;
  readonly dataOffsets: readonly number[];
}

/** Writes an image and says where its parts are. */
export function layoutPe(spec: PeSpec): PeLayout {
  const pe32 = spec.pe32 ?? false;
  const fileAlign = spec.fileAlignment ?? 0x200;
  const sectAlign = spec.sectionAlignment ?? 0x1000;
  const nDirs = spec.numberOfRvaAndSizes ?? 16;
  const peOffset = spec.dosStub ?? 0x80;
  const optSize = (pe32 ? 96 : 112) + 8 * nDirs;
  const sectionTable = peOffset + 24 + optSize;
  const headers = align(sectionTable + 40 * spec.sections.length, fileAlign);

  // long names go to the string table, as `/offset`
  const strings: number[] = [];
  const nameField = (s: SectionSpec): Uint8Array => {
    const field = new Uint8Array(8);
    const raw = s.rawName ?? s.name;
    if (s.rawName === undefined && (s.name.length > 8 || s.longName)) {
      const off = 4 + strings.length;
      strings.push(...Buffer.from(`${s.name}\0`, "latin1"));
      field.set(Buffer.from(`/${off}`, "latin1").subarray(0, 8));
    } else field.set(Buffer.from(raw, "latin1").subarray(0, 8));
    return field;
  };

  let pos = headers;
  let rva = align(headers, sectAlign);
  const placed = spec.sections.map((s) => {
    const data = bytesOf(s.data);
    const rawSize = s.rawSize ?? align(data.length, fileAlign);
    const at = rawSize > 0 ? pos : 0;
    pos += rawSize;
    const myRva = s.rva ?? rva;
    const vsize = s.virtualSize ?? data.length;
    rva = align(myRva + Math.max(vsize, 1), sectAlign);
    return { s, data, rawSize, at, rva: myRva, vsize, name: nameField(s) };
  });

  const nSyms = spec.symbols ?? 0;
  const wantStrings = strings.length > 0 || spec.stringTable === true;
  const symbolTable = nSyms > 0 || wantStrings ? pos : 0;
  const stringTable = pos + 18 * nSyms;
  const stringSize = wantStrings ? 4 + strings.length : 0;
  pos = stringTable + stringSize;
  const certificateTable = spec.certificate ? align(pos, 8) : 0;
  const certLength = spec.certificate ? 8 + spec.certificate.length : 0;
  const total = spec.certificate ? certificateTable + align(certLength, 8) : pos;

  const b = new Uint8Array(total);
  const v = new DataView(b.buffer);
  // DOS header: MZ and e_lfanew
  b[0] = 0x4d;
  b[1] = 0x5a;
  v.setUint32(0x3c, peOffset, true);
  b.set(Buffer.from("PE\0\0", "latin1"), peOffset);
  // COFF header
  const coff = peOffset + 4;
  v.setUint16(coff, spec.machine ?? (pe32 ? 0x14c : 0x8664), true);
  v.setUint16(coff + 2, spec.sections.length, true);
  v.setUint32(coff + 4, spec.timeDateStamp ?? 0, true);
  v.setUint32(coff + 8, symbolTable, true);
  v.setUint32(coff + 12, nSyms, true);
  v.setUint16(coff + 16, optSize, true);
  v.setUint16(coff + 18, 0x0206 | (pe32 ? 0x100 : 0), true);
  // optional header
  const opt = coff + 20;
  v.setUint16(opt, pe32 ? 0x10b : 0x20b, true);
  b[opt + 2] = 2;
  b[opt + 3] = 40;
  const entry = placed[0]?.rva ?? 0;
  v.setUint32(opt + 16, entry, true);
  v.setUint32(opt + 20, entry, true);
  const imageBase = spec.imageBase ?? 0n;
  if (pe32) v.setUint32(opt + 28, Number(imageBase), true);
  else v.setBigUint64(opt + 24, imageBase, true);
  v.setUint32(opt + 32, sectAlign, true);
  v.setUint32(opt + 36, fileAlign, true);
  v.setUint32(opt + 56, rva, true);
  v.setUint32(opt + 60, headers, true);
  v.setUint16(opt + 68, 10, true); // EFI application
  const dirs = opt + (pe32 ? 96 : 112);
  v.setUint32(dirs - 4, nDirs, true);
  if (spec.certificate && nDirs > 4) {
    v.setUint32(dirs + 4 * 8, certificateTable, true);
    v.setUint32(dirs + 4 * 8 + 4, align(certLength, 8), true);
  }
  // section table and data
  placed.forEach((p, i) => {
    const h = sectionTable + 40 * i;
    b.set(p.name, h);
    v.setUint32(h + 8, p.vsize, true);
    v.setUint32(h + 12, p.rva, true);
    v.setUint32(h + 16, p.rawSize, true);
    v.setUint32(h + 20, p.s.pointer ?? p.at, true);
    v.setUint16(h + 32, p.s.numberOfRelocations ?? 0, true);
    v.setUint32(h + 36, p.s.characteristics ?? DATA_RO, true);
    if (p.at) b.set(p.data.subarray(0, p.rawSize), p.at);
  });
  // symbols: `.file`-like placeholders, 18 bytes each
  for (let i = 0; i < nSyms; i++) b.set(Buffer.from(`sym${i}`.slice(0, 8), "latin1"), symbolTable + 18 * i);
  if (wantStrings) {
    v.setUint32(stringTable, stringSize, true);
    b.set(strings, stringTable + 4);
  }
  if (spec.certificate) {
    v.setUint32(certificateTable, certLength, true);
    v.setUint16(certificateTable + 4, 0x0200, true);
    v.setUint16(certificateTable + 6, 0x0002, true);
    b.set(spec.certificate, certificateTable + 8);
  }
  return {
    bytes: b,
    peOffset,
    optionalOffset: opt,
    sectionTable,
    symbolTable,
    stringTable: wantStrings ? stringTable : 0,
    certificateTable,
    dataOffsets: placed.map((p) => p.at),
  };
}

/** Writes an image (see `layoutPe`). */
export function writePe(spec: PeSpec): Uint8Array {
  return layoutPe(spec).bytes;
}

/** The `.sbat` section most tests use: data with the usual characteristics. */
export function sbatSection(text: string, more: Partial<SectionSpec> = {}): SectionSpec {
  return { name: ".sbat", data: text, ...more };
}

/** A small image: `.text` and the given extra sections. */
export function efiImage(...sections: SectionSpec[]): Uint8Array {
  return writePe({
    sections: [
      { name: ".text", data: "\xc3", characteristics: SCN.code | SCN.execute | SCN.read },
      ...sections,
    ],
  });
}

/** A `.sbatlevel` section as shim's sbat_var.S lays it out: version 0, two offsets from byte 4, two C strings. */
export function sbatlevelData(automatic: string, latest: string, version = 0): Buffer {
  const a = Buffer.from(`${automatic}\0`);
  const head = Buffer.alloc(12);
  head.writeUInt32LE(version, 0);
  head.writeUInt32LE(8, 4);
  head.writeUInt32LE(8 + a.length, 8);
  return Buffer.concat([head, a, Buffer.from(`${latest}\0`)]);
}
