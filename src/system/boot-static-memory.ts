import { configOption } from "../cmdline/xen-config.js";
import type { Diagnostic } from "../core/diagnostic.js";
import { getProperty } from "../devicetree/find-node.js";
import {
  type BootContext,
  bootFinding,
  builtWith,
  llcColoringOn,
  OPTIONS,
  scanCells,
} from "./boot-context.js";
import { DOMAIN_CAPS } from "./device-tree-system.js";
import { cellsNumber, xenReadCells, xenReadU64 } from "./xen-dt-property.js";

const SMEM = "xen/common/device-tree/static-memory.c";

/**
 * `direct-map` and `xen,static-mem` of the dom0less domains: the bindings' checks
 * (xen/common/device-tree/dom0less-bindings.c:65-77) and the builder's, which give a domain
 * exactly its static banks (static-memory.c).
 */
export function staticMemoryRules(ctx: BootContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { dts } = ctx;
  for (const d of dts.domains) {
    const node = d.node;
    if (!node || d.domain.builtBy !== "dom0less") continue;
    const name = node.baseName;
    const staticMem = getProperty(node, "xen,static-mem");
    const directMap = !!getProperty(node, "direct-map");
    if (!staticMem && !directMap) continue;
    // direct-map without banks fails whatever the build
    const built = !!staticMem && builtWith(ctx, OPTIONS.staticMemory, node, "xen,static-mem", out);
    if (
      staticMem &&
      configOption(dts.config, OPTIONS.llcColoring.name) === true &&
      llcColoringOn(dts.bootargs)
    )
      out.push(
        bootFinding(
          "static-mem-with-llc-coloring",
          `\`${name}\` has \`xen,static-mem\` while LLC coloring is on: Xen panics "LLC coloring and static memory are incompatible"`,
          node,
          "xen,static-mem",
          "xen/common/device-tree/dom0less-bindings.c:65-68",
          "turn LLC coloring off (`llc-coloring=0`), or let Xen allocate this domain's memory",
        ),
      );
    // CDF_staticmem is 0 without CONFIG_STATIC_MEMORY (xen/include/xen/domain.h:66-71)
    if (directMap && (!staticMem || !built))
      out.push(
        bootFinding(
          "direct-map-without-static-mem",
          `\`${name}\` has \`direct-map\` ${staticMem ? "and Xen is built without CONFIG_STATIC_MEMORY" : "without `xen,static-mem`"}: Xen panics "direct-map is not valid for domain ${name} without static allocation."`,
          node,
          "direct-map",
          "xen/common/device-tree/dom0less-bindings.c:73-77",
          staticMem
            ? "build Xen with CONFIG_STATIC_MEMORY=y (it needs CONFIG_UNSUPPORTED)"
            : "give the domain its memory banks with `xen,static-mem`",
        ),
      );
    const hardware = ((d.capabilities ?? 0) & DOMAIN_CAPS.hardware) !== 0;
    // the hardware domain's RAM comes from construct_hwdom(), which does not read the banks
    if (!staticMem || hardware) continue;
    if (!built) {
      if (!directMap)
        out.push(
          bootFinding(
            "static-mem-not-built",
            `\`${name}\` has \`xen,static-mem\` and Xen is built without CONFIG_STATIC_MEMORY: no RAM is given to it and Xen panics "Could not set up domain ${name}"`,
            node,
            "xen,static-mem",
            "xen/include/xen/static-memory.h:32-44",
            "build Xen with CONFIG_STATIC_MEMORY=y, or remove `xen,static-mem` and let Xen allocate `memory`",
          ),
        );
      continue;
    }
    const [ac, sc] = scanCells([dts.tree.root, dts.chosen]);
    if (ac < 1 || sc < 1) {
      out.push(
        bootFinding(
          "static-mem-cells",
          `\`xen,static-mem\` of \`${name}\` is read with \`/chosen\`'s #address-cells ${ac} and #size-cells ${sc}: Xen panics "invalid #address-cells or #size-cells"`,
          node,
          "xen,static-mem",
          "xen/common/device-tree/bootinfo-fdt.c:128-133",
          "give `/chosen` #address-cells and #size-cells of at least 1",
        ),
      );
      continue;
    }
    const cells = xenReadCells(node, "xen,static-mem") ?? [];
    const banks = Math.floor(cells.length / (ac + sc));
    let total = 0n;
    for (let b = 0; b < banks; b++) {
      const size = cellsNumber(cells, b * (ac + sc) + ac, sc);
      total += size;
      if (size >> 12n > 0xffff_ffffn)
        out.push(
          bootFinding(
            "static-mem-bank-too-large",
            `bank ${b} of \`${name}\`'s \`xen,static-mem\` has 0x${size.toString(16)} bytes, more than 2^32 pages: Xen panics`,
            node,
            "xen,static-mem",
            `${SMEM}:49-54`,
            "split it into smaller banks",
          ),
        );
    }
    if (directMap && banks > 256)
      out.push(
        bootFinding(
          "static-mem-too-many-banks",
          `\`${name}\` is direct-mapped with ${banks} static banks, more than the 256 a guest may have: Xen panics`,
          node,
          "xen,static-mem",
          `${SMEM}:212-217`,
          "NR_MEM_BANKS is 256 (xen/include/xen/bootinfo.h): merge adjacent banks",
        ),
      );
    const memory = xenReadU64(node, "memory");
    const kib = total >> 10n;
    // a sum above `memory` fails earlier, in acquire_domstatic_pages() (over-allocation); either way Xen panics
    if (memory !== undefined && ((memory << 10n) & 0xffff_ffff_ffff_ffffn) !== total)
      out.push(
        bootFinding(
          "static-mem-size-mismatch",
          `\`${name}\` has \`memory\` ${memory} KiB but its \`xen,static-mem\` banks hold ${kib} KiB: Xen panics "Size of \\"memory\\" property doesn't match up with the sum-up of \\"xen,static-mem\\""`,
          node,
          "memory",
          directMap ? `${SMEM}:246-251` : `${SMEM}:174-179`,
          `a domain's memory is its static banks and nothing else: set \`memory\` to ${kib} KiB`,
        ),
      );
  }
  return out;
}
