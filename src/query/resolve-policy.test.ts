import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadCataloguePath } from "../catalog/load-catalogue.js";
import { InputError } from "../core/errors.js";
import { resolvePolicy } from "./resolve-policy.js";

const shipped = () =>
  loadCataloguePath(fileURLToPath(new URL("../../catalogues/extracted/xen-4.22.0.json", import.meta.url)));

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof InputError, `an InputError, not ${String(e)}`);
    return e.diagnostics[0]?.code;
  }
  return assert.fail("the name resolved");
};

test("`flask:` names go to the Flask policy, the others to the built-in resolution", () => {
  const c = shipped();
  assert.equal(resolvePolicy(c, "silo").name, "silo");
  assert.equal(resolvePolicy(c, "tree").name, "tree");
  assert.equal(
    code(() => resolvePolicy(c, "flask:")),
    "policy/flask-path",
  );
  assert.equal(
    code(() => resolvePolicy(c, "flask:no/such/xenpolicy")),
    "flask/unreadable",
  );
  assert.equal(
    code(() => resolvePolicy(c, "nokind:file")),
    "policy/unknown",
  );
});
