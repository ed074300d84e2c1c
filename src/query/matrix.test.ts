import assert from "node:assert/strict";
import { test } from "node:test";
import { cellsOfDomain } from "./cells.js";
import { DecisionIndex } from "./decision-index.js";
import { loadModel } from "./load-models.js";
import { matrix } from "./matrix.js";

test("matrix: a row per domain, each the domain's cells in operation order, streamed as toJSON holds them", () => {
  const model = loadModel({ system: "examples/x86-stubdoms.yaml" });
  const m = matrix(model, { hypercalls: ["physdev_op", "sysctl"] });
  assert.deepEqual(
    m.domains,
    model.domains.map((d) => d.name),
  );
  assert.ok(m.ops.every((o) => o.hypercall === "physdev_op" || o.hypercall === "sysctl"));
  const rows = [...m.rows()];
  assert.equal(rows.length, model.domains.length);
  const ix = new DecisionIndex(model, m.ops);
  for (const [s, row] of rows.entries()) assert.deepEqual(row, cellsOfDomain(ix, s));
  assert.deepEqual(m.toJSON(), {
    policy: "dummy",
    domains: m.domains,
    ops: m.ops.map((o) => o.id),
    cells: rows,
  });
});
