import assert from "node:assert/strict";
import { test } from "node:test";
import { loadCatalogue } from "../catalog/load-catalogue.js";
import { diffCatalogues } from "./diff-catalogues.js";
import { diffPolicies } from "./diff-policies.js";
import { difference } from "./difference.js";
import { loadModels, loadSystem } from "./load-models.js";
import type { Model } from "./model.js";

test("difference of a policy diff: widened requests are added, narrowed ones removed, each its own witness", () => {
  const [a, b] = loadModels({}, ["dummy", "hw-priv-v1"]) as [Model, Model];
  const d = diffPolicies(a, b);
  const diff = difference(d);
  assert.equal(diff.added.length, d.widened);
  assert.equal(diff.removed.length, d.narrowed);
  assert.deepEqual(diff.changed, []);
  assert.deepEqual(diff.added[0], { item: "permission", ...d.changes.find((c) => c.kind === "widened") });
  const same = difference(diffPolicies(a, a));
  assert.deepEqual([same.added, same.removed, same.changed], [[], [], []]);
});

test("difference of a version diff: operations and checks added and removed, hooks and lookups changed", () => {
  const v = diffCatalogues(
    loadCatalogue("catalogues/extracted/xen-4.20.0.json"),
    loadCatalogue("catalogues/extracted/xen-4.22.0.json"),
    loadSystem(),
  );
  const diff = difference(v);
  const count = (xs: readonly { item: string }[], item: string) => xs.filter((x) => x.item === item).length;
  assert.equal(count(diff.added, "permission"), v.effective.widened);
  assert.equal(count(diff.added, "operation"), v.effective.addedOps.length);
  assert.equal(count(diff.removed, "check"), v.checks.filter((c) => c.kind === "removed").length);
  assert.equal(count(diff.added, "check"), v.checks.filter((c) => c.kind === "added").length);
  assert.equal(diff.changed.length, v.hooks.length + v.lookups.length);
  assert.ok(diff.added.length > 0);
});
