import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { readInput } from "../core/read-input.js";
import type { Span } from "../core/span.js";

/** The COFF file header that follows the `PE\0\0` signature. */
export interface CoffHeader {
  readonly machine: number;
  readonly numberOfSections: number;
  readonly timeDateStamp: number;
  readonly pointerToSymbolTable: number;
  readonly numberOfSymbols: number;
  readonly sizeOfOptionalHeader: number;
  readonly characteristics: number;
}

/** The optional header's fields this reader keeps, for PE32 (magic 0x10b) and PE32+ (0x20b). */
export interface OptionalHeader {
  readonly magic: number;
  readonly format: "PE32" | "PE32+";
  readonly addressOfEntryPoint: number;
  readonly imageBase: bigint;
  readonly sectionAlignment: number;
  readonly fileAlignment: number;
  readonly sizeOfImage: number;
  readonly sizeOfHeaders: number;
  readonly checkSum: number;
  readonly subsystem: number;
  readonly dllCharacteristics: number;
  readonly numberOfRvaAndSizes: number;
}

/** One data directory entry: an RVA and a size (the certificate table's "RVA" is a file offset). */
export interface DataDirectory {
  readonly index: number;
  readonly name: string;
  readonly virtualAddress: number;
  readonly size: number;
  /** where the entry itself is in the file */
  readonly entryOffset: number;
}

/** One WIN_CERTIFICATE of the certificate table: type 2 is an Authenticode PKCS#7 SignedData blob. */
export interface Certificate {
  readonly offset: number;
  readonly length: number;
  readonly revision: number;
  readonly type: number;
}

/** The certificate table (data directory 4): where the signatures of a signed image are. */
export interface CertificateTable {
  readonly offset: number;
  readonly size: number;
  readonly certificates: readonly Certificate[];
}

/**
 * A section header, with the values `objdump -h` prints for it: BFD's size (the virtual size when the raw
 * data is padded past it, or for uninitialised data with no raw data; else the raw size), its VMA (the RVA
 * plus ImageBase unless the RVA is 0, cut to 32 bits in a PE32 image) and its file offset.
 */
export interface PeSection {
  readonly index: number;
  /** the name: a `/123` name resolved through the COFF string table */
  readonly name: string;
  /** the 8-byte name field as written (NULs dropped); shim compares `.sbat` against this */
  readonly rawName: string;
  readonly virtualSize: number;
  readonly virtualAddress: number;
  readonly sizeOfRawData: number;
  readonly pointerToRawData: number;
  readonly pointerToRelocations: number;
  readonly numberOfRelocations: number;
  readonly characteristics: number;
  /** objdump's Size */
  readonly size: number;
  /** objdump's VMA (and LMA) */
  readonly vma: bigint;
  /** objdump's File off */
  readonly fileOffset: number;
  /** BFD's section flags CONTENTS (data in the file), ALLOC and LOAD: what objcopy copies */
  readonly contents: boolean;
  readonly alloc: boolean;
  readonly load: boolean;
  /** where the section header is */
  readonly headerOffset: number;
}

/** A PE/COFF image as read by `readPe`; `bytes` is the whole file. */
export interface PeImage {
  readonly file: string;
  readonly bytes: Uint8Array;
  /** e_lfanew: where `PE\0\0` is */
  readonly peOffset: number;
  readonly coff: CoffHeader;
  readonly optional: OptionalHeader;
  readonly dataDirectories: readonly DataDirectory[];
  /** present when the certificate table is not empty: the image is signed */
  readonly certificateTable?: CertificateTable;
  readonly sections: readonly PeSection[];
  /** the COFF string table (after the symbol table), when the image has one */
  readonly stringTable?: { readonly offset: number; readonly size: number };
}

const DIRECTORY_NAMES = [
  "export",
  "import",
  "resource",
  "exception",
  "certificate",
  "base relocation",
  "debug",
  "architecture",
  "global pointer",
  "TLS",
  "load config",
  "bound import",
  "IAT",
  "delay import",
  "CLR runtime header",
  "reserved",
];
const IMAGE_SCN_CNT_CODE = 0x20;
const IMAGE_SCN_CNT_INITIALIZED_DATA = 0x40;
const IMAGE_SCN_CNT_UNINITIALIZED_DATA = 0x80;
const SYMBOL_SIZE = 18;
const SECTION_HEADER_SIZE = 40;
const hex = (n: number) => `0x${n.toString(16)}`;
// BFD takes these names for debugging information, which it neither allocates nor loads
const DEBUG_NAME = /^(\.debug|\.zdebug|\.gnu\.linkonce\.w[it]|\.gnu_debuglink|\.gnu_debugaltlink|\.stab)/;

/**
 * Reads a PE/COFF image: the DOS header, the PE signature, the COFF header, the PE32 or PE32+ optional
 * header with its data directories and certificate table, and the section table, with long section names
 * (`/4`) resolved through the COFF string table as BFD resolves them. Every offset and length is checked
 * against the file; anything malformed raises an InputError naming the byte offset.
 */
export function readPe(bytes: Uint8Array, file: string): PeImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = bytes.byteLength;
  const span = (offset: number, end = offset): Span => ({ file, line: 0, column: 0, offset, endOffset: end });
  const bad = (code: string, at: number, message: string, help?: string): never =>
    fail(error(`pe/${code}`, `${message} (byte ${at}, ${hex(at)})`, span(at), help));
  /** the file must hold `length` bytes from `at`; `what` names them */
  const need = (at: number, length: number, what: string, field = at) => {
    if (at + length > size)
      bad(
        "truncated",
        field,
        `the file ends at byte ${size}, inside the ${what} (${length} bytes from ${at})`,
      );
  };
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);

  // ---- DOS header: `MZ`, and e_lfanew at 0x3c
  if (size < 2 || bytes[0] !== 0x4d || bytes[1] !== 0x5a)
    bad("bad-dos-magic", 0, "not a PE image: the file does not start with `MZ`");
  need(0, 0x40, "DOS header");
  const peOffset = u32(0x3c);
  need(peOffset, 4, "PE signature", 0x3c);
  if (u32(peOffset) !== 0x00004550) {
    bad(
      "bad-signature",
      peOffset,
      "no `PE\\0\\0` signature where e_lfanew points",
      "an MS-DOS executable, or a damaged image: e_lfanew is at byte 0x3c",
    );
  }

  // ---- COFF header
  const ch = peOffset + 4;
  need(ch, 20, "COFF header");
  const coff: CoffHeader = {
    machine: u16(ch),
    numberOfSections: u16(ch + 2),
    timeDateStamp: u32(ch + 4),
    pointerToSymbolTable: u32(ch + 8),
    numberOfSymbols: u32(ch + 12),
    sizeOfOptionalHeader: u16(ch + 16),
    characteristics: u16(ch + 18),
  };

  // ---- optional header
  const oh = ch + 20;
  if (coff.sizeOfOptionalHeader < 2)
    bad("optional-header", ch + 16, "the image has no optional header: an object file, not an image");
  need(oh, coff.sizeOfOptionalHeader, "optional header", ch + 16);
  const magic = u16(oh);
  if (magic !== 0x10b && magic !== 0x20b) {
    bad(
      "optional-magic",
      oh,
      `optional header magic ${hex(magic)}: PE32 (0x10b) or PE32+ (0x20b) was expected`,
    );
  }
  const pe32 = magic === 0x10b;
  const fixed = pe32 ? 96 : 112;
  if (coff.sizeOfOptionalHeader < fixed) {
    bad(
      "optional-header",
      ch + 16,
      `the optional header is ${coff.sizeOfOptionalHeader} bytes, too few for a ${pe32 ? "PE32" : "PE32+"} header (${fixed})`,
    );
  }
  const numberOfRvaAndSizes = u32(oh + fixed - 4);
  if (numberOfRvaAndSizes > 16) {
    bad(
      "data-directories",
      oh + fixed - 4,
      `NumberOfRvaAndSizes is ${numberOfRvaAndSizes}; an image has at most 16 data directories`,
    );
  }
  if (fixed + 8 * numberOfRvaAndSizes > coff.sizeOfOptionalHeader) {
    bad(
      "data-directories",
      oh + fixed - 4,
      `${numberOfRvaAndSizes} data directories do not fit in the ${coff.sizeOfOptionalHeader}-byte optional header`,
    );
  }
  const optional: OptionalHeader = {
    magic,
    format: pe32 ? "PE32" : "PE32+",
    addressOfEntryPoint: u32(oh + 16),
    imageBase: pe32 ? BigInt(u32(oh + 28)) : view.getBigUint64(oh + 24, true),
    sectionAlignment: u32(oh + 32),
    fileAlignment: u32(oh + 36),
    sizeOfImage: u32(oh + 56),
    sizeOfHeaders: u32(oh + 60),
    checkSum: u32(oh + 64),
    subsystem: u16(oh + 68),
    dllCharacteristics: u16(oh + 70),
    numberOfRvaAndSizes,
  };
  const dataDirectories: DataDirectory[] = [];
  for (let i = 0; i < numberOfRvaAndSizes; i++) {
    const at = oh + fixed + 8 * i;
    dataDirectories.push({
      index: i,
      name: DIRECTORY_NAMES[i] ?? `entry ${i}`,
      virtualAddress: u32(at),
      size: u32(at + 4),
      entryOffset: at,
    });
  }
  const certificateTable = readCertificates(dataDirectories[4], size, u16, u32, bad);

  // ---- symbol and string tables (before the sections: long names need the strings)
  let stringTable: { offset: number; size: number } | undefined;
  // a bad string table matters only to a long name that needs it, as in BFD
  let badStrings: (() => never) | undefined;
  if (coff.pointerToSymbolTable !== 0) {
    const symbolsEnd = coff.pointerToSymbolTable + SYMBOL_SIZE * coff.numberOfSymbols;
    if (symbolsEnd > size) {
      bad(
        "symbol-table",
        ch + 8,
        `the symbol table (${coff.numberOfSymbols} symbols from byte ${coff.pointerToSymbolTable}) runs past the end of the file (${size} bytes)`,
      );
    }
    // a file that ends with the symbols has no string table, as BFD reads it
    if (symbolsEnd + 4 <= size) {
      const length = u32(symbolsEnd);
      if (length < 4 || symbolsEnd + length > size) {
        badStrings = () =>
          bad(
            "string-table",
            symbolsEnd,
            `the string table says it has ${length} bytes; from byte ${symbolsEnd} the file has ${size - symbolsEnd}`,
          );
      } else stringTable = { offset: symbolsEnd, size: length };
    }
  }

  // ---- section table
  const table = oh + coff.sizeOfOptionalHeader;
  need(table, SECTION_HEADER_SIZE * coff.numberOfSections, "section table", ch + 2);
  const sections: PeSection[] = [];
  for (let i = 0; i < coff.numberOfSections; i++) {
    const at = table + SECTION_HEADER_SIZE * i;
    const nameField = bytes.subarray(at, at + 8);
    const nul = nameField.indexOf(0);
    const rawName = Buffer.from(nameField.subarray(0, nul < 0 ? 8 : nul)).toString("latin1");
    const virtualSize = u32(at + 8);
    const virtualAddress = u32(at + 12);
    const sizeOfRawData = u32(at + 16);
    const pointerToRawData = u32(at + 20);
    const characteristics = u32(at + 36);
    const name = longName(rawName, at, stringTable ?? badStrings, bytes, bad);
    if (pointerToRawData !== 0 && pointerToRawData + sizeOfRawData > size) {
      bad(
        "section-bounds",
        at + 20,
        `section \`${name}\`: its ${sizeOfRawData} bytes of data from byte ${pointerToRawData} run past the end of the file (${size} bytes)`,
      );
    }
    // BFD's size (peXXigen.c, swap_scnhdr_in): the virtual size when the raw data is padded past it, or
    // for uninitialised data without raw data
    const uninit = (characteristics & IMAGE_SCN_CNT_UNINITIALIZED_DATA) !== 0;
    const bfdSize =
      virtualSize > 0 && ((uninit && sizeOfRawData === 0) || sizeOfRawData > virtualSize)
        ? virtualSize
        : sizeOfRawData;
    let vma = virtualAddress === 0 ? 0n : BigInt(virtualAddress) + optional.imageBase;
    vma = pe32 ? vma & 0xffffffffn : vma & 0xffffffffffffffffn;
    // BFD's flags (coffcode.h, styp_to_sec_flags for PE)
    const debug = DEBUG_NAME.test(name);
    const code = (characteristics & IMAGE_SCN_CNT_CODE) !== 0;
    const data = (characteristics & IMAGE_SCN_CNT_INITIALIZED_DATA) !== 0 && !debug;
    sections.push({
      index: i,
      name,
      rawName,
      virtualSize,
      virtualAddress,
      sizeOfRawData,
      pointerToRawData,
      pointerToRelocations: u32(at + 24),
      numberOfRelocations: u16(at + 32),
      characteristics,
      size: bfdSize,
      vma,
      fileOffset: pointerToRawData,
      contents: pointerToRawData !== 0,
      alloc: code || data || uninit,
      load: code || data,
      headerOffset: at,
    });
  }
  return {
    file,
    bytes,
    peOffset,
    coff,
    optional,
    dataDirectories,
    ...(certificateTable && { certificateTable }),
    sections,
    ...(stringTable && { stringTable }),
  };
}

/** A `/123` name through the string table, as BFD's make_a_section_from_file reads it (coffgen.c). */
function longName(
  rawName: string,
  at: number,
  strings: { offset: number; size: number } | (() => never) | undefined,
  bytes: Uint8Array,
  bad: (code: string, at: number, message: string, help?: string) => never,
): string {
  // strtol(name + 1): blanks, a sign, decimal digits, then the end of the field; anything else is a plain name
  const m = /^\/[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(rawName);
  if (rawName !== "/" && (!m || (m[1] === "-" && Number(m[2]) !== 0))) return rawName;
  const index = m ? Number(m[2]) : 0;
  if (!strings) {
    bad(
      "long-name",
      at,
      `section name \`${rawName}\` points into the string table, but the image has none`,
      "a long section name needs the COFF symbol table pointer and the string table after the symbols",
    );
  }
  if (typeof strings === "function") strings();
  const table = strings as { offset: number; size: number };
  // the first 4 bytes are the table's length; BFD also wants one byte and a NUL after the index
  if (index < 4 || index + 2 >= table.size) {
    bad(
      "long-name",
      at,
      `section name \`${rawName}\` points to byte ${index} of a ${table.size}-byte string table`,
    );
  }
  const start = table.offset + index;
  const end = table.offset + table.size;
  const nul = bytes.subarray(start, end).indexOf(0);
  return Buffer.from(bytes.subarray(start, nul < 0 ? end : start + nul)).toString("latin1");
}

/** The certificate table: WIN_CERTIFICATE entries, each 8-byte aligned, inside the file. */
function readCertificates(
  dir: DataDirectory | undefined,
  size: number,
  u16: (at: number) => number,
  u32: (at: number) => number,
  bad: (code: string, at: number, message: string, help?: string) => never,
): CertificateTable | undefined {
  if (!dir || dir.size === 0) return undefined;
  const start = dir.virtualAddress;
  const end = start + dir.size;
  if (start === 0 || end > size) {
    bad(
      "certificate-table",
      dir.entryOffset,
      `the certificate table (${dir.size} bytes from byte ${start}) is outside the file (${size} bytes)`,
    );
  }
  const certificates: Certificate[] = [];
  for (let at = start; at < end; ) {
    if (at + 8 > end) bad("certificate-table", at, "a certificate header runs past the certificate table");
    const length = u32(at);
    if (length < 8 || at + length > end) {
      bad(
        "certificate-table",
        at,
        `a certificate of ${length} bytes does not fit in the certificate table (${end - at} bytes left)`,
      );
    }
    certificates.push({ offset: at, length, revision: u16(at + 4), type: u16(at + 6) });
    at += (length + 7) & ~7;
  }
  return { offset: start, size: dir.size, certificates };
}

/** Reads a PE file (see `readPe`). */
export function readPeFile(path: string): PeImage {
  return readPe(readInput(path, { code: "pe/unreadable" }), path);
}
