import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { brokenRules, domain, kernel } from "../../test/support/boards.js";

const BI = "xen/common/device-tree/bootinfo.c";

describe("registerModules and moduleRules", () => {
  test("a module over another is dropped, and a domain whose kernel is dropped has none", () => {
    const clash = domain("a", "", 1) + domain("b", "", 1).replace(/reg = <0x100000 /, "reg = <0x180000 ");
    assert.deepEqual(brokenRules(clash), [
      ["boot/module-overlap", "reg", `${BI}:241-242`],
      ["boot/missing-kernel", "b {", "xen/common/device-tree/kernel.c:158-205"],
    ]);
    // the same kernel at the same address serves both: Xen finds it by address
    assert.deepEqual(brokenRules(domain("a", "", 1) + domain("b", "", 1)), []);
  });

  test("a module in a domain's static memory is dropped", () => {
    const inside = domain("a", "xen,static-mem = <0x100000 0x200000>;", 1).replace(
      "memory = <0x0 0x10000>;",
      "memory = <0x0 0x800>;",
    );
    assert.deepEqual(
      brokenRules(inside, { config: "CONFIG_STATIC_MEMORY=y\n" }).map(([code]) => code),
      ["boot/module-overlap", "boot/missing-kernel"],
    );
  });

  test("Xen keeps 32 modules, two of them its own image and the device tree", () => {
    const many = Array.from({ length: 31 }, (_, i) => domain(`d${i}`, "", i + 1)).join("");
    assert.deepEqual(brokenRules(many), [
      ["boot/module-too-many", "reg", `${BI}:229-234`],
      ["boot/missing-kernel", "d30 {", "xen/common/device-tree/kernel.c:158-205"],
    ]);
  });

  test("a kernel that is not also multiboot,module is never loaded", () => {
    const lone = domain("a", "", 1).replace('"multiboot,kernel", "multiboot,module"', '"multiboot,kernel"');
    assert.deepEqual(brokenRules(lone), [
      ["boot/missing-kernel", "chosen {", "xen/common/device-tree/kernel.c:201-205"],
      ["boot/missing-kernel", "a {", "xen/common/device-tree/kernel.c:158-205"],
    ]);
  });

  test("a domain node with a unit address loses its kernel's bootargs", () => {
    const unit = domain("a@1", kernel(1).replace("reg =", 'bootargs = "console=hvc0";\n\t\t\t\treg ='), 2);
    assert.deepEqual(
      brokenRules(unit).map(([code, , ref]) => [code, ref]),
      [["boot/module-bootargs-lost", "xen/common/device-tree/kernel.c:196-199"]],
    );
    const plain = domain("a", kernel(1).replace("reg =", 'bootargs = "console=hvc0";\n\t\t\t\treg ='), 2);
    assert.deepEqual(brokenRules(plain), []);
  });
});
