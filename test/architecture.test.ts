import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { test } from "node:test";

/** What a stage may import: stages whose values it uses, and stages it takes only types from. */
interface Allowed {
  readonly any: boolean;
  readonly values: ReadonlySet<string>;
  readonly types: ReadonlySet<string>;
}

/**
 * ARCHITECTURE.md's import table: `| \`stage/\` | core, model, report (types) |`. `everything` allows
 * any stage, `nothing (...)` none, and `(types)` only `import type` (or every specifier `type`).
 */
function allowedTable(): Map<string, Allowed> {
  const doc = readFileSync("ARCHITECTURE.md", "utf8");
  const table = new Map<string, Allowed>();
  for (const m of doc.matchAll(/^\| `([a-z]+)\/` +\| ([^|]+)\|$/gm)) {
    const list = (m[2] as string).trim();
    const values = new Set<string>();
    const types = new Set<string>();
    if (!list.startsWith("nothing") && list !== "everything")
      for (const item of list.split(",").map((x) => x.trim())) {
        const t = /^(\w+) \(types\)$/.exec(item);
        if (t) types.add(t[1] as string);
        else values.add(item);
      }
    table.set(m[1] as string, { any: list === "everything", values, types });
  }
  return table;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** A relative import of a file: its specifier and whether it brings only types. */
interface Edge {
  readonly spec: string;
  readonly typeOnly: boolean;
}

/**
 * Every relative import and re-export of a file: static (`import`, `import type`, `export ... from`,
 * each specifier `type` counting as a type import) and dynamic (`import("...")`, always a value).
 */
export function importsOf(text: string): Edge[] {
  const edges: Edge[] = [];
  const stat =
    /(?:^|[;\n])\s*(import|export)\s+(type\s+)?(\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+(?:\s*,\s*\{[^}]*\})?)\s+from\s+"(\.\.?\/[^"]+)"/g;
  for (const m of text.matchAll(stat)) {
    const names = m[3] as string;
    const specifiers = names.startsWith("{")
      ? names
          .slice(1, -1)
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean)
      : [names];
    const typeOnly = Boolean(m[2]) || specifiers.every((x) => x.startsWith("type "));
    edges.push({ spec: m[4] as string, typeOnly });
  }
  for (const m of text.matchAll(/(?:^|[;\n])\s*import\s+"(\.\.?\/[^"]+)"/g))
    edges.push({ spec: m[1] as string, typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*"(\.\.?\/[^"]+)"\s*\)/g))
    edges.push({ spec: m[1] as string, typeOnly: false });
  return edges;
}

/** The stage-to-stage edges of src/, value and type-only, each with one file that makes it. */
function graph(): Map<string, { values: Map<string, string>; types: Map<string, string> }> {
  const g = new Map<string, { values: Map<string, string>; types: Map<string, string> }>();
  for (const file of files("src")) {
    const rel = relative("src", file);
    if (!rel.includes(sep)) continue; // src/index.ts re-exports everything
    const stage = rel.split(sep)[0] as string;
    const node = g.get(stage) ?? { values: new Map(), types: new Map() };
    g.set(stage, node);
    for (const e of importsOf(readFileSync(file, "utf8"))) {
      const resolved = join(file, "..", e.spec);
      // tests may share helpers kept under test/ (test/support/)
      if (file.endsWith(".test.ts") && resolved.startsWith(`test${sep}`)) continue;
      const target = relative("src", resolved).split(sep)[0] ?? "";
      if (target === stage || target.endsWith(".js")) continue;
      (e.typeOnly ? node.types : node.values).set(target, rel);
    }
  }
  for (const node of g.values()) for (const t of node.values.keys()) node.types.delete(t);
  return g;
}

test("the import reader tells type imports from value imports, and reads dynamic imports", () => {
  const text = [
    'import type { A } from "../a/x.js";',
    'import { type B, type C } from "../b/x.js";',
    'import { type D, e } from "../c/x.js";',
    "import {\n  f,\n  g,\n} from '../ignored-quotes/x.js';",
    'export { h } from "../d/x.js";',
    'export type { I } from "../e/x.js";',
    'export * from "../f/x.js";',
    'const m = await import("../g/x.js");',
    'import "../h/x.js";',
    'import def, { j } from "../i/x.js";',
  ].join("\n");
  assert.deepEqual(
    importsOf(text).map((e) => `${e.spec} ${e.typeOnly ? "type" : "value"}`),
    [
      "../a/x.js type",
      "../b/x.js type",
      "../c/x.js value",
      "../d/x.js value",
      "../e/x.js type",
      "../f/x.js value",
      "../i/x.js value",
      "../h/x.js value",
      "../g/x.js value",
    ],
  );
});

test("imports flow one way between stages, as ARCHITECTURE.md's table says", () => {
  const table = allowedTable();
  const violations: string[] = [];
  for (const [stage, node] of graph()) {
    const allowed = table.get(stage);
    assert.ok(allowed, `stage \`${stage}\` is not in ARCHITECTURE.md's table`);
    if (allowed.any) continue;
    for (const [target, file] of node.values)
      if (!allowed.values.has(target))
        violations.push(
          `${file} imports ${target}${allowed.types.has(target) ? " (the table allows only its types)" : ""}`,
        );
    for (const [target, file] of node.types)
      if (!allowed.values.has(target) && !allowed.types.has(target))
        violations.push(`${file} imports types of ${target}`);
  }
  assert.deepEqual(violations, []);
});

test("ARCHITECTURE.md's table lists no edge the code does not have", () => {
  const g = graph();
  const stale: string[] = [];
  for (const [stage, allowed] of allowedTable()) {
    const node = g.get(stage);
    for (const t of allowed.values) if (!node?.values.has(t)) stale.push(`${stage} -> ${t}`);
    for (const t of allowed.types) if (!node?.types.has(t)) stale.push(`${stage} -> ${t} (types)`);
  }
  assert.deepEqual(stale, []);
});

test("ARCHITECTURE.md lists every stage of src/", () => {
  const table = allowedTable();
  for (const e of readdirSync("src", { withFileTypes: true }))
    if (e.isDirectory()) assert.ok(table.has(e.name), `\`${e.name}/\` is not in the table`);
});

test("no CLI command imports another: each declares its own options and hands its output to main", () => {
  const dir = join("src", "cli", "commands");
  const crossing: string[] = [];
  for (const file of files(dir))
    for (const e of importsOf(readFileSync(file, "utf8")))
      if (join(file, "..", e.spec).startsWith(`${dir}${sep}`))
        crossing.push(`${relative(dir, file)} imports ${e.spec}`);
  assert.deepEqual(crossing, []);
  const main = readFileSync(join("src", "cli", "main.ts"), "utf8");
  assert.ok(main.split("\n").length < 150, "main.ts only assembles the commands");
  for (const file of files(join("src", "cli")))
    if (!file.endsWith("main.ts"))
      assert.doesNotMatch(
        readFileSync(file, "utf8"),
        /process\.exitCode\s*=/,
        `${file}: only main() sets the exit code`,
      );
});
