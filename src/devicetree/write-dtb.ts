import { ByteSink } from "./byte-sink.js";
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
  const struct = new ByteSink();
  let strings = "";
  // dtc reuses any earlier string that ends with the same name (stringtable_insert)
  const nameOffset = (name: string): number => {
    const at = strings.indexOf(`${name}\0`);
    if (at >= 0) return at;
    strings += `${name}\0`;
    return strings.length - name.length - 1;
  };
  const flatten = (node: DtNode) => {
    struct.uint(1, 32);
    struct.bytes(Buffer.from(node.name, "latin1"));
    struct.byte(0);
    struct.align4();
    for (const p of node.properties) {
      struct.uint(3, 32);
      struct.uint(p.bytes.length, 32);
      struct.uint(nameOffset(p.name), 32);
      struct.bytes(p.bytes);
      struct.align4();
    }
    for (const c of node.children) flatten(c);
    struct.uint(2, 32);
  };
  flatten(tree.root);
  struct.uint(9, 32);

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
  out.set(struct.result(), structOff);
  out.set(stringBytes, stringsOff);
  return out;
}
