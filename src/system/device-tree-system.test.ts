import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { board, domain, kernel } from "../../test/support/boards.js";
import { inputError } from "../../test/support/devicetree.js";
import { parseDts } from "../devicetree/parse-dts.js";
import { readDtb } from "../devicetree/read-dtb.js";
import { writeDtb } from "../devicetree/write-dtb.js";
import { systemFromDeviceTree } from "./device-tree-system.js";

const summary = (text: string, options = {}) =>
  systemFromDeviceTree(parseDts(text, "board.dts"), options).system.domains.map((d) => [
    d.domid,
    d.name,
    Object.entries(d.caps)
      .filter(([, v]) => v)
      .map(([k]) => k)
      .join("+"),
    d.builtBy,
  ]);

describe("systemFromDeviceTree", () => {
  test("dom0less mode: no dom0 kernel, domains numbered from 1 in tree order with their capabilities", () => {
    const text = board(
      domain("ctl", "capabilities = <0x1>;", 0x42000000) +
        domain("hw", "capabilities = <0x2>;", 0x44000000) +
        domain("xs", "capabilities = <0x4>;", 0x46000000) +
        domain("guest@7", "", 0x48000000),
    );
    assert.deepEqual(summary(text), [
      [1, "ctl", "control", "dom0less"],
      [2, "hw", "hardware", "dom0less"],
      [3, "xs", "xenstore", "dom0less"],
      [4, "guest-7", "", "dom0less"],
    ]);
  });

  test("a dom0 kernel under /chosen: dom0 is built first, control and hardware, and the domains follow it", () => {
    const text = board(`${kernel(0x40000000)}${domain("guest", "", 0x48000000)}`);
    assert.deepEqual(summary(text), [
      [0, "dom0", "control+hardware", "dom0"],
      [1, "guest", "", "dom0less"],
    ]);
  });

  test("the first generic module is the kernel, as Xen's early scan guesses it", () => {
    const text = board(`
		guest {
			compatible = "xen,domain";
			memory = <0x0 0x10000>;
			cpus = <1>;
			module@1 { compatible = "multiboot,module"; reg = <0x1 0x2>; };
		};`);
    const dts = systemFromDeviceTree(parseDts(text, "board.dts"));
    assert.equal(dts.dom0less, true);
    assert.deepEqual(
      dts.modules.map((m) => [m.node.path, m.kind]),
      [["/chosen/guest/module@1", "kernel"]],
    );
  });

  test("`compatible` is compared without case, as dt_compat_cmp() does", () => {
    const text = board(domain("guest", "", 0x48000000).replace('"xen,domain"', '"Xen,Domain"'));
    assert.deepEqual(summary(text), [[1, "guest", "", "dom0less"]]);
  });

  test("the XSM module from the last `xsm=` on Xen's command line, dummy otherwise", () => {
    const text = board(
      `xen,xen-bootargs = "xsm=dummy console=dtuart xsm=silo";${domain("guest", "", 0x48000000)}`,
    );
    assert.equal(systemFromDeviceTree(parseDts(text, "board.dts")).system.xsm, "silo");
    assert.equal(systemFromDeviceTree(parseDts(board(domain("g", "", 1)), "b.dts")).system.xsm, "dummy");
  });

  test("the hyperlaunch design is a note; --hyperlaunch builds its domains from permissions, functions and domid", () => {
    const text = board(`${domain("guest", "", 0x48000000)}
		hypervisor {
			compatible = "hypervisor,xen";
			ctl { compatible = "xen,domain"; domid = <0>; permissions = <0x1>; };
			store { compatible = "xen,domain"; domid = <7>; functions = <0x40000000>; };
			boot { compatible = "xen,domain"; domid = <8>; functions = <0x3>; };
		};`);
    const dts = systemFromDeviceTree(parseDts(text, "board.dts"));
    assert.deepEqual(
      dts.findings.map((f) => [f.code, f.severity, f.ref]),
      [["boot/hyperlaunch-design", "note", "docs/designs/launch/hyperlaunch.rst:7"]],
    );
    assert.deepEqual(summary(text, { hyperlaunch: true }), [
      [1, "ctl", "control", "dom0less"],
      [7, "store", "xenstore", "dom0less"],
      // functions' bits 0 and 1 are BOOT and CRASH, not control and hardware
      [8, "boot", "", "dom0less"],
    ]);
  });

  test("hyperlaunch: a domain's `security-id` is its Flask label; without one, Xen's default", () => {
    const text = board(`${domain("guest", "", 0x48000000)}
		hypervisor {
			compatible = "hypervisor,xen";
			ctl { compatible = "xen,domain"; domid = <0>; permissions = <0x1>; };
			web { compatible = "xen,domain"; domid = <3>; security-id = "system_u:system_r:domU_t"; };
		};`);
    const sys = systemFromDeviceTree(parseDts(text, "board.dts"), { hyperlaunch: true }).system;
    assert.deepEqual(
      sys.domains.map((d) => [d.name, d.label]),
      [
        ["ctl", undefined],
        ["web", "system_u:system_r:domU_t"],
      ],
    );
  });

  test("hyperlaunch domids: explicit ones first, 0 takes the next free one; a reserved or repeated one is bad input", () => {
    const hl = (ids: number[]) =>
      board(`${domain("guest", "", 0x48000000)}
		hypervisor {
			compatible = "hypervisor,xen";${ids.map((id, i) => `\n\t\t\td${i} { compatible = "xen,domain"; domid = <${id}>; };`).join("")}
		};`);
    assert.deepEqual(
      summary(hl([0, 1, 0]), { hyperlaunch: true }).map(([id, name]) => [id, name]),
      [
        [2, "d0"],
        [1, "d1"],
        [3, "d2"],
      ],
    );
    const codes = (ids: number[]) =>
      inputError(() => systemFromDeviceTree(parseDts(hl(ids), "board.dts"), { hyperlaunch: true })).map(
        (d) => [d.code, d.span?.line],
      );
    const line = (ids: number[], node: string) =>
      hl(ids)
        .split("\n")
        .findIndex((l) => l.includes(`${node} {`)) + 1;
    assert.deepEqual(codes([5, 5]), [["boot/hyperlaunch-duplicate-domid", line([5, 5], "d1")]]);
    assert.deepEqual(codes([0x7ff0]), [["boot/hyperlaunch-bad-domid", line([0x7ff0], "d0")]]);
  });

  test("a DTB gives the same system as its DTS, with byte offsets for spans", () => {
    const text = board(domain("ctl", "capabilities = <0x1>;", 0x42000000) + domain("guest", "", 0x48000000));
    const fromDts = systemFromDeviceTree(parseDts(text, "board.dts"));
    const fromDtb = systemFromDeviceTree(readDtb(writeDtb(fromDts.tree), "board.dtb"));
    assert.deepEqual(fromDtb.system.domains, fromDts.system.domains);
    assert.equal(fromDtb.system.spans.ctl?.line, 0);
    assert.ok((fromDtb.system.spans.ctl?.offset ?? 0) > 0, "a byte offset into the blob");
  });
});
