import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { findSection } from "../pe/find-section.js";
import type { PeImage, PeSection } from "../pe/read-pe.js";
import { sectionBytes } from "../pe/section-bytes.js";
import { parseSbatLevel, type SbatLevel } from "./sbat-level.js";

/** The two SbatLevel payloads a shim carries (or a revocations_sbat.efi delivers). */
export interface ShimPayloads {
  readonly automatic: SbatLevel;
  readonly latest: SbatLevel;
  /** `.sbatlevel`, or `.sbata`/`.sbatl` */
  readonly section: string;
}

/**
 * The SbatLevel payloads of an image: a shim's `.sbatlevel` section (sbat_var.S at rhboot/shim 72fd4b70: a
 * 32-bit format version 0, then the offsets of the automatic and the latest payload, counted from the
 * second word, each payload ending with a NUL), or the `.sbata` and `.sbatl` sections of a
 * revocations_sbat.efi (shim.c:660-662). Undefined when the image has neither.
 */
export function shimPayloads(image: PeImage): ShimPayloads | undefined {
  const level = findSection(image, ".sbatlevel");
  if (level) return fromSbatlevel(image, level);
  const a = image.sections.find((s) => s.rawName === ".sbata");
  const l = image.sections.find((s) => s.rawName === ".sbatl");
  if (!a || !l) return undefined;
  const text = (s: PeSection) =>
    cString(image.bytes.subarray(s.pointerToRawData, s.pointerToRawData + s.sizeOfRawData));
  return {
    automatic: parseSbatLevel(text(a), `${image.file}(.sbata)`),
    latest: parseSbatLevel(text(l), `${image.file}(.sbatl)`),
    section: ".sbata/.sbatl",
  };
}

function fromSbatlevel(image: PeImage, s: PeSection): ShimPayloads {
  const data = sectionBytes(image, s);
  const base = s.fileOffset;
  const bad = (at: number, message: string): never =>
    fail(
      error("sbat/sbatlevel-section", `${message} (byte ${base + at}, 0x${(base + at).toString(16)})`, {
        file: image.file,
        line: 0,
        column: 0,
        offset: base + at,
      }),
    );
  if (data.length < 12)
    bad(0, `the \`.sbatlevel\` section has ${data.length} bytes, too few for its header (12)`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const version = view.getUint32(0, true);
  if (version !== 0) bad(0, `\`.sbatlevel\` format version ${version}: version 0 was expected`);
  const payload = (field: number, name: string): SbatLevel => {
    const at = 4 + view.getUint32(field, true);
    if (at >= data.length) bad(field, `the ${name} payload's offset points past the \`.sbatlevel\` section`);
    const rest = data.subarray(at);
    if (rest.indexOf(0) < 0)
      bad(at, `the ${name} payload has no NUL before the end of the \`.sbatlevel\` section`);
    return parseSbatLevel(cString(rest), `${image.file}(.sbatlevel ${name})`);
  };
  return { automatic: payload(4, "automatic"), latest: payload(8, "latest"), section: ".sbatlevel" };
}

/** The bytes up to the first NUL, as text. */
function cString(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return Buffer.from(nul < 0 ? b : b.subarray(0, nul)).toString("utf8");
}
