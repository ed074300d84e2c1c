import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { brokenRules, domain, kernel, SMMU } from "../../test/support/boards.js";

const broken = (chosen: string, outside = SMMU, facts = {}) => brokenRules(chosen, { outside, facts });

const BND = "xen/common/device-tree/dom0less-bindings.c";

describe("checkBootRules", () => {
  test("a split board Xen boots breaks none", () => {
    const chosen =
      domain("ctl", "capabilities = <0x1>;", 0x42000000) +
      domain("hw", "capabilities = <0x2>;", 0x44000000) +
      domain("xs", 'capabilities = <0x4>; xen,enhanced = "enabled";', 0x46000000);
    assert.deepEqual(broken(chosen), []);
  });

  test("capability bits outside DOMAIN_CAPS_MASK", () => {
    assert.deepEqual(broken(domain("odd", "capabilities = <0x9>;", 1)), [
      ["boot/invalid-capabilities", "capabilities", `${BND}:38-39`],
    ]);
  });

  test("a second hardware domain, and any hardware domain next to dom0", () => {
    const two = domain("a", "capabilities = <0x2>;", 1) + domain("b", "capabilities = <0x2>;", 2);
    assert.deepEqual(broken(two), [["boot/second-hardware-domain", "capabilities", `${BND}:44-48`]]);
    const withDom0 = kernel(0x40000000) + domain("hw", "capabilities = <0x2>;", 2);
    assert.deepEqual(broken(withDom0), [["boot/second-hardware-domain", "capabilities", `${BND}:44-48`]]);
  });

  test("a hardware domain with passthrough, nr_spis or vpl011; a partial device tree anywhere after it", () => {
    const hw = domain(
      "hw",
      'capabilities = <0x2>;\n passthrough = "enabled";\n nr_spis = <32>;\n vpl011;',
      1,
    );
    const later = `
		guest {
			compatible = "xen,domain";
			memory = <0x0 0x10000>;
			cpus = <1>;${kernel(2)}
			dtb@3 { compatible = "multiboot,device-tree", "multiboot,module"; reg = <0x3 0x1000>; };
		};`;
    assert.deepEqual(broken(hw + later), [
      ["boot/hardware-passthrough", "passthrough", `${BND}:86-89`],
      ["boot/hardware-partial-device-tree", "capabilities", `${BND}:99-102`],
      ["boot/hardware-nr-spis", "nr_spis", "xen/arch/arm/dom0less-build.c:412-413"],
      ["boot/hardware-vpl011", "vpl011", "xen/common/device-tree/dom0less-build.c:826-847"],
    ]);
  });

  test("a hardware domain that is not direct-mapped needs an IOMMU Xen has a driver for, and not iommu=0", () => {
    const hw = domain("hw", "capabilities = <0x2>;", 1);
    const panic: [string, string, string][] = [["boot/hardware-needs-iommu", "capabilities", `${BND}:95-97`]];
    assert.deepEqual(broken(hw, ""), panic);
    assert.deepEqual(broken(hw, SMMU.replace("arm,mmu-500", "vendor,unknown-iommu")), panic);
    assert.deepEqual(broken(hw, SMMU.replace(";", '; status = "disabled";')), panic);
    assert.deepEqual(broken(`xen,xen-bootargs = "iommu=0";${hw}`), panic);
    // Xen's parser: the no- prefix, the last boolean of a list, the last occurrence on the line
    assert.deepEqual(broken(`xen,xen-bootargs = "no-iommu";${hw}`), panic);
    assert.deepEqual(broken(`xen,xen-bootargs = "iommu=off iommu=yes";${hw}`), []);
    assert.deepEqual(broken(`xen,xen-bootargs = "iommu=no-igfx";${hw}`), []);
    // `force` with the IOMMU off: iommu_setup() panics before any domain is built
    assert.deepEqual(broken(`xen,xen-bootargs = "iommu=force,off";${hw}`), [
      ["boot/iommu-required", "xen,xen-bootargs", "xen/drivers/passthrough/iommu.c:579-582"],
      ...panic,
    ]);
    assert.deepEqual(broken(hw, "", { iommu: true }), []);
  });

  test("direct-map without xen,static-mem; missing cpus, zero cpus, missing memory, missing kernel", () => {
    assert.deepEqual(broken(domain("dm", "direct-map;", 1)), [
      ["boot/direct-map-without-static-mem", "direct-map", `${BND}:73-77`],
    ]);
    const bare = `
		bare {
			compatible = "xen,domain";
			cpus = <0>;
		};`;
    // without any kernel Xen is not in dom0less mode: it builds dom0 first, which has none either
    assert.deepEqual(broken(bare), [
      ["boot/missing-kernel", "chosen {", "xen/common/device-tree/kernel.c:201-205"],
      ["boot/no-vcpus", "cpus", "xen/common/domain.c:822-826"],
      ["boot/missing-memory", "bare {", "xen/common/device-tree/dom0less-build.c:784-789"],
      ["boot/missing-kernel", "bare {", "xen/common/device-tree/kernel.c:158-205"],
    ]);
    // a one-byte `cpus` is no u32 for Xen: missing
    assert.deepEqual(broken(domain("short", "", 1).replace("cpus = <1>;", "cpus = [01];")), [
      ["boot/missing-cpus", "cpus", `${BND}:82-84`],
    ]);
  });

  test("xenstore: a second xenstore domain (dom0 is one), and xen,enhanced with none", () => {
    const two = domain("a", "capabilities = <0x4>;", 1) + domain("b", "capabilities = <0x4>;", 2);
    assert.deepEqual(broken(two), [
      ["boot/second-xenstore-domain", "capabilities", "xen/common/device-tree/dom0less-build.c:39-46"],
    ]);
    assert.deepEqual(broken(domain("g", 'xen,enhanced = "enabled";', 1)), [
      ["boot/xenstore-missing", "xen,enhanced", "xen/common/device-tree/dom0less-build.c:918-919"],
    ]);
    // an empty xen,enhanced asks for it too; "no-xenstore" does not
    assert.equal(broken(domain("g", "xen,enhanced;", 1)).length, 1);
    assert.deepEqual(broken(domain("g", 'xen,enhanced = "no-xenstore";', 1)), []);
  });

  test("trap-unmapped-accesses above 1 and grant limits above INT32_MAX", () => {
    const props = "trap-unmapped-accesses = <2>;\n max_grant_frames = <0x80000000>;";
    assert.deepEqual(broken(domain("g", props, 1)), [
      ["boot/trap-unmapped-accesses", "trap-unmapped-accesses", "xen/arch/arm/dom0less-build.c:445-451"],
      ["boot/grant-frames-overflow", "max_grant_frames", `${BND}:124-129`],
    ]);
  });

  test("boot modules: no reg, a reg shorter than the cells Xen inherits, bootargs over 1024 characters", () => {
    const mod = (name: string, body: string) => `
		guest {
			compatible = "xen,domain";
			memory = <0x0 0x10000>;
			cpus = <1>;
			${name} { compatible = "multiboot,kernel", "multiboot,module"; ${body} };
		};`;
    assert.deepEqual(broken(mod("k", "")), [
      ["boot/module-missing-reg", "k { compatible", "xen/common/device-tree/bootinfo-fdt.c:230-232"],
    ]);
    // the guest node has no #address-cells: Xen takes /chosen's 1 + 1, so two cells are enough...
    assert.deepEqual(broken(mod("k", "reg = <0x1 0x2>;")), []);
    // ...and one is not
    assert.deepEqual(broken(mod("k", "reg = <0x1>;")), [
      ["boot/module-reg-too-short", "k { compatible", "xen/common/device-tree/bootinfo-fdt.c:234-236"],
    ]);
    assert.deepEqual(broken(mod("k", `reg = <0x1 0x2>; bootargs = "${"x".repeat(1025)}";`)), [
      ["boot/module-bootargs-too-long", "k { compatible", "xen/common/device-tree/bootinfo.c:303-304"],
    ]);
  });

  test("max_grant_version: its low 4 bits, 1 on Arm unless gnttab=max-ver:2", () => {
    assert.deepEqual(broken(domain("g", "max_grant_version = <16>;", 1)), [
      ["boot/grant-version", "max_grant_version", "xen/common/grant_table.c:1994-1999"],
    ]);
    assert.deepEqual(broken(domain("g", "max_grant_version = <2>;", 1)), [
      ["boot/grant-version", "max_grant_version", "xen/common/grant_table.c:2000-2006"],
    ]);
    assert.deepEqual(
      broken(`xen,xen-bootargs = "gnttab=max-ver:2";${domain("g", "max_grant_version = <2>;", 1)}`),
      [],
    );
    assert.deepEqual(broken(domain("g", "max_grant_version = <17>;", 1)), []);
  });

  test("vCPUs above the vGIC's and the build's limit; nr_spis above 988 once rounded up to 32", () => {
    assert.deepEqual(broken(domain("g", "", 1).replace("cpus = <1>;", "cpus = <129>;")), [
      ["boot/too-many-vcpus", "cpus", "xen/arch/arm/domain.c:631-644"],
    ]);
    assert.deepEqual(broken(domain("g", "", 1).replace("cpus = <1>;", "cpus = <128>;")), []);
    const gicv2 = `${SMMU}
	gic: interrupt-controller@2c001000 { compatible = "arm,gic-400"; };`;
    assert.deepEqual(broken(domain("g", "", 1).replace("cpus = <1>;", "cpus = <9>;"), gicv2), [
      ["boot/too-many-vcpus", "cpus", "xen/arch/arm/domain.c:631-644"],
    ]);
    assert.deepEqual(broken(domain("g", "nr_spis = <961>;", 1)), [
      ["boot/too-many-spis", "nr_spis", "xen/arch/arm/vgic.c:254-261"],
    ]);
    assert.deepEqual(broken(domain("g", "nr_spis = <960>;", 1)), []);
    // 0xffffffe1 rounds up past 2^32 to 0, which Xen accepts
    assert.deepEqual(broken(domain("g", "nr_spis = <0xffffffe1>;", 1)), []);
  });

  test("no dom0 kernel and no domain kernel: dom0 is built and has none", () => {
    assert.deepEqual(broken(""), [
      ["boot/missing-kernel", "chosen {", "xen/common/device-tree/kernel.c:201-205"],
    ]);
  });
});
