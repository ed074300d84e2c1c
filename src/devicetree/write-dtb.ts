import type { DeviceTree, DtNode } from "./device-tree.js";
import { FDT_MAGIC } from "./read-dtb.js";

export interface WriteDtbOptions {
  /** 17 (the default) or 16, which has no `size_dt_struct` */
  readonly version?: 16 | 17;
}

/**
 * Writes a device tree as a DTB laid out byte for byte as dtc lays it out (`dtc -O dtb`, no padding):
 * header, memory reservation map, structure block, strings block with names shared as dtc shares them.
 */
export function writeDtb(tree: DeviceTree, options: WriteDtbOptions = {}): Uint8Array {
  const version = options.version ?? 17;
  const struct: number[] = [];
  let strings = "";
  const cell = (v: number) => struct.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  const pad = () => {
    while (struct.length % 4 !== 0) struct.push(0);
  };
  // dtc reuses any earlier string that ends with the same name (stringtable_insert)
  const nameOffset = (name: string): number => {
    const at = strings.indexOf(`${name}\0`);
    if (at >= 0) return at;
    strings += `${name}\0`;
    return strings.length - name.length - 1;
  };
  const flatten = (node: DtNode) => {
    cell(1);
    for (const b of Buffer.from(node.name, "latin1")) struct.push(b);
    struct.push(0);
    pad();
    for (const p of node.properties) {
      cell(3);
      cell(p.bytes.length);
      cell(nameOffset(p.name));
      for (const b of p.bytes) struct.push(b);
      pad();
    }
    for (const c of node.children) flatten(c);
    cell(2);
  };
  flatten(tree.root);
  cell(9);

  const headerSize = version === 17 ? 40 : 36;
  const rsvOff = (headerSize + 7) & ~7;
  const rsvSize = (tree.memReserves.length + 1) * 16;
  const structOff = rsvOff + rsvSize;
  const stringsOff = structOff + struct.length;
  const stringBytes = Buffer.from(strings, "latin1");
  const total = stringsOff + stringBytes.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const fields = [
    FDT_MAGIC,
    total,
    structOff,
    stringsOff,
    rsvOff,
    version,
    16,
    tree.bootCpuId,
    stringBytes.length,
  ];
  if (version === 17) fields.push(struct.length);
  for (const [i, v] of fields.entries()) view.setUint32(i * 4, v);
  tree.memReserves.forEach((r, i) => {
    view.setBigUint64(rsvOff + i * 16, r.address);
    view.setBigUint64(rsvOff + i * 16 + 8, r.size);
  });
  out.set(struct, structOff);
  out.set(stringBytes, stringsOff);
  return out;
}
