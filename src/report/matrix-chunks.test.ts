import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
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

/** A system file of domains drawn from a few kinds, device models serving earlier HVM or PVH domains. */
function systemText(kinds: readonly { kind: number; target: number; label: number }[]): string {
  const lines = ["xen: 4.22.0", "arch: x86", "xsm: dummy", "domains:", "  - {name: dom0, domid: 0}"];
  const types = kinds.map((k) => ["hvm", "pvh", "pv"][k.kind % 3] as string);
  kinds.forEach((k, i) => {
    const domid = i + 1;
    const caps = ["[]", "[control]"][k.kind % 2];
    const served = types.slice(0, i).flatMap((t, j) => (t === "pv" ? [] : [j + 1]));
    const target = k.kind % 5 === 4 && served.length ? `, target: ${served[k.target % served.length]}` : "";
    const label = k.label > 0 ? `, label: "system_u:system_r:t${k.label}_t"` : "";
    lines.push(`  - {name: d${domid}, domid: ${domid}, caps: ${caps}, type: ${types[i]}${target}${label}}`);
  });
  return `${lines.join("\n")}\n`;
}

function chunksEqualWhole(text: string, hypercalls: readonly string[] = []): void {
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-matrix-"));
  const file = join(dir, "system.yaml");
  writeFileSync(file, text);
  const m = matrix(loadModel({ system: file }), { hypercalls });
  const whole = m.toJSON();
  assert.equal(
    [...matrixChunks(m, "json")].join(""),
    JSON.stringify({ version: 1, kind: "matrix", ...whole }, null, 2),
  );
  const labels = m.ops.map((op, o) => [op.id, ...whole.cells.map((row) => cellLabel(row[o] as never))]);
  assert.equal(
    [...matrixChunks(m, "csv")].join(""),
    renderCsv({ columns: ["operation", ...m.domains], rows: labels }),
  );
}

test("matrixChunks: rows made once per row key are each domain's own rows (random systems)", () => {
  const kind = fc.record({ kind: fc.nat(19), target: fc.nat(40), label: fc.nat(3) });
  fc.assert(
    fc.property(fc.array(kind, { minLength: 1, maxLength: 24 }), (kinds) =>
      chunksEqualWhole(systemText(kinds)),
    ),
    { numRuns: 25, seed: 23 },
  );
});

test("matrixChunks: a system of more row keys than are remembered still gives each domain its row", () => {
  // 300 labels make 300 classes, past the 256 rows remembered
  const kinds = Array.from({ length: 300 }, (_, i) => ({ kind: i, target: i, label: i + 1 }));
  chunksEqualWhole(systemText(kinds), ["sched_op", "xen_version"]);
});
