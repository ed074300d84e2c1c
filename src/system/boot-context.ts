import { parseBool } from "../cmdline/parse-params.js";
import { configOption } from "../cmdline/xen-config.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { DtNode } from "../devicetree/device-tree.js";
import { getProperty } from "../devicetree/find-node.js";
import type { BootConditionId } from "./boot-conditions.js";
import type { BootDomain, DeviceTreeSystem } from "./device-tree-system.js";
import { xenReadU32 } from "./xen-dt-property.js";

/** What every group of boot rules reads: the tree, the build, and who Xen makes what. */
export interface BootContext {
  readonly dts: DeviceTreeSystem;
  /** `iommu_enabled` at boot */
  readonly iommu: boolean;
  readonly dom0?: BootDomain;
  /** dom0, or the first `xen,domain` with the hardware bit */
  readonly hardware?: BootDomain;
  /** each `xen,domain` node to its domain */
  readonly domainOf: ReadonlyMap<DtNode, BootDomain>;
  /** the build options already noted as assumed, to note each once */
  readonly assumed: Set<string>;
}

/** A boot-rule finding, located on the property when there is one. */
export function bootFinding(
  code: BootConditionId,
  message: string,
  node: DtNode,
  property: string | undefined,
  ref: string,
  help: string,
  severity: Diagnostic["severity"] = "error",
): Diagnostic {
  const span = (property && getProperty(node, property)?.span) || node.span;
  return { code: `boot/${code}`, severity, message, span, help, ref };
}

/**
 * `#address-cells`/`#size-cells` as Xen's early scan sees them: a node without its own takes its
 * parent's, from 2/1 at the root (xen/common/device-tree/bootfdt.c:96-106).
 */
export function scanCells(chain: readonly DtNode[]): [number, number] {
  let cells: [number, number] = [2, 1];
  for (const n of chain)
    cells = [xenReadU32(n, "#address-cells") ?? cells[0], xenReadU32(n, "#size-cells") ?? cells[1]];
  return cells;
}

/**
 * The value of a boolean option on Xen's command line: the last of `name=value` and `no-name` wins
 * (parse_params, xen/common/kernel.c:100-214); undefined when it is not there.
 */
export function bootBoolean(bootargs: string, name: string): boolean | undefined {
  let value: boolean | undefined;
  for (const token of bootargs.split(" ")) {
    const eq = token.indexOf("=");
    let key = eq < 0 ? token : token.slice(0, eq);
    const word = eq < 0 ? "" : token.slice(eq + 1);
    // `no-` inverts, and a false value inverts again: `no-x=0` turns x on (kernel.c:111-158)
    let assert = !key.startsWith("no-");
    if (!assert) key = key.slice(3);
    const b = word === "" ? 1 : parseBool(word);
    if (key !== name || b < 0) continue;
    if (b === 0) assert = !assert;
    value = assert;
  }
  return value;
}

/**
 * LLC coloring switched on by Xen's command line, when it is built in: `llc-coloring` on, or not
 * off with `llc-size` and `llc-nr-ways` given (xen/common/llc-coloring.c:169-172).
 */
export function llcColoringOn(bootargs: string): boolean {
  const on = bootBoolean(bootargs, "llc-coloring");
  const sized = /(?:^|\s)llc-size=/.test(bootargs) && /(?:^|\s)llc-nr-ways=/.test(bootargs);
  return on === true || (on !== false && sized);
}

/** A Kconfig option a feature of the tree needs, with where Xen declares it. */
export interface BuildOption {
  readonly name: `CONFIG_${string}`;
  /** the option's default when nobody selects it */
  readonly default: boolean;
  /** its Kconfig entry (path:line at RELEASE-4.22.0) */
  readonly ref: string;
  /** an option it depends on: off when that one is off */
  readonly dependsOn?: `CONFIG_${string}`;
}

export const OPTIONS = {
  staticMemory: {
    name: "CONFIG_STATIC_MEMORY",
    default: false,
    ref: "xen/common/Kconfig:194-196",
  },
  staticShm: {
    name: "CONFIG_STATIC_SHM",
    default: false,
    ref: "xen/common/Kconfig:207-209",
    dependsOn: "CONFIG_STATIC_MEMORY",
  },
  staticEvtchn: { name: "CONFIG_STATIC_EVTCHN", default: true, ref: "xen/common/Kconfig:213-216" },
  bootCpupools: {
    name: "CONFIG_BOOT_TIME_CPUPOOLS",
    default: false,
    ref: "xen/common/sched/Kconfig:68-70",
  },
  llcColoring: { name: "CONFIG_LLC_COLORING", default: false, ref: "xen/common/Kconfig:601-603" },
  sve: { name: "CONFIG_ARM64_SVE", default: false, ref: "xen/arch/arm/Kconfig:234-236" },
  scmiSmc: { name: "CONFIG_SCMI_SMC", default: false, ref: "xen/arch/arm/firmware/Kconfig:20-22" },
  vuart: { name: "CONFIG_SBSA_VUART_CONSOLE", default: true, ref: "xen/arch/arm/Kconfig:184-186" },
  mpu: { name: "CONFIG_MPU", default: false, ref: "xen/arch/arm/Kconfig:93-96" },
  // the schedulers a cpupool may name: only those built in are registered (xen/common/sched/core.c:2992-3001);
  // rtds, arinc653 and null default to DEBUG (null also to PV_SHIM, x86 only), which a release build leaves off
  schedCredit: { name: "CONFIG_SCHED_CREDIT", default: true, ref: "xen/common/sched/Kconfig:4-6" },
  schedCredit2: { name: "CONFIG_SCHED_CREDIT2", default: true, ref: "xen/common/sched/Kconfig:10-12" },
  schedRtds: { name: "CONFIG_SCHED_RTDS", default: false, ref: "xen/common/sched/Kconfig:17-19" },
  schedArinc653: { name: "CONFIG_SCHED_ARINC653", default: false, ref: "xen/common/sched/Kconfig:25-27" },
  schedNull: { name: "CONFIG_SCHED_NULL", default: false, ref: "xen/common/sched/Kconfig:32-34" },
} as const satisfies Record<string, BuildOption>;

/**
 * Whether the build has an option a feature of the tree needs. With a `.config`, what it says;
 * without one, an option that is off by default is assumed on (the tree asks for it), with a note.
 */
export function builtWith(
  ctx: BootContext,
  option: BuildOption,
  node: DtNode,
  property: string,
  out: Diagnostic[],
): boolean {
  const set =
    option.dependsOn && configOption(ctx.dts.config, option.dependsOn) === false
      ? false
      : configOption(ctx.dts.config, option.name);
  if (set === undefined && !option.default && !ctx.assumed.has(option.name)) {
    ctx.assumed.add(option.name);
    out.push(
      bootFinding(
        "assumed-build-option",
        `${property === "compatible" ? `\`${node.path}\`` : `\`${property}\` of \`${node.baseName}\``} needs a Xen built with ${option.name}=y (off by default): assumed`,
        node,
        property,
        option.ref,
        "give the build's `.config` with --kconfig to check it",
        "note",
      ),
    );
  }
  return set ?? true;
}
