import assert from "node:assert/strict";
import { test } from "node:test";
import { firstError } from "../../test/support/devicetree.js";
import type { DtProperty } from "./device-tree.js";
import { getProperty } from "./find-node.js";
import { parseDts } from "./parse-dts.js";
import {
  propertyNumbers,
  propertyString,
  propertyStrings,
  propertyU32,
  propertyU32s,
  propertyU64,
} from "./read-property.js";

const tree = parseDts(
  `/dts-v1/;
/ {
	one = <7>;
	cells = <1 2 0xffffffff>;
	wide = /bits/ 64 <0x123456789>;
	pair = <0x1 0x23456789>;
	reg = <0x0 0x40000000 0x0 0x1000 0x1 0x0 0x0 0x2000>;
	text = "xen";
	list = "a", "b,c", "";
	odd = [01 02 03];
	empty;
};`,
  "p.dts",
);

function prop(name: string): DtProperty {
  const p = getProperty(tree.root, name);
  assert.ok(p, name);
  return p;
}

test("cells, one cell, 64-bit numbers and numbers of several cells", () => {
  assert.deepEqual(propertyU32s(prop("cells")), [1, 2, 0xffffffff]);
  assert.deepEqual(propertyU32s(prop("empty")), []);
  assert.equal(propertyU32(prop("one")), 7);
  assert.equal(propertyU64(prop("wide")), 0x123456789n);
  assert.equal(propertyU64(prop("pair")), 0x123456789n);
  assert.deepEqual(propertyNumbers(prop("reg"), 2), [0x40000000n, 0x1000n, 0x100000000n, 0x2000n]);
});

test("strings and string lists", () => {
  assert.equal(propertyString(prop("text")), "xen");
  assert.deepEqual(propertyStrings(prop("list")), ["a", "b,c", ""]);
});

test("a value of the wrong shape is an InputError at the property", () => {
  assert.deepEqual(
    firstError(() => propertyU32s(prop("odd"))),
    {
      code: "devicetree/bad-property-value",
      at: "p.dts:10:2",
      message: "property `odd` has 3 bytes, not a whole number of 32-bit cells",
    },
  );
  assert.equal(firstError(() => propertyU32(prop("cells"))).at, "p.dts:4:2");
  assert.equal(firstError(() => propertyU64(prop("one"))).code, "devicetree/bad-property-value");
  assert.equal(firstError(() => propertyNumbers(prop("cells"), 2)).code, "devicetree/bad-property-value");
  assert.equal(
    firstError(() => propertyString(prop("list"))).message,
    "property `list` holds 3 strings, not one",
  );
  assert.equal(firstError(() => propertyStrings(prop("one"))).code, "devicetree/bad-property-value");
  assert.equal(firstError(() => propertyStrings(prop("empty"))).code, "devicetree/bad-property-value");
});
