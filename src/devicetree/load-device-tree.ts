import { readInput } from "../core/read-input.js";
import type { DeviceTree } from "./device-tree.js";
import { type ParseDtsOptions, parseDts } from "./parse-dts.js";
import { FDT_MAGIC, readDtb } from "./read-dtb.js";

/** Reads a device tree file: a DTB when it starts with the FDT magic number or is named `.dtb`, DTS source otherwise. */
export function loadDeviceTree(path: string, options: ParseDtsOptions = {}): DeviceTree {
  const blob = readInput(path, { code: "devicetree/unreadable" });
  // a `.dtb` is read as a blob even when its magic is wrong, so that the diagnostic says so
  if ((blob.length >= 4 && blob.readUInt32BE(0) === FDT_MAGIC) || /\.dtb$/i.test(path))
    return readDtb(blob, path);
  return parseDts(blob, path, options);
}
