import assert from "node:assert/strict";
import { test } from "node:test";
import { cellFragment, parseCellFragment } from "./cell-fragment.js";

test("a cell's fragment is readable and reads back to the same cell", () => {
  const a = {
    domain: "hwdom",
    op: "memory_op/add_to_physmap_batch/gmfn_foreign",
    target: "guest",
    diff: true,
  };
  assert.equal(
    cellFragment(a),
    "#domain=hwdom&op=memory_op/add_to_physmap_batch/gmfn_foreign&target=guest&diff=1",
  );
  assert.deepEqual(parseCellFragment(cellFragment(a)), a);
});

test("names with spaces, & and = survive; no target and the page's own target differ", () => {
  const odd = { domain: "a b&c=d", op: "dm_op", target: "" };
  assert.deepEqual(parseCellFragment(cellFragment(odd)), odd);
  assert.deepEqual(parseCellFragment(cellFragment({ domain: "ctl", op: "dm_op" })), {
    domain: "ctl",
    op: "dm_op",
  });
});

test("a fragment without a domain and an operation names no cell", () => {
  assert.equal(parseCellFragment(""), undefined);
  assert.equal(parseCellFragment("#findings"), undefined);
  assert.equal(parseCellFragment("#domain=ctl"), undefined);
});
