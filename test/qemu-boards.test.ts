// Xen's boot verdicts on real boards: the device trees QEMU's `virt` machine writes (GICv2, GICv3,
// an SMMUv3, more CPUs), read from QEMU's own DTB, with Xen's boot description added to `/chosen`.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { describe, test } from "node:test";
import { parseXenConfig } from "../src/cmdline/xen-config.js";
import { readDtbFile } from "../src/devicetree/read-dtb.js";
import { armIommu } from "../src/system/arm-iommu.js";
import { checkBootRules } from "../src/system/boot-rules.js";
import { systemFromDeviceTree } from "../src/system/device-tree-system.js";
import { domain, dotConfig } from "./support/boards.js";
import { ensureBuilt, run } from "./support/cli.js";
import { qemuDtb, withChosen } from "./support/qemu-board.js";

const BND = "xen/common/device-tree/dom0less-bindings.c";

const system = (file: string, config?: string) =>
  systemFromDeviceTree(readDtbFile(file), {
    ...(config !== undefined && { config: parseXenConfig(config, "xen/.config") }),
  });
/** The boot rules a board breaks: code and Xen line. */
const verdict = (file: string, config?: string) =>
  checkBootRules(system(file, config)).map((d) => [d.code, d.ref]);

/** A dom0less hardware domain that is not direct-mapped, and a guest with `cpus` vCPUs. */
const split = (cpus: number) =>
  domain("hw", "capabilities = <0x2>;", 1) + domain("guest", "", 2).replace("cpus = <1>", `cpus = <${cpus}>`);

describe("QEMU's virt boards", () => {
  test("GICv2, as QEMU writes it: no kernel, so Xen stops at its first module check", () => {
    const dtb = qemuDtb("gic-version=2", 4);
    assert.deepEqual(verdict(dtb), [["boot/missing-kernel", "xen/common/device-tree/kernel.c:201-205"]]);
    const iommu = armIommu(system(dtb));
    assert.deepEqual([iommu.enabled, iommu.nodes.length], [false, 0]);
  });

  test("GICv2: 8 vCPUs at most, and no IOMMU for a hardware domain that is not direct-mapped", () => {
    const dtb = qemuDtb("gic-version=2", 8);
    assert.deepEqual(verdict(withChosen(dtb, split(8), "gicv2-8")), [
      ["boot/hardware-needs-iommu", `${BND}:95-97`],
    ]);
    assert.deepEqual(verdict(withChosen(dtb, split(9), "gicv2-9")), [
      ["boot/hardware-needs-iommu", `${BND}:95-97`],
      ["boot/too-many-vcpus", "xen/arch/arm/domain.c:631-644"],
    ]);
  });

  test("GICv3 with 16 CPUs: 128 vCPUs at most on arm64, 8 on arm32", () => {
    const dtb = qemuDtb("gic-version=3", 16);
    const board = (cpus: number) => withChosen(dtb, split(cpus), `gicv3-${cpus}`);
    const noIommu = ["boot/hardware-needs-iommu", `${BND}:95-97`];
    assert.deepEqual(verdict(board(128)), [noIommu]);
    assert.deepEqual(verdict(board(129)), [
      noIommu,
      ["boot/too-many-vcpus", "xen/arch/arm/domain.c:631-644"],
    ]);
    assert.deepEqual(verdict(board(9), "CONFIG_ARM_32=y\n"), [
      noIommu,
      ["boot/too-many-vcpus", "xen/arch/arm/domain.c:631-644"],
    ]);
  });

  test("iommu=smmuv3: Xen can drive QEMU's SMMUv3 only when built with CONFIG_ARM_SMMU_V3", () => {
    const board = withChosen(qemuDtb("gic-version=3,iommu=smmuv3", 4), split(2), "smmuv3");
    const probed = armIommu(system(board));
    assert.deepEqual(
      probed.nodes.map((n) => [n.node.path, n.driver.option, n.probe.kind]),
      [["/smmuv3@9050000", "CONFIG_ARM_SMMU_V3", "probed"]],
    );
    // no configuration: the driver (off by default, EXPERT only) is assumed, and a note says so
    assert.deepEqual(verdict(board), [
      ["boot/assumed-build-option", "xen/drivers/passthrough/Kconfig:16-25"],
    ]);
    // the issue's board: the build leaves SMMUv3 off, so Xen panics on the hardware domain
    const off = dotConfig("CONFIG_ARM_64=y\nCONFIG_ARM_SMMU=y\n# CONFIG_ARM_SMMU_V3 is not set\n");
    assert.deepEqual(verdict(board, off), [["boot/hardware-needs-iommu", `${BND}:95-97`]]);
    const on = dotConfig("CONFIG_ARM_64=y\nCONFIG_EXPERT=y\nCONFIG_ARM_SMMU_V3=y\n");
    assert.deepEqual(verdict(board, on), []);
    // iommu=force on a build without the driver panics earlier, in iommu_setup()
    const forced = withChosen(
      qemuDtb("gic-version=3,iommu=smmuv3", 4),
      `xen,xen-bootargs = "iommu=force";${split(2)}`,
      "smmuv3-force",
    );
    assert.deepEqual(verdict(forced, off), [
      ["boot/iommu-required", "xen/drivers/passthrough/iommu.c:579-582"],
      ["boot/hardware-needs-iommu", `${BND}:95-97`],
    ]);
  });

  test("xenpriv lint on the SMMUv3 board's DTB: exit 1 with the build that lacks the driver, a SARIF rule of its own", () => {
    ensureBuilt();
    const board = withChosen(qemuDtb("gic-version=3,iommu=smmuv3", 4), split(2), "smmuv3-cli");
    const config = board.replace(/\.dtb$/, ".config");
    writeFileSync(config, dotConfig("CONFIG_ARM_64=y\n# CONFIG_ARM_SMMU_V3 is not set\n"));
    const text = run("lint", board, "--kconfig", config, "--rule", "xen-boot");
    assert.equal(text.code, 1);
    assert.match(
      text.out,
      /error\[xen-boot\/hardware-needs-iommu\]: the hardware domain `hw` is not direct-mapped/,
    );
    assert.match(
      text.out,
      /`\/smmuv3@9050000` needs CONFIG_ARM_SMMU_V3, and the build's .config leaves off CONFIG_ARM_SMMU_V3/,
    );
    const sarif = JSON.parse(
      run("lint", board, "--kconfig", config, "--rule", "xen-boot", "-f", "sarif").out,
    ) as {
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { region: { byteOffset: number } } }[] }[];
      }[];
    };
    assert.deepEqual(
      sarif.runs[0]?.results.map((r) => r.ruleId),
      ["xen-boot/hardware-needs-iommu"],
    );
    assert.ok((sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation.region.byteOffset ?? 0) > 0);
    assert.equal(
      run("lint", board, "--rule", "xen-boot", "--fail-on", "note").code,
      1,
      "the assumption is a note",
    );
    assert.equal(run("lint", board, "--rule", "xen-boot").code, 0);
  });
});
