import assert from "node:assert/strict";
import { test } from "node:test";
import { cellChange } from "./cell-change.js";

test("a cell widens when the second policy allows every relation the first did, and more", () => {
  assert.equal(cellChange("-", "yes"), "widened");
  assert.equal(cellChange("self", "self+all"), "widened");
  assert.equal(cellChange("some", "all"), "widened");
  assert.equal(cellChange("self+tgt", "tgt"), "narrowed");
  assert.equal(cellChange("all+xen", "some+xen"), "narrowed");
  assert.equal(cellChange("yes", "-"), "narrowed");
  assert.equal(cellChange("self", "tgt"), "changed");
  assert.equal(cellChange("self+io", "self+io"), "same");
});
