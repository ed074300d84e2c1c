import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { lintExample } from "../../test/support/lint-example.js";
import type { Finding } from "../lint/rule.js";
import { RULES } from "../lint/rules.js";
import { renderSarif } from "./render-sarif.js";

/** The docs of this checkout, as the CLI's default names them. */
const DOCS = new URL("../../", import.meta.url).href;
const OPTIONS = { docsBase: DOCS, sourceRoot: "file:///example/repo/", cwd: "file:///example/repo/" };

interface Log {
  runs: {
    tool: {
      driver: {
        rules: { id: string; helpUri: string; relationships?: { target: { id: string; index: number } }[] }[];
      };
    };
    originalUriBaseIds?: Record<string, { uri: string }>;
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
    }[];
  }[];
}

describe("SARIF", () => {
  // the SARIF 2.1.0 schema as published on SchemaStore, shipped in @microsoft/jest-sarif (a dev dependency)
  const require = createRequire(import.meta.url);
  const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as object;
  // the schema is JSON Schema draft-04: Ajv with its draft-04 meta-schema
  const Ajv = require("ajv-draft-04") as new (
    options: object,
  ) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null } };
  // its `language` pattern is not valid with the `u` flag (`]?` after a group)
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);

  test("the findings of every bad example, DTS and YAML spans alike, make a valid SARIF 2.1.0 log", () => {
    const findings = RULES.flatMap((r) =>
      lintExample(r.examples.bad, r, r.examples.policy, r.examples.flask?.bad),
    );
    const log = renderSarif(findings, RULES, "0.1.0", OPTIONS) as Log;
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const run = log.runs[0];
    const results = run?.results ?? [];
    assert.equal(results.length, findings.length);
    for (const r of results) assert.equal(run?.tool.driver.rules[r.ruleIndex]?.id, r.ruleId);
  });

  test("every rule, and every boot condition, has a helpUri to its own page, which exists", () => {
    const rules = (renderSarif([], RULES, "0.1.0", OPTIONS) as Log).runs[0]?.tool.driver.rules ?? [];
    assert.equal(rules.length, RULES.length + RULES.reduce((n, r) => n + (r.parts?.length ?? 0), 0));
    for (const r of rules) {
      assert.equal(r.helpUri, `${DOCS}docs/rules/${r.id}.md`);
      assert.ok(existsSync(fileURLToPath(r.helpUri)), `${r.helpUri} exists`);
    }
    const needsIommu = rules.find((r) => r.id === "xen-boot/hardware-needs-iommu");
    assert.deepEqual(needsIommu?.relationships?.[0]?.target, { id: "xen-boot", index: 0 });
  });

  test("a boot finding is reported under its own condition's rule id, other findings under their rule", () => {
    const f = (rule: string, code: string): Finding => ({ rule, code, severity: "error", message: "m" });
    const log = renderSarif(
      [
        f("xen-boot", "boot/hardware-needs-iommu"),
        f("xen-boot", "boot/not-a-condition"),
        f("console-access", "lint/console-access"),
      ],
      RULES,
      "0.1.0",
      OPTIONS,
    ) as Log;
    const run = log.runs[0];
    assert.deepEqual(
      run?.results.map((r) => [r.ruleId, run.tool.driver.rules[r.ruleIndex]?.id]),
      [
        ["xen-boot/hardware-needs-iommu", "xen-boot/hardware-needs-iommu"],
        ["xen-boot", "xen-boot"],
        ["console-access", "console-access"],
      ],
    );
  });

  test("paths are relative to %SRCROOT% (given in originalUriBaseIds); a file outside it keeps its absolute URI", () => {
    const at = (file: string): Finding => ({
      rule: "xen-boot",
      code: "boot/missing-cpus",
      severity: "error",
      message: "m",
      span: { file, line: 3, column: 1 },
    });
    const log = renderSarif(
      [at("boards/my board.dts"), at("/example/repo/a.dts"), at("/elsewhere/b.dts"), at("../c.dts")],
      RULES,
      "0.1.0",
      { ...OPTIONS, cwd: "file:///example/repo/sub/" },
    ) as Log;
    assert.ok(validate(log), JSON.stringify(validate.errors));
    assert.deepEqual(log.runs[0]?.originalUriBaseIds, { "%SRCROOT%": { uri: "file:///example/repo/" } });
    assert.deepEqual(
      log.runs[0]?.results.map((r) => r.locations?.[0]?.physicalLocation.artifactLocation),
      [
        { uri: "sub/boards/my%20board.dts", uriBaseId: "%SRCROOT%" },
        { uri: "a.dts", uriBaseId: "%SRCROOT%" },
        { uri: "file:///elsewhere/b.dts" },
        { uri: "c.dts", uriBaseId: "%SRCROOT%" },
      ],
    );
  });

  test("a finding in a DTB has a byte region, and the schema rejects a log that breaks it", () => {
    const f: Finding = {
      rule: "xen-boot",
      code: "boot/missing-cpus",
      severity: "error",
      message: "no cpus",
      span: { file: "board.dtb", line: 0, column: 0, offset: 0x48, endOffset: 0x60 },
    };
    const log = renderSarif([f], RULES, "0.1.0", OPTIONS) as {
      runs: { results: { locations: unknown[] }[] }[];
    };
    assert.ok(validate(log), JSON.stringify(validate.errors));
    assert.deepEqual(log.runs[0]?.results[0]?.locations, [
      {
        physicalLocation: {
          artifactLocation: { uri: "board.dtb", uriBaseId: "%SRCROOT%" },
          region: { byteOffset: 0x48, byteLength: 0x18 },
        },
      },
    ]);
    assert.equal(validate({ ...log, version: "2.0.0" }), false);
  });
});
