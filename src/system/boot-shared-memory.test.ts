import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { brokenRules, domain } from "../../test/support/boards.js";

const CONFIG = "CONFIG_STATIC_MEMORY=y\nCONFIG_STATIC_SHM=y\n";
const SHM = "xen/common/device-tree/static-shmem.c";
/** A shared-memory node in the style of booting.txt: the domain node has 1 + 1 cells, so host, guest and size are one cell each. */
const shm = (id: string, mem: string, role = "") => `
			shm-${id.length} {
				compatible = "xen,domain-shared-memory-v1";
				xen,shm-id = "${id}";
				xen,shared-mem = <${mem}>;${role && `\n				role = "${role}";`}
			};`;
const codes = (chosen: string, config = CONFIG) =>
  brokenRules(chosen, { config }).map(([code, at, ref]) => [code, at, ref?.replace(`${SHM}:`, "")]);

describe("sharedMemoryRules", () => {
  test("an owner and a borrower of one region boot", () => {
    const region = "0x50000000 0x60000000 0x100000";
    assert.deepEqual(
      codes(domain("a", shm("ring", region, "owner"), 1) + domain("b", shm("ring", region), 2)),
      [],
    );
  });

  test("a build without CONFIG_STATIC_SHM stops at the first node; without a .config it is assumed", () => {
    const one = domain("a", shm("ring", "0x50000000 0x60000000 0x100000"), 1);
    assert.deepEqual(codes(one, "CONFIG_STATIC_MEMORY=y\n# CONFIG_STATIC_SHM is not set\n"), [
      ["boot/shared-memory-not-built", "compatible", "xen/common/device-tree/bootinfo-fdt.c:357-365"],
    ]);
    assert.deepEqual(
      brokenRules(one).map(([code]) => code),
      ["boot/assumed-build-option"],
    );
  });

  test("the early scan's checks of one node", () => {
    const one = (node: string) => codes(domain("a", node, 1));
    assert.deepEqual(one(shm("sixteen-chars-id", "0x50000000 0x60000000 0x100000")), [
      ["boot/shared-memory-id", "xen,shm-id", "553-559"],
    ]);
    assert.deepEqual(one(shm("", "0x50000000 0x60000000 0x100000")), [
      ["boot/shared-memory-id", "xen,shm-id", "328"],
    ]);
    assert.deepEqual(one(shm("ring", "0x50000000 0x60000000 0x100000", "master")), [
      ["boot/shared-memory-role", "role", "565-575"],
    ]);
    assert.deepEqual(one(shm("ring", "0x50000000 0x60000000 0x100000 0x0")), [
      ["boot/shared-memory-layout", "xen,shared-mem", "588-598"],
    ]);
    // without a host address (guest, size) is enough: Xen takes the pages from its heap
    assert.deepEqual(one(shm("ring", "0x60000000 0x100000")), []);
    assert.deepEqual(one(shm("ring", "0x50000800 0x60000000 0x100000")), [
      ["boot/shared-memory-alignment", "xen,shared-mem", "605-610"],
    ]);
    // with a host address, a size of 0 is caught as a wrap-around first (end <= start)
    assert.deepEqual(one(shm("ring", "0x50000000 0x60000000 0x0")), [
      ["boot/shared-memory-alignment", "xen,shared-mem", "612-617"],
    ]);
    assert.deepEqual(one(shm("ring", "0x60000000 0x0")), [
      ["boot/shared-memory-alignment", "xen,shared-mem", "627-631"],
    ]);
  });

  test("regions across nodes: one id, one region; one region, one id; no overlap; one owner", () => {
    const two = (x: string, y: string) => codes(domain("a", x, 1) + domain("b", y, 2));
    assert.deepEqual(
      two(shm("ring", "0x50000000 0x60000000 0x100000"), shm("ring", "0x50000000 0x60000000 0x200000")),
      [["boot/shared-memory-id-reused", "xen,shared-mem", "652-677"]],
    );
    assert.deepEqual(
      two(shm("ring", "0x50000000 0x60000000 0x100000"), shm("gnir", "0x50000000 0x70000000 0x100000")),
      [["boot/shared-memory-id-mismatch", "xen,shm-id", "691-699"]],
    );
    assert.deepEqual(
      two(shm("ring", "0x50000000 0x60000000 0x100000"), shm("bell", "0x50080000 0x70000000 0x100000")),
      [["boot/shared-memory-overlap", "xen,shared-mem", "706-708"]],
    );
    const region = "0x50000000 0x60000000 0x100000";
    assert.deepEqual(two(shm("ring", region, "owner"), shm("ring", region, "owner")), [
      ["boot/shared-memory-two-owners", "role", "64-129"],
    ]);
  });

  test("a region over static memory or a boot module is refused too", () => {
    const inBank = domain(
      "a",
      `xen,static-mem = <0x50000000 0x100000>;${shm("ring", "0x50000000 0x60000000 0x100000")}`,
      1,
    ).replace("memory = <0x0 0x10000>;", "memory = <0x0 0x400>;");
    assert.deepEqual(codes(inBank), [["boot/shared-memory-overlap", "xen,shared-mem", "706-708"]]);
    // the kernel of slot 1 is at 0x100000
    assert.deepEqual(codes(domain("a", shm("ring", "0x100000 0x60000000 0x1000"), 1)), [
      ["boot/shared-memory-overlap", "xen,shared-mem", "706-708"],
    ]);
  });

  test("without CONFIG_STATIC_MEMORY there is no CONFIG_STATIC_SHM (it depends on it)", () => {
    const one = domain("a", shm("ring", "0x50000000 0x60000000 0x100000"), 1);
    assert.deepEqual(codes(one, "# CONFIG_STATIC_MEMORY is not set\n"), [
      ["boot/shared-memory-not-built", "compatible", "xen/common/device-tree/bootinfo-fdt.c:357-365"],
    ]);
  });

  test("a direct-mapped domain maps a region at its host address", () => {
    const dm = (mem: string) =>
      codes(domain("a", `direct-map;\nxen,static-mem = <0x80000000 0x4000000>;${shm("ring", mem)}`, 1));
    assert.deepEqual(dm("0x50000000 0x60000000 0x100000"), [
      ["boot/shared-memory-direct-map", "xen,shared-mem", "358-363"],
    ]);
    assert.deepEqual(dm("0x60000000 0x100000"), [
      ["boot/shared-memory-direct-map", "xen,shared-mem", "389-394"],
    ]);
    assert.deepEqual(dm("0x50000000 0x50000000 0x100000"), []);
  });
});
