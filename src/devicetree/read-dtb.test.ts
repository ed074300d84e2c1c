import assert from "node:assert/strict";
import { test } from "node:test";
import { firstError, nodeShape } from "../../test/support/devicetree.js";
import { formatSpan } from "../core/span.js";
import { parseDts } from "./parse-dts.js";
import { readDtb } from "./read-dtb.js";
import { writeDtb } from "./write-dtb.js";

// The blob below, as dtc lays it out (version 17):
//   0 header (40 bytes)   40 memory reservation map: the (0, 0) entry   56 structure block:
//   56 BEGIN_NODE ""   64 PROP len=4 nameoff=0 (`a`) value 1   80 BEGIN_NODE "n"   88 END_NODE
//   92 END_NODE   96 END   100 strings block: "a\0"   102 end
const SMALL = "/dts-v1/; / { a = <1>; n { }; };";

function small(): Uint8Array {
  return writeDtb(parseDts(SMALL, "t.dts"));
}

/** The small blob with 32-bit words replaced: [offset, value]... */
function patched(...words: [number, number][]): Uint8Array {
  const b = small();
  const v = new DataView(b.buffer);
  for (const [at, value] of words) v.setUint32(at, value);
  return b;
}

function err(blob: Uint8Array): { code: string; at: string } {
  const { code, at } = firstError(() => readDtb(blob, "t.dtb"));
  return { code, at };
}

test("the small blob has the layout the tests below patch", () => {
  const b = small();
  const v = new DataView(b.buffer);
  assert.deepEqual(
    [
      b.length,
      v.getUint32(8),
      v.getUint32(12),
      v.getUint32(16),
      v.getUint32(64),
      v.getUint32(80),
      v.getUint32(96),
    ],
    [102, 56, 100, 40, 3, 1, 9],
  );
});

test("a version 17 blob: header fields, nodes, properties and byte-offset spans", () => {
  const t = readDtb(small(), "t.dtb");
  assert.deepEqual(
    [t.format, t.version, t.lastCompVersion, t.bootCpuId, t.plugin],
    ["dtb", 17, 16, 0, false],
  );
  assert.deepEqual(nodeShape(t.root), {
    name: "",
    props: [["a", "00000001"]],
    children: [{ name: "n", props: [], children: [] }],
  });
  const a = t.root.properties[0];
  assert.deepEqual(
    [a?.span.offset, a?.span.endOffset, a?.span.line, a?.pieces.map((p) => [p.kind, p.span.offset])],
    [64, 80, 0, [["bytes", 76]]],
  );
  assert.deepEqual(
    [t.root.span.offset, t.root.children[0]?.span.offset, t.root.children[0]?.path],
    [56, 80, "/n"],
  );
  assert.equal(formatSpan(a?.span ?? t.root.span), "t.dtb@0x40");
});

test("a version 16 blob (no size_dt_struct) reads the same", () => {
  const t16 = readDtb(writeDtb(parseDts(SMALL, "t.dts"), { version: 16 }), "t.dtb");
  assert.equal(t16.version, 16);
  assert.deepEqual(nodeShape(t16.root), nodeShape(readDtb(small(), "t.dtb").root));
});

test("a later version that says it is compatible with 17 is read; an older or incompatible one is refused", () => {
  assert.equal(readDtb(patched([20, 18]), "t.dtb").version, 18);
  assert.deepEqual(err(patched([20, 3])), { code: "devicetree/dtb-version", at: "t.dtb@20" });
  assert.match(
    firstError(() => readDtb(patched([20, 3]), "t.dtb")).message,
    /DTB version 3 is not supported: versions 16 and 17 are/,
  );
  assert.deepEqual(err(patched([20, 18], [24, 18])), { code: "devicetree/dtb-version", at: "t.dtb@24" });
});

test("memory reservations are read up to the (0, 0) entry, with their offsets", () => {
  const t = readDtb(writeDtb(parseDts("/dts-v1/; /memreserve/ 0x1000 0x20; / { };", "t.dts")), "t.dtb");
  assert.deepEqual(
    t.memReserves.map((r) => [r.address, r.size, r.span.offset]),
    [[0x1000n, 0x20n, 40]],
  );
  assert.deepEqual(err(patched([16, 96])), { code: "devicetree/dtb-truncated", at: "t.dtb@96" });
});

test("bad magic, and DTS given where a DTB was expected", () => {
  assert.deepEqual(err(Buffer.from("\x7fELF....")), { code: "devicetree/dtb-bad-magic", at: "t.dtb@0" });
  const d = firstError(() => readDtb(Buffer.from("/dts-v1/;\n/ { };\n"), "t.dtb"));
  assert.match(d.message, /bad magic number 0x2f647473, a DTB starts with 0xd00dfeed \(byte 0, 0x0\)/);
});

test("truncated blobs: no header, a short header, less than totalsize", () => {
  assert.deepEqual(err(small().subarray(0, 3)), { code: "devicetree/dtb-truncated", at: "t.dtb@3" });
  assert.deepEqual(err(small().subarray(0, 20)), { code: "devicetree/dtb-truncated", at: "t.dtb@20" });
  assert.deepEqual(err(small().subarray(0, 36)), { code: "devicetree/dtb-truncated", at: "t.dtb@36" });
  assert.deepEqual(err(small().subarray(0, 90)), { code: "devicetree/dtb-truncated", at: "t.dtb@90" });
  assert.match(
    firstError(() => readDtb(small().subarray(0, 90), "t.dtb")).message,
    /says the DTB has 102 bytes but the file ends after 90/,
  );
});

test("blocks outside the blob and a misaligned structure block", () => {
  assert.deepEqual(err(patched([4, 20])), { code: "devicetree/dtb-bounds", at: "t.dtb@4" });
  assert.deepEqual(err(patched([8, 1000])), { code: "devicetree/dtb-bounds", at: "t.dtb@8" });
  assert.deepEqual(err(patched([36, 1000])), { code: "devicetree/dtb-bounds", at: "t.dtb@8" });
  assert.deepEqual(err(patched([12, 2])), { code: "devicetree/dtb-bounds", at: "t.dtb@12" });
  assert.deepEqual(err(patched([32, 50])), { code: "devicetree/dtb-bounds", at: "t.dtb@12" });
  assert.deepEqual(err(patched([16, 4])), { code: "devicetree/dtb-bounds", at: "t.dtb@16" });
  assert.deepEqual(err(patched([8, 58])), { code: "devicetree/dtb-alignment", at: "t.dtb@8" });
});

test("property name offsets must point into the strings block at a NUL-terminated name", () => {
  assert.deepEqual(err(patched([72, 50])), { code: "devicetree/dtb-string-offset", at: "t.dtb@72" });
  assert.deepEqual(err(patched([32, 1])), { code: "devicetree/dtb-string-offset", at: "t.dtb@72" });
});

test("structure tokens: unknown, unbalanced, out of place, missing FDT_END", () => {
  assert.deepEqual(err(patched([80, 7])), { code: "devicetree/dtb-token", at: "t.dtb@80" });
  assert.match(firstError(() => readDtb(patched([80, 7]), "t.dtb")).message, /unknown token 0x7/);
  assert.deepEqual(err(patched([56, 2])), { code: "devicetree/dtb-token", at: "t.dtb@56" });
  assert.deepEqual(err(patched([56, 3])), { code: "devicetree/dtb-token", at: "t.dtb@56" });
  assert.deepEqual(err(patched([92, 4])), { code: "devicetree/dtb-token", at: "t.dtb@96" });
  assert.deepEqual(err(patched([96, 1])), { code: "devicetree/dtb-token", at: "t.dtb@96" });
  assert.deepEqual(err(patched([96, 4])), { code: "devicetree/dtb-truncated", at: "t.dtb@100" });
  assert.deepEqual(err(patched([56, 9])), { code: "devicetree/dtb-token", at: "t.dtb@56" });
  // FDT_NOP anywhere is skipped
  assert.deepEqual(nodeShape(readDtb(patched([64, 4], [68, 4], [72, 4], [76, 4]), "t.dtb").root), {
    name: "",
    props: [],
    children: [{ name: "n", props: [], children: [] }],
  });
});

test("lengths that run past the structure block", () => {
  assert.deepEqual(err(patched([68, 1000])), { code: "devicetree/dtb-bounds", at: "t.dtb@68" });
  assert.deepEqual(err(patched([68, 0xffffffff])), { code: "devicetree/dtb-bounds", at: "t.dtb@68" });
  assert.deepEqual(err(patched([36, 29])), { code: "devicetree/dtb-truncated", at: "t.dtb@84" });
  assert.deepEqual(err(patched([36, 14])), { code: "devicetree/dtb-truncated", at: "t.dtb@68" });
});

test("duplicate names and bad phandles in a blob are input errors too", () => {
  const two = writeDtb(parseDts("/dts-v1/; / { a = <1>; b = <2>; };", "t.dts"));
  new DataView(two.buffer).setUint32(88, 0); // `b` named `a`
  assert.deepEqual(err(two), { code: "devicetree/dtb-duplicate", at: "t.dtb@80" });
  const ph = writeDtb(parseDts("/dts-v1/; / { phandle = <5>; };", "t.dts"));
  new DataView(ph.buffer).setUint32(76, 0);
  assert.deepEqual(err(ph), { code: "devicetree/dtb-phandle", at: "t.dtb@64" });
  const dup = writeDtb(parseDts("/dts-v1/; / { a { phandle = <5>; }; b { phandle = <6>; }; };", "t.dts"));
  const text = Buffer.from(dup.buffer, dup.byteOffset, dup.byteLength);
  text.writeUInt32BE(5, text.lastIndexOf(Buffer.from([0, 0, 0, 6])));
  assert.equal(err(dup).code, "devicetree/dtb-phandle");
  assert.equal(
    readDtb(writeDtb(parseDts("/dts-v1/; / { a { linux,phandle = <9>; }; };", "t.dts")), "t.dtb").root
      .children[0]?.phandle,
    9,
  );
});
