import assert from "node:assert/strict";
import { test } from "node:test";
import { lintSystem } from "../lint/lint-system.js";
import { reportOf } from "./report-of.js";

test("reportOf: the page's data with lint's findings framed, the diff and the command line's lockdown", () => {
  const stages: string[] = [];
  const system = "examples/seed-hwdom-qemu.yaml";
  const r = reportOf({
    system,
    vs: "hw-priv-v1",
    cmdline: "console=com1 dom0_mem=1G",
    secureBoot: true,
    onStage: (s) => stages.push(s),
  });
  assert.deepEqual(
    stages.map((s) => s.split(":")[0]),
    ["model", "matrix", "findings", "page"],
  );
  const lint = lintSystem(system, { secureBoot: true });
  assert.deepEqual(
    r.data.findings.map((f) => f.code),
    lint.findings.map((f) => f.rule),
  );
  const framed = r.data.findings.find((f) => f.at?.startsWith(system));
  assert.ok(
    framed?.frame?.some(([line]) => line === framed.frameLine),
    "a finding in the file has its line framed",
  );
  assert.equal(r.vs?.policy.name, "hw-priv-v1");
  assert.ok((r.data.vs?.widened ?? 0) > 0, "hw-priv-v1 widens the hardware domain's rights");
  assert.equal(r.lockdown?.secureBoot, true);
  assert.deepEqual(
    r.lockdown?.tokens.map((t) => t.text),
    ["console=com1", "dom0_mem=1G"],
  );
});
