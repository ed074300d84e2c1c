import assert from "node:assert/strict";
import { test } from "node:test";
import { LIMITS } from "./limits.js";
import { parseJsonSource, parseSource } from "./source-doc.js";

/** The one diagnostic a text gives, as `line:column code: message`. */
function problem(text: string, read: typeof parseJsonSource = parseSource): string {
  const { doc, diagnostics } = read(text, "f.yaml", "system");
  assert.equal(doc, undefined, "the text is refused");
  const d = diagnostics[0];
  assert.ok(d?.span, "located");
  return `${d.span.line}:${d.span.column} ${d.code}: ${d.message}`;
}

/** `a0: &a0 [x, x, ...]`, then each level nine aliases of the one before: 9^levels nodes once expanded. */
function billionLaughs(levels: number): string {
  const lines = [`a0: &a0 [${Array(9).fill('"lol"').join(", ")}]`];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\n`;
}

test("an alias whose anchor does not exist is a diagnostic at the alias", () => {
  assert.equal(
    problem("xen: 4.22.0\ndomains:\n  - name: *nope\n"),
    "3:11 system/unresolved-alias: alias `*nope` names no anchor before it",
  );
  // an anchor after the alias does not count
  assert.match(problem("a: *x\nb: &x 1\n"), /^1:4 system\/unresolved-alias/);
});

test("an alias inside the node it names is a diagnostic, not an endless value", () => {
  assert.equal(problem("a: &x [1, *x]\n"), "1:11 system/alias-cycle: alias `*x` is inside the node it names");
});

test("an alias bomb (billion laughs) is a diagnostic at the alias that passes the limit", () => {
  const p = problem(billionLaughs(9));
  assert.match(p, /^\d+:\d+ system\/alias-bomb: aliases expand to more than 1,000,000 nodes$/);
  // line 7, `a6`: each of its aliases adds the 597,871 nodes of `a5`, and the second passes the limit
  assert.ok(p.startsWith("7:"), p);
});

test("aliases used many times are fine: each shares its anchor's value", () => {
  const domains = Array.from({ length: 5000 }, (_, i) => `  - {name: d${i}, domid: ${i}, caps: *caps}`);
  const { doc, diagnostics } = parseSource(
    `caps: &caps [control]\ndomains:\n${domains.join("\n")}\n`,
    "f.yaml",
  );
  assert.deepEqual(diagnostics, []);
  const v = doc?.value as { domains: { caps: string[] }[] };
  assert.equal(v.domains.length, 5000);
  assert.deepEqual(v.domains[4999]?.caps, ["control"]);
});

test("deep `- - -` nesting is refused where it passes the limit, before anything recurses", () => {
  const deep = `${"- ".repeat(20_000)}x\n`;
  const [, column, rest] = /^1:(\d+) (.*)$/.exec(problem(deep)) ?? [];
  assert.equal(rest, `system/too-deep: collections nested more than ${LIMITS.nesting} deep`);
  // at the `- ` that passes the limit (each is two columns), not at the end of the line
  assert.ok(Math.abs(Number(column) - 2 * LIMITS.nesting) <= 6, `column ${column}`);
  assert.match(problem(`a: ${"[".repeat(200_000)}`), /^1:\d+ system\/too-deep/);
  // the limit itself is fine
  const ok = parseSource(`${"- ".repeat(LIMITS.nesting)}x\n`, "f.yaml");
  assert.deepEqual(ok.diagnostics, []);
});

test("400 KB of `]` stops after 100 syntax errors, the last saying so", () => {
  const { diagnostics } = parseSource("]".repeat(400_000), "f.yaml");
  assert.equal(diagnostics.length, LIMITS.printedDiagnostics);
  assert.match(diagnostics.at(-1)?.message ?? "", /reading stopped after 100 syntax errors$/);
  assert.deepEqual(diagnostics[1]?.span, { file: "f.yaml", line: 1, column: 2 });
});

test("a document over the size limit is refused before it is parsed", () => {
  const big = "#".repeat(LIMITS.documentBytes + 1);
  assert.equal(
    problem(big),
    "1:1 system/too-large: the document is 16 MiB: YAML and JSON documents are read up to 16 MiB",
  );
});

test("keys are plain values; `__proto__` is a key like another", () => {
  assert.match(problem("? [a]\n: 1\n"), /^1:3 system\/complex-key/);
  const { doc } = parseSource('{"__proto__": {"polluted": 1}, "a": 2}', "f.json");
  const v = doc?.value as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ["__proto__", "a"]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("JSON read fast is held to the same limits, and located through the YAML reader", () => {
  const deep = `{"a": ${"[".repeat(5000)}${"]".repeat(5000)}}`;
  assert.match(problem(deep, parseJsonSource), /^1:\d+ system\/too-deep/);
  const { doc } = parseJsonSource('{\n  "a": [1, {"b": 2}]\n}', "f.json", "system");
  assert.deepEqual(doc?.value, { a: [1, { b: 2 }] });
  assert.deepEqual(doc?.spanOf(["a", 1, "b"]), {
    file: "f.json",
    line: 2,
    column: 18,
    endLine: 2,
    endColumn: 19,
  });
});

test("a duplicate key is a diagnostic at the second one, found in one pass over 100,000 keys", () => {
  assert.equal(problem("a: 1\nb: 2\na: 3\n"), "3:1 system/duplicate-key: duplicate key `a`");
  assert.equal(problem('{"x": {"k": 1, "k": 2}}'), "1:16 system/duplicate-key: duplicate key `k`");
  const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}: 1`);
  const { doc } = parseSource(`${keys.join("\n")}\n`, "f.yaml");
  assert.equal(Object.keys(doc?.value as object).length, 100_000);
  assert.match(
    problem(`${keys.join("\n")}\nk5: 2\n`),
    /^100001:1 system\/duplicate-key: duplicate key `k5`$/,
  );
});
