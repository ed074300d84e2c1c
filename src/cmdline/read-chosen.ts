import type { DtNode } from "../devicetree/device-tree.js";
import { getProperty, nodeByPath } from "../devicetree/find-node.js";
import { loadDeviceTree } from "../devicetree/load-device-tree.js";
import type { BootSources } from "./assemble-command-line.js";

/** A property's bytes as NUL-separated strings, read raw as libfdt callers read them. */
function rawStrings(node: DtNode | undefined, name: string): string[] | undefined {
  const p = node && getProperty(node, name);
  return p && Buffer.from(p.bytes).toString("latin1").split("\0");
}

/**
 * `/chosen` of an Arm device tree as `boot_fdt_cmdline` reads it
 * (xen/common/device-tree/bootinfo-fdt.c:520-543): `prop->data` is a C string, so a value is read up
 * to its first NUL, whatever its type.
 */
export function readChosen(path: string): NonNullable<BootSources["chosen"]> {
  const chosen = nodeByPath(loadDeviceTree(path), "/chosen");
  // the dom0 kernel module the early scan registers (fdt_node_check_compatible compares exactly)
  const kernel = chosen?.children.find((c) => rawStrings(c, "compatible")?.includes("multiboot,kernel"));
  const xenBootargs = rawStrings(chosen, "xen,xen-bootargs")?.[0];
  const bootargs = rawStrings(chosen, "bootargs")?.[0];
  return {
    file: path,
    ...(xenBootargs !== undefined && { xenBootargs }),
    ...(bootargs !== undefined && { bootargs }),
    dom0Bootargs: Boolean(chosen && getProperty(chosen, "xen,dom0-bootargs")),
    dom0ModuleHasCmdline: Boolean(rawStrings(kernel, "bootargs")?.[0]),
  };
}
