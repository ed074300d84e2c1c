import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { DIAGNOSTIC_CODES } from "../core/diagnostic-codes.js";
import { diagnosticsDoc } from "./diagnostics-doc.js";

test("docs/diagnostics.md is the list of codes as generated (npm run diagnostic-docs)", () => {
  const doc = readFileSync("docs/diagnostics.md", "utf8");
  assert.equal(doc, diagnosticsDoc(), "run `npm run diagnostic-docs`");
  for (const c of DIAGNOSTIC_CODES) assert.ok(doc.includes(`| \`${c.code}\` | ${c.severity} |`), c.code);
});
