import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { sesearch, unexplainedRules } from "../../test/support/flask-tools.js";
import { indexPolicy } from "./access-vector.js";
import { buildPolicy } from "./build-policy.js";
import { formatAvRule, formatRules } from "./describe-policy.js";
import { parsePolicyConf } from "./parse-policy-conf.js";
import { readPolicy } from "./read-policy.js";
import { ruleStatements } from "./rule-statements.js";

// the policy of a Xen-shaped tree written for the tests, built as a Xen tree's is (m4 -s, checkpolicy)
const TREE = "test/fixtures/flask/tree";
const built = buildPolicy(TREE);
const policy = readPolicy(built.bytes, built.name);
const statements = parsePolicyConf(built.conf, "policy.conf", (f) => `${built.confDir}/${f}`);

test("ruleStatements: every rule sesearch lists comes from statements whose permissions make it", () => {
  const file = join(mkdtempSync(join(tmpdir(), "xenpriv-rule-statements-")), built.name);
  writeFileSync(file, built.bytes);
  const ix = indexPolicy(policy);
  // the rules are sesearch's (independent reader), each accounted for by the source
  for (const [kind, flag] of [
    ["allow", "-A"],
    ["dontaudit", "--dontaudit"],
    ["type_transition", "-T"],
  ] as const)
    assert.deepEqual(formatRules(ix, kind).sort(), sesearch(file, [flag]), kind);
  assert.equal(formatRules(ix, "allow").length, 20);
  assert.deepEqual(unexplainedRules(policy, statements), []);
});

test("ruleStatements: attributes kept or expanded as checkpolicy does, self, `-`, `*`, `~`, branches", () => {
  const ix = indexPolicy(policy);
  const found = ruleStatements(policy, statements);
  const by = new Map(
    [...found].map(([r]) => {
      const c = policy.conditionals.find((x) => x.whenTrue.includes(r) || x.whenFalse.includes(r));
      const when = c ? (c.whenTrue.includes(r) ? " [True]" : " [False]") : "";
      return [`${formatAvRule(ix, r)}${when}`, found.get(r)?.map((s) => [s.statement.text, s.perms >>> 0])];
    }),
  );
  // an attribute alone stays one rule
  assert.deepEqual(by.get("allow dom0_t domain_type:domain pause;"), [
    ["allow dom0_t domain_type:domain pause;", 1],
  ]);
  // `-` expands the set; `*` is every bit of the vector, and the rule keeps them
  assert.deepEqual(by.get("allow dom0_t device_t:resource { add remove use };"), [
    ["allow dom0_t { resource_type -nic_t }:resource *;", 0xffffffff],
  ]);
  assert.deepEqual(by.get("allow dom0_t nic_t:resource use;"), [
    ["allow dom0_t nic_t:resource ~{ add remove };", 0xfffffffc],
  ]);
  assert.deepEqual(by.get("allow dom0_t dom0_t:domain2 setclaim;"), [
    ["allow dom0_t self:domain2 setclaim;", 1],
  ]);
  // two statements meet in one rule
  assert.deepEqual(by.get("allow dom0_t domU_t:domain { pause unpause };"), [
    ["allow dom0_t domU_t:domain { pause unpause };", 3],
    ["allow dom0_t domU_t:domain unpause;", 2],
  ]);
  // `if (!guest_console)`'s rule is the False branch of the policy's one conditional on guest_console
  assert.equal(policy.conditionals.length, 1);
  assert.deepEqual(by.get("allow domU_t xen_t:xen readconsole; [False]"), [
    ["allow domU_t xen_t:xen readconsole;", 1],
  ]);
  assert.deepEqual(by.get("dontaudit domU_t xen_t:xen writeconsole; [False]"), [
    ["dontaudit domU_t xen_t:xen writeconsole;", 2],
  ]);
  // a neverallow writes no rule
  assert.ok(![...found.values()].flat().some((s) => s.statement.kind === "neverallow"));
});
