/**
 * Debian's dtc (package `device-tree-compiler`, installed by scripts/test-setup.mjs) is the oracle: for
 * every DTS fixture, our DTS parse, our reading of dtc's DTB and our parse of dtc's own DTS output must be
 * the same tree, and the DTB we write must be dtc's, byte for byte.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { dtc, dtcVersion, firstError, fixture, shape } from "../../test/support/devicetree.js";
import { parseDts, parseDtsFile } from "./parse-dts.js";
import { readDtb } from "./read-dtb.js";
import { writeDtb } from "./write-dtb.js";

/**
 * dtc 1.6.1 prints a string byte above 0x7f as a sign-extended escape (`\xffffffc3`) when it writes DTS
 * from DTS, so its DTS output of these fixtures is not the same tree; its DTB and its DTS from a DTB are.
 */
const DTC_MISPRINTS_HIGH_BYTES = new Set(["strings-utf8.dts"]);

const CASES = [
  "basic.dts",
  "labels-and-references.dts",
  "merge-and-override.dts",
  "delete.dts",
  "expressions.dts",
  "strings.dts",
  "strings-utf8.dts",
  "include-nested.dts",
  "cpp-output.dts",
  "incbin.dts",
  "omit-if-no-ref.dts",
  "plugin-overlay.dts",
];

test("dtc is installed (scripts/test-setup.mjs installs it)", () => {
  assert.match(dtcVersion(), /^DTC \d+\.\d+/);
});

for (const name of CASES) {
  test(`${name}: our DTS parse, dtc's DTB and dtc's DTS output describe the same tree`, () => {
    const path = fixture(name);
    const ours = parseDtsFile(path);
    const blob = dtc(["-q", "-I", "dts", "-O", "dtb", path]);
    assert.deepEqual(shape(readDtb(blob, "dtc.dtb")), shape(ours), "our DTS parse vs dtc's DTB");
    assert.equal(
      Buffer.from(writeDtb(ours)).toString("hex"),
      blob.toString("hex"),
      "our DTB is dtc's, byte for byte",
    );
    const back = dtc(["-q", "-I", "dtb", "-O", "dts"], blob).toString("utf8");
    assert.deepEqual(
      shape(parseDts(back, "dtc-from-dtb.dts")),
      shape(ours),
      "dtc's DTS of its DTB, parsed by us",
    );
    const again = dtc(["-q", "-I", "dts", "-O", "dts", path]).toString("utf8");
    if (DTC_MISPRINTS_HIGH_BYTES.has(name))
      assert.match(again, /\\xffffff/, "dtc still misprints high bytes");
    else
      assert.deepEqual(
        shape(parseDts(again, "dtc-from-dts.dts")),
        shape(ours),
        "dtc's DTS of the fixture, parsed by us",
      );
  });
}

test("version 16 blobs from dtc read the same, and ours match them byte for byte", () => {
  for (const name of ["basic.dts", "labels-and-references.dts"]) {
    const path = fixture(name);
    const blob = dtc(["-q", "-I", "dts", "-O", "dtb", "-V", "16", path]);
    const read = readDtb(blob, "v16.dtb");
    assert.equal(read.version, 16, name);
    assert.deepEqual(shape(read), shape(parseDtsFile(path)), name);
    assert.equal(
      Buffer.from(writeDtb(parseDtsFile(path), { version: 16 })).toString("hex"),
      blob.toString("hex"),
      name,
    );
  }
});

test("older blob versions that dtc still writes are refused with a clear diagnostic", () => {
  const blob = dtc(["-q", "-I", "dts", "-O", "dtb", "-V", "3", fixture("basic.dts")]);
  const e = firstError(() => readDtb(blob, "v3.dtb"));
  assert.deepEqual([e.code, e.at], ["devicetree/dtb-version", "v3.dtb@20"]);
});

test("the boot CPU goes into the header as dtc puts it", () => {
  const text = "/dts-v1/; / { cpus { cpu@2 { reg = <2>; }; }; };";
  const blob = dtc(["-q", "-I", "dts", "-O", "dtb"], text);
  assert.equal(readDtb(blob, "x.dtb").bootCpuId, 2);
  assert.equal(Buffer.from(writeDtb(parseDts(text, "x.dts"))).toString("hex"), blob.toString("hex"));
});
