import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, test } from "node:test";
import { lintExample } from "../../test/support/lint-example.js";
import type { Rule } from "./rule.js";
import { RULES } from "./rules.js";
import { fillMessage } from "./run-lint.js";

describe("the rule registry", () => {
  test("ids are unique and each is the name of the rule's file", () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    const files = readdirSync(new URL("./rules/", import.meta.url))
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .map((f) => f.replace(/\.ts$/, ""));
    assert.deepEqual(files.sort(), [...ids].sort());
  });

  test("every rule describes itself: what, why with a source, messages whose placeholders are filled", () => {
    for (const rule of RULES) {
      assert.ok(rule.what.length > 20 && rule.why.length > 80, rule.id);
      assert.match(rule.why, /\.(c|h|txt|rst):?\d*|seed/, `${rule.id}: the source of its fact`);
      assert.ok(Object.keys(rule.messages).length > 0, rule.id);
    }
    const rule = RULES[0] as Rule;
    const [id, template] = Object.entries(rule.messages)[0] as [string, string];
    const names = [...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] as string);
    assert.throws(() => fillMessage(rule, id, {}), names.length ? /no value for/ : /./);
    assert.throws(() => fillMessage(rule, "no-such-message"), /has no message/);
  });
});

describe("each rule on its own examples", () => {
  for (const rule of RULES)
    test(`${rule.id}: the bad example is reported, the good one is not`, () => {
      const bad = lintExample(rule.examples.bad, rule, rule.examples.policy, rule.examples.flask?.bad);
      assert.ok(bad.length > 0, `${rule.id}: nothing found in its bad example`);
      for (const f of bad) {
        assert.equal(f.rule, rule.id);
        assert.ok(f.span, `${rule.id}: a finding with a place`);
        assert.doesNotMatch(f.message, /\{\{/);
      }
      assert.deepEqual(
        lintExample(rule.examples.good, rule, rule.examples.policy, rule.examples.flask?.good),
        [],
      );
    });
});
