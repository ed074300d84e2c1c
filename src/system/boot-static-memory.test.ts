import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { brokenRules, domain } from "../../test/support/boards.js";

const STATIC = "CONFIG_STATIC_MEMORY=y\n";
const SMEM = "xen/common/device-tree/static-memory.c";
const BANK = "xen,static-mem = <0x80000000 0x10000000>;"; // 256 MiB from /chosen's 1 + 1 cells
const withMemory = (kib: string, props: string, name = "g", slot = 1) =>
  domain(name, props, slot).replace("memory = <0x0 0x10000>;", `memory = <0x0 ${kib}>;`);

describe("staticMemoryRules", () => {
  test("the banks must hold exactly `memory`, direct-mapped or not", () => {
    assert.deepEqual(brokenRules(withMemory("0x40000", BANK), { config: STATIC }), []);
    assert.deepEqual(brokenRules(withMemory("0x10000", BANK), { config: STATIC }), [
      ["boot/static-mem-size-mismatch", "memory", `${SMEM}:174-179`],
    ]);
    assert.deepEqual(brokenRules(withMemory("0x80000", `direct-map;\n${BANK}`), { config: STATIC }), [
      ["boot/static-mem-size-mismatch", "memory", `${SMEM}:246-251`],
    ]);
    // the hardware domain's RAM does not come from its banks
    assert.deepEqual(
      brokenRules(withMemory("0x10000", `capabilities = <0x2>;\ndirect-map;\n${BANK}`), { config: STATIC }),
      [],
    );
  });

  test("without a .config CONFIG_STATIC_MEMORY is assumed, once, with a note", () => {
    const two = withMemory("0x40000", BANK) + withMemory("0x40000", BANK.replace("0x8", "0x9"), "h", 2);
    assert.deepEqual(brokenRules(two), [
      ["boot/assumed-build-option", "xen,static-mem", "xen/common/Kconfig:194-196"],
    ]);
  });

  test("a build without CONFIG_STATIC_MEMORY: direct-map always panics, static banks give no RAM", () => {
    const off = "# CONFIG_STATIC_MEMORY is not set\n";
    assert.deepEqual(brokenRules(withMemory("0x40000", `direct-map;\n${BANK}`), { config: off }), [
      [
        "boot/direct-map-without-static-mem",
        "direct-map",
        "xen/common/device-tree/dom0less-bindings.c:73-77",
      ],
    ]);
    assert.deepEqual(brokenRules(withMemory("0x40000", BANK), { config: off }), [
      ["boot/static-mem-not-built", "xen,static-mem", "xen/include/xen/static-memory.h:32-44"],
    ]);
  });

  test("static memory and LLC coloring on at run time", () => {
    const config = `${STATIC}CONFIG_LLC_COLORING=y\n`;
    const on = `xen,xen-bootargs = "llc-coloring=on";${withMemory("0x40000", BANK)}`;
    assert.deepEqual(brokenRules(on, { config }), [
      [
        "boot/static-mem-with-llc-coloring",
        "xen,static-mem",
        "xen/common/device-tree/dom0less-bindings.c:65-68",
      ],
    ]);
    // built in but not switched on: no conflict
    assert.deepEqual(brokenRules(withMemory("0x40000", BANK), { config }), []);
  });
});
