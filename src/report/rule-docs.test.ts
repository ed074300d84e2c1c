import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { RULES } from "../lint/rules.js";
import { ruleDoc } from "./rule-docs.js";

test("every rule has its page docs/rules/<id>.md, current (npm run rule-docs), and no page is left without a rule", () => {
  const dir = new URL("../../docs/rules/", import.meta.url);
  assert.deepEqual(readdirSync(dir).sort(), RULES.map((r) => `${r.id}.md`).sort());
  for (const rule of RULES)
    assert.equal(
      readFileSync(new URL(`${rule.id}.md`, dir), "utf8"),
      ruleDoc(rule),
      `docs/rules/${rule.id}.md is stale`,
    );
});
