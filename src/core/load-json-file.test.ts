import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as zm from "zod/mini";
import { InputError } from "./errors.js";
import { loadJsonFile } from "./load-json-file.js";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-json-"));
after(() => rmSync(dir, { recursive: true, force: true }));
// zod/mini, as the SbatLevel history uses: its safeParse has the shape loadJsonFile takes
const Schema = zm.strictObject({ levels: zm.array(zm.strictObject({ datestamp: zm.string() })) });
const o = { code: "data/corrupt", what: "a level list" };

/** The one diagnostic a bad file gives, as `code: message`. */
function problem(text: string | undefined): string {
  const path = join(dir, `f${Math.random()}.json`);
  if (text !== undefined) writeFileSync(path, text);
  try {
    loadJsonFile(path, Schema, o);
  } catch (e) {
    assert.ok(e instanceof InputError);
    return `${e.diagnostics[0]?.code}: ${e.diagnostics[0]?.message.replace(path, "F")}`;
  }
  return assert.fail("no error");
}

test("a missing, non-JSON or invalid data file is bad input naming the file and the path inside it", () => {
  assert.equal(problem(undefined), "data/corrupt: cannot read `F`: ENOENT");
  assert.match(problem("{"), /^data\/corrupt: `F` is not JSON: /);
  assert.match(
    problem('{"levels":[{"datestamp":1}]}'),
    /^data\/corrupt: `F` is not a level list: levels\.0\.datestamp: /,
  );
  const path = join(dir, "good.json");
  writeFileSync(path, '{"levels":[{"datestamp":"2024010100"}]}');
  assert.deepEqual(loadJsonFile(path, Schema, o), { levels: [{ datestamp: "2024010100" }] });
});
