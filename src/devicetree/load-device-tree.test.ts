import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { dtc, fixture, inputError, shape } from "../../test/support/devicetree.js";
import { loadDeviceTree } from "./load-device-tree.js";

test("a file is read as a DTB when it starts with the FDT magic number, as DTS otherwise", () => {
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-dt-"));
  try {
    const dtb = join(dir, "board.dtb");
    writeFileSync(dtb, dtc(["-q", "-I", "dts", "-O", "dtb", fixture("basic.dts")]));
    const fromDtb = loadDeviceTree(dtb);
    const fromDts = loadDeviceTree(fixture("basic.dts"));
    assert.deepEqual([fromDtb.format, fromDts.format], ["dtb", "dts"]);
    assert.deepEqual(shape(fromDtb), shape(fromDts));
    // a file that cannot be read has no place in it to point at
    assert.deepEqual(
      inputError(() => loadDeviceTree(join(dir, "missing.dts"))).map((d) => [d.code, d.span]),
      [["devicetree/unreadable", undefined]],
    );
    // a `.dtb` that does not start with the magic number says so, rather than failing as DTS
    const junk = join(dir, "junk.dtb");
    writeFileSync(junk, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0]));
    assert.deepEqual(
      inputError(() => loadDeviceTree(junk)).map((d) => d.code),
      ["devicetree/dtb-bad-magic"],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
