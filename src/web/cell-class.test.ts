import assert from "node:assert/strict";
import { test } from "node:test";
import { cellClass } from "./cell-class.js";

test("a cell's class is its label's kind, or its change in the diff view", () => {
  assert.equal(cellClass("-"), "never");
  assert.equal(cellClass("self"), "some");
  assert.equal(cellClass("self+tgt"), "some");
  assert.equal(cellClass("self+all"), "all");
  assert.equal(cellClass("yes"), "all");
  assert.equal(cellClass("-", "widened"), "widened");
  assert.equal(cellClass("self+all", "narrowed"), "narrowed");
  assert.equal(cellClass("self", "changed"), "changed");
  assert.equal(cellClass("self", "same"), "some");
});
