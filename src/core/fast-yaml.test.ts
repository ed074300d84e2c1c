import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { fastYaml } from "./fast-yaml.js";
import { parseSource } from "./source-doc.js";

/** What the full reader makes of a text: its value, or that it refuses it. */
function full(text: string): { value: unknown } | "refused" {
  const r = parseSource(text, "t.yaml");
  return r.doc ? { value: r.doc.value } : "refused";
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith(".yaml") ? [join(dir, e.name)] : [],
  );
}

test("fastYaml: the full reader's value for every shipped YAML file it reads", () => {
  let read = 0;
  for (const f of [...yamlFiles("examples"), ...yamlFiles("test/fixtures"), ...yamlFiles("catalogues")]) {
    const text = readFileSync(f, "utf8");
    const fast = fastYaml(text);
    if (fast === undefined) continue;
    read++;
    assert.deepEqual({ value: fast }, full(text), f);
  }
  assert.ok(read >= 5, `${read} files in the subset`);
});

test("fastYaml reads text values as the full reader does", () => {
  for (const text of [
    "a: x:y\n",
    "a: owns the PCI devices and runs QEMU for `guest`, bound to it by set_target\n",
    "label: system_u:system_r:dm_dom_t\n",
    'a: it\'s "x" [y] {z}, w\n',
    "- x y\n- x:1\n",
    "- name: a\n  description: the toolstack domain # a comment <x>\n",
    'a: \'x\'\nb: "y z"\nc: "`q`, r"\n',
  ]) {
    const fast = fastYaml(text);
    assert.notEqual(fast, undefined, JSON.stringify(text));
    assert.deepEqual({ value: fast }, full(text), JSON.stringify(text));
  }
});

test("fastYaml: what it cannot read the same way, it leaves to the full reader", () => {
  for (const text of [
    "a: null\n",
    "a: ~\n",
    "a: 007\n",
    "a: 1.5\n",
    "a: 0x10\n",
    "a: -1\n",
    "a: 'it''s'\n",
    'a: "x\\ty"\n',
    'a: "x #y"\n',
    "a: &x 1\nb: *x\n",
    "a: 1\na: 2\n",
    "a: {b: 1, b: 2}\n",
    "a:\n",
    "a: [1, 2,]\n",
    "a: b c:\n",
    "a: x: y\n",
    "a: b\n  c\n",
    "- a: b c\n  d: e\n   f\n",
    "a: `x` y\n",
    "a: b#c\n",
    "---\na: 1\n",
    "a:\tb\n",
    "a: [1,\n  2]\n",
    " a: 1\n",
    "a: True\n",
    "__proto__: {b: 1}\n",
    "a: {__proto__: [1]}\n",
    "a:\n  __proto__:\n    b: 1\n",
  ])
    assert.equal(fastYaml(text), undefined, JSON.stringify(text));
});

test("fastYaml agrees with the full reader on random documents in and around its subset", () => {
  const scalars = fc.constantFrom(
    "a",
    "x1",
    "hvm12",
    "CONFIG_KEXEC",
    "4.22.0",
    "0",
    "7",
    "65535",
    "true",
    "false",
    "null",
    "yes",
    "no",
    "007",
    "1.5",
    "-3",
    "~",
    "on",
    "y",
    "a-b",
    "a.b",
    "_x",
    "1e3",
    ".inf",
    "x:y",
    "a b",
    "a  b",
    "Null x",
    "true x",
    "QEMU for `guest`, bound",
    "it's x",
    'say "hi"',
    "b c:",
    "x: y",
    "b ]",
    "x:1",
    "http://x",
    "1 a",
    "'x y'",
    '"x y"',
    '"a\\"b"',
    "'it''s'",
    '"x #y"',
    '""',
  );
  const key = fc.constantFrom("name", "domid", "caps", "type", "target", "a", "b", "true", "1");
  const flow: fc.Arbitrary<string> = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: "small" }, scalars, tie("seq"), tie("map")),
    seq: fc.array(tie("v"), { maxLength: 4 }).map((xs) => `[${xs.join(", ")}]`),
    map: fc
      .array(fc.tuple(key, tie("v")), { maxLength: 4 })
      .map((kv) => `{${kv.map(([k, v]) => `${k}: ${v}`).join(", ")}}`),
  })).v as fc.Arbitrary<string>;
  const block = (indent: string): fc.Arbitrary<string> =>
    fc.oneof(
      fc
        .array(fc.tuple(key, flow), { minLength: 1, maxLength: 4 })
        .map((kv) => kv.map(([k, v]) => `${indent}${k}: ${v}`).join("\n")),
      fc.array(flow, { minLength: 1, maxLength: 4 }).map((xs) => xs.map((v) => `${indent}- ${v}`).join("\n")),
      fc
        .array(fc.array(fc.tuple(key, flow), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 })
        .map((items) =>
          items
            .map((kv) => kv.map(([k, v], j) => `${indent}${j === 0 ? "- " : "  "}${k}: ${v}`).join("\n"))
            .join("\n"),
        ),
    );
  const doc = fc
    .array(fc.tuple(key, fc.oneof(flow, block("  "), block(""))), { minLength: 1, maxLength: 4 })
    .map(
      (kv) =>
        `${kv.map(([k, v]) => (v.includes("\n") || /^ *- |^ *\w+: /.test(v) ? `${k}:\n${v}` : `${k}: ${v}`)).join("\n")}\n`,
    );
  let read = 0;
  fc.assert(
    fc.property(doc, (text) => {
      const fast = fastYaml(text);
      if (fast === undefined) return;
      read++;
      assert.deepEqual({ value: fast }, full(text), text);
    }),
    { numRuns: 3000, seed: 23 },
  );
  assert.ok(read > 100, `${read} of 3000 documents in the subset`);
});

test("fastYaml leaves collections nested past the limit to the full reader, which refuses them", () => {
  assert.equal(fastYaml(`a: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`), undefined);
  const deep = Array.from({ length: 150 }, (_, d) => `${" ".repeat(d)}k${d}:`).join("\n");
  assert.equal(fastYaml(`${deep} 1\n`), undefined);
  assert.deepEqual(fastYaml("a:\n b:\n  c: 1\n"), { a: { b: { c: 1 } } });
});

test("fastYaml reads a flow sequence of 100,000 names on one line, each in its place", () => {
  const names = Array.from({ length: 100_000 }, (_, i) => `hvm${i}`);
  const value = fastYaml(`ops: [${names.join(", ")}]\n`) as { ops: string[] };
  assert.deepEqual(value.ops, names);
});
