import type { OptionEntry } from "../cmdline/option-catalogue.js";
import { parseBoolean } from "../cmdline/parse-boolean.js";
import { parseBool, parseParams } from "../cmdline/parse-params.js";
import { configOption } from "../cmdline/xen-config.js";
import type { DtNode } from "../devicetree/device-tree.js";
import { getProperty } from "../devicetree/find-node.js";
import type { DeviceTreeSystem } from "./device-tree-system.js";
import { xenDeviceAddress } from "./xen-device-address.js";
import { isAvailable, isCompatible, xenReadU32 } from "./xen-dt-property.js";

/**
 * Whether Xen 4.22.0 on Arm ends its IOMMU set-up with `iommu_enabled`, from the four things that
 * decide it: the IOMMU nodes of the tree (`compatible`, `status`, `xen,passthrough` and what each
 * driver reads from its node), the build (which drivers are compiled in), and `iommu=` on Xen's
 * command line. References are at RELEASE-4.22.0.
 */

const PT = "xen/drivers/passthrough";

/** A Kconfig option that compiles in an IOMMU driver (xen/drivers/passthrough/arm/Makefile:2-4). */
export interface IommuDriver {
  readonly option: "CONFIG_ARM_SMMU" | "CONFIG_ARM_SMMU_V3" | "CONFIG_IPMMU_VMSA";
  /** what `make olddefconfig` chooses when nothing names it */
  readonly default: boolean;
  /** its entry in xen/drivers/passthrough/Kconfig */
  readonly ref: string;
  /** the driver's match table */
  readonly compatibles: readonly string[];
  readonly matchRef: string;
  /** only on arm64 (`depends on ARM_64`) */
  readonly arm64Only: boolean;
  /** its prompt is shown only with CONFIG_EXPERT, so nobody can switch it on without it */
  readonly expertOnly: boolean;
  /** platforms that `select` it (xen/arch/arm/platforms/Kconfig) */
  readonly selectedBy: readonly `CONFIG_${string}`[];
}

/** The drivers in link order, which is the order device_init() tries them (xen/common/device.c:28-39). */
export const IOMMU_DRIVERS: readonly IommuDriver[] = [
  {
    option: "CONFIG_ARM_SMMU",
    default: true,
    ref: `${PT}/Kconfig:6-14`,
    compatibles: ["arm,smmu-v1", "arm,smmu-v2", "arm,mmu-400", "arm,mmu-401", "arm,mmu-500"],
    matchRef: `${PT}/arm/smmu.c:2428-2435`,
    arm64Only: false,
    expertOnly: false,
    selectedBy: ["CONFIG_MPSOC"],
  },
  {
    option: "CONFIG_IPMMU_VMSA",
    default: false,
    ref: `${PT}/Kconfig:27-36`,
    compatibles: [
      "renesas,ipmmu-r8a7795",
      "renesas,ipmmu-r8a77965",
      "renesas,ipmmu-r8a7796",
      "renesas,ipmmu-r8a77961",
      "renesas,ipmmu-r8a779f0",
      "renesas,ipmmu-r8a779g0",
    ],
    matchRef: `${PT}/arm/ipmmu-vmsa.c:871-898`,
    arm64Only: true,
    expertOnly: false,
    selectedBy: ["CONFIG_RCAR3", "CONFIG_RCAR4"],
  },
  {
    option: "CONFIG_ARM_SMMU_V3",
    default: false,
    ref: `${PT}/Kconfig:16-25`,
    compatibles: ["arm,smmu-v3"],
    matchRef: `${PT}/arm/smmu-v3.c:2592-2595`,
    arm64Only: true,
    expertOnly: true,
    selectedBy: [],
  },
];

/** Whether a driver is in the build, and on what that rests. */
export interface DriverBuild {
  readonly built: boolean;
  /** no configuration decides it: the tree needs it, so it is assumed built */
  readonly assumed: boolean;
  readonly why: string;
}

/**
 * A driver in the build. A whole `.config` says it; a fragment or nothing leaves it to Kconfig's
 * rules: off on arm32 for arm64-only drivers, on when a platform selects it, off when named off, an
 * EXPERT-only prompt ignored when CONFIG_EXPERT is off (its value is then its default, n); what
 * nothing decides is assumed built, since the tree has a node for it.
 */
export function driverBuild(dts: DeviceTreeSystem, d: IommuDriver): DriverBuild {
  const config = dts.config;
  const named = config?.values.get(d.option);
  if (config?.complete) {
    const built = named === "y";
    return { built, assumed: false, why: `the build's .config ${built ? "has" : "leaves off"} ${d.option}` };
  }
  if (d.arm64Only && configOption(config, "CONFIG_ARM_32") === true)
    return { built: false, assumed: false, why: `${d.option} depends on ARM_64 and the build is arm32` };
  if (d.option === "CONFIG_ARM_SMMU_V3" && configOption(config, "CONFIG_ACPI") === true)
    if (configOption(config, "CONFIG_BROKEN") !== true)
      return {
        built: false,
        assumed: false,
        why: `${d.option} depends on !ACPI || BROKEN and the build has ACPI`,
      };
  const selector = d.selectedBy.find((s) => configOption(config, s) === true);
  if (selector) return { built: true, assumed: false, why: `${selector} selects ${d.option}` };
  if (named === "n") return { built: false, assumed: false, why: `the configuration leaves off ${d.option}` };
  if (named === "y") {
    const expert = configOption(config, "CONFIG_EXPERT");
    if (d.expertOnly && expert === false)
      return {
        built: false,
        assumed: false,
        why: `${d.option}=y is dropped: its prompt needs CONFIG_EXPERT, which is off, and it has no default`,
      };
    if (d.expertOnly && expert === undefined)
      return { built: true, assumed: true, why: `${d.option}=y also needs CONFIG_EXPERT=y: assumed` };
    return { built: true, assumed: false, why: `the configuration has ${d.option}` };
  }
  if (d.default) return { built: true, assumed: false, why: `${d.option} is on by default` };
  return {
    built: true,
    assumed: true,
    why: `${d.option} is off by default${d.expertOnly ? " and offered only with CONFIG_EXPERT=y" : ""}: assumed built, as the tree has a node for it`,
  };
}

/** What device_init() made of one IOMMU node (the return code iommu_hardware_setup() sees). */
export type IommuProbe =
  /** 0: the driver took it */
  | { readonly kind: "probed" }
  /** -EBADF: its driver is not in the build, so the node is an ordinary device */
  | { readonly kind: "not-built" }
  /** never probed: `iommu=0`, or a build without IOMMU support */
  | { readonly kind: "skipped" }
  /** -ENODEV: `status` is not "okay", or the node carries `xen,passthrough` (xen/common/device.c:25-26) */
  | { readonly kind: "unavailable"; readonly why: string }
  /** -ENODEV from the driver: present but not usable by Xen */
  | { readonly kind: "unusable"; readonly why: string; readonly ref: string }
  /** -EAGAIN: waits for another IOMMU (an IPMMU cache for its root) */
  | { readonly kind: "deferred"; readonly why: string; readonly ref: string }
  /** any other error: iommu_hardware_setup() stops and fails */
  | { readonly kind: "error"; readonly rc: string; readonly why: string; readonly ref: string };

export interface IommuNode {
  readonly node: DtNode;
  readonly driver: IommuDriver;
  readonly build: DriverBuild;
  readonly probe: IommuProbe;
}

export interface ArmIommu {
  /** `iommu_enabled` after iommu_setup() */
  readonly enabled: boolean;
  /** `iommu_enable` and `force_iommu` from the command line */
  readonly enable: boolean;
  readonly force: boolean;
  /** every node an IOMMU driver's table matches, in the order they were probed */
  readonly nodes: readonly IommuNode[];
  /** the drivers assumed built because no configuration says (each with the node that needs it) */
  readonly assumed: readonly IommuNode[];
  /** why there is no IOMMU, for messages; empty when there is one */
  readonly why: string;
  /** the panic iommu_setup() or start_xen() raises, when one does */
  readonly panic?: {
    readonly message: string;
    readonly ref: string;
    readonly node?: DtNode;
    readonly help: string;
  };
}

/** The `iommu` custom parameter (xen/drivers/passthrough/iommu.c:151), for parse_params. */
const IOMMU_PARAM: OptionEntry = {
  name: "iommu",
  type: "custom",
  runtime: "boot",
  arch: null,
  guards: ["CONFIG_HAS_PASSTHROUGH"],
  builds: { x86: true, arm: true, arm32: true },
  ref: `${PT}/iommu.c:151`,
  handler: "parse_iommu_param",
};

/**
 * `iommu_enable` (on by default, iommu.c:32) and `force_iommu` after parse_iommu_param() runs on
 * each `iommu=` (iommu.c:68-150): every boolean of the list sets `iommu_enable`, `force` and
 * `required` (with their `no-` and `=bool` forms) set `force_iommu`; `no-iommu` calls it with "no".
 */
export function iommuCommandLine(bootargs: string): { enable: boolean; force: boolean } {
  let enable = true;
  let force = false;
  for (const token of parseParams(bootargs, [IOMMU_PARAM]))
    for (const a of token.applied) {
      if (a.outcome.kind !== "call") continue;
      for (const item of a.outcome.arg.split(",")) {
        const b = parseBool(item);
        if (b >= 0) {
          enable = b === 1;
          continue;
        }
        const f = Math.max(parseBoolean("force", item), parseBoolean("required", item));
        if (f >= 0) force = f === 1;
      }
    }
  return { enable, force };
}

/** What one driver's init makes of a node, reading only the tree (the hardware is taken to answer). */
function probeNode(
  dts: DeviceTreeSystem,
  node: DtNode,
  driver: IommuDriver,
  root: { found: boolean },
): IommuProbe {
  if (!isAvailable(node)) return { kind: "unavailable", why: 'its `status` is not "okay"' };
  if (getProperty(node, "xen,passthrough"))
    return { kind: "unavailable", why: "it has `xen,passthrough`, so Xen leaves it to a guest" };
  const reg = xenDeviceAddress(dts.tree, node);
  switch (driver.option) {
    case "CONFIG_ARM_SMMU":
      // arm_smmu_device_dt_probe(): the MMIO region, then #global-interrupts (smmu.c:2462-2475)
      if (!reg.ok)
        return {
          kind: "error",
          rc: "-EINVAL",
          why: `Xen cannot read its MMIO region: ${reg.why}`,
          ref: `${PT}/arm/smmu.c:2462-2467`,
        };
      if (xenReadU32(node, "#global-interrupts") === undefined)
        return { kind: "unusable", why: "it has no `#global-interrupts`", ref: `${PT}/arm/smmu.c:2470-2475` };
      return { kind: "probed" };
    case "CONFIG_ARM_SMMU_V3": {
      // arm_smmu_device_dt_probe() then the MMIO region (smmu-v3.c:2428-2448, 2499-2508)
      const cells = xenReadU32(node, "#iommu-cells");
      if (cells !== 1)
        return {
          kind: "error",
          rc: "-EINVAL",
          why: cells === undefined ? "it has no `#iommu-cells`" : `its \`#iommu-cells\` is ${cells}, not 1`,
          ref: `${PT}/arm/smmu-v3.c:2435-2440`,
        };
      if (!reg.ok)
        return {
          kind: "error",
          rc: "-EINVAL",
          why: `Xen cannot read its MMIO region: ${reg.why}`,
          ref: `${PT}/arm/smmu-v3.c:2500-2502`,
        };
      // ARM_SMMU_OPT_PAGE0_REGS_ONLY needs only page 0 (smmu-v3.c:215, 2450-2456)
      const need = getProperty(node, "cavium,cn9900-broken-page1-regspace") ? 0x10000n : 0x20000n;
      if (reg.size < need)
        return {
          kind: "error",
          rc: "-EINVAL",
          why: `its MMIO region is 0x${reg.size.toString(16)} bytes, less than 0x${need.toString(16)}`,
          ref: `${PT}/arm/smmu-v3.c:2504-2508`,
        };
      return { kind: "probed" };
    }
    case "CONFIG_IPMMU_VMSA": {
      // ipmmu_probe() (ipmmu-vmsa.c:906-1023)
      if (!reg.ok)
        return {
          kind: "error",
          rc: "-EINVAL",
          why: `Xen cannot read its MMIO region: ${reg.why}`,
          ref: `${PT}/arm/ipmmu-vmsa.c:931-936`,
        };
      if (getProperty(node, "renesas,ipmmu-main")) {
        if (!root.found)
          return {
            kind: "deferred",
            why: "it is a cache IPMMU (`renesas,ipmmu-main`) and no root IPMMU was registered",
            ref: `${PT}/arm/ipmmu-vmsa.c:951-961`,
          };
        return { kind: "probed" };
      }
      // a root IPMMU needs the SoC's product register, found by the first `renesas,prr` node
      const prr = dts.nodes.find((n) => isCompatible(n, "renesas,prr"));
      if (!prr || !xenDeviceAddress(dts.tree, prr).ok)
        return {
          kind: "unusable",
          why: prr
            ? `Xen cannot read the MMIO region of \`${prr.path}\``
            : "the tree has no `renesas,prr` node",
          ref: `${PT}/arm/ipmmu-vmsa.c:812-831,966-971`,
        };
      root.found = true;
      return { kind: "probed" };
    }
  }
}

/** The driver that takes a node: the first built one whose table matches (device.c:28-39); else the first that matches. */
function driverOf(
  dts: DeviceTreeSystem,
  node: DtNode,
): { driver: IommuDriver; build: DriverBuild } | undefined {
  const matching = IOMMU_DRIVERS.filter((d) => d.compatibles.some((c) => isCompatible(node, c)));
  const builds = matching.map((driver) => ({ driver, build: driverBuild(dts, driver) }));
  return builds.find((b) => b.build.built) ?? builds[0];
}

/**
 * iommu_setup() (xen/drivers/passthrough/iommu.c:550-612) with iommu_hardware_setup() (arm/iommu.c:51-119)
 * over the tree, then the check of start_xen() (xen/arch/arm/setup.c:455-457). An MPU build has no
 * passthrough code, so `iommu_enabled` is always false (xen/include/xen/iommu.h:59-61, arch/arm/Kconfig:82-89).
 */
export function armIommu(dts: DeviceTreeSystem): ArmIommu {
  const { enable, force } = iommuCommandLine(dts.bootargs);
  const candidates = dts.nodes.flatMap((node) => {
    const d = driverOf(dts, node);
    return d ? [{ node, ...d }] : [];
  });
  if (configOption(dts.config, "CONFIG_MPU") === true)
    return {
      enabled: false,
      enable,
      force: false,
      nodes: candidates.map((c) => ({ ...c, probe: { kind: "skipped" } })),
      assumed: [],
      why: "an MPU build of Xen has no IOMMU support (CONFIG_HAS_PASSTHROUGH)",
    };
  const nodes: IommuNode[] = [];
  const root = { found: false };
  // what iommu_hardware_setup() returns: 0, -ENODEV, -EAGAIN, or the node whose error it returns
  let rc: "0" | "-ENODEV" | "-EAGAIN" | IommuNode = "-ENODEV";
  if (enable) {
    let probed = 0;
    let failed: IommuNode | undefined;
    const deferred: (typeof candidates)[number][] = [];
    // the first pass, in tree order; a deferred node goes to the head of the list (list_add)
    for (const c of candidates) {
      const probe: IommuProbe = c.build.built
        ? probeNode(dts, c.node, c.driver, root)
        : { kind: "not-built" };
      if (probe.kind === "deferred") {
        deferred.unshift(c);
        continue;
      }
      nodes.push({ ...c, probe });
      if (probe.kind === "probed") probed++;
      if (probe.kind === "error") {
        failed = nodes.at(-1);
        break;
      }
    }
    // more passes while the last one registered something (arm/iommu.c:99-116)
    while (!failed && deferred.length && probed) {
      probed = 0;
      for (const c of [...deferred]) {
        const probe = probeNode(dts, c.node, c.driver, root);
        if (probe.kind === "deferred") continue;
        deferred.splice(deferred.indexOf(c), 1);
        nodes.push({ ...c, probe });
        if (probe.kind === "probed") probed++;
        else {
          failed = nodes.at(-1);
          break;
        }
      }
    }
    for (const c of failed ? [] : deferred)
      nodes.push({ ...c, probe: probeNode(dts, c.node, c.driver, root) });
    const any = nodes.some((n) => n.probe.kind === "probed");
    // a later pass returns whatever error it meets, -ENODEV included
    if (failed) rc = failed.probe.kind === "error" ? failed : "-ENODEV";
    else rc = deferred.length ? "-EAGAIN" : any ? "0" : "-ENODEV";
  } else for (const c of candidates) nodes.push({ ...c, probe: { kind: "skipped" } as const });
  const enabled = enable && rc === "0";
  const used = nodes.filter((n) => n.probe.kind === "probed");
  const assumed = used.filter((n) => n.build.assumed);
  let why = "";
  if (!enabled) {
    if (!enable) why = "`iommu=` on Xen's command line turns it off";
    else if (typeof rc !== "string")
      why = `\`${rc.node.path}\` fails to probe (${rc.probe.kind === "error" ? rc.probe.why : ""})`;
    else if (rc === "-EAGAIN") why = "every IPMMU found waits for a root IPMMU that never registers";
    else if (nodes.length === 0) why = "the tree has no IOMMU node Xen has a driver for";
    else
      why = nodes
        .map((n) => {
          const p = n.probe;
          if (p.kind === "not-built")
            return `\`${n.node.path}\` needs ${n.driver.option}, and ${n.build.why}`;
          if (p.kind === "unavailable" || p.kind === "unusable" || p.kind === "deferred")
            return `\`${n.node.path}\` is not used: ${p.why}`;
          return "";
        })
        .filter(Boolean)
        .join("; ");
  }
  let panic: ArmIommu["panic"];
  if (force && !enabled)
    panic = {
      message: 'Xen panics "Couldn\'t enable IOMMU and iommu=required/force"',
      ref: `${PT}/iommu.c:579-582`,
      help: "give Xen an IOMMU it can drive, or drop `force`/`required` from `iommu=`",
    };
  else if (!enabled && rc !== "-ENODEV")
    panic = {
      message: 'Xen panics "Couldn\'t configure correctly all the IOMMUs."',
      ref: "xen/arch/arm/setup.c:455-457",
      ...(typeof rc !== "string" && { node: rc.node }),
      help:
        typeof rc !== "string" && rc.probe.kind === "error"
          ? `fix the node (${rc.probe.why}, ${rc.probe.ref}), or set \`status = "disabled"\` on it`
          : "describe the root IPMMU (without `renesas,ipmmu-main`) and the `renesas,prr` node, or disable the cache IPMMUs",
    };
  return { enabled, enable, force, nodes, assumed, why, ...(panic && { panic }) };
}
