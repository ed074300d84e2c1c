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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
