/**
 * The command-line outcomes a real Xen printed (recorded by `npm run test:boot` under
 * test/oracle/xen-<version>/cmdline-arm64.json), replayed without QEMU or a Xen tree: for every
 * recorded line, `xenpriv cmdline` (arm64, the recorded build's .config, no lockdown) must predict
 * the warnings Xen printed, line for line. The one class set aside is named and counted: refusals by
 * custom handlers, whose code the model does not run (test/support/cmdline-oracle.ts).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import { loadOptionCatalogue } from "../src/cmdline/load-option-catalogue.js";
import {
  buildConfig,
  compareCmdline,
  marker,
  packLines,
  predictedWarnings,
  splitWarnings,
} from "./support/cmdline-oracle.js";
import { readCmdlineRecord, recordedVersions, recordPath } from "./support/oracle-record.js";

const versions = recordedVersions().filter((v) => existsSync(recordPath(v, "cmdline-arm64.json")));

test("outcomes are recorded for Xen 4.22.0 on arm64", () => {
  assert.ok(versions.includes("4.22.0"), `recorded: ${versions.join(", ")}`);
});

for (const xen of versions) {
  describe(`Xen ${xen} arm64, recorded`, () => {
    const record = readCmdlineRecord(recordPath(xen, "cmdline-arm64.json"));
    const catalogue = loadOptionCatalogue(xen);
    const config = buildConfig(record.run.build.config);

    test("the record says what ran: a commit, a build configuration, QEMU", () => {
      assert.equal(record.run.xen, xen);
      assert.match(record.run.commit, /^[0-9a-f]{40}$/);
      assert.ok(config.values.get("CONFIG_ARM_64") === "y", "an arm64 build");
      assert.match(record.run.qemu.version, /^QEMU emulator version /);
      assert.ok(record.cases.length >= 500, `${record.cases.length} lines`);
      assert.deepEqual(record.unobserved, []);
    });

    test("every warning Xen printed is the model's, but for custom handlers' refusals", () => {
      const cmp = compareCmdline(catalogue, record.cases, config);
      console.log(
        `Xen ${xen} arm64: ${cmp.lines} lines, ${cmp.tokens} tokens, ${cmp.warnings} warnings printed; ${cmp.agreed} lines agree exactly, ${cmp.handlerOnly} once custom handlers' refusals (${[...cmp.handlerRefusals.values()].reduce((a, b) => a + b, 0)}) are set aside, ${cmp.disagreements.length} disagree`,
      );
      assert.deepEqual(cmp.disagreements.slice(0, 3), []);
      assert.equal(cmp.agreed + cmp.handlerOnly, cmp.lines);
      // most lines are predicted exactly: the set-aside class stays the exception
      assert.ok(cmp.agreed / cmp.lines > 0.7, `${cmp.agreed} of ${cmp.lines}`);
    });

    test("the build's .config matters: without it, options the build leaves out would be predicted", () => {
      // Xen said `parameter "pci" unknown!` (CONFIG_HAS_PCI is off in arm64's defconfig)
      const line = record.cases.find((c) => c.warnings.includes('parameter "pci" unknown!'));
      assert.ok(line, "a recorded line with `pci`");
      assert.ok(predictedWarnings(catalogue, line.line, config).includes('parameter "pci" unknown!'));
      assert.ok(!predictedWarnings(catalogue, line.line).includes('parameter "pci" unknown!'));
    });
  });
}

const x86Versions = recordedVersions().filter((v) => existsSync(recordPath(v, "cmdline-x86_64.json")));

test("outcomes are recorded for Xen 4.22.0 on x86_64", () => {
  assert.ok(x86Versions.includes("4.22.0"), `recorded: ${x86Versions.join(", ")}`);
});

for (const xen of x86Versions) {
  describe(`Xen ${xen} x86_64, recorded`, () => {
    const record = readCmdlineRecord(recordPath(xen, "cmdline-x86_64.json"));
    const catalogue = loadOptionCatalogue(xen);
    const config = buildConfig(record.run.build.config);

    test("the record says what ran, and where the warnings were read", () => {
      assert.equal(record.run.arch, "x86_64");
      assert.match(record.run.commit, /^[0-9a-f]{40}$/);
      assert.ok(config.values.get("CONFIG_X86_64") === "y", "an x86_64 build");
      assert.match(record.run.qemu.version, /^QEMU emulator version /);
      // x86 parses its command line before its console exists: none on the serial port, all in the ring
      assert.equal(record.source, "console ring");
      assert.equal(record.serialWarnings, 0);
      assert.ok(record.cases.length >= 500, `${record.cases.length} lines`);
      // a line that hangs Xen before its panic (no ring to read) is listed, and stays the exception
      assert.ok(
        record.unobserved.length <= record.cases.length * 0.02,
        `${record.unobserved.length} unobserved`,
      );
    });

    test("every warning Xen put in its console ring is the model's, but for custom handlers' refusals", () => {
      const cmp = compareCmdline(catalogue, record.cases, config, "x86_64");
      console.log(
        `Xen ${xen} x86_64: ${cmp.lines} lines, ${cmp.tokens} tokens, ${cmp.warnings} warnings; ${cmp.agreed} lines agree exactly, ${cmp.handlerOnly} once custom handlers' refusals (${[...cmp.handlerRefusals.values()].reduce((a, b) => a + b, 0)}) are set aside, ${cmp.disagreements.length} disagree`,
      );
      assert.deepEqual(cmp.disagreements.slice(0, 3), []);
      assert.equal(cmp.agreed + cmp.handlerOnly, cmp.lines);
      assert.ok(cmp.agreed / cmp.lines > 0.5, `${cmp.agreed} of ${cmp.lines}`);
    });

    test("options registered only in debug builds are unknown to this one (`#ifndef NDEBUG`, CONFIG_HVM_FEP)", () => {
      for (const name of ["hvm_fep", "highmem-start", "hvm_debug"]) {
        const c = record.cases.find((x) => x.warnings.includes(`parameter "${name}" unknown!`));
        assert.ok(c, `a recorded line where Xen said ${name} is unknown`);
        assert.ok(
          predictedWarnings(catalogue, c.line, config, "x86_64").includes(`parameter "${name}" unknown!`),
        );
      }
    });
  });
}

describe("the comparison", () => {
  const catalogue = loadOptionCatalogue("4.22.0");
  const config = buildConfig(["CONFIG_ARM=y", "CONFIG_ARM_64=y", "CONFIG_XSM=y"]);

  test("a warning the model does not predict, from no custom handler, is a disagreement", () => {
    const cmp = compareCmdline(
      catalogue,
      [
        { line: "frobnicate=1", warnings: ['parameter "frobnicate" unknown!'] },
        { line: "hmp-unsafe=1", warnings: ['parameter "hmp-unsafe" has invalid value "1", rc=-22!'] },
        { line: "frobnicate=1", warnings: [] },
      ],
      config,
    );
    assert.equal(cmp.agreed, 1);
    assert.deepEqual(
      cmp.disagreements.map((d) => d.line),
      ["hmp-unsafe=1", "frobnicate=1"],
    );
  });

  test("a prefix option's refusal: Xen prints the token's key and what follows its `=`", () => {
    const x86 = buildConfig([
      "CONFIG_X86=y",
      "CONFIG_X86_64=y",
      "CONFIG_AMD_IOMMU=y",
      "CONFIG_HAS_PASSTHROUGH=y",
    ]);
    const cmp = compareCmdline(
      catalogue,
      [
        { line: "ivrs_hpet[4]=bad", warnings: ['parameter "ivrs_hpet[4]" has invalid value "bad", rc=-22!'] },
        {
          line: "ivrs_hpet[4]=bad",
          warnings: ['parameter "ivrs_hpet[4]" has invalid value "good", rc=-22!'],
        },
      ],
      x86,
      "x86_64",
    );
    assert.equal(cmp.handlerOnly, 1);
    assert.equal(cmp.disagreements.length, 1);
  });

  test("a custom handler's refusal is set aside only with the value the model passes it", () => {
    const cmp = compareCmdline(
      catalogue,
      [
        { line: "serrors=bad", warnings: ['parameter "serrors" has invalid value "bad", rc=-22!'] },
        { line: "serrors=bad", warnings: ['parameter "serrors" has invalid value "good", rc=-22!'] },
        // under `no-`, the handler gets `no` and Xen prints the key as `no`
        { line: "no-serrors", warnings: ['parameter "no" has invalid value "no", rc=-22!'] },
      ],
      config,
    );
    assert.equal(cmp.handlerOnly, 2);
    assert.deepEqual(Object.fromEntries(cmp.handlerRefusals), { serrors: 2 });
    assert.deepEqual(
      cmp.disagreements.map((d) => d.xen),
      [['parameter "serrors" has invalid value "good", rc=-22!']],
    );
  });

  test("lines packed into boots come apart again at their markers", () => {
    const lines = ["a=1", "b", "x".repeat(500), "c=2 d"];
    const boots = packLines(lines, 520);
    assert.deepEqual(
      boots.map((b) => b.cases),
      [[0, 1], [2], [3]],
    );
    assert.equal(boots[0]?.bootargs, `a=1 ${marker(0)} b ${marker(1)}`);
    for (const b of boots) assert.ok(b.bootargs.length <= 520);
    const printed = [
      'parameter "a" unknown!',
      `parameter "${marker(0)}" unknown!`,
      `parameter "${marker(1)}" unknown!`,
    ];
    assert.deepEqual(
      [...splitWarnings(printed, [0, 1])],
      [
        [0, ['parameter "a" unknown!']],
        [1, []],
      ],
    );
    // a marker that never came (the boot stopped) leaves its line out
    assert.deepEqual([...splitWarnings(printed.slice(0, 2), [0, 1])], [[0, ['parameter "a" unknown!']]]);
  });
});
