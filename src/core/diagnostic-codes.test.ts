import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DIAGNOSTIC_CODES } from "./diagnostic-codes.js";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")
        ? [join(dir, e.name)]
        : [],
  );
}

/** Helpers that make a code from a suffix: the file, the call, and the prefix they add. */
const HELPERS: readonly [string, RegExp, string][] = [
  ["src/devicetree/read-dtb.ts", /\bbad\(\s*"([a-z0-9-]+)"/g, "devicetree/dtb-"],
  ["src/pe/read-pe.ts", /\bbad\(\s*"([a-z0-9-]+)"/g, "pe/"],
  ["src/devicetree/parse-dts.ts", /\bproblem\(\s*"([a-z0-9-]+)"/g, "devicetree/"],
  ["src/devicetree/finish-tree.ts", /\bproblem\(\s*"([a-z0-9-]+)"/g, "devicetree/"],
  ["src/devicetree/dts-lexer.ts", /\blexError\(\s*"([a-z0-9-]+)"/g, "devicetree/"],
  ["src/catalog/check-catalogue.ts", /\bproblem\(\s*"([a-z0-9-]+)"/g, "catalogue/"],
];

/** The prefixes of the declared codes (families `<x>` aside). */
const PREFIXES = new Set(
  DIAGNOSTIC_CODES.map((c) => c.code.split("/")[0] as string).filter((p) => !p.startsWith("<")),
);

/** Every code the sources make: literals under a known prefix, helpers' codes, and the include/incbin family. */
function madeCodes(): Map<string, string> {
  const made = new Map<string, string>();
  for (const file of sources("src")) {
    if (file.endsWith("diagnostic-codes.ts")) continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/"([a-z][a-z0-9-]*)\/([a-z0-9][a-z0-9-]*)"/g))
      if (PREFIXES.has(m[1] as string)) made.set(`${m[1]}/${m[2]}`, file);
    for (const [f, re, prefix] of HELPERS)
      if (file === f) for (const m of text.matchAll(re)) made.set(`${prefix}${m[1]}`, file);
    for (const m of text.matchAll(/`devicetree\/\$\{what\}-([a-z-]+)`/g))
      for (const what of ["include", "incbin"]) made.set(`devicetree/${what}-${m[1]}`, file);
  }
  return made;
}

test("every diagnostic code is declared once, with a severity and a one-line description", () => {
  const seen = new Set<string>();
  for (const c of DIAGNOSTIC_CODES) {
    assert.ok(!seen.has(c.code), `${c.code} declared twice`);
    seen.add(c.code);
    assert.match(c.code, /^(<[a-z]+>|[a-z][a-z0-9-]*)\/(<[a-z]+>|[a-z0-9][a-z0-9-]*)$/, c.code);
    assert.ok(["error", "warning", "note"].includes(c.severity), c.code);
    assert.match(c.description, /^[^A-Z\n].*[^.\n]$/, `${c.code}: lowercase, one line, no final period`);
  }
});

test("every code the sources make is declared (families: boot/<condition>, lint/<rule>, flask/<reason>)", () => {
  const declared = new Set(DIAGNOSTIC_CODES.map((c) => c.code));
  const families = DIAGNOSTIC_CODES.filter((c) => /\/<[a-z]+>$/.test(c.code)).map(
    (c) => c.code.split("/")[0],
  );
  const undeclared = [...madeCodes()]
    .filter(([code]) => !declared.has(code) && !families.includes(code.split("/")[0]))
    .map(([code, file]) => `${code} (${file})`);
  assert.deepEqual(undeclared, []);
});

test("every code declared is made somewhere: the list has no stale entry", () => {
  const made = madeCodes();
  const stale = DIAGNOSTIC_CODES.map((c) => c.code).filter((code) => !code.includes("<") && !made.has(code));
  assert.deepEqual(stale, []);
});
