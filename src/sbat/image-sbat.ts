import type { Diagnostic } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import type { PeImage, PeSection } from "../pe/read-pe.js";
import { parseSbat, type SbatSection } from "./parse-sbat.js";

/** What shim finds of an image's SBAT data (`verify_buffer_sbat`, verify.c:658-712 at rhboot/shim 72fd4b70). */
export interface ImageSbat {
  readonly file: string;
  /** why shim refuses the image before it reads SBAT (EFI_UNSUPPORTED) */
  readonly refused?: string;
  /** the section shim reads: the one whose 8-byte name field is `.sbat` */
  readonly section?: PeSection;
  /** why shim reads no SBAT data from the image, when it reads none */
  readonly missing?: string;
  /** the records, when shim reads data */
  readonly sbat?: SbatSection;
  /** why the data does not parse, when it does not: shim then rejects the image unless the level is empty */
  readonly invalid?: readonly Diagnostic[];
}

/**
 * The SBAT data shim reads from an image: the section whose name field is exactly `.sbat\0\0\0` (a long
 * name `/4` is not looked up), all of its raw data (SizeOfRawData bytes, padding included, read up to a
 * NUL), and only when SizeOfRawData is at least the virtual size; more than one such section, or one with
 * relocations, and shim refuses the image. Invalid `.sbat` text gives `invalid`, with `file(.sbat):line:col` spans.
 */
export function imageSbat(image: PeImage): ImageSbat {
  const all = image.sections.filter((s) => s.rawName === ".sbat");
  const file = image.file;
  if (all.length > 1) return { file, refused: `the image has ${all.length} .sbat sections` };
  const section = all[0];
  if (!section) return { file, missing: "the image has no .sbat section" };
  if (section.numberOfRelocations !== 0 || section.pointerToRelocations !== 0)
    return { file, section, refused: "the .sbat section has relocations" };
  if (section.sizeOfRawData === 0 || section.sizeOfRawData < section.virtualSize) {
    return {
      file,
      section,
      missing: `the .sbat section's raw size (${section.sizeOfRawData}) is below its virtual size (${section.virtualSize}), so shim ignores it`,
    };
  }
  const data = image.bytes.subarray(
    section.pointerToRawData,
    section.pointerToRawData + section.sizeOfRawData,
  );
  try {
    return { file, section, sbat: parseSbat(data, `${file}(.sbat)`, { offset: section.pointerToRawData }) };
  } catch (e) {
    if (e instanceof InputError) return { file, section, invalid: e.diagnostics };
    throw e;
  }
}
