import type { DeviceTree, DtNode } from "../devicetree/device-tree.js";
import { getProperty, parentOf } from "../devicetree/find-node.js";
import { cellsNumber, xenReadCells, xenReadU32 } from "./xen-dt-property.js";

/** A device's MMIO region as Xen reads it, or why Xen cannot read it. */
export type DeviceAddress =
  | { readonly ok: true; readonly address: bigint; readonly size: bigint }
  | { readonly ok: false; readonly why: string };

const MASK64 = (1n << 64n) - 1n;

/** `#address-cells`/`#size-cells` of a node's bus: the nearest ancestor's, else 2/1 (dt_n_addr_cells, device-tree.c:484-516). */
function busCells(tree: DeviceTree, node: DtNode): [number, number] {
  let na: number | undefined;
  let ns: number | undefined;
  for (let p = parentOf(tree, node); p && (na === undefined || ns === undefined); p = parentOf(tree, p)) {
    na ??= xenReadU32(p, "#address-cells");
    ns ??= xenReadU32(p, "#size-cells");
  }
  return [na ?? 2, ns ?? 1];
}

/**
 * `dt_device_get_paddr(dev, index)` (xen/common/device-tree/device-tree.c:940-975 at RELEASE-4.22.0)
 * on the default bus: entry `index` of `reg`, with the bus's cell counts (:731-773, at most 4
 * address cells and at least one size cell, :72-74), translated up to the root through each
 * bus's `ranges` (:836-916): a bus without `ranges` cannot translate (:786-791), an empty one is
 * 1:1 (:792-798), and an address outside every range is refused (dt_bus_default_map, :562-586).
 * PCI buses (`assigned-addresses`) are not read: an IOMMU is not a PCI device.
 */
export function xenDeviceAddress(tree: DeviceTree, node: DtNode, index = 0): DeviceAddress {
  const parent = parentOf(tree, node);
  if (!parent) return { ok: false, why: "the root has no address" };
  let [na, ns] = busCells(tree, node);
  if (na <= 0 || na > 4 || ns <= 0)
    return { ok: false, why: `its bus has ${na} address and ${ns} size cells` };
  const reg = xenReadCells(node, "reg");
  if (!reg) return { ok: false, why: "it has no `reg`" };
  if (reg.length < (index + 1) * (na + ns))
    return { ok: false, why: `its \`reg\` has no entry ${index} of ${na} + ${ns} cells` };
  const at = index * (na + ns);
  let address = cellsNumber(reg, at, na);
  const size = cellsNumber(reg, at + na, ns);
  // up one bus at a time, until the root
  for (let bus = parent; ; ) {
    const up = parentOf(tree, bus);
    if (!up) break;
    const [pna, pns] = busCells(tree, bus);
    if (pna <= 0 || pna > 4 || pns <= 0)
      return { ok: false, why: `\`${bus.path}\`'s bus has ${pna} address and ${pns} size cells` };
    const ranges = getProperty(bus, "ranges");
    if (!ranges)
      return { ok: false, why: `\`${bus.path}\` has no \`ranges\`: Xen cannot translate the address` };
    if (ranges.bytes.length > 0) {
      const cells = xenReadCells(bus, "ranges") ?? [];
      const one = na + pna + ns;
      let mapped: bigint | undefined;
      for (let r = 0; r + one <= cells.length && mapped === undefined; r += one) {
        const child = cellsNumber(cells, r, na);
        const length = cellsNumber(cells, r + na + pna, ns);
        // more than 2 address cells name an identifier that must match exactly
        const exact = na <= 2 || cells.slice(r, r + na).every((c, i) => c === reg[at + i]);
        if (exact && address >= child && address < child + length)
          mapped = (cellsNumber(cells, r + na, pna) + (address - child)) & MASK64;
      }
      if (mapped === undefined)
        return { ok: false, why: `\`${bus.path}\`'s \`ranges\` do not cover 0x${address.toString(16)}` };
      address = mapped;
    }
    [na, ns] = [pna, pns];
    bus = up;
  }
  return { ok: true, address, size };
}
