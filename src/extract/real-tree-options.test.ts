/**
 * The option catalogue of a real Xen tree, named by XEN_SRC (`XEN_SRC=<tree> npm run test:xen`):
 * every registration points at its macro, and a version xenpriv ships
 * (catalogues/options/xen-<version>.json) is extracted again exactly as shipped; the commit of a tree
 * without git comes from XEN_COMMIT, or is unknown and left out of the comparison, with a word.
 * Without XEN_SRC the test says so and passes.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadOptionCatalogue } from "../cmdline/load-option-catalogue.js";
import { packageRoot } from "../core/package-root.js";
import { extractOptionCatalogue } from "./extract-option-catalogue.js";

const root = process.env.XEN_SRC;

test("real tree (XEN_SRC): the option catalogue points at each macro and equals the shipped one", () => {
  if (!root) {
    console.log("XEN_SRC not set: real-tree check not run");
    return;
  }
  const c = extractOptionCatalogue(root, undefined, process.env.XEN_COMMIT);
  for (const o of c.options) {
    const [file, line] = o.ref.split(":") as [string, string];
    const text = readFileSync(join(root, file), "utf8").split("\n")[Number(line) - 1] ?? "";
    assert.match(text, new RegExp(`_param\\(\\s*"${o.name.replace(/[[\]]/g, "\\$&")}"`), o.ref);
  }
  const shipped = join(packageRoot(), "catalogues", "options", `xen-${c.xen}.json`);
  if (!existsSync(shipped)) return;
  const want = loadOptionCatalogue(c.xen);
  if (c.commit) assert.deepEqual(c, want);
  else {
    console.log(`Xen ${c.xen}: commit unknown (no git, no XEN_COMMIT): compared without it`);
    const { commit: _, ...rest } = want;
    assert.deepEqual(c, rest);
  }
});
