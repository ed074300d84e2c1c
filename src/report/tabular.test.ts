import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_ALIGNED_WIDTH, renderCsv, renderMarkdown, renderText } from "./tabular.js";

/** 200,000 rows, one of them with a 100 KB cell: what `cmdline --efi-cfg` of a 150,000-token xen.cfg makes. */
function bigTable() {
  const cell = "x".repeat(100 * 1024);
  const rows = Array.from({ length: 200_000 }, (_, i) => [
    `opt${i}`,
    i === 7 ? cell : "bootloader",
    "applied",
  ]);
  return { table: { columns: ["option", "source", "effect"], rows }, cell };
}

test("no renderer crashes on 200,000 rows with a 100 KB cell, and each keeps every cell", () => {
  const { table, cell } = bigTable();
  for (const render of [renderText, renderMarkdown, renderCsv]) {
    const out = render(table);
    const lines = out.split("\n");
    assert.ok(out.includes(cell), render.name);
    assert.ok(
      lines.some((l) => l.includes("opt199999")),
      render.name,
    );
  }
});

test("a cell wider than the aligned width runs past its column instead of padding every row", () => {
  const { table } = bigTable();
  const lines = renderText(table).split("\n");
  // the header, the rule, 200,000 rows
  assert.equal(lines.length, 200_002);
  // every other row stays as wide as its own cells make it
  const widest = lines.filter((l) => !l.includes("xxx")).reduce((w, l) => Math.max(w, l.length), 0);
  assert.ok(widest <= 2 * MAX_ALIGNED_WIDTH, `widest ordinary line: ${widest}`);
  assert.equal(lines[2], "opt0       bootloader  applied");
});

test("short tables align as before", () => {
  const t = {
    columns: ["a", "bb"],
    rows: [
      ["long cell", "1"],
      ["x", "2"],
    ],
  };
  assert.equal(renderText(t), "a          bb\n---------  --\nlong cell  1\nx          2");
});
