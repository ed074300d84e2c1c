import type { Diagnostic } from "../core/diagnostic.js";
import type { DtNode } from "../devicetree/device-tree.js";
import { getProperty } from "../devicetree/find-node.js";
import type { BootConditionId } from "./boot-conditions.js";
import { type BootContext, bootFinding, builtWith, OPTIONS, scanCells } from "./boot-context.js";
import { type ModuleRegistry, type Range, staticMemoryBanks } from "./boot-modules.js";
import { cellsNumber, isCompatible, xenReadCells, xenReadString } from "./xen-dt-property.js";

const SHM = "xen/common/device-tree/static-shmem.c";
const PAGE = 0xfffn;

interface Region {
  readonly id: string;
  readonly host?: bigint;
  readonly size: bigint;
}

/** The static shared memory nodes the early scan takes: depth 3 at most, anywhere (bootinfo-fdt.c:392). */
function sharedMemoryNodes(root: DtNode): { node: DtNode; chain: DtNode[] }[] {
  const out: { node: DtNode; chain: DtNode[] }[] = [];
  const visit = (node: DtNode, chain: DtNode[]): void => {
    if (chain.length >= 1 && chain.length <= 3 && isCompatible(node, "xen,domain-shared-memory-v1"))
      out.push({ node, chain });
    for (const c of node.children) visit(c, [...chain, node]);
  };
  visit(root, []);
  return out;
}

/**
 * Static shared memory (`xen,domain-shared-memory-v1`): the early scan's checks of each node
 * (process_shm_node, static-shmem.c:526-720), which stop Xen with "Early FDT parsing failed", and
 * the builder's for direct-mapped domains (static-shmem.c:355-395).
 */
export function sharedMemoryRules(ctx: BootContext, registry: ModuleRegistry): Diagnostic[] {
  const out: Diagnostic[] = [];
  // check_reserved_regions_overlap(): static memory banks and boot modules (bootinfo.c:188-219)
  const reserved: Range[] = [
    ...[...ctx.domainOf.keys()].flatMap((n) => staticMemoryBanks(ctx, n)),
    ...registry.ranges.values(),
  ];
  const regions: Region[] = [];
  const owners = new Map<string, DtNode>();
  for (const { node, chain } of sharedMemoryNodes(ctx.dts.tree.root)) {
    const where = `static shared memory node \`${node.path}\``;
    const fail = (
      code: BootConditionId,
      message: string,
      property: string | undefined,
      at: string,
      help: string,
    ) => out.push(bootFinding(code, `${where}: ${message}`, node, property, `${SHM}:${at}`, help));
    if (!builtWith(ctx, OPTIONS.staticShm, node, "compatible", out)) {
      out.push(
        bootFinding(
          "shared-memory-not-built",
          `${where}: Xen is built without CONFIG_STATIC_SHM and panics "CONFIG_STATIC_SHM must be enabled for parsing static shared memory nodes"`,
          node,
          "compatible",
          "xen/common/device-tree/bootinfo-fdt.c:357-365",
          "build Xen with CONFIG_STATIC_SHM=y (it needs CONFIG_STATIC_MEMORY and CONFIG_UNSUPPORTED), or remove the node",
        ),
      );
      continue;
    }
    const [ac, sc] = scanCells(chain);
    if (ac < 1 || sc < 1) {
      fail(
        "shared-memory-cells",
        `its parent's #address-cells ${ac} and #size-cells ${sc}: Xen panics "invalid #address-cells or #size-cells for static shared memory node"`,
        undefined,
        "540-544",
        "give the parent #address-cells and #size-cells of at least 1",
      );
      continue;
    }
    const idProp = getProperty(node, "xen,shm-id");
    if (!idProp) {
      fail(
        "shared-memory-id",
        "it has no `xen,shm-id`: the early scan fails",
        undefined,
        "550-552",
        'add `xen,shm-id = "my-shared-mem-0";`',
      );
      continue;
    }
    const nul = idProp.bytes.indexOf(0);
    const id = new TextDecoder("latin1").decode(
      idProp.bytes.subarray(0, nul < 0 ? idProp.bytes.length : nul),
    );
    if (nul < 0 || nul >= 16) {
      fail(
        "shared-memory-id",
        `\`xen,shm-id\` "${id}" has ${id.length} characters: Xen panics "it must be limited to 16 characters"`,
        "xen,shm-id",
        "553-559",
        "MAX_SHM_ID_LENGTH is 16, with the NUL (xen/include/xen/bootinfo.h:48): use at most 15 characters",
      );
      continue;
    }
    if (id === "")
      fail(
        "shared-memory-id",
        "`xen,shm-id` is empty: the early scan takes it, then BUG_ON() stops Xen while it builds the domain",
        "xen,shm-id",
        "328",
        "give the region a name of 1 to 15 characters",
      );
    const role = getProperty(node, "role") ? xenReadString(node, "role") : "borrower";
    if (role !== "owner" && role !== "borrower") {
      fail(
        "shared-memory-role",
        `\`role\` is "${role}": Xen panics "invalid \`role\` property for static shared memory node"`,
        "role",
        "565-575",
        'use "owner" or "borrower" (the default)',
      );
      continue;
    }
    const cells = xenReadCells(node, "xen,shared-mem");
    const length = getProperty(node, "xen,shared-mem")?.bytes.length;
    if (!cells || length === undefined) {
      fail(
        "shared-memory-missing",
        "it has no `xen,shared-mem`: the early scan fails",
        undefined,
        "583-585",
        "add `xen,shared-mem = <host-address guest-address size>;`",
      );
      continue;
    }
    let host: bigint | undefined;
    let guest: bigint;
    let size: bigint;
    if (length === (2 * ac + sc) * 4) {
      host = cellsNumber(cells, 0, ac);
      guest = cellsNumber(cells, ac, ac);
      size = cellsNumber(cells, 2 * ac, sc);
    } else if (length === (ac + sc) * 4) {
      guest = cellsNumber(cells, 0, ac);
      size = cellsNumber(cells, ac, sc);
    } else {
      fail(
        "shared-memory-layout",
        `\`xen,shared-mem\` has ${length} bytes, neither ${(2 * ac + sc) * 4} (host, guest, size) nor ${(ac + sc) * 4} (guest, size) for cells ${ac}/${sc}: Xen panics`,
        "xen,shared-mem",
        "588-598",
        "the parent's #address-cells and #size-cells give the layout",
      );
      continue;
    }
    const bad = (what: string, at: string) =>
      fail(
        "shared-memory-alignment",
        what,
        "xen,shared-mem",
        at,
        "addresses and sizes of shared regions are whole 4 KiB pages",
      );
    if (host !== undefined && host & PAGE)
      bad(`host address 0x${host.toString(16)} is not 4 KiB aligned: Xen panics`, "605-610");
    else if (host !== undefined && ((host + size) & 0xffff_ffff_ffff_ffffn) <= host)
      bad(
        `the region at 0x${host.toString(16)} wraps around: Xen panics "static shared memory region ${id} overflow"`,
        "612-617",
      );
    else if (guest & PAGE)
      bad(`guest address 0x${guest.toString(16)} is not 4 KiB aligned: Xen panics`, "620-625");
    else if (size === 0n) bad("its size is 0: Xen panics", "627-631");
    else if (size & PAGE) bad(`size 0x${size.toString(16)} is not 4 KiB aligned: Xen panics`, "633-637");
    else {
      const same = regions.find((r) => r.id === id);
      const twin =
        host !== undefined && regions.find((r) => r.id !== id && r.host === host && r.size === size);
      if (same && ((host !== undefined && same.host !== host) || same.size !== size))
        fail(
          "shared-memory-id-reused",
          `\`xen,shm-id\` "${id}" names another region already: Xen panics "different shared memory region could not share the same shm ID"`,
          "xen,shared-mem",
          "652-677",
          "every node of one region gives the same host address and size; use another id for another region",
        );
      else if (twin)
        fail(
          "shared-memory-id-mismatch",
          `its region is already named "${twin.id}": Xen panics "xen,shm-id ${id} does not match for all the nodes using the same region"`,
          "xen,shm-id",
          "691-699",
          `name the region "${twin.id}" here too`,
        );
      else if (!same) {
        const overlap =
          host !== undefined &&
          [
            ...regions.flatMap((r) =>
              r.host === undefined ? [] : [{ start: r.host, end: r.host + r.size, what: `region "${r.id}"` }],
            ),
            ...reserved,
          ].find((r) => host < r.end && r.start < host + size);
        if (overlap)
          fail(
            "shared-memory-overlap",
            `its host range overlaps ${overlap.what}: the early scan refuses it`,
            "xen,shared-mem",
            "706-708",
            "a shared region with a host address may not overlap another region, static memory or a boot module",
          );
        else if (regions.length >= 32)
          fail(
            "shared-memory-too-many",
            'it is the 33rd region: Xen panics "Max number of supported memory regions reached"',
            undefined,
            "717-721",
            "NR_SHMEM_BANKS is 32 (xen/include/xen/bootinfo.h:11)",
          );
        else regions.push({ id, ...(host !== undefined && { host }), size });
      }
    }
    const owner = chain.at(-1) as DtNode;
    const domain = ctx.domainOf.get(owner) ?? (owner === ctx.dts.chosen ? ctx.hardware : undefined);
    if (domain && role === "owner") {
      const first = owners.get(id);
      if (first && first !== owner)
        fail(
          "shared-memory-two-owners",
          `region "${id}" has a second owner (\`${owner.path}\`): the pages are taken already and Xen panics`,
          "role",
          "64-129",
          "one domain owns a region; the others are borrowers",
        );
      else owners.set(id, owner);
    }
    const directMapped = domain?.node ? !!getProperty(domain.node, "direct-map") : domain === ctx.dom0;
    if (domain && directMapped) {
      if (host === undefined)
        fail(
          "shared-memory-direct-map",
          `\`${domain.domain.name}\` is direct-mapped and the region gives no host address: Xen panics "host and guest physical address must be supplied for direct-mapped domains"`,
          "xen,shared-mem",
          "389-394",
          "give the host address as the first cells of `xen,shared-mem`",
        );
      else if (host !== guest)
        fail(
          "shared-memory-direct-map",
          `\`${domain.domain.name}\` is direct-mapped and the region's host address 0x${host.toString(16)} is not its guest address 0x${guest.toString(16)}: Xen panics`,
          "xen,shared-mem",
          "358-363",
          "in a direct-mapped domain the guest address equals the host address",
        );
    }
  }
  return out;
}
