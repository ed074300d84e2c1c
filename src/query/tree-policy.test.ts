import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadCataloguePath } from "../catalog/load-catalogue.js";
import type { Catalogue } from "../catalog/schema.js";
import { InputError } from "../core/errors.js";
import { resolveBuiltinPolicy, treePolicy } from "./tree-policy.js";

const shipped = () =>
  loadCataloguePath(fileURLToPath(new URL("../../catalogues/extracted/xen-4.22.0.json", import.meta.url)));

function badPolicy(c: Catalogue): InputError {
  try {
    treePolicy(c);
  } catch (e) {
    assert.ok(e instanceof InputError, `an InputError, not ${String(e)}`);
    return e;
  }
  return assert.fail("the policy compiled");
}

describe("treePolicy", () => {
  test("the shipped 4.22.0 extraction carries a policy that compiles", () => {
    assert.equal(treePolicy(shipped()).name, "tree");
  });

  test("a catalogue file whose policy names an unknown atom is bad input, not a crash", () => {
    const c = shipped();
    const json = JSON.stringify(c.policy).replace('"src == target"', '"bogus atom!"');
    const e = badPolicy({ ...c, policy: JSON.parse(json) });
    assert.equal(e.diagnostics[0]?.code, "catalogue/bad-policy");
    assert.match(e.diagnostics[0]?.message ?? "", /bogus atom!/);
  });

  test("a default action with no case for an action the tree knows is bad input", () => {
    const c = shipped();
    const policy = c.policy as NonNullable<Catalogue["policy"]>;
    const cases = policy.defaultAction.cases.filter(
      (k) => !k.labels.includes("PRIV") && !k.labels.includes("default"),
    );
    const e = badPolicy({ ...c, policy: { ...policy, defaultAction: { ...policy.defaultAction, cases } } });
    assert.equal(e.diagnostics[0]?.code, "catalogue/bad-policy");
    assert.match(e.diagnostics[0]?.message ?? "", /no case for XSM_PRIV/);
  });
});

describe("resolveBuiltinPolicy", () => {
  test("one name resolution for every policy: modules, `tree`, `dummy` as the tree's own, unknown kinds", () => {
    const extracted = shipped();
    assert.equal(resolveBuiltinPolicy(extracted, "tree").name, "tree");
    assert.equal(resolveBuiltinPolicy(extracted, "dummy").name, "tree");
    assert.equal(resolveBuiltinPolicy(extracted, "silo").name, "silo");
    assert.throws(
      () => resolveBuiltinPolicy(extracted, "nokind:file"),
      (e) => e instanceof InputError && e.diagnostics[0]?.code === "policy/unknown",
    );
  });
});
