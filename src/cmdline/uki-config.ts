import type { PeImage } from "../pe/read-pe.js";
import type { CfgSource } from "./assemble-command-line.js";
import { parseXenCfg } from "./xen-cfg.js";

/**
 * The `.config` section of a unified Xen image as `read_section` finds it (xen/common/efi/pe.c:54-100 at
 * RELEASE-4.22.0): the first section whose 8-byte name is `.config`, `VirtualSize` bytes at its RVA
 * (the file's raw data, zeros past it). The image is trusted when it carries a signature.
 */
export function ukiConfig(image: PeImage): CfgSource | undefined {
  const path = image.file;
  const section = image.sections.find((s) => s.rawName === ".config");
  if (!section) return undefined;
  const raw = image.bytes.subarray(
    section.pointerToRawData,
    section.pointerToRawData + Math.min(section.virtualSize, section.sizeOfRawData),
  );
  const text = Buffer.from(raw).toString("latin1");
  return { cfg: parseXenCfg(text, `${path}(.config)`), uki: true, signed: Boolean(image.certificateTable) };
}
