import assert from "node:assert/strict";
import { test } from "node:test";
import { FunctionTable } from "./function-table.js";
import type { CFunction } from "./xen-tree.js";

const fn = (name: string, file: string): CFunction => ({
  name,
  file,
  line: 1,
  arch: null,
  guards: [],
  params: [],
  body: null as never,
});

/** Three files: 0 defines a and b, 1 defines b, 2 defines c and a. */
const FILES = [[fn("a", "f0"), fn("b", "f0")], [fn("b", "f1")], [fn("c", "f2"), fn("a", "f2")]];
const DEFINERS: Record<string, number[]> = { a: [0, 2], b: [0, 1], c: [2] };

function table(parsed: number[]) {
  const table: FunctionTable = new FunctionTable(
    FILES.length,
    (n) => DEFINERS[n] ?? [],
    (i) => {
      parsed.push(i);
      table.add(i, FILES[i] ?? []);
    },
  );
  return table;
}

test("definitions keep the files' order whatever order the files come in, and names the order of a full read", () => {
  const t = table([]);
  for (const i of [2, 1, 0]) t.add(i, FILES[i] ?? []);
  t.sortNames();
  assert.deepEqual(
    [...t].map(([name, defs]) => [name, defs.map((f) => f.file)]),
    [
      ["a", ["f0", "f2"]],
      ["b", ["f0", "f1"]],
      ["c", ["f2"]],
    ],
  );
});

test("a lookup parses every file that may define the name first; iteration parses nothing", () => {
  const parsed: number[] = [];
  const t = table(parsed);
  t.add(0, FILES[0] ?? []);
  assert.deepEqual([...t.keys()], ["a", "b"]);
  assert.deepEqual(parsed, []);
  assert.deepEqual(
    t.get("a")?.map((f) => f.file),
    ["f0", "f2"],
  );
  assert.deepEqual(parsed, [2]);
  assert.ok(t.has("b"));
  assert.deepEqual(parsed, [2, 1]);
  assert.equal(t.get("nowhere"), undefined);
  // a file comes in once
  t.add(1, FILES[1] ?? []);
  assert.deepEqual(
    t.get("b")?.map((f) => f.file),
    ["f0", "f1"],
  );
});
