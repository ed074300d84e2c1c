import type { DtNode } from "../devicetree/device-tree.js";
import { getProperty } from "../devicetree/find-node.js";

/**
 * Device-tree properties read the way Xen reads them while it builds domains, which is looser than
 * the binding: a `u32` is the first cell of anything at least 4 bytes long, a missing or shorter one
 * is "absent" (xen/common/device-tree/device-tree.c:165-194 at RELEASE-4.22.0).
 */
export function xenReadU32(node: DtNode, name: string): number | undefined {
  const p = getProperty(node, name);
  if (!p || p.bytes.length < 4) return undefined;
  return new DataView(p.bytes.buffer, p.bytes.byteOffset, 4).getUint32(0);
}

/** `dt_property_read_u64`: the first two cells of anything at least 8 bytes long. */
export function xenReadU64(node: DtNode, name: string): bigint | undefined {
  const p = getProperty(node, name);
  if (!p || p.bytes.length < 8) return undefined;
  return new DataView(p.bytes.buffer, p.bytes.byteOffset, 8).getBigUint64(0);
}

/**
 * `dt_property_read_string` (device-tree.c:195-210): the string, or why not: `-EINVAL` when absent,
 * `-ENODATA` when empty, `-EILSEQ` without a NUL inside the value.
 */
export function xenReadString(node: DtNode, name: string): string | "-EINVAL" | "-ENODATA" | "-EILSEQ" {
  const p = getProperty(node, name);
  if (!p) return "-EINVAL";
  if (p.bytes.length === 0) return "-ENODATA";
  const nul = p.bytes.indexOf(0);
  if (nul < 0) return "-EILSEQ";
  return new TextDecoder("latin1").decode(p.bytes.subarray(0, nul));
}

/** `dt_device_is_available` (device-tree.c:1645-1659): no `status`, or `"okay"` / `"ok"`. */
export function isAvailable(node: DtNode): boolean {
  const status = xenReadString(node, "status");
  return status === "-EINVAL" || status === "okay" || status === "ok";
}

/**
 * `dt_device_is_compatible`: one of the strings of `compatible` is `what`, compared without case
 * (`dt_compat_cmp` is `strcasecmp`, xen/include/xen/device_tree.h:239).
 */
export function isCompatible(node: DtNode, what: string): boolean {
  const p = getProperty(node, "compatible");
  if (!p) return false;
  const want = what.toLowerCase();
  return new TextDecoder("latin1")
    .decode(p.bytes)
    .split("\0")
    .some((c) => c.toLowerCase() === want);
}

/** The whole cells of a property (a trailing partial cell is dropped, as Xen's loops stop before it). */
export function xenReadCells(node: DtNode, name: string): number[] | undefined {
  const p = getProperty(node, name);
  if (!p) return undefined;
  const view = new DataView(p.bytes.buffer, p.bytes.byteOffset, p.bytes.length);
  return Array.from({ length: Math.floor(p.bytes.length / 4) }, (_, i) => view.getUint32(i * 4));
}

/** `dt_read_number`: `count` cells from `at` as one number, keeping the low 64 bits. */
export function cellsNumber(cells: readonly number[], at: number, count: number): bigint {
  let v = 0n;
  for (let i = 0; i < count; i++) v = ((v << 32n) | BigInt(cells[at + i] ?? 0)) & 0xffff_ffff_ffff_ffffn;
  return v;
}
