// Writes catalogues/flask/xen-<version>.json: what each Flask hook of a tree checks, as
// src/extract/flask-hooks.ts reads it. Usage: tsx scripts/update-flask-hooks.ts <xen-tree> <tag>
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCParser } from "../src/extract/c-parser.js";
import { flaskHookFiles, readFlaskHooks } from "../src/extract/flask-hooks.js";
import { treeXenVersion } from "../src/flask/build-policy.js";

const [root, tag] = process.argv.slice(2);
if (!root || !tag) {
  console.error("usage: tsx scripts/update-flask-hooks.ts <xen-tree> <tag>");
  process.exit(2);
}
const hooks = readFlaskHooks(flaskHookFiles(root), await loadCParser());
const out = join("catalogues", "flask", `xen-${treeXenVersion(root)}.json`);
writeFileSync(out, `${JSON.stringify({ flask: { source: tag, hooks } })}\n`);
console.log(`${out}: ${hooks.length} hooks, ${hooks.reduce((n, h) => n + h.checks.length, 0)} checks`);
