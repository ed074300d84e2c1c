import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadCataloguePath } from "../catalog/load-catalogue.js";
import { loadSystemFile } from "../system/load-system.js";
import { buildModel } from "./model.js";
import { treePolicy } from "./tree-policy.js";
import { diffVersions } from "./version-diff.js";

const shipped = (name: string) =>
  loadCataloguePath(fileURLToPath(new URL(`../../catalogues/extracted/xen-${name}.json`, import.meta.url)));
const system = loadSystemFile(fileURLToPath(new URL("../../examples/x86-classic.yaml", import.meta.url)));
const model = (name: string) => {
  const c = shipped(name);
  return buildModel(c, system, treePolicy(c));
};

describe("diffVersions on the shipped 4.22.0 and master extractions", () => {
  const d = diffVersions(model("4.22.0"), model("master-2026-08-20"));
  const lines = d.checks.map((c) => `${c.kind} ${c.op} ${c.what}`);

  test("the kexec v1 sub-ops master removed (7702e782f3) show in the whole kexec_op", () => {
    assert.deepEqual(
      lines.filter((l) => l.includes("kexec_op")),
      [
        "removed kexec_op sub-op KEXEC_CMD_kexec_load_v1",
        "removed kexec_op sub-op KEXEC_CMD_kexec_unload_v1",
      ],
    );
  });

  test("ioport_mapping needs the target to have the ports it maps on master (3845d3854d)", () => {
    assert.deepEqual(
      d.checks.filter((c) => c.op === "domctl/ioport_mapping").map((c) => [c.kind, c.what]),
      [["added", "gate ioports_access_permitted(d, fmp, fmp + np - 1) else -EPERM when add"]],
    );
  });

  test("master changes no permission of the example's domains", () => {
    assert.deepEqual(d.effective.changes, []);
  });
});
