// Every example file names its JSON Schema for an editor's YAML language server (the modeline on its
// first line), and the schema it names, served from the package, accepts it and flags a typo.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { loadSystemFile } from "../src/system/load-system.js";

const require = createRequire(import.meta.url);
const Ajv = require("ajv") as new (
  o: object,
) => {
  compile(
    schema: object,
  ): ((x: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] };
};
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MODELINE = /^# yaml-language-server: \$schema=(\S+)$/;

/** The YAML examples and the schema each must name: system files, and privcmd filter profiles. */
const EXAMPLES: [string, string][] = [
  ...readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f): [string, string] => [`examples/${f}`, "system.schema.json"]),
  ...readdirSync(join(ROOT, "examples/profiles"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f): [string, string] => [`examples/profiles/${f}`, "privcmd-profile.schema.json"]),
];

/**
 * A validator as a YAML language server has one: draft-07 (what the Red Hat server reads), strict, so
 * a keyword of a later draft that it would ignore fails the test instead.
 */
function validator(schemaFile: string) {
  const { $schema: _, ...schema } = JSON.parse(readFileSync(schemaFile, "utf8")) as Record<string, unknown>;
  return new Ajv({ strict: true, allErrors: true }).compile(schema);
}

test("every YAML example names its schema on its first line, by a path that exists", () => {
  assert.ok(EXAMPLES.length >= 5);
  for (const [file, schema] of EXAMPLES) {
    const first = readFileSync(join(ROOT, file), "utf8").split("\n")[0] ?? "";
    const m = MODELINE.exec(first);
    assert.ok(m, `${file}: ${first}`);
    const target = resolve(dirname(join(ROOT, file)), m[1] as string);
    assert.equal(target, join(ROOT, "schemas", schema), file);
    assert.ok(existsSync(target));
  }
});

test("the schema an example names accepts it, as the loader does, and flags a misspelt key", () => {
  for (const [file, schema] of EXAMPLES) {
    const validate = validator(join(ROOT, "schemas", schema));
    const doc = parse(readFileSync(join(ROOT, file), "utf8")) as Record<string, unknown>;
    assert.equal(validate(doc), true, `${file}: ${JSON.stringify(validate.errors)}`);
    const typo = Object.keys(doc).at(-1) as string;
    const { [typo]: value, ...rest } = doc;
    assert.equal(validate({ ...rest, [`${typo}s`]: value }), false, `${file}: \`${typo}s\` accepted`);
  }
  for (const [file] of EXAMPLES.filter(([, s]) => s === "system.schema.json"))
    assert.ok(loadSystemFile(join(ROOT, file)).domains.length > 0, file);
});

test("the package serves the schemas: `xenpriv/schemas/system.schema.json` resolves to the published file", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    files: string[];
    exports: Record<string, unknown>;
  };
  assert.ok(pkg.files.includes("schemas"));
  // the package resolves its own name through its exports, as a user's tools do from node_modules
  for (const schema of new Set(EXAMPLES.map(([, s]) => s)))
    assert.equal(require.resolve(`xenpriv/schemas/${schema}`), join(ROOT, "schemas", schema));
});
