import assert from "node:assert/strict";
import { test } from "node:test";
import { cellChange } from "./cell-change.js";
import { filterMatrix, type MatrixFilter, type MatrixInput } from "./filter-matrix.js";

const LABELS = ["-", "all", "self", "self+all"];
// rows: dom0 (control), web, qemu-web; columns: two domctls and an event channel op
const before = [1, 1, 2, 0, 0, 2, 0, 0, 2];
const after = [1, 3, 2, 0, 2, 2, 0, 0, 0];
const input: MatrixInput = {
  domainNames: ["dom0", "web", "qemu-web"],
  domainRoles: [["control"], [], []],
  opIds: ["domctl/pausedomain", "domctl/getdomaininfo", "evtchn/alloc_unbound"],
  opHypercalls: ["domctl", "domctl", "evtchn"],
  opActions: [["PRIV"], ["PRIV", "XS_PRIV"], ["TARGET"]],
  cells: Uint16Array.from(before),
  change: (s, o) =>
    cellChange(LABELS[before[s * 3 + o] as number] as string, LABELS[after[s * 3 + o] as number] as string),
};
const none: MatrixFilter = { hypercall: "", role: "", action: "", decision: "", search: "" };
const view = (f: Partial<MatrixFilter>) => filterMatrix(input, { ...none, ...f });

test("hypercall and action choose columns, role chooses rows", () => {
  assert.deepEqual(view({}), { rows: [0, 1, 2], cols: [0, 1, 2] });
  assert.deepEqual(view({ hypercall: "evtchn" }), { rows: [0, 1, 2], cols: [2] });
  assert.deepEqual(view({ action: "XS_PRIV" }), { rows: [0, 1, 2], cols: [1] });
  assert.deepEqual(view({ role: "control" }), { rows: [0], cols: [0, 1, 2] });
});

test("a search narrows columns by operation id and rows by domain name, keeping the other filters", () => {
  assert.deepEqual(view({ search: "pause" }), { rows: [0, 1, 2], cols: [0] });
  assert.deepEqual(view({ search: "WEB" }), { rows: [1, 2], cols: [0, 1, 2] });
  assert.deepEqual(view({ search: "qemu", hypercall: "domctl" }), { rows: [2], cols: [0, 1] });
  assert.deepEqual(view({ search: "nothing-matches" }), { rows: [], cols: [] });
  // an operation that matches, but that the hypercall filter leaves out, is no match
  assert.deepEqual(view({ search: "pause", hypercall: "evtchn" }), { rows: [], cols: [] });
});

test("a decision keeps the rows and columns that hold such a cell", () => {
  assert.deepEqual(view({ decision: "allowed" }), { rows: [0, 1, 2], cols: [0, 1, 2] });
  assert.deepEqual(view({ decision: "allowed", hypercall: "domctl" }), { rows: [0], cols: [0, 1] });
  // dom0's getdomaininfo goes from all to self+all, web's from never to self; qemu-web loses self
  assert.deepEqual(view({ decision: "widened" }), { rows: [0, 1], cols: [1] });
  assert.deepEqual(view({ decision: "narrowed" }), { rows: [2], cols: [2] });
  assert.deepEqual(view({ decision: "changed" }), { rows: [0, 1, 2], cols: [1, 2] });
});
