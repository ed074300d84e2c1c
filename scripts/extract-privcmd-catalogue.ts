/**
 * `npx tsx scripts/extract-privcmd-catalogue.ts <xen-tree> <version> [-o file]`: every hypercall and
 * sub-op of a Xen tree (src/extract/hypercall-catalogue.ts) as the privcmd catalogue's JSON, validated
 * against its schema; stdout without `-o`.
 */
import { writeFileSync } from "node:fs";
import { extractHypercallCatalogue } from "../src/extract/hypercall-catalogue.js";

const args = process.argv.slice(2);
const o = args.indexOf("-o");
const out = o >= 0 ? args[o + 1] : undefined;
const [tree, version] = o >= 0 ? args.filter((_, i) => i !== o && i !== o + 1) : args;
if (!tree || !version || (o >= 0 && !out)) {
  process.stderr.write("usage: extract-privcmd-catalogue.ts <xen-tree> <version> [-o file]\n");
  process.exit(2);
}
// extractHypercallCatalogue validates what it returns
const catalogue = await extractHypercallCatalogue(tree, version);
const json = `${JSON.stringify(catalogue, null, 2)}\n`;
if (out) writeFileSync(out, json);
else process.stdout.write(json);
