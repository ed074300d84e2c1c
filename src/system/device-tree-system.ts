import { disabledOptions, type XenConfig } from "../cmdline/xen-config.js";
import { type Diagnostic, error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import type { Span } from "../core/span.js";
import type { DeviceTree, DtNode } from "../devicetree/device-tree.js";
import { getProperty, nodeByPath } from "../devicetree/find-node.js";
import { type Capabilities, DOMID_FIRST_RESERVED, type Domain } from "../model/domain.js";
import type { System } from "../model/system.js";
import { isCompatible, xenReadString, xenReadU32 } from "./xen-dt-property.js";

/** `DOMAIN_CAPS_*` of the `capabilities` property (xen/include/public/bootfdt.h:19-29 at RELEASE-4.22.0). */
export const DOMAIN_CAPS = { control: 0x1, hardware: 0x2, xenstore: 0x4, mask: 0x7 } as const;

/** The hyperlaunch design's `permissions` and `functions` bits (docs/designs/launch/hyperlaunch-devicetree.rst:84-95). */
const HYPERLAUNCH = { control: 1 << 0, hardware: 1 << 1, xenstore: 1 << 30 } as const;

/** A boot module under `/chosen` as Xen's early scan classifies it. */
export interface BootModule {
  readonly node: DtNode;
  readonly kind: "kernel" | "ramdisk" | "device-tree" | "xsm-policy" | "other";
  /** the `xen,domain` node it belongs to; absent for dom0's modules */
  readonly domain?: DtNode;
}

/** A domain the device tree describes, with the node it comes from. */
export interface BootDomain {
  readonly domain: Domain;
  /** the `xen,domain` node; absent for dom0 */
  readonly node?: DtNode;
  /** the raw `capabilities` value, as Xen reads it */
  readonly capabilities?: number;
}

export interface DeviceTreeSystem {
  readonly system: System;
  readonly tree: DeviceTree;
  readonly chosen: DtNode;
  /** every node in tree order (Xen's `allnext` list), read once for the rules that search the tree */
  readonly nodes: readonly DtNode[];
  /** Xen's own command line, `/chosen/xen,xen-bootargs` */
  readonly bootargs: string;
  /** dom0 first when Xen builds one, then the `xen,domain` nodes in tree order */
  readonly domains: readonly BootDomain[];
  readonly modules: readonly BootModule[];
  /** no dom0 kernel and at least one domU kernel (is_dom0less_mode) */
  readonly dom0less: boolean;
  /** the hyperlaunch design's `/chosen/hypervisor` node, which Xen 4.22.0 ignores */
  readonly hyperlaunch?: DtNode;
  /** built as the hyperlaunch design describes (`--hyperlaunch`), not as Xen 4.22.0 boots */
  readonly design: boolean;
  /** what reading it found: notes about the description (the boot rules are checked apart) */
  readonly findings: readonly Diagnostic[];
  /** the Xen build's `.config`, when one was given */
  readonly config?: XenConfig;
}

export interface DeviceTreeSystemOptions {
  /** the catalogue version the system is for */
  readonly xen?: string;
  /**
   * Build the domains of the hyperlaunch design (`/chosen/hypervisor`) as that design describes
   * them, instead of what Xen 4.22.0 builds (dom0 or the dom0less `xen,domain` nodes).
   */
  readonly hyperlaunch?: boolean;
  /** the Xen build's `.config`: options it switches off remove their operations, and the boot rules read it */
  readonly config?: XenConfig;
}

function modulesOf(chosen: DtNode): BootModule[] {
  // the early scan takes `multiboot,module` nodes to depth 3: /chosen/<module> and /chosen/<domain>/<module>
  // (xen/common/device-tree/bootinfo-fdt.c:217-228); the first generic module is the kernel, the second
  // the ramdisk (bootinfo-fdt.c:253-263)
  let generic = 0;
  const out: BootModule[] = [];
  const visit = (node: DtNode, domain?: DtNode) => {
    if (!isCompatible(node, "multiboot,module") && !isCompatible(node, "xen,multiboot-module")) return;
    let kind: BootModule["kind"];
    if (isCompatible(node, "multiboot,kernel") || isCompatible(node, "xen,linux-zimage")) kind = "kernel";
    else if (isCompatible(node, "multiboot,ramdisk") || isCompatible(node, "xen,linux-initrd"))
      kind = "ramdisk";
    else if (isCompatible(node, "multiboot,device-tree")) kind = "device-tree";
    else if (isCompatible(node, "xen,xsm-policy")) kind = "xsm-policy";
    else kind = ++generic === 1 ? "kernel" : generic === 2 ? "ramdisk" : "other";
    out.push({ node, kind, ...(domain && { domain }) });
  };
  for (const child of chosen.children) {
    visit(child);
    for (const grandchild of child.children) visit(grandchild, child);
  }
  return out;
}

/** Domain names are letters, digits, `_`, `.` and `-`: `dom1@0` becomes `dom1-0`. */
const domainName = (node: DtNode): string => node.name.replace("@", "-").replace(/[^A-Za-z0-9_.-]/g, "_");

function capsOf(bits: number, map: { control: number; hardware: number; xenstore: number }): Capabilities {
  return {
    control: (bits & map.control) !== 0,
    hardware: (bits & map.hardware) !== 0,
    xenstore: (bits & map.xenstore) !== 0,
    deviceModel: false,
    notHypercallTarget: false,
  };
}

const NO_CAPS = capsOf(0, DOMAIN_CAPS);

/**
 * The system Xen 4.22.0 builds from an Arm device tree: dom0 (control and hardware) unless the
 * tree has no dom0 kernel and at least one domU kernel (dom0less mode,
 * xen/common/device-tree/dom0less-build.c:48-78), then one domain per `xen,domain` child of
 * `/chosen`, numbered 1, 2, ... in tree order (domid_alloc(DOMID_ANY), dom0less-build.c:884-889),
 * with its `capabilities` (dom0less-bindings.c:36-62).
 */
export function systemFromDeviceTree(
  tree: DeviceTree,
  options: DeviceTreeSystemOptions = {},
): DeviceTreeSystem {
  const findings: Diagnostic[] = [];
  const chosen = nodeByPath(tree, "/chosen");
  const at = (node: DtNode): Span => node.span;
  if (!chosen)
    throw new InputError([
      {
        code: "boot/no-chosen",
        severity: "error",
        message: "the device tree has no `/chosen` node: Xen finds no boot module and no domain",
        span: tree.root.span,
        help: "describe dom0's modules or the dom0less `xen,domain` nodes under `/chosen` (docs/misc/arm/device-tree/booting.txt)",
        ref: "xen/common/device-tree/dom0less-build.c:872",
      },
    ]);
  const modules = modulesOf(chosen);
  const dom0Kernel = modules.some((m) => m.kind === "kernel" && !m.domain);
  const domUKernel = modules.some((m) => m.kind === "kernel" && m.domain);
  const dom0less = !dom0Kernel && domUKernel;
  const hyperlaunch = chosen.children.find(
    (c) => c.baseName === "hypervisor" || isCompatible(c, "hypervisor,xen"),
  );
  const domains: BootDomain[] = [];

  if (options.hyperlaunch) {
    if (!hyperlaunch)
      throw new InputError([
        {
          code: "boot/no-hyperlaunch",
          severity: "error",
          message: "no hyperlaunch `/chosen/hypervisor` node to build the system from",
          span: chosen.span,
          help: "without --hyperlaunch the system is what Xen 4.22.0 builds: dom0 or the dom0less `xen,domain` nodes",
        },
      ]);
    const nodes = hyperlaunch.children.filter((c) => isCompatible(c, "xen,domain"));
    // `domid = <0>` means "next available" in the design (hyperlaunch-devicetree.rst:271-275): the
    // ids asked for explicitly are taken first, and each must be a domid a domain can have
    const asked = nodes.map((n) => xenReadU32(n, "domid") ?? 0);
    const problems: Diagnostic[] = [];
    asked.forEach((id, i) => {
      const node = nodes[i] as DtNode;
      const span = getProperty(node, "domid")?.span ?? node.span;
      if (id >= DOMID_FIRST_RESERVED)
        problems.push(
          error(
            "boot/hyperlaunch-bad-domid",
            `\`${node.path}\`: domid ${id} is not one a domain can have (0x7ff0 and above are reserved)`,
            span,
            "use 0 for the next free domid, or a number below 0x7ff0",
          ),
        );
      else if (id !== 0 && asked.indexOf(id) !== i)
        problems.push(
          error(
            "boot/hyperlaunch-duplicate-domid",
            `\`${node.path}\`: domid ${id} is asked for twice`,
            span,
            "give every domain its own domid, or 0 for the next free one",
          ),
        );
    });
    if (problems.length) throw new InputError(problems);
    const taken = new Set(asked);
    let next = 1;
    for (const [i, node] of nodes.entries()) {
      let domid = asked[i] as number;
      if (domid === 0) {
        while (taken.has(next)) next++;
        domid = next++;
      }
      // control and hardware are permissions (bits 0, 1); xenstore is a function (bit 30): functions' own
      // bits 0 and 1 are BOOT and CRASH (hyperlaunch-devicetree.rst:84-95)
      const bits =
        ((xenReadU32(node, "permissions") ?? 0) & (HYPERLAUNCH.control | HYPERLAUNCH.hardware)) |
        ((xenReadU32(node, "functions") ?? 0) & HYPERLAUNCH.xenstore);
      // the design's `security-id` (hyperlaunch-devicetree.rst:312-315 at RELEASE-4.22.0) is the domain's
      // Flask label; without it the domain takes the label Xen gives (the design's default `domu_t` names
      // no type of Xen's policy, whose guest type is `domU_t`)
      const securityId = xenReadString(node, "security-id");
      domains.push({
        node,
        domain: {
          domid,
          name: domainName(node),
          ...(securityId.length > 0 && !securityId.startsWith("-E") && { label: securityId }),
          caps: capsOf(bits, HYPERLAUNCH),
          isConsole: true,
          target: null,
          type: "pvh",
          builtBy: "dom0less",
        },
      });
    }
  } else {
    if (!dom0less)
      domains.push({
        domain: {
          domid: 0,
          name: "dom0",
          // create_dom0() makes dom0 privileged and the hardware domain (xen/arch/arm/domain_build.c:1958)
          caps: { ...NO_CAPS, control: true, hardware: true },
          isConsole: true,
          target: null,
          type: "pvh",
          builtBy: "dom0",
        },
      });
    let domid = 1;
    for (const node of chosen.children.filter((c) => isCompatible(c, "xen,domain"))) {
      const capabilities = xenReadU32(node, "capabilities");
      domains.push({
        node,
        ...(capabilities !== undefined && { capabilities }),
        domain: {
          domid: domid++,
          name: domainName(node),
          caps: capsOf(capabilities ?? 0, DOMAIN_CAPS),
          // every dom0less domain gets is_console (dom0less-build.c:906)
          isConsole: true,
          target: null,
          type: "pvh",
          builtBy: "dom0less",
        },
      });
    }
    if (hyperlaunch)
      findings.push({
        code: "boot/hyperlaunch-design",
        severity: "note",
        message: `\`${hyperlaunch.path}\` follows the hyperlaunch design, which Xen 4.22.0 does not implement: its ${
          hyperlaunch.children.filter((c) => isCompatible(c, "xen,domain")).length
        } domain(s) are not built`,
        span: at(hyperlaunch),
        help: "use --hyperlaunch to see the system as the design describes it (docs/designs/launch/hyperlaunch-devicetree.rst)",
        ref: "docs/designs/launch/hyperlaunch.rst:7",
      });
  }

  const names = new Map<string, number>();
  const unique = domains.map((d) => {
    const n = names.get(d.domain.name) ?? 0;
    names.set(d.domain.name, n + 1);
    return n === 0 ? d : { ...d, domain: { ...d.domain, name: `${d.domain.name}.${n + 1}` } };
  });
  const spans: Record<string, Span> = {};
  for (const d of unique) spans[d.domain.name] = d.node ? at(d.node) : at(chosen);
  const read = xenReadString(chosen, "xen,xen-bootargs");
  const bootargs = read.startsWith("-E") ? "" : read;
  // the last `xsm=` wins, as Xen parses its command line left to right (custom_param("xsm"), xen/xsm/xsm_core.c:78)
  const xsm = [...bootargs.matchAll(/(?:^|\s)xsm=(\S+)/g)].at(-1)?.[1];
  const system: System = {
    xen: options.xen ?? "4.22.0",
    xsm: xsm ?? "dummy",
    build: {
      arch: "arm",
      verboseDebug: false,
      lateHwdom: false,
      pvShimExclusive: false,
      phase: "running",
      disabled: disabledOptions(options.config),
    },
    domains: unique.map((d) => d.domain),
    source: tree.file,
    spans,
  };
  const nodes: DtNode[] = [];
  const visit = (n: DtNode): void => {
    nodes.push(n);
    for (const c of n.children) visit(c);
  };
  visit(tree.root);
  return {
    system,
    tree,
    chosen,
    nodes,
    bootargs,
    domains: unique,
    modules,
    dom0less,
    ...(hyperlaunch && { hyperlaunch }),
    design: options.hyperlaunch === true,
    findings,
    ...(options.config && { config: options.config }),
  };
}
