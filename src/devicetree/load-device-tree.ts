import { readFileSync } from "node:fs";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import type { DeviceTree } from "./device-tree.js";
import { type ParseDtsOptions, parseDts } from "./parse-dts.js";
import { FDT_MAGIC, readDtb } from "./read-dtb.js";

/** Reads a device tree file: a DTB when it starts with the FDT magic number or is named `.dtb`, DTS source otherwise. */
export function loadDeviceTree(path: string, options: ParseDtsOptions = {}): DeviceTree {
  let blob: Buffer;
  try {
    blob = readFileSync(path);
  } catch (e) {
    return fail(error("devicetree/unreadable", `cannot read \`${path}\`: ${(e as Error).message}`));
  }
  // a `.dtb` is read as a blob even when its magic is wrong, so that the diagnostic says so
  if ((blob.length >= 4 && blob.readUInt32BE(0) === FDT_MAGIC) || /\.dtb$/i.test(path))
    return readDtb(blob, path);
  return parseDts(blob, path, options);
}
