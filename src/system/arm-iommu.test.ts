import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { board, brokenRules, domain, dotConfig } from "../../test/support/boards.js";
import { parseXenConfig } from "../cmdline/xen-config.js";
import { parseDts } from "../devicetree/parse-dts.js";
import { armIommu, iommuCommandLine } from "./arm-iommu.js";
import { systemFromDeviceTree } from "./device-tree-system.js";

const BND = "xen/common/device-tree/dom0less-bindings.c";
const PT = "xen/drivers/passthrough";

/** A node at the root, one property a line (so that a finding's line names its property). */
const node = (name: string, ...props: string[]) => `
	${name} {${props.map((p) => `\n\t\t${p};`).join("")}
	};`;

/** IOMMU nodes as the bindings write them, with what each driver reads. */
const SMMU2 = node(
  "smmu@fd800000",
  'compatible = "arm,mmu-500"',
  "reg = <0x0 0xfd800000 0x0 0x20000>",
  "#global-interrupts = <1>",
);
const SMMU3 = node(
  "smmuv3@9050000",
  'compatible = "arm,smmu-v3"',
  "reg = <0x0 0x9050000 0x0 0x20000>",
  "#iommu-cells = <1>",
);
const PRR = node("prr@fff00044", 'compatible = "renesas,prr"', "reg = <0x0 0xfff00044 0x0 0x4>");
const IPMMU_ROOT = node(
  "ipmmu_mm: iommu@e67b0000",
  'compatible = "renesas,ipmmu-r8a7795"',
  "reg = <0x0 0xe67b0000 0x0 0x1000>",
  "#iommu-cells = <1>",
);
const IPMMU_CACHE = node(
  "iommu@e6740000",
  'compatible = "renesas,ipmmu-r8a7795"',
  "reg = <0x0 0xe6740000 0x0 0x1000>",
  "renesas,ipmmu-main = <&ipmmu_mm 0>",
  "#iommu-cells = <1>",
);
const IPMMU_CACHE_ALONE = IPMMU_CACHE.replace("<&ipmmu_mm 0>", "<0x1 0>");

/** A hardware domain that is not direct-mapped: Xen insists on an IOMMU for it. */
const HW = domain("hw", "capabilities = <0x2>;", 1);
const NEEDS_IOMMU: [string, string, string] = ["boot/hardware-needs-iommu", "capabilities", `${BND}:95-97`];

const iommuOf = (outside: string, o: { config?: string; bootargs?: string } = {}) => {
  const chosen = `${o.bootargs ? `xen,xen-bootargs = "${o.bootargs}";` : ""}${HW}`;
  const text = board(chosen).replace("\tchosen {", `${outside}\n\tchosen {`);
  const config = o.config === undefined ? undefined : parseXenConfig(o.config, "xen/.config");
  return armIommu(systemFromDeviceTree(parseDts(text, "board.dts"), { ...(config && { config }) }));
};
const rules = (outside: string, config?: string, bootargs?: string) =>
  brokenRules(`${bootargs ? `xen,xen-bootargs = "${bootargs}";` : ""}${HW}`, {
    outside,
    ...(config !== undefined && { config }),
  });

describe("armIommu", () => {
  test("compatible: each driver's table, compared without case; any other IOMMU is an ordinary device", () => {
    for (const c of ["arm,smmu-v1", "arm,smmu-v2", "arm,mmu-400", "arm,mmu-401", "ARM,MMU-500"])
      assert.equal(iommuOf(SMMU2.replace("arm,mmu-500", c)).enabled, true, c);
    assert.equal(iommuOf(SMMU3).enabled, true);
    assert.equal(iommuOf(PRR + IPMMU_ROOT).enabled, true);
    const other = iommuOf(SMMU2.replace("arm,mmu-500", "vendor,iommu"));
    assert.equal(other.enabled, false);
    assert.equal(other.why, "the tree has no IOMMU node Xen has a driver for");
  });

  test('status: only absent, "okay" or "ok" counts; xen,passthrough keeps the node from Xen', () => {
    assert.equal(iommuOf(SMMU2.replace("\n\t};", '\n\t\tstatus = "ok";\n\t};')).enabled, true);
    assert.equal(iommuOf(SMMU2.replace(";", '; status = "okay";')).enabled, true);
    assert.equal(iommuOf(SMMU2.replace(";", '; status = "disabled";')).enabled, false);
    assert.equal(iommuOf(SMMU2.replace(";", '; status = "fail";')).enabled, false);
    const pt = iommuOf(SMMU2.replace(";", "; xen,passthrough;"));
    assert.equal(pt.enabled, false);
    assert.match(pt.why, /`\/smmu@fd800000` is not used: it has `xen,passthrough`/);
    assert.deepEqual(rules(SMMU2.replace(";", "; xen,passthrough;")), [NEEDS_IOMMU]);
  });

  test("the build: SMMUv3 only with CONFIG_ARM_SMMU_V3 (the issue's board), SMMUv1/v2 on by default", () => {
    // a whole .config that leaves SMMUv3 off: Xen has no driver for the board's only IOMMU, and panics
    const off = dotConfig("CONFIG_ARM_64=y\n# CONFIG_ARM_SMMU_V3 is not set\n");
    assert.deepEqual(rules(SMMU3, off), [NEEDS_IOMMU]);
    assert.match(
      iommuOf(SMMU3, { config: off }).why,
      /needs CONFIG_ARM_SMMU_V3, and the build's .config leaves off/,
    );
    assert.deepEqual(rules(SMMU3, dotConfig("CONFIG_ARM_64=y\nCONFIG_EXPERT=y\nCONFIG_ARM_SMMU_V3=y\n")), []);
    // SMMUv1/v2: default y, so a fragment that does not name it keeps it; one that turns it off removes it
    assert.deepEqual(rules(SMMU2, "CONFIG_STATIC_MEMORY=y\n"), []);
    assert.deepEqual(rules(SMMU2, "# CONFIG_ARM_SMMU is not set\n"), [NEEDS_IOMMU]);
    // a platform that selects the driver wins over a fragment that names it off
    assert.deepEqual(rules(SMMU2, "CONFIG_MPSOC=y\n# CONFIG_ARM_SMMU is not set\n"), []);
    assert.deepEqual(rules(PRR + IPMMU_ROOT, "CONFIG_RCAR3=y\n# CONFIG_IPMMU_VMSA is not set\n"), []);
  });

  test("the build: EXPERT-only SMMUv3 and arm64-only drivers, as Kconfig resolves a fragment", () => {
    // the prompt is `if EXPERT` and there is no default: =y without EXPERT is dropped
    assert.deepEqual(rules(SMMU3, "CONFIG_ARM_SMMU_V3=y\n# CONFIG_EXPERT is not set\n"), [NEEDS_IOMMU]);
    assert.deepEqual(rules(SMMU3, "CONFIG_ARM_SMMU_V3=y\nCONFIG_EXPERT=y\n"), []);
    // depends on ARM_64 (and SMMUv3 on !ACPI || BROKEN)
    assert.deepEqual(rules(SMMU3, "CONFIG_ARM_32=y\nCONFIG_ARM_SMMU_V3=y\nCONFIG_EXPERT=y\n"), [NEEDS_IOMMU]);
    assert.deepEqual(rules(PRR + IPMMU_ROOT, "CONFIG_ARM_32=y\nCONFIG_IPMMU_VMSA=y\n"), [NEEDS_IOMMU]);
    assert.deepEqual(rules(SMMU3, "CONFIG_ACPI=y\nCONFIG_ARM_SMMU_V3=y\nCONFIG_EXPERT=y\n"), [NEEDS_IOMMU]);
    assert.deepEqual(
      rules(SMMU3, "CONFIG_ACPI=y\nCONFIG_BROKEN=y\nCONFIG_ARM_SMMU_V3=y\nCONFIG_EXPERT=y\n"),
      [],
    );
    // an MPU build has no passthrough code at all
    const mpu = iommuOf(SMMU2, { config: "CONFIG_MPU=y\n" });
    assert.deepEqual(
      [mpu.enabled, mpu.why],
      [false, "an MPU build of Xen has no IOMMU support (CONFIG_HAS_PASSTHROUGH)"],
    );
  });

  test("no configuration: off-by-default drivers the tree needs are assumed built, and a note says so", () => {
    const note = (ref: string): [string, string, string] => ["boot/assumed-build-option", "compatible", ref];
    assert.deepEqual(rules(SMMU3), [note(`${PT}/Kconfig:16-25`)]);
    assert.deepEqual(rules(PRR + IPMMU_ROOT), [note(`${PT}/Kconfig:27-36`)]);
    // a fragment that asks for SMMUv3 but does not say EXPERT
    assert.deepEqual(rules(SMMU3, "CONFIG_ARM_SMMU_V3=y\n"), [note(`${PT}/Kconfig:16-25`)]);
    // SMMUv1/v2 is on by default: nothing assumed
    assert.deepEqual(rules(SMMU2), []);
    const smmu3 = iommuOf(SMMU3);
    assert.equal(smmu3.assumed.length, 1);
    assert.match(
      smmu3.assumed[0]?.build.why ?? "",
      /off by default and offered only with CONFIG_EXPERT=y: assumed/,
    );
  });

  test("iommu= on the command line: booleans set iommu_enable, force and required set force_iommu", () => {
    assert.deepEqual(iommuCommandLine(""), { enable: true, force: false });
    assert.deepEqual(iommuCommandLine("iommu=0"), { enable: false, force: false });
    assert.deepEqual(iommuCommandLine("no-iommu"), { enable: false, force: false });
    assert.deepEqual(iommuCommandLine("iommu=force"), { enable: true, force: true });
    assert.deepEqual(iommuCommandLine("iommu=required,verbose"), { enable: true, force: true });
    assert.deepEqual(iommuCommandLine("iommu=force iommu=no-force"), { enable: true, force: false });
    assert.deepEqual(iommuCommandLine("iommu=required=0,off iommu=on"), { enable: true, force: false });
    // `no-iommu=x` is refused before the handler; a bare `iommu` hands it "" (an invalid value)
    assert.deepEqual(iommuCommandLine("no-iommu=1 iommu"), { enable: true, force: false });
    // tabs do not separate tokens: `iommu=0\tx` hands the handler "0\tx", which is not a boolean
    assert.deepEqual(iommuCommandLine("iommu=0\tx"), { enable: true, force: false });
  });

  test("iommu=force or required without an IOMMU: iommu_setup() panics", () => {
    const required: [string, string, string] = [
      "boot/iommu-required",
      "xen,xen-bootargs",
      `${PT}/iommu.c:579-582`,
    ];
    assert.deepEqual(rules("", undefined, "iommu=required"), [required, NEEDS_IOMMU]);
    assert.deepEqual(rules(SMMU3, dotConfig("# CONFIG_ARM_SMMU_V3 is not set\n"), "iommu=force"), [
      required,
      NEEDS_IOMMU,
    ]);
    assert.deepEqual(rules(SMMU2, undefined, "iommu=force"), []);
  });

  test("what the drivers read: a broken node fails the whole set-up, an unusable one is skipped", () => {
    const FAILED: [string, string, string] = [
      "boot/iommu-setup-failed",
      "compatible",
      "xen/arch/arm/setup.c:455-457",
    ];
    // SMMUv3: #iommu-cells must be 1, and the region at least 128 KiB (64 KiB with page-0-only registers)
    assert.deepEqual(rules(SMMU3.replace("#iommu-cells = <1>;", "")), [FAILED, NEEDS_IOMMU]);
    assert.deepEqual(rules(SMMU3.replace("#iommu-cells = <1>", "#iommu-cells = <2>")), [FAILED, NEEDS_IOMMU]);
    const small = SMMU3.replace("0x0 0x20000", "0x0 0x10000");
    assert.deepEqual(rules(small), [FAILED, NEEDS_IOMMU]);
    assert.match(iommuOf(small).why, /its MMIO region is 0x10000 bytes, less than 0x20000/);
    assert.equal(iommuOf(small.replace(";", "; cavium,cn9900-broken-page1-regspace;")).enabled, true);
    // SMMUv1/v2: no reg fails, no #global-interrupts leaves it unused (-ENODEV)
    assert.deepEqual(rules(SMMU2.replace(/reg = <[^>]*>;/, "")), [FAILED, NEEDS_IOMMU]);
    assert.deepEqual(rules(SMMU2.replace("#global-interrupts = <1>;", "")), [NEEDS_IOMMU]);
    // one broken IOMMU fails the set-up even when another probed
    assert.deepEqual(rules(SMMU2 + SMMU3.replace("#iommu-cells = <1>;", "")), [FAILED, NEEDS_IOMMU]);
    // an unusable one next to a good one is only skipped
    assert.deepEqual(
      rules(SMMU2 + SMMU2.replace("smmu@fd800000", "smmu@fd900000").replace("#global-interrupts = <1>;", "")),
      [],
    );
  });

  test("the MMIO region is translated through the buses' ranges", () => {
    const onBus = (ranges: string) => `
	soc {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		${ranges}
		smmu@800000 { compatible = "arm,mmu-500"; reg = <0x800000 0x10000>; #global-interrupts = <1>; };
	};`;
    assert.equal(iommuOf(onBus("ranges;")).enabled, true);
    assert.equal(iommuOf(onBus("ranges = <0x0 0x0 0xf0000000 0x1000000>;")).enabled, true);
    const outside = iommuOf(onBus("ranges = <0x0 0x0 0xf0000000 0x100000>;"));
    assert.equal(outside.enabled, false);
    assert.match(outside.why, /`\/soc`'s `ranges` do not cover 0x800000/);
    const none = iommuOf(onBus(""));
    assert.match(none.why, /`\/soc` has no `ranges`: Xen cannot translate the address/);
    assert.equal(none.panic?.ref, "xen/arch/arm/setup.c:455-457");
  });

  test("IPMMU: a root needs the PRR node; caches wait for a root, and without one the set-up fails", () => {
    assert.deepEqual(rules(PRR + IPMMU_ROOT), [
      ["boot/assumed-build-option", "compatible", `${PT}/Kconfig:27-36`],
    ]);
    const config = "CONFIG_IPMMU_VMSA=y\n";
    // a cache before its root is deferred, then probed once the root registers
    const deferred = iommuOf(PRR + IPMMU_CACHE + IPMMU_ROOT, { config });
    assert.equal(deferred.enabled, true);
    assert.deepEqual(
      deferred.nodes.map((n) => [n.node.path, n.probe.kind]),
      [
        ["/iommu@e67b0000", "probed"],
        ["/iommu@e6740000", "probed"],
      ],
    );
    // a root without the PRR node is not used (-ENODEV): its caches wait for ever (-EAGAIN)
    assert.deepEqual(rules(IPMMU_ROOT, config), [NEEDS_IOMMU]);
    assert.deepEqual(rules(IPMMU_ROOT + IPMMU_CACHE, config), [
      ["boot/iommu-setup-failed", "chosen {", "xen/arch/arm/setup.c:455-457"],
      NEEDS_IOMMU,
    ]);
    assert.match(
      iommuOf(PRR + IPMMU_CACHE_ALONE, { config }).why,
      /waits for a root IPMMU that never registers/,
    );
  });
});
