/**
 * The boot verdicts a real Xen gave (recorded by `npm run test:boot` under
 * test/oracle/xen-<version>/verdicts-arm64.json), replayed without QEMU or a Xen tree: for each
 * boot-rule case, `xenpriv lint`'s boot rules on the recorded `/chosen` (with the build's recorded
 * configuration) must predict what Xen did: the panic with the message the rule names, or every
 * domain up when lint is clean.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import { parseXenConfig } from "../src/cmdline/xen-config.js";
import { parseDts } from "../src/devicetree/parse-dts.js";
import { compareVerdict, expectedPanic, predict, VERDICT_CASES } from "./support/boot-verdicts.js";
import { readVerdictRecord, recordedVersions, recordPath } from "./support/oracle-record.js";

const versions = recordedVersions().filter((v) => existsSync(recordPath(v, "verdicts-arm64.json")));

test("boot verdicts are recorded for Xen 4.22.0 on arm64", () => {
  assert.ok(versions.includes("4.22.0"), `recorded: ${versions.join(", ")}`);
});

for (const xen of versions) {
  describe(`Xen ${xen} arm64, recorded boot verdicts`, () => {
    const record = readVerdictRecord(recordPath(xen, "verdicts-arm64.json"));
    const config = parseXenConfig(`${record.run.build.config.join("\n")}\n`, ".config");

    test("every case was booted, clean ones and one for each rule", () => {
      assert.deepEqual(
        record.cases.map((c) => c.id),
        VERDICT_CASES.map((c) => c.id),
      );
      assert.ok(record.cases.some((c) => c.rule === "clean" && !c.panic));
      assert.ok(record.cases.some((c) => c.panic));
    });

    for (const rec of record.cases) {
      test(`${rec.id}: lint predicts what Xen did`, () => {
        const c = VERDICT_CASES.find((v) => v.id === rec.id);
        assert.ok(c);
        const text = `/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tchosen {\n${rec.chosen}\n\t};\n};\n`;
        const p = predict(parseDts(text, `${rec.id}.dts`), config);
        const cell = compareVerdict(c, p, { ...(rec.panic && { panic: rec.panic }), up: rec.up });
        assert.ok(cell.agree, `xen: ${cell.xen}\nlint: ${cell.model}`);
        // the case breaks the rule it was written for, and Xen stopped on that rule's panic (lint reports
        // every rule a tree breaks; Xen stops at the first it meets)
        if (c.rule === "clean") assert.deepEqual(p.errors, []);
        else assert.equal(cell.hit, c.rule);
      });
    }
  });
}

describe("the verdict comparison", () => {
  test("the text a panic must hold, from the rule's message", () => {
    const d = (message: string) => ({ code: "boot/x", severity: "error" as const, message });
    assert.equal(expectedPanic(d('`a`: Xen panics "Invalid capabilities"')), "Invalid capabilities");
    assert.equal(
      expectedPanic(d('the hardware domain `hw` ...: Xen panics "\\"multiboot,device-tree\\" incompatible"')),
      '"multiboot,device-tree" incompatible',
    );
    assert.equal(
      expectedPanic(
        d(
          '`n` has no 64-bit `memory`: Xen prints "Error building DomU: cannot read \\"memory\\" property" and panics "Could not set up domain n"',
        ),
      ),
      "Could not set up domain n",
    );
    assert.equal(
      expectedPanic(d("`zero` has `cpus = <0>`: domain_create() refuses a domain without vCPUs")),
      "Error creating domain zero",
    );
  });

  test("a clean prediction needs every domain up and no panic; an error, a panic holding its text", () => {
    const c = VERDICT_CASES[0];
    assert.ok(c);
    const n = c.domains.length;
    assert.equal(compareVerdict(c, { errors: [] }, { up: n }).agree, true);
    assert.equal(compareVerdict(c, { errors: [] }, { up: n - 1 }).agree, false);
    assert.equal(compareVerdict(c, { errors: [] }, { up: n, panic: ["x"] }).agree, false);
    const errors = [{ code: "boot/x", message: "", expect: "Invalid capabilities" }];
    assert.equal(compareVerdict(c, { errors }, { up: 0, panic: ["Invalid capabilities (9)"] }).agree, true);
    assert.equal(compareVerdict(c, { errors }, { up: 0, panic: ["something else"] }).agree, false);
    assert.equal(compareVerdict(c, { errors }, { up: n }).agree, false);
  });
});
