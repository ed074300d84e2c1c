import type { Diagnostic } from "../core/diagnostic.js";
import type { DtNode } from "../devicetree/device-tree.js";
import { getProperty } from "../devicetree/find-node.js";
import { type BootContext, bootFinding, scanCells } from "./boot-context.js";
import type { BootModule } from "./device-tree-system.js";
import { cellsNumber, isCompatible, xenReadCells, xenReadString } from "./xen-dt-property.js";

const BI = "xen/common/device-tree/bootinfo.c";

/** MAX_MODULES (xen/include/xen/bootinfo.h:13) less the two slots of Xen's image and the DTB (setup.c:326, bootinfo-fdt.c:477). */
const MODULE_SLOTS = 30;

export interface Range {
  readonly start: bigint;
  readonly end: bigint;
  readonly what: string;
}

/** The `xen,static-mem` banks of a domain node, read with `/chosen`'s cells as the early scan reads them. */
export function staticMemoryBanks(ctx: BootContext, node: DtNode): Range[] {
  const [ac, sc] = scanCells([ctx.dts.tree.root, ctx.dts.chosen]);
  const cells = xenReadCells(node, "xen,static-mem");
  const out: Range[] = [];
  if (!cells || ac < 1 || sc < 1) return out;
  for (let at = 0; at + ac + sc <= cells.length; at += ac + sc) {
    const start = cellsNumber(cells, at, ac);
    const size = cellsNumber(cells, at + ac, sc);
    if (size > 0n) out.push({ start, end: start + size, what: `\`xen,static-mem\` of \`${node.path}\`` });
  }
  return out;
}

/** Where Xen's early scan puts each module, and the ones add_boot_module() drops (bootinfo.c:220-262). */
export interface ModuleRegistry {
  readonly registered: readonly BootModule[];
  /** the address and size of each module kept */
  readonly ranges: ReadonlyMap<BootModule, Range>;
  readonly dropped: ReadonlyMap<BootModule, string>;
}

/**
 * The modules Xen keeps, in scan order: a module whose range overlaps a reserved region (static
 * memory) or a module kept before it is dropped, and so is any after the 30th.
 */
export function registerModules(ctx: BootContext): ModuleRegistry {
  const { dts } = ctx;
  const reserved: Range[] = [];
  const registered: BootModule[] = [];
  const ranges = new Map<BootModule, Range>();
  const dropped = new Map<BootModule, string>();
  const byNode = new Map(dts.modules.map((m) => [m.node, m]));
  const reserve = (node: DtNode): void => {
    for (const b of staticMemoryBanks(ctx, node)) reserved.push(b);
  };
  const add = (m: BootModule): void => {
    const [ac, sc] = scanCells([dts.tree.root, dts.chosen, ...(m.domain ? [m.domain] : [])]);
    const cells = xenReadCells(m.node, "reg");
    if (!cells || cells.length < ac + sc) return; // the early scan panics first (moduleRules)
    const start = cellsNumber(cells, 0, ac);
    const range = { start, end: start + cellsNumber(cells, ac, sc), what: `module \`${m.node.path}\`` };
    const clash = [...reserved, ...registered.map((r) => ranges.get(r) as Range)].find(
      (r) => range.start < r.end && r.start < range.end,
    );
    // a module at the address of a kept one of its kind is still found by address (kernel.c:165-168)
    const twin = registered.some((r) => r.kind === m.kind && ranges.get(r)?.start === start);
    if (registered.length >= MODULE_SLOTS) dropped.set(m, "too-many");
    else if (clash && !twin) dropped.set(m, clash.what);
    else if (clash) return;
    else {
      registered.push(m);
      ranges.set(m, range);
    }
  };
  // the early scan's depth-first order: a domain's static memory is reserved before its modules
  for (const child of dts.chosen.children) {
    const m = byNode.get(child);
    if (m) add(m);
    if (ctx.domainOf.has(child)) reserve(child);
    for (const grandchild of child.children) {
      const g = byNode.get(grandchild);
      if (g) add(g);
    }
  }
  return { registered, ranges, dropped };
}

/** The early scan's checks of each boot module (xen/common/device-tree/bootinfo-fdt.c, bootinfo.c). */
export function moduleRules(ctx: BootContext, registry: ModuleRegistry): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { dts } = ctx;
  for (const m of dts.modules) {
    const [ac, sc] = scanCells([dts.tree.root, dts.chosen, ...(m.domain ? [m.domain] : [])]);
    const reg = getProperty(m.node, "reg");
    if (!reg)
      out.push(
        bootFinding(
          "module-missing-reg",
          `boot module \`${m.node.path}\` has no \`reg\`: Xen panics "node ${m.node.name} missing \`reg' property"`,
          m.node,
          undefined,
          "xen/common/device-tree/bootinfo-fdt.c:230-232",
          "give the module's address and size in `reg`",
        ),
      );
    else if (reg.bytes.length < (ac + sc) * 4)
      out.push(
        bootFinding(
          "module-reg-too-short",
          `\`reg\` of boot module \`${m.node.path}\` has ${reg.bytes.length / 4} cell(s), fewer than the ${ac} + ${sc} its parent's cells ask for: Xen panics`,
          m.node,
          "reg",
          "xen/common/device-tree/bootinfo-fdt.c:234-236",
          "Xen takes the parent's #address-cells and #size-cells, inherited from above when the parent has none",
        ),
      );
    const args = xenReadString(m.node, "bootargs");
    if (!args.startsWith("-E") && args.length > 1024)
      out.push(
        bootFinding(
          "module-bootargs-too-long",
          `\`bootargs\` of \`${m.node.path}\` has ${args.length} characters, more than 1024: Xen panics "module ${m.node.name} command line too long"`,
          m.node,
          "bootargs",
          `${BI}:303-304`,
          "BOOTMOD_MAX_CMDLINE is 1024 (xen/include/xen/bootfdt.h:135)",
        ),
      );
    // the command line is filed under the parent's full name and looked up by its name without `@unit`
    if (m.domain && m.kind === "kernel" && !args.startsWith("-E") && m.domain.unitAddress !== undefined)
      out.push(
        bootFinding(
          "module-bootargs-lost",
          `\`${m.domain.name}\` has a unit address, so Xen never finds the \`bootargs\` of its kernel: the domain boots without them`,
          m.node,
          "bootargs",
          "xen/common/device-tree/kernel.c:196-199",
          `Xen files them under "${m.domain.name}" (bootinfo-fdt.c:268-272) and looks up "${m.domain.baseName}": rename the node \`${m.domain.baseName}\``,
          "warning",
        ),
      );
    const why = registry.dropped.get(m);
    if (why)
      out.push(
        bootFinding(
          why === "too-many" ? "module-too-many" : "module-overlap",
          why === "too-many"
            ? `boot module \`${m.node.path}\` is beyond the 32 Xen keeps (2 are Xen and the device tree): Xen ignores it`
            : `boot module \`${m.node.path}\` overlaps ${why}: Xen ignores it`,
          m.node,
          "reg",
          why === "too-many" ? `${BI}:229-234` : `${BI}:241-242`,
          why === "too-many"
            ? "MAX_MODULES is 32 (xen/include/xen/bootinfo.h:13)"
            : "give each module its own memory, outside static memory and other modules",
          "warning",
        ),
      );
  }
  return out;
}

/**
 * Why the kernel of a `xen,domain` node is not found, or undefined when it is: the last child that is
 * `multiboot,kernel` names an address, and a kept kernel module of some size must start there
 * (kernel.c:158-205; a generic module the scan took as a kernel does not count).
 */
export function missingKernel(
  ctx: BootContext,
  registry: ModuleRegistry,
  domain: DtNode,
): string | undefined {
  const kernel = domain.children.filter((c) => isCompatible(c, "multiboot,kernel")).at(-1);
  if (!kernel) return "it has no `multiboot,kernel` child";
  const [ac, sc] = scanCells([ctx.dts.tree.root, ctx.dts.chosen, domain]);
  const cells = xenReadCells(kernel, "reg");
  const module = ctx.dts.modules.find((m) => m.node === kernel);
  // a module without a usable `reg` stops the early scan first (moduleRules)
  if (!cells || cells.length < ac + sc)
    return module
      ? undefined
      : `its kernel \`${kernel.name}\` has no \`reg\`, which Xen reads without checking`;
  const start = cellsNumber(cells, 0, ac);
  const kept = registry.registered.find(
    (m) => m.kind === "kernel" && registry.ranges.get(m)?.start === start,
  );
  if (!kept) {
    if (!module)
      return `its kernel \`${kernel.name}\` is not also \`multiboot,module\`, so Xen's scan never loads it`;
    return registry.dropped.has(module)
      ? `its kernel \`${kernel.name}\` was ignored (see its module-overlap or module-too-many warning)`
      : `its kernel \`${kernel.name}\` is not a kernel module for Xen`;
  }
  const range = registry.ranges.get(kept);
  if (range && range.end === range.start) return `its kernel \`${kernel.name}\` has size 0`;
  return undefined;
}
