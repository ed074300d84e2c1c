import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { brokenRules, domain, dotConfig, SMMU } from "../../test/support/boards.js";

const ADB = "xen/arch/arm/dom0less-build.c";
const CPUS = `
	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
		cpu0: cpu@0 { device_type = "cpu"; reg = <0>; };
		cpu1: cpu@1 { device_type = "cpu"; reg = <1>; };
	};${SMMU}`;
/** The rules of one domain; `config` lists the options of a whole `.config` (the others not selected). */
const rules = (props: string, config?: string, outside = CPUS) =>
  brokenRules(domain("g", props, 1), { outside, ...(config !== undefined && { config: dotConfig(config) }) });

describe("domainOptionRules", () => {
  test("sve: needs CONFIG_ARM64_SVE, one cell, a multiple of 128 (or the top bit: the hardware's maximum)", () => {
    assert.deepEqual(rules("sve = <256>;", "CONFIG_ARM_64=y\n"), [["boot/sve", "sve", `${ADB}:438-440`]]);
    assert.deepEqual(rules("sve = <256>;", "CONFIG_ARM64_SVE=y\n"), []);
    assert.deepEqual(rules("sve;", "CONFIG_ARM64_SVE=y\n"), []);
    assert.deepEqual(rules("sve = <200>;", "CONFIG_ARM64_SVE=y\n"), [["boot/sve", "sve", `${ADB}:424-437`]]);
    assert.deepEqual(rules("sve = <0xffffffff>;", "CONFIG_ARM64_SVE=y\n"), []);
    assert.deepEqual(rules("sve = [01 02];", "CONFIG_ARM64_SVE=y\n"), [
      ["boot/sve", "sve", `${ADB}:428-431`],
    ]);
    assert.deepEqual(rules("sve = <256>;"), [
      ["boot/assumed-build-option", "sve", "xen/arch/arm/Kconfig:234-236"],
    ]);
  });

  test("xen,sci_type: none, or scmi_smc with CONFIG_SCMI_SMC", () => {
    assert.deepEqual(rules('xen,sci_type = "none";', ""), []);
    assert.deepEqual(rules('xen,sci_type = "scmi_smc";', ""), [
      ["boot/sci-type", "xen,sci_type", `${ADB}:285-291`],
    ]);
    assert.deepEqual(rules('xen,sci_type = "scmi";', ""), [
      ["boot/sci-type", "xen,sci_type", `${ADB}:295-300`],
    ]);
    assert.deepEqual(rules("xen,sci_type;", ""), [["boot/sci-type", "xen,sci_type", `${ADB}:279-281`]]);
  });

  test("v8r_el1_msa: refused without an MPU; with one, mpu (the default) needs static memory and direct-map", () => {
    assert.deepEqual(rules('v8r_el1_msa = "mmu";', ""), [
      ["boot/v8r-el1-msa", "v8r_el1_msa", `${ADB}:313-324`],
    ]);
    assert.deepEqual(rules('v8r_el1_msa = "mmu";', "CONFIG_MPU=y\n"), []);
    // on an MPU build a domain without the property is "mpu"
    assert.deepEqual(rules("", "CONFIG_MPU=y\n"), [["boot/v8r-el1-msa", "compatible", `${ADB}:333-341`]]);
    assert.deepEqual(rules('v8r_el1_msa = "pmsa";', "CONFIG_MPU=y\n"), [
      ["boot/v8r-el1-msa", "v8r_el1_msa", `${ADB}:326-361`],
    ]);
  });

  test("llc-colors: LLC coloring built in and on", () => {
    assert.deepEqual(rules('llc-colors = "0-3";', ""), [
      ["boot/llc-colors", "llc-colors", "xen/common/device-tree/dom0less-bindings.c:138-142"],
    ]);
    assert.deepEqual(rules('llc-colors = "0-3";', "CONFIG_LLC_COLORING=y\n"), [
      ["boot/llc-colors", "llc-colors", "xen/common/device-tree/dom0less-bindings.c:138-142"],
    ]);
    const on = brokenRules(`xen,xen-bootargs = "llc-coloring=on";${domain("g", 'llc-colors = "0-3";', 1)}`, {
      config: "CONFIG_LLC_COLORING=y\n",
    });
    assert.deepEqual(on, []);
    assert.deepEqual(rules('llc-colors = "0-3";', "CONFIG_ARM_32=y\n"), [
      ["boot/llc-colors-ignored", "llc-colors", "xen/common/device-tree/dom0less-bindings.c:138-142"],
    ]);
  });

  test("vpl011: the vUART built in, and an SPI for it", () => {
    assert.deepEqual(rules("vpl011;", "# CONFIG_SBSA_VUART_CONSOLE is not set\n"), [
      ["boot/vpl011", "vpl011", "xen/arch/arm/include/asm/vpl011.h:73-78"],
    ]);
    assert.deepEqual(rules("vpl011;\nnr_spis = <0>;", "CONFIG_SBSA_VUART_CONSOLE=y\n"), [
      ["boot/vpl011", "nr_spis", "xen/arch/arm/vpl011.c:726-731"],
    ]);
    assert.deepEqual(rules("vpl011;\nnr_spis = <1>;", "CONFIG_SBSA_VUART_CONSOLE=y\n"), []);
  });

  test("boot-time cpupools and domain-cpupool", () => {
    const pools = (pool: string) => `
		pool: cpupool {
			compatible = "xen,cpupool";
			${pool}
		};`;
    const config = "CONFIG_BOOT_TIME_CPUPOOLS=y\n";
    const run = (pool: string, props = "domain-cpupool = <&pool>;", c = config) =>
      brokenRules(pools(pool) + domain("g", props, 1), { outside: CPUS, config: dotConfig(c) });
    assert.deepEqual(run("cpupool-cpus = <&cpu1>;"), []);
    assert.deepEqual(run('cpupool-cpus = <&cpu1>; cpupool-sched = "fifo";'), [
      ["boot/cpupool", "cpupool-cpus", "xen/common/sched/boot-cpupool.c:82-90"],
    ]);
    assert.deepEqual(run(""), [
      ["boot/cpupool", "pool: cpupool {", "xen/common/sched/boot-cpupool.c:116-118"],
      ["boot/domain-cpupool", "domain-cpupool", "xen/common/device-tree/dom0less-bindings.c:114-117"],
    ]);
    assert.deepEqual(run("cpupool-cpus = <&cpu1>;", "domain-cpupool = <&cpu0>;"), [
      ["boot/domain-cpupool", "domain-cpupool", "xen/common/device-tree/dom0less-bindings.c:114-117"],
    ]);
    assert.deepEqual(run("cpupool-cpus = <&cpu1>;", undefined, ""), [
      ["boot/domain-cpupool-ignored", "domain-cpupool", "xen/include/xen/sched.h:1326-1331"],
    ]);
  });

  test("xen,vcpu nodes: an id below cpus, a hard affinity within the board's CPUs", () => {
    const vcpu = (body: string) => `cpus = <2>;\nvcpu0 { compatible = "xen,vcpu"; ${body} };`;
    const run = (body: string) =>
      brokenRules(domain("g", vcpu(body), 1).replace("cpus = <1>;", ""), {
        outside: CPUS,
        config: dotConfig(""),
      });
    assert.deepEqual(run('id = <1>; hard-affinity = "0-1";'), []);
    assert.deepEqual(
      run('hard-affinity = "0";').map(([c, , r]) => [c, r]),
      [["boot/vcpu", "xen/common/device-tree/dom0less-build.c:687-688"]],
    );
    assert.deepEqual(
      run("id = <2>;").map(([c, , r]) => [c, r]),
      [["boot/vcpu", "xen/common/device-tree/dom0less-build.c:690-692"]],
    );
    // 0x2 is C for 2: the board has CPUs 0 and 1
    assert.deepEqual(
      run('id = <0>; hard-affinity = "0,0x2";').map(([c, , r]) => [c, r]),
      [["boot/vcpu", "xen/common/device-tree/dom0less-build.c:714-715"]],
    );
    // parsing stops at the first character that is neither `-` nor `,`
    assert.deepEqual(run('id = <0>; hard-affinity = "1 7";'), []);
  });

  test("max_grant_frames of 0", () => {
    assert.deepEqual(rules("max_grant_frames = <0>;", ""), [
      ["boot/grant-frames-zero", "max_grant_frames", "xen/common/grant_table.c:2014-2018"],
    ]);
  });
});
