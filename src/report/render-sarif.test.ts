import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import { lintExample } from "../../test/support/lint-example.js";
import type { Finding } from "../lint/rule.js";
import { RULES } from "../lint/rules.js";
import { renderSarif } from "./render-sarif.js";

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
    const findings = RULES.flatMap((r) => lintExample(r.examples.bad, r, r.examples.policy));
    const log = renderSarif(findings, RULES, "0.1.0") as {
      runs: { results: { ruleId: string; ruleIndex: number; level: string }[] }[];
    };
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const results = log.runs[0]?.results ?? [];
    assert.equal(results.length, findings.length);
    for (const r of results) assert.equal(RULES[r.ruleIndex]?.id, r.ruleId);
  });

  test("a finding in a DTB has a byte region, and the schema rejects a log that breaks it", () => {
    const f: Finding = {
      rule: "xen-boot",
      code: "boot/missing-cpus",
      severity: "error",
      message: "no cpus",
      span: { file: "board.dtb", line: 0, column: 0, offset: 0x48, endOffset: 0x60 },
    };
    const log = renderSarif([f], RULES, "0.1.0") as { runs: { results: { locations: unknown[] }[] }[] };
    assert.ok(validate(log), JSON.stringify(validate.errors));
    assert.deepEqual(log.runs[0]?.results[0]?.locations, [
      {
        physicalLocation: {
          artifactLocation: { uri: "board.dtb" },
          region: { byteOffset: 0x48, byteLength: 0x18 },
        },
      },
    ]);
    assert.equal(validate({ ...log, version: "2.0.0" }), false);
  });
});
