import { strtoull } from "../cmdline/parse-params.js";
import { configOption } from "../cmdline/xen-config.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { DtNode } from "../devicetree/device-tree.js";
import { getProperty, nodeByPhandle } from "../devicetree/find-node.js";
import type { BootConditionId } from "./boot-conditions.js";
import {
  type BootContext,
  type BuildOption,
  bootFinding,
  builtWith,
  llcColoringOn,
  OPTIONS,
} from "./boot-context.js";
import { DOMAIN_CAPS } from "./device-tree-system.js";
import { isCompatible, xenReadCells, xenReadString, xenReadU32 } from "./xen-dt-property.js";

const ADB = "xen/arch/arm/dom0less-build.c";
const CDB = "xen/common/device-tree/dom0less-build.c";
const BND = "xen/common/device-tree/dom0less-bindings.c";
const SCHEDULERS = ["credit", "credit2", "rtds", "arinc653", "null"];
/** The option that builds each scheduler in. */
const SCHEDULER_OPTIONS: Readonly<Record<string, BuildOption>> = {
  credit: OPTIONS.schedCredit,
  credit2: OPTIONS.schedCredit2,
  rtds: OPTIONS.schedRtds,
  arinc653: OPTIONS.schedArinc653,
  null: OPTIONS.schedNull,
};

/**
 * `simple_strtoul(s, &end, 0)` (xen/lib/strtoul.c, the digits of simple_strtoull) stored in an
 * `unsigned int` as dom0less-build.c:702-710 does: the low 32 bits.
 */
function strtoul(s: string, at: number): [number, number] {
  const [v, end] = strtoull(s, at);
  return [Number(v & 0xffff_ffffn), end];
}

/** The CPU nodes Xen brings up: `device_type = "cpu"` under `/cpus`, in order (nr_cpu_ids of them). */
function cpuNodes(ctx: BootContext): DtNode[] {
  const cpus = ctx.dts.tree.root.children.find((n) => n.name === "cpus");
  return (cpus?.children ?? []).filter((n) => xenReadString(n, "device_type") === "cpu");
}

/** Boot-time cpupools (xen/common/sched/boot-cpupool.c:92-140): the pools under `/chosen`. */
function cpupoolRules(ctx: BootContext, out: Diagnostic[]): void {
  const pools = ctx.dts.chosen.children.filter((n) => isCompatible(n, "xen,cpupool"));
  const first = pools[0];
  if (!first || !builtWith(ctx, OPTIONS.bootCpupools, first, "compatible", out)) return;
  const cpus = cpuNodes(ctx);
  const taken = new Map<DtNode, DtNode>();
  for (const pool of pools) {
    const fail = (message: string, property: string, at: string, help: string) =>
      out.push(
        bootFinding(
          "cpupool",
          `cpupool \`${pool.path}\`: ${message}`,
          pool,
          property,
          `xen/common/sched/boot-cpupool.c:${at}`,
          help,
        ),
      );
    const sched = xenReadString(pool, "cpupool-sched");
    const option = SCHEDULER_OPTIONS[sched];
    if (!sched.startsWith("-E") && !SCHEDULERS.includes(sched))
      fail(
        `scheduler "${sched}": Xen panics "Scheduler ${sched} does not exists!"`,
        "cpupool-sched",
        "82-90",
        `schedulers: ${SCHEDULERS.join(", ")}`,
      );
    else if (option && !builtWith(ctx, option, pool, "cpupool-sched", out))
      fail(
        `scheduler "${sched}" is not in this build (${option.name}): Xen panics "Scheduler ${sched} does not exists!"`,
        "cpupool-sched",
        "82-90",
        `build Xen with ${option.name}=y (${option.ref}), or name a scheduler the build has`,
      );
    const refs = xenReadCells(pool, "cpupool-cpus") ?? [];
    if (refs.length === 0 || !nodeByPhandle(ctx.dts.tree, refs[0] as number)) {
      fail(
        'no CPUs: Xen panics "Missing or empty cpupool-cpus property!"',
        "cpupool-cpus",
        "116-118",
        "list the pool's CPU nodes: `cpupool-cpus = <&cpu0 &cpu1>;`",
      );
      continue;
    }
    for (const ref of refs) {
      const cpu = nodeByPhandle(ctx.dts.tree, ref);
      if (!cpu) break; // dt_parse_phandle() ends the list
      if (!cpus.includes(cpu) || !getProperty(cpu, "reg"))
        fail(
          `\`${cpu.path}\` is not a CPU Xen knows: Xen panics "Error retrieving logical cpu"`,
          "cpupool-cpus",
          "124-128",
          'list nodes with `device_type = "cpu"` and a `reg` under `/cpus`',
        );
      else if (taken.has(cpu))
        fail(
          `\`${cpu.path}\` is in \`${taken.get(cpu)?.path}\` already: Xen panics "Logical cpu ... already added to a cpupool!"`,
          "cpupool-cpus",
          "130-131",
          "a CPU is in one pool",
        );
      else taken.set(cpu, pool);
    }
  }
}

/** The Arm options of each dom0less domain that Xen rejects or needs a build option for. */
export function domainOptionRules(ctx: BootContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { dts } = ctx;
  const arm32 = configOption(dts.config, "CONFIG_ARM_32") === true;
  const mpu = configOption(dts.config, OPTIONS.mpu.name) === true;
  const cpus = cpuNodes(ctx);
  cpupoolRules(ctx, out);
  for (const d of dts.domains) {
    const node = d.node;
    if (!node || d.domain.builtBy !== "dom0less") continue;
    const name = node.baseName;
    const fail = (code: BootConditionId, message: string, property: string, ref: string, help: string) =>
      out.push(bootFinding(code, `\`${name}\`: ${message}`, node, property, ref, help));

    if (getProperty(node, "llc-colors")) {
      // HAS_LLC_COLORING is arm64 with an MMU (xen/arch/arm/Kconfig:85); elsewhere the property is not read
      if (arm32 || mpu)
        out.push(
          bootFinding(
            "llc-colors-ignored",
            `\`${name}\`: \`llc-colors\` is ignored on this build (no LLC coloring on arm32 or MPU)`,
            node,
            "llc-colors",
            `${BND}:138-142`,
            "remove it",
            "warning",
          ),
        );
      else {
        const built = builtWith(ctx, OPTIONS.llcColoring, node, "llc-colors", out);
        if (!built || !llcColoringOn(dts.bootargs))
          fail(
            "llc-colors",
            `\`llc-colors\` is set but LLC coloring is off${built ? " (no `llc-coloring=on` on Xen's command line)" : " (Xen is built without CONFIG_LLC_COLORING)"}: Xen panics "'llc-colors' found, but LLC coloring is disabled"`,
            "llc-colors",
            `${BND}:138-142`,
            built
              ? "add `llc-coloring=on` to `xen,xen-bootargs`"
              : "build Xen with CONFIG_LLC_COLORING=y (it needs CONFIG_EXPERT)",
          );
      }
    }

    const sve = getProperty(node, "sve");
    if (sve) {
      if (!builtWith(ctx, OPTIONS.sve, node, "sve", out))
        fail(
          "sve",
          `\`sve\` is set and Xen is built without CONFIG_ARM64_SVE: Xen panics "'sve' property found, but CONFIG_ARM64_SVE not selected"`,
          "sve",
          `${ADB}:438-440`,
          arm32
            ? "arm32 Xen has no SVE: remove `sve`"
            : "build Xen with CONFIG_ARM64_SVE=y (it needs CONFIG_UNSUPPORTED), or remove `sve`",
        );
      else if (sve.bytes.length > 0 && sve.bytes.length < 4)
        fail(
          "sve",
          `\`sve\` has ${sve.bytes.length} byte(s): Xen panics "Error reading 'sve' property"`,
          "sve",
          `${ADB}:428-431`,
          "give the vector length in bits as one cell, or leave it empty for the hardware's maximum",
        );
      else if (sve.bytes.length >= 4) {
        // cast to int: a value with the top bit set means "the hardware's maximum" (sve.c:158-173)
        const bits = xenReadU32(node, "sve") as number;
        if (bits < 0x8000_0000 && bits % 128 !== 0)
          fail(
            "sve",
            `\`sve = <${bits}>\` is not a multiple of 128: Xen panics "SVE vector length error"`,
            "sve",
            `${ADB}:424-437`,
            "use 0 (off) or 128..2048 in steps of 128",
          );
      }
    }

    if (getProperty(node, "xen,sci_type")) {
      const sci = xenReadString(node, "xen,sci_type");
      if (sci.startsWith("-E"))
        fail(
          "sci-type",
          `\`xen,sci_type\` is not a string: Xen panics "Error getting SCI configuration"`,
          "xen,sci_type",
          `${ADB}:279-281`,
          'use "none" or "scmi_smc"',
        );
      else if (sci === "scmi_smc") {
        if (!builtWith(ctx, OPTIONS.scmiSmc, node, "xen,sci_type", out))
          fail(
            "sci-type",
            `"scmi_smc" and Xen is built without CONFIG_SCMI_SMC: Xen panics "Error getting SCI configuration"`,
            "xen,sci_type",
            `${ADB}:285-291`,
            "build Xen with CONFIG_SCMI_SMC=y",
          );
      } else if (sci !== "none")
        fail(
          "sci-type",
          `\`xen,sci_type\` is "${sci}": Xen panics "Error getting SCI configuration"`,
          "xen,sci_type",
          `${ADB}:295-300`,
          'use "none" or "scmi_smc"',
        );
    }

    const msa = getProperty(node, "v8r_el1_msa");
    if (msa && configOption(dts.config, OPTIONS.mpu.name) === false)
      fail(
        "v8r-el1-msa",
        `\`v8r_el1_msa\` on a build without an MPU: Xen panics "Error getting v8r_el1_msa configuration"`,
        "v8r_el1_msa",
        `${ADB}:313-324`,
        "the property is for Armv8-R (CONFIG_MPU) builds: remove it",
      );
    else if (mpu || (msa && builtWith(ctx, OPTIONS.mpu, node, "v8r_el1_msa", out))) {
      const value = msa ? xenReadString(node, "v8r_el1_msa") : "mpu";
      if (value === "mpu" && !(getProperty(node, "xen,static-mem") && getProperty(node, "direct-map")))
        fail(
          "v8r-el1-msa",
          `${msa ? '`v8r_el1_msa = "mpu"`' : 'an MPU build (`v8r_el1_msa` defaults to "mpu")'} without both \`xen,static-mem\` and \`direct-map\`: Xen panics`,
          msa ? "v8r_el1_msa" : "compatible",
          `${ADB}:333-341`,
          'an MPU domain is direct-mapped on static memory; or ask for an MMU with `v8r_el1_msa = "mmu"`',
        );
      else if (value !== "mpu" && value !== "mmu")
        fail(
          "v8r-el1-msa",
          `\`v8r_el1_msa\` is ${value.startsWith("-E") ? "not a string" : `"${value}"`}: Xen panics`,
          "v8r_el1_msa",
          `${ADB}:326-361`,
          'use "mpu" or "mmu"',
        );
    }

    if (getProperty(node, "vpl011") && ((d.capabilities ?? 0) & DOMAIN_CAPS.hardware) === 0) {
      if (configOption(dts.config, OPTIONS.vuart.name) === false)
        fail(
          "vpl011",
          "`vpl011` and Xen is built without CONFIG_SBSA_VUART_CONSOLE: the domain cannot be built (-ENOSYS)",
          "vpl011",
          "xen/arch/arm/include/asm/vpl011.h:73-78",
          "build Xen with CONFIG_SBSA_VUART_CONSOLE=y (its default)",
        );
      else if (xenReadU32(node, "nr_spis") === 0 && !getProperty(node, "direct-map"))
        fail(
          "vpl011",
          "`vpl011` needs SPI 32 but `nr_spis = <0>` gives the domain none: the domain cannot be built",
          "nr_spis",
          "xen/arch/arm/vpl011.c:726-731",
          "leave `nr_spis` out (Xen makes room for the vUART) or give at least 1",
        );
    }

    const pool = xenReadCells(node, "domain-cpupool");
    if (pool) {
      const target = nodeByPhandle(dts.tree, pool[0] ?? 0);
      if (!target)
        out.push(
          bootFinding(
            "domain-cpupool-ignored",
            `\`${name}\`: \`domain-cpupool\` points at no node: Xen puts the domain in Pool-0`,
            node,
            "domain-cpupool",
            `${BND}:111-112`,
            "point at a `xen,cpupool` node under `/chosen`",
            "warning",
          ),
        );
      else if (configOption(dts.config, OPTIONS.bootCpupools.name) === false)
        out.push(
          bootFinding(
            "domain-cpupool-ignored",
            `\`${name}\`: \`domain-cpupool\` is ignored, Xen is built without CONFIG_BOOT_TIME_CPUPOOLS: the domain runs in Pool-0`,
            node,
            "domain-cpupool",
            "xen/include/xen/sched.h:1326-1331",
            "build Xen with CONFIG_BOOT_TIME_CPUPOOLS=y",
            "warning",
          ),
        );
      else if (builtWith(ctx, OPTIONS.bootCpupools, node, "domain-cpupool", out)) {
        const first = xenReadCells(target, "cpupool-cpus")?.[0];
        const cpu = first === undefined ? undefined : nodeByPhandle(dts.tree, first);
        const why = !isCompatible(target, "xen,cpupool")
          ? `\`${target.path}\` is not a \`xen,cpupool\` (-3)`
          : !cpu
            ? `\`${target.path}\` has no \`cpupool-cpus\` (-4)`
            : !getProperty(cpu, "reg")
              ? `its first CPU \`${cpu.path}\` has no \`reg\` (-1)`
              : !cpus.includes(cpu)
                ? `its first CPU \`${cpu.path}\` is not a CPU Xen knows (-2)`
                : undefined;
        if (why)
          fail(
            "domain-cpupool",
            `\`domain-cpupool\`: ${why}: Xen panics "Error getting cpupool id from domain-cpupool"`,
            "domain-cpupool",
            `${BND}:114-117`,
            "point at a `xen,cpupool` node whose `cpupool-cpus` lists CPU nodes of `/cpus`",
          );
      }
    }

    const nrVcpus = xenReadU32(node, "cpus");
    for (const v of node.children.filter((c) => isCompatible(c, "xen,vcpu"))) {
      const id = xenReadU32(v, "id");
      const vfail = (message: string, property: string | undefined, at: string, help: string) =>
        out.push(
          bootFinding(
            "vcpu",
            `\`${name}\`: vCPU node \`${v.name}\` ${message}`,
            v,
            property,
            `${CDB}:${at}`,
            help,
          ),
        );
      if (id === undefined)
        vfail(
          'has no `id`: Xen panics "Invalid xen,vcpu node"',
          undefined,
          "687-688",
          "add `id = <0>;` (the vCPU's number)",
        );
      else if (nrVcpus !== undefined && id >= nrVcpus)
        vfail(
          `has \`id = <${id}>\` and the domain has ${nrVcpus} vCPU(s): Xen panics "Invalid vcpu_id"`,
          "id",
          "690-692",
          `use 0 to ${nrVcpus - 1}`,
        );
      const affinity = xenReadString(v, "hard-affinity");
      if (id === undefined || affinity.startsWith("-E") || cpus.length === 0) continue;
      // the parse of dom0less-build.c:699-723: numbers and ranges, stopping at anything else
      for (let at = 0; at < affinity.length; ) {
        const [start, afterStart] = strtoul(affinity, at);
        let end = start;
        at = afterStart;
        if (affinity[at] === "-") [end, at] = strtoul(affinity, at + 1);
        if (end >= cpus.length) {
          vfail(
            `has \`hard-affinity\` "${affinity}" with pCPU ${end}, and the board has ${cpus.length} CPU(s): Xen panics "Invalid pCPU ${end}"`,
            "hard-affinity",
            "714-715",
            `use CPUs 0 to ${cpus.length - 1}`,
          );
          break;
        }
        if (affinity[at] !== ",") break;
        at++;
      }
    }

    if (xenReadU32(node, "max_grant_frames") === 0)
      fail(
        "grant-frames-zero",
        "`max_grant_frames = <0>`: a grant table needs at least 1 frame and domain_create() refuses it",
        "max_grant_frames",
        "xen/common/grant_table.c:2014-2018",
        "leave it out for the default (64) or give at least 1",
      );
  }
  return out;
}
