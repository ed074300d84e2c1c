import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { test } from "node:test";

/** The one-way import graph of ARCHITECTURE.md: each stage and the stages it may import. */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  model: ["core"],
  policy: ["core", "model", "flask"],
  catalog: ["core", "model"],
  devicetree: ["core"],
  pe: ["core"],
  sbat: ["core", "pe"],
  cmdline: ["core", "model"],
  system: ["core", "model", "devicetree", "cmdline"],
  query: ["core", "model", "policy", "catalog", "system", "devicetree", "flask"],
  lint: ["core", "model", "policy", "catalog", "system", "query", "devicetree"],
  privcmd: ["core", "model", "policy", "catalog", "system", "query"],
  report: [
    "core",
    "model",
    "policy",
    "catalog",
    "system",
    "query",
    "devicetree",
    "lint",
    "cmdline",
    "privcmd",
  ],
  flask: ["core"],
  extract: ["core", "model", "policy", "catalog", "cmdline", "privcmd", "flask"],
  web: ["core", "model", "policy", "catalog", "query", "report"],
  cli: [
    "core",
    "model",
    "policy",
    "catalog",
    "system",
    "query",
    "report",
    "extract",
    "devicetree",
    "lint",
    "cmdline",
    "pe",
    "sbat",
    "privcmd",
    "flask",
  ],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

test("imports flow one way between stages, as ARCHITECTURE.md says", () => {
  const violations: string[] = [];
  for (const file of files("src")) {
    const rel = relative("src", file);
    const stage = rel.split("/")[0] ?? "";
    if (!rel.includes("/")) continue; // src/index.ts re-exports everything
    assert.ok(stage in ALLOWED, `stage \`${stage}\` is not in ARCHITECTURE.md`);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/from "(\.\.?\/[^"]+)"/g)) {
      const resolved = join(file, "..", m[1] as string);
      // tests may share helpers kept under test/ (test/support/)
      if (file.endsWith(".test.ts") && resolved.startsWith(`test${sep}`)) continue;
      const target = relative("src", resolved).split("/")[0] ?? "";
      if (target === stage || target.endsWith(".js")) continue;
      if (!ALLOWED[stage]?.includes(target)) violations.push(`${rel} imports ${target}`);
    }
  }
  assert.deepEqual(violations, []);
});

test("ARCHITECTURE.md lists every stage", () => {
  const doc = readFileSync("ARCHITECTURE.md", "utf8");
  for (const stage of Object.keys(ALLOWED)) assert.match(doc, new RegExp(`\`${stage}/\``), stage);
});
