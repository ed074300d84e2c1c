import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { roleCoverageSystems } from "../../test/support/role-coverage.js";
import { loadCatalogue, loadCataloguePath } from "../catalog/load-catalogue.js";
import type { Catalogue } from "../catalog/schema.js";
import type { System } from "../model/system.js";
import { getPolicy } from "../policy/registry.js";
import { loadSystemFile } from "../system/load-system.js";
import { decisionAgreement } from "./decision-agreement.js";
import { buildModel } from "./model.js";
import { treePolicy } from "./tree-policy.js";

const curated = loadCatalogue("4.22.0");
const example = (file: string) => ({
  name: file,
  system: loadSystemFile(fileURLToPath(new URL(`../../examples/${file}`, import.meta.url))),
});
const examples = [
  "arm-dom0less-split.dts",
  "arm-dom0less-split.yaml",
  "seed-hwdom-qemu.yaml",
  "x86-classic.yaml",
  "x86-stubdoms.yaml",
].map(example);

const pairs = (other: Catalogue, systems: readonly { name: string; system: System }[], tree = false) =>
  systems.map(({ name, system }) => ({
    name,
    reference: buildModel(curated, system, getPolicy("dummy")),
    other: buildModel(other, system, tree ? treePolicy(other) : getPolicy("dummy")),
  }));

describe("decisionAgreement", () => {
  test("a catalogue agrees with itself on every decision and cell", () => {
    const r = decisionAgreement(pairs(curated, examples));
    assert.deepEqual(r.differences, []);
    assert.equal(r.agreeing, r.compared);
    assert.ok(r.compared > 4000, `${r.compared} compared`);
  });

  test("a lost gate shows as the decisions that change, with the error the guest no longer gets", () => {
    const without = {
      ...curated,
      operations: curated.operations.map((o) =>
        o.id === "domctl/pausedomain" ? { ...o, checks: o.checks.filter((c) => c.kind !== "gate") } : o,
      ),
    } as Catalogue;
    const r = decisionAgreement(pairs(without, [example("x86-classic.yaml")]));
    assert.deepEqual(
      r.differences.map((d) => [d.op, d.kind]),
      [["domctl/pausedomain", "decisions"]],
    );
    const [d] = r.differences;
    assert.ok(
      d?.examples.includes("x86-classic.yaml dom0 on dom0: deny -EINVAL | allow"),
      d?.examples.join("\n"),
    );
  });

  test("an operation only one side has is missing or extra, not compared", () => {
    const fewer = { ...curated, operations: curated.operations.filter((o) => o.id !== "mca") } as Catalogue;
    const r = decisionAgreement(pairs(fewer, [example("x86-classic.yaml")]));
    assert.deepEqual(
      r.differences.map((d) => [d.op, d.kind]),
      [["mca", "missing"]],
    );
  });
});

interface Listed {
  op: string;
  kind: string;
  resolution: string;
  reason: string;
}

describe("the catalogue extracted from RELEASE-4.22.0 decides like the curated one", () => {
  const listed = parse(
    readFileSync(
      new URL("../../catalogues/extracted/xen-4.22.0.decision-differences.yaml", import.meta.url),
      "utf8",
    ),
  ) as Listed[];
  const extracted = loadCataloguePath(
    fileURLToPath(new URL("../../catalogues/extracted/xen-4.22.0.json", import.meta.url)),
  );
  const coverage = [...roleCoverageSystems("x86"), ...roleCoverageSystems("arm")];
  // every example's cells, and every decision of systems covering each role combination and guest type
  const r = decisionAgreement([
    ...pairs(extracted, examples, true),
    ...pairs(extracted, coverage, true).map((p) => ({ ...p, cells: false })),
  ]);

  test("every difference is listed with its kind and reason; no listed one has gone", () => {
    const key = (d: { op: string; kind: string }) => `${d.kind} ${d.op}`;
    const unlisted = r.differences.filter((d) => !listed.some((l) => key(l) === key(d)));
    assert.equal(
      unlisted.length,
      0,
      `not in xen-4.22.0.decision-differences.yaml:\n${stringify(unlisted.map((d) => ({ op: d.op, kind: d.kind, resolution: "?", reason: d.examples.join("; ") })))}`,
    );
    const stale = listed.filter((l) => !r.differences.some((d) => key(d) === key(l)));
    assert.deepEqual(stale.map(key), [], "listed differences that no longer exist: remove them");
    for (const l of listed) {
      // only what one side alone models may differ, each with its reason
      assert.notEqual(l.kind, "decisions", `${l.op}: a decision both sides make must agree, not be listed`);
      assert.equal(l.resolution, "scope", `${l.op}: scope, not ${l.resolution}`);
      assert.ok(l.reason.length > 40, `${l.op}: a reason`);
    }
  });

  test("every decision and cell both catalogues have agrees", () => {
    assert.ok(r.compared > 50_000, `${r.compared} compared`);
    assert.equal(r.agreeing, r.compared);
  });
});
