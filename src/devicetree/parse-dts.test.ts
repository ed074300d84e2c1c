import assert from "node:assert/strict";
import { basename } from "node:path";
import { test } from "node:test";
import { fixture } from "../../test/support/devicetree.js";
import type { Span } from "../core/span.js";
import type { DeviceTree, DtNode, DtProperty } from "./device-tree.js";
import { findNode, getProperty } from "./find-node.js";
import { parseDts, parseDtsFile } from "./parse-dts.js";

/** `file:line:column-endLine:endColumn` with the file's base name. */
function where(s: Span): string {
  return `${basename(s.file)}:${s.line}:${s.column}-${s.endLine}:${s.endColumn}`;
}

function node(tree: DeviceTree, ref: string): DtNode {
  const n = findNode(tree, ref);
  assert.ok(n, `node ${ref} exists`);
  return n;
}

function prop(tree: DeviceTree, ref: string, name: string): DtProperty {
  const p = getProperty(node(tree, ref), name);
  assert.ok(p, `property ${ref}:${name} exists`);
  return p;
}

function hex(p: DtProperty): string {
  return Buffer.from(p.bytes).toString("hex");
}

test("nodes, unit addresses, memory reservations and every kind of value", () => {
  const t = parseDtsFile(fixture("basic.dts"));
  assert.equal(t.format, "dts");
  assert.equal(t.plugin, false);
  assert.deepEqual(
    t.root.children.map((c) => c.path),
    ["/cpus", "/memory@40000000", "/chosen"],
  );
  const cpu = node(t, "/cpus/cpu@1");
  assert.deepEqual([cpu.name, cpu.baseName, cpu.unitAddress], ["cpu@1", "cpu", "1"]);
  assert.equal(node(t, "/chosen").unitAddress, undefined, "no unit address");
  assert.deepEqual(
    t.memReserves.map((r) => [r.address, r.size, where(r.span)]),
    [
      [0x80000000n, 0x10000n, "basic.dts:3:1-3:33"],
      [0x90000000n, 0x2000n, "basic.dts:4:1-4:32"],
    ],
  );
  assert.equal(hex(prop(t, "/chosen", "bytes")), "00112233");
  assert.equal(hex(prop(t, "/chosen", "wide")), "123456789abcdef0");
  assert.equal(hex(prop(t, "/chosen", "narrow")), "ffff0007");
  assert.equal(hex(prop(t, "/chosen", "tiny")), "010203");
  assert.equal(prop(t, "/chosen", "empty-cells").bytes.length, 0, "<> is no bytes");
  const flag = prop(t, "/chosen", "empty-flag");
  assert.deepEqual([flag.bytes.length, flag.pieces.length, where(flag.span)], [0, 0, "basic.dts:34:3-34:14"]);
  const mixed = prop(t, "/chosen", "mixed");
  assert.deepEqual(
    mixed.pieces.map((p) => [p.kind, where(p.span)]),
    [
      ["string", "basic.dts:35:11-35:17"],
      ["cells", "basic.dts:35:19-35:24"],
      ["bytes", "basic.dts:35:26-35:39"],
      ["string", "basic.dts:35:41-35:46"],
    ],
  );
  assert.equal(
    hex(mixed),
    `${Buffer.from("text\0").toString("hex")}0000000100000002deadbeef${Buffer.from("end\0").toString("hex")}`,
  );
  const model = prop(t, "/", "model");
  assert.deepEqual(
    [where(model.span), model.pieces[0]?.kind === "string" && model.pieces[0].value],
    ["basic.dts:9:2-9:31", "xenpriv test board"],
  );
  assert.equal(
    where(node(t, "/cpus/cpu@0").span),
    "basic.dts:16:3-19:5",
    "a node's span runs from its name to `};`",
  );
  const narrow = prop(t, "/chosen", "narrow").pieces[0];
  assert.ok(narrow?.kind === "cells", "cells piece");
  assert.deepEqual(
    [narrow.bits, narrow.cells.map((c) => [c.value, where(c.span)])],
    [
      16,
      [
        [0xffffn, "basic.dts:38:23-38:29"],
        [7n, "basic.dts:38:30-38:31"],
      ],
    ],
  );
});

test("the boot CPU is the `reg` of the first /cpus child, as dtc writes it", () => {
  const t = parseDts("/dts-v1/; / { cpus { cpu@3 { reg = <3>; }; cpu@0 { reg = <0>; }; }; };", "t.dts");
  assert.equal(t.bootCpuId, 3);
  assert.equal(parseDtsFile(fixture("basic.dts")).bootCpuId, 0);
});

test("labels on nodes, properties and inside values, with their spans", () => {
  const t = parseDtsFile(fixture("labels-and-references.dts"));
  assert.deepEqual(
    node(t, "uart0").labels.map((l) => [l.name, where(l.span)]),
    [["uart0", "labels-and-references.dts:13:3-13:9"]],
  );
  assert.deepEqual(
    prop(t, "/chosen", "labelled-prop").labels.map((l) => l.name),
    ["prop_label"],
  );
  assert.deepEqual(
    prop(t, "/chosen", "refs").valueLabels.map((l) => [l.name, l.offset, where(l.span)]),
    [
      ["label_in_value", 8, "labels-and-references.dts:43:27-43:42"],
      ["inner", 14, "labels-and-references.dts:43:51-43:57"],
      ["tail", 18, "labels-and-references.dts:43:61-43:66"],
    ],
  );
});

test("phandles are assigned in document order as dtc assigns them, explicit ones kept", () => {
  const t = parseDtsFile(fixture("labels-and-references.dts"));
  assert.deepEqual(
    ["gic", "clk", "/soc/self-ref", "uart0", "fixed", "/soc/legacy"].map((r) => node(t, r).phandle),
    [2, 3, 4, 5, 1, 7],
  );
  // a phandle dtc adds goes last, with the span of the reference that asked for it
  const gic = node(t, "gic");
  const added = gic.properties[gic.properties.length - 1];
  assert.deepEqual(
    [added?.name, added && hex(added), added && where(added.span)],
    ["phandle", "00000002", "labels-and-references.dts:4:22-4:26"],
  );
  assert.equal(getProperty(node(t, "/soc/legacy"), "phandle"), undefined, "linux,phandle alone stays alone");
  assert.equal(
    hex(prop(t, "/soc/self-ref", "phandle")),
    "00000004",
    "`phandle = <&self>` takes a new phandle",
  );
});

test("references keep what they were written as and the node they found", () => {
  const t = parseDtsFile(fixture("labels-and-references.dts"));
  const clocks = prop(t, "uart0", "clocks").pieces[0];
  assert.ok(clocks?.kind === "cells", "cells");
  assert.deepEqual(
    clocks.cells.map((c) => [c.value, c.ref?.text, c.ref?.target, c.ref && where(c.ref.span)]),
    [
      [3n, "clk", "/soc/clock@100", "labels-and-references.dts:15:14-15:18"],
      [3n, "/soc/clock@100", "/soc/clock@100", "labels-and-references.dts:15:19-15:36"],
    ],
  );
  const serial0 = prop(t, "/aliases", "serial0");
  assert.equal(Buffer.from(serial0.bytes).toString("latin1"), "/soc/serial@9000000\0");
  assert.deepEqual(
    serial0.pieces.map((p) => p.kind === "path" && [p.ref.text, p.ref.target]),
    [["uart0", "/soc/serial@9000000"]],
  );
  assert.equal(Buffer.from(prop(t, "/aliases", "soc").bytes).toString("latin1"), "/soc\0");
});

test("repeated definitions merge: later values win, labels add up, `&label {}` and `&{/path} {}` reach nodes", () => {
  const t = parseDtsFile(fixture("merge-and-override.dts"));
  assert.deepEqual(
    t.root.properties.map((p) => [p.name, Buffer.from(p.bytes).toString("latin1")]),
    [
      ["first", "kept\0"],
      ["replaced", "new\0"],
      ["added", "\0\0\0\u0002"],
    ],
  );
  assert.equal(
    where(prop(t, "/", "replaced").span),
    "merge-and-override.dts:15:2-15:19",
    "the span of the value that won",
  );
  const bus = node(t, "/bus@1000");
  assert.deepEqual(
    [bus.labels.map((l) => l.name), bus.properties.map((p) => p.name), where(bus.span)],
    [["bus", "extra"], ["status", "again"], "merge-and-override.dts:7:2-11:4"],
  );
  assert.deepEqual(
    node(t, "/bus@1000/child@1").properties.map((p) => [p.name, hex(p)]),
    [
      ["a", "00000003"],
      ["b", "00000002"],
    ],
  );
  assert.deepEqual(
    node(t, "/bus@1000/child@2").properties.map((p) => p.name),
    ["by-path"],
  );
});

test("/delete-node/ and /delete-property/, and definitions that bring them back in place", () => {
  const t = parseDtsFile(fixture("delete.dts"));
  assert.deepEqual(
    t.root.properties.map((p) => [p.name, hex(p)]),
    [
      ["a", "0000000a"],
      ["c", "00000003"],
    ],
  );
  assert.deepEqual(
    t.root.children.map((c) => c.name),
    ["keep", "deleted-then-back"],
  );
  assert.deepEqual(
    node(t, "/deleted-then-back").properties.map((p) => [p.name, hex(p)]),
    [["q", "00000014"]],
  );
  assert.equal(findNode(t, "gone"), undefined, "a deleted node's label is gone");
});

test("a deletion inside the block that first defines a node has no effect, as in dtc", () => {
  const t = parseDts("/dts-v1/; / { a = <1>; /delete-property/ a; };", "t.dts");
  assert.deepEqual(
    t.root.properties.map((p) => p.name),
    ["a"],
  );
});

test("integer expressions evaluate as C does on unsigned 64-bit numbers", () => {
  const t = parseDtsFile(fixture("expressions.dts"));
  const cells = (name: string) =>
    prop(t, "/", name).pieces.flatMap((p) => (p.kind === "cells" ? p.cells.map((c) => c.value) : []));
  assert.deepEqual(cells("arith"), [3n, 7n, 42n, 14n, 2n]);
  assert.deepEqual(cells("shifts"), [16n, 16n, 0n]);
  assert.deepEqual(cells("bitwise"), [0xffn, 0x0fn, 0xf0n, 0xffffffffn]);
  assert.deepEqual(cells("logic"), [0n, 1n, 1n, 0n]);
  assert.deepEqual(cells("compare"), [1n, 1n, 1n, 0n, 1n, 0n]);
  assert.deepEqual(cells("ternary"), [10n, 20n, 2n]);
  assert.deepEqual(cells("precedence"), [7n, 9n, 3n, 0xffffffffn]);
  assert.deepEqual(cells("chars"), [0x61n, 0x5an, 10n, 0x41n, 0x41n, 0x27n]);
  assert.deepEqual(cells("numbers"), [0n, 8n, 16n, 10n, 255n, 1n, 2n, 3n]);
  assert.equal(hex(prop(t, "/", "negative")), "ffffffff" + "fffffffe" + "ff80" + "8000");
  assert.equal(hex(prop(t, "/", "big")), "0000000100000000ffffffffffffffff");
  const arith = prop(t, "/", "arith").pieces[0];
  assert.ok(arith?.kind === "cells", "cells");
  assert.equal(
    where(arith.cells[0]?.span as Span),
    "expressions.dts:4:11-4:18",
    "an expression's span covers its parentheses",
  );
});

test("strings: escapes as dtc reads them, lists, empty strings, newlines and UTF-8", () => {
  const t = parseDtsFile(fixture("strings.dts"));
  const text = (name: string) => Buffer.from(prop(t, "/", name).bytes).toString("latin1");
  assert.equal(text("escapes"), 'tab\tnewline\nquote"backslash\\\0');
  assert.equal(text("octal-hex"), "ABJ\0end\0");
  assert.equal(text("bell"), "\x07\b\v\f\r\0");
  assert.equal(text("other"), "q%\0");
  assert.equal(text("list"), "a\0\0b\0");
  assert.equal(text("multi-line"), "line one\nline two\0");
  assert.deepEqual(
    prop(t, "/", "list").pieces.map((p) => p.kind === "string" && p.value),
    ["a", "", "b"],
  );
});

test("strings keep UTF-8 text and escaped high bytes as bytes", () => {
  const t = parseDtsFile(fixture("strings-utf8.dts"));
  assert.equal(Buffer.from(prop(t, "/", "utf8").bytes).toString("utf8"), "grüße\0");
  assert.equal(hex(prop(t, "/", "high-escape")), "ff8000");
  const utf8 = prop(t, "/", "utf8").pieces[0];
  assert.equal(utf8?.kind === "string" && utf8.value, "grüße");
});

test("/include/ reads files next to the including file, and spans name the file they came from", () => {
  const t = parseDtsFile(fixture("include-nested.dts"));
  assert.equal(where(prop(t, "/", "common-prop").span), "common.dtsi:3:2-3:30");
  const leaf = node(t, "leaf");
  assert.deepEqual([leaf.path, where(leaf.span), leaf.phandle], ["/leaf-node", "leaf.dtsi:1:1-3:3", 1]);
  assert.equal(where(prop(t, "/", "top").span), "include-nested.dts:6:2-6:16");
});

test("cpp line markers map spans back to the original files and lines", () => {
  const t = parseDtsFile(fixture("cpp-output.dts"));
  assert.equal(where(node(t, "uart").span), "soc.dtsi:3:3-5:5");
  assert.equal(where(prop(t, "/chosen", "stdout-path").span), "board.dts:8:3-8:23");
  assert.equal(where(prop(t, "/chosen", "irq").span), "board.dts:40:3-40:24");
  assert.equal(hex(prop(t, "/chosen", "irq")), "00000021");
  assert.equal(t.file.endsWith("cpp-output.dts"), true, "the tree names the file that was read");
});

test("/incbin/ takes a file's bytes, whole or a slice", () => {
  const t = parseDtsFile(fixture("incbin.dts"));
  assert.equal(Buffer.from(prop(t, "/", "whole").bytes).toString("latin1"), "xen\0");
  assert.equal(Buffer.from(prop(t, "/", "part").bytes).toString("latin1"), "en");
});

test("/omit-if-no-ref/ drops nodes nothing refers to", () => {
  const t = parseDtsFile(fixture("omit-if-no-ref.dts"));
  assert.deepEqual(
    t.root.children.map((c) => c.name),
    ["used-node", "path-ref-node"],
  );
});

test("/plugin/ overlays become fragments with __fixups__ and __local_fixups__, as dtc makes them", () => {
  const t = parseDtsFile(fixture("plugin-overlay.dts"));
  assert.equal(t.plugin, true);
  assert.deepEqual(
    t.root.children.map((c) => c.name),
    ["fragment@0", "fragment@1", "__fixups__", "__local_fixups__"],
  );
  assert.equal(hex(prop(t, "/fragment@0", "target")), "ffffffff");
  assert.equal(Buffer.from(prop(t, "/fragment@1", "target-path").bytes).toString("latin1"), "/chosen\0");
  assert.deepEqual(
    node(t, "/__fixups__").properties.map((p) => [p.name, Buffer.from(p.bytes).toString("latin1")]),
    [
      ["base_uart", "/fragment@0:target:0\0"],
      ["base_clk", "/fragment@0/__overlay__:clocks:0\0"],
    ],
  );
  const clocks = prop(t, "/fragment@0/__overlay__", "clocks").pieces[0];
  assert.ok(clocks?.kind === "cells", "cells");
  assert.deepEqual(
    clocks.cells.map((c) => [c.ref?.text, c.ref?.target, c.value]),
    [
      ["base_clk", undefined, 0xffffffffn],
      ["local", "/fragment@0/__overlay__/sub", 1n],
    ],
  );
  assert.equal(hex(prop(t, "/__local_fixups__/fragment@0/__overlay__", "clocks")), "00000004");
});

test("parseDts takes text or bytes and a file name of its own", () => {
  const text = '/dts-v1/;\n/ { s = "é"; };\n';
  const a = parseDts(text, "virtual.dts");
  const b = parseDts(Buffer.from(text, "utf8"), "virtual.dts");
  assert.deepEqual(a, b);
  assert.equal(a.root.span.file, "virtual.dts");
});

test("/include/ can read through a given readFile and look in includeDirs", () => {
  const files: Record<string, string> = {
    "/v/main.dts": '/dts-v1/;\n/include/ "lib.dtsi"\n',
    "/lib/lib.dtsi": "/ { from-lib; };\n",
  };
  const readFile = (p: string) => {
    const f = files[p];
    if (f === undefined) throw new Error("ENOENT");
    return f;
  };
  const t = parseDtsFile("/v/main.dts", { readFile, includeDirs: ["/lib"] });
  assert.deepEqual([t.root.properties.map((p) => p.name), t.root.span.file], [["from-lib"], "/lib/lib.dtsi"]);
});

test("a node with 200,000 children, and one with 200,000 labels, parse (no spread of them overflows the stack)", () => {
  const children = Array.from({ length: 200_000 }, (_, i) => `a${i} {};`).join(" ");
  const t = parseDts(`/dts-v1/;\n/ { ${children} };\n`, "kids.dts");
  assert.equal(t.root.children.length, 200_000);
  assert.equal(t.root.children.at(-1)?.name, "a199999");
  const labels = Array.from({ length: 200_000 }, (_, i) => `l${i}:`).join(" ");
  const u = parseDts(
    `/dts-v1/;\n/ { p = <&m0>; ${labels} /omit-if-no-ref/ ${labels.replace(/l/g, "m")} n {}; };\n`,
    "labels.dts",
  );
  assert.equal(u.root.children[0]?.labels.length, 400_000);
});
