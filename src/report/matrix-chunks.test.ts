import assert from "node:assert/strict";
import { test } from "node:test";
import { cellLabel } from "../query/cells.js";
import { loadModel } from "../query/load-models.js";
import { matrix } from "../query/matrix.js";
import { matrixChunks, matrixTitle } from "./matrix-chunks.js";
import { renderCsv, renderMarkdown, renderText } from "./tabular.js";

test("matrixChunks: the bytes of the whole output made at once, in every format", () => {
  for (const system of ["examples/x86-stubdoms.yaml", "examples/arm-dom0less-split.dts"])
    for (const hypercalls of [[], ["physdev_op"], ["no-such-hypercall"]]) {
      const m = matrix(loadModel({ system }), { hypercalls });
      const whole = m.toJSON();
      const table = {
        columns: ["operation", ...m.domains],
        rows: m.ops.map((op, o) => [op.id, ...whole.cells.map((row) => cellLabel(row[o] as never))]),
      };
      const chunks = (f: "table" | "json" | "md" | "csv") => [...matrixChunks(m, f)].join("");
      assert.equal(chunks("json"), JSON.stringify({ version: 1, kind: "matrix", ...whole }, null, 2));
      assert.equal(chunks("table"), `${matrixTitle(m)}\n\n${renderText(table)}`);
      assert.equal(chunks("md"), renderMarkdown(table));
      assert.equal(chunks("csv"), renderCsv(table));
    }
});
