import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { thrownCode } from "../../test/support/thrown-code.js";
import { loadCataloguePath } from "../catalog/load-catalogue.js";
import { resolvePolicy } from "./resolve-policy.js";

const shipped = () =>
  loadCataloguePath(fileURLToPath(new URL("../../catalogues/extracted/xen-4.22.0.json", import.meta.url)));

test("`flask:` names go to the Flask policy, the others to the built-in resolution", () => {
  const c = shipped();
  assert.equal(resolvePolicy(c, "silo").name, "silo");
  assert.equal(resolvePolicy(c, "tree").name, "tree");
  assert.equal(
    thrownCode(() => resolvePolicy(c, "flask:")),
    "policy/flask-path",
  );
  assert.equal(
    thrownCode(() => resolvePolicy(c, "flask:no/such/xenpolicy")),
    "flask/unreadable",
  );
  assert.equal(
    thrownCode(() => resolvePolicy(c, "nokind:file")),
    "policy/unknown",
  );
});
