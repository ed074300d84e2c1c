import type { PeImage } from "../pe/read-pe.js";
import { imageSbat } from "../sbat/image-sbat.js";

/** What a unified image shows besides its configuration: its signature and SBAT records. */
export interface UkiInfo {
  readonly file: string;
  readonly signed: boolean;
  /** it has a `.config` section */
  readonly config: boolean;
  readonly sbat: readonly { component: string; generation: number; line: string }[];
  readonly sbatMissing?: string;
  readonly sbatRefused?: string;
  readonly sbatInvalid?: readonly string[];
}

/** A unified image's signature, `.config` and SBAT records. */
export function ukiInfo(image: PeImage): UkiInfo {
  const sbat = imageSbat(image);
  return {
    file: image.file,
    signed: Boolean(image.certificateTable),
    config: image.sections.some((s) => s.rawName === ".config"),
    sbat: (sbat.sbat?.records ?? []).map((r) => ({
      component: r.component,
      generation: r.generation,
      line: r.text,
    })),
    ...(sbat.missing && { sbatMissing: sbat.missing }),
    ...(sbat.refused && { sbatRefused: sbat.refused }),
    ...(sbat.invalid && { sbatInvalid: sbat.invalid.map((d) => d.message) }),
  };
}
