import assert from "node:assert/strict";
import { test } from "node:test";
import { dtc, fixture } from "../../test/support/devicetree.js";
import { findNode, getProperty, nodeByLabel, nodeByPath, nodeByPhandle, parentOf } from "./find-node.js";
import { parseDtsFile } from "./parse-dts.js";
import { readDtb } from "./read-dtb.js";

const tree = parseDtsFile(fixture("labels-and-references.dts"));

test("nodes by full path, with unit addresses, trailing slashes tolerated", () => {
  assert.equal(nodeByPath(tree, "/soc/serial@9000000")?.name, "serial@9000000");
  assert.equal(nodeByPath(tree, "/soc/")?.path, "/soc");
  assert.equal(nodeByPath(tree, "/")?.path, "/");
  assert.equal(nodeByPath(tree, "/soc/serial"), undefined, "a path names nodes in full, as dtc's do");
});

test("nodes by label, by phandle, and by any DTS reference form", () => {
  assert.equal(nodeByLabel(tree, "uart0")?.path, "/soc/serial@9000000");
  assert.equal(nodeByLabel(tree, "nope"), undefined, "unknown label");
  assert.equal(nodeByPhandle(tree, 3)?.path, "/soc/clock@100");
  assert.equal(nodeByPhandle(tree, 7)?.path, "/soc/legacy", "linux,phandle counts");
  assert.deepEqual(
    ["uart0", "&uart0", "&{/soc/clock@100}", "/soc", "fixed"].map((r) => findNode(tree, r)?.path),
    ["/soc/serial@9000000", "/soc/serial@9000000", "/soc/clock@100", "/soc", "/soc/fixed-phandle"],
  );
});

test("parents and properties", () => {
  const uart = nodeByLabel(tree, "uart0");
  assert.ok(uart, "uart0");
  assert.equal(parentOf(tree, uart)?.path, "/soc");
  assert.equal(parentOf(tree, tree.root), undefined, "the root has no parent");
  assert.equal(getProperty(uart, "status")?.name, "status");
  assert.equal(getProperty(uart, "nope"), undefined, "no such property");
});

test("a DTB has phandles but no labels", () => {
  const blob = readDtb(dtc(["-q", "-I", "dts", "-O", "dtb", fixture("labels-and-references.dts")]), "t.dtb");
  assert.equal(nodeByPhandle(blob, 5)?.path, "/soc/serial@9000000");
  assert.equal(findNode(blob, "uart0"), undefined, "no labels in a DTB");
  assert.equal(findNode(blob, "/soc/clock@100")?.phandle, 3);
});
