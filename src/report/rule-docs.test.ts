import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { RULES } from "../lint/rules.js";
import { ruleDoc } from "./rule-docs.js";
import { rulePartDoc } from "./rule-part-doc.js";

const dir = new URL("../../docs/rules/", import.meta.url);

test("every rule has its page docs/rules/<id>.md, current (npm run rule-docs), and no page is left without a rule", () => {
  const files = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile());
  assert.deepEqual(files.map((e) => e.name).sort(), RULES.map((r) => `${r.id}.md`).sort());
  for (const rule of RULES)
    assert.equal(
      readFileSync(new URL(`${rule.id}.md`, dir), "utf8"),
      ruleDoc(rule),
      `docs/rules/${rule.id}.md is stale`,
    );
});

test("every part of a rule (boot conditions, Flask checks) has its page docs/rules/<rule>/<part>.md, current, linked from the rule's", () => {
  const folders = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  assert.deepEqual(
    folders.map((e) => e.name).sort(),
    RULES.filter((r) => r.parts)
      .map((r) => r.id)
      .sort(),
  );
  for (const rule of RULES.filter((r) => r.parts)) {
    const parts = rule.parts ?? [];
    assert.ok(parts.length > (rule.id === "xen-boot" ? 40 : 1), `${rule.id}: its conditions`);
    assert.deepEqual(readdirSync(new URL(`${rule.id}/`, dir)).sort(), parts.map((p) => `${p.id}.md`).sort());
    for (const part of parts) {
      assert.equal(
        readFileSync(new URL(`${rule.id}/${part.id}.md`, dir), "utf8"),
        rulePartDoc(rule, part),
        `docs/rules/${rule.id}/${part.id}.md is stale`,
      );
      assert.ok(
        ruleDoc(rule).includes(`](${rule.id}/${part.id}.md)`),
        `${part.id} is linked from ${rule.id}.md`,
      );
    }
  }
});
