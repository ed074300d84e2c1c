import assert from "node:assert/strict";
import { test } from "node:test";
import { type Diagnostic, error } from "../core/diagnostic.js";
import { LIMITS } from "../core/limits.js";
import { renderDiagnostics } from "./render-diagnostics.js";
import { renderDiagnosticsMarkdown } from "./render-diagnostics-markdown.js";

test("at most 100 diagnostics are printed, then how many more of each severity", () => {
  const many: Diagnostic[] = Array.from({ length: 400_000 }, (_, i) =>
    i % 4 === 3
      ? { code: "x/w", severity: "warning", message: `w${i}` }
      : error("x/e", `e${i}`, { file: "f", line: 1, column: i + 1 }),
  );
  const lines = renderDiagnostics(many).split("\n");
  assert.equal(lines.length, LIMITS.printedDiagnostics + 1);
  assert.equal(lines[0], "f:1:1: error[x/e]: e0");
  assert.equal(lines.at(-1), "... and 399,900 more (299,925 errors, 99,975 warnings)");
});

test("up to the limit, every diagnostic is printed with its help", () => {
  const text = renderDiagnostics([error("x/e", "bad", undefined, "fix it")]);
  assert.equal(text, "error[x/e]: bad\n  help: fix it");
});

test("the Markdown list stops at 100 items too", () => {
  const many = Array.from({ length: 250 }, (_, i) => error("x/e", `e${i}`));
  const items = renderDiagnosticsMarkdown(many).split("\n");
  assert.equal(items.length, 101);
  assert.equal(items[0], "- **error** `x/e`: e0");
  assert.equal(items.at(-1), "- ... and 150 more (150 errors)");
});
