/**
 * `npx tsx scripts/extract-privcmd-catalogue.ts <xen-tree> <version> [-o file]`: every hypercall and
 * sub-op of a Xen tree (src/extract/hypercall-catalogue.ts) as the privcmd catalogue's JSON, validated
 * against its schema; stdout without `-o`. Bad input (no tree, not a Xen tree, an unreadable file, an
 * `-o` that cannot be written) is a diagnostic and exit 2, as in `xenpriv extract`; the file is
 * written whole or not at all.
 */
import { writeWhole } from "../src/cli/write-whole.js";
import { InputError } from "../src/core/errors.js";
import { extractHypercallCatalogue } from "../src/extract/hypercall-catalogue.js";
import { checkLayout } from "../src/extract/xen-tree.js";
import { renderDiagnostics } from "../src/report/render-diagnostics.js";

const args = process.argv.slice(2);
const o = args.indexOf("-o");
const out = o >= 0 ? args[o + 1] : undefined;
const [tree, version] = o >= 0 ? args.filter((_, i) => i !== o && i !== o + 1) : args;
if (!tree || !version || (o >= 0 && !out)) {
  process.stderr.write("usage: extract-privcmd-catalogue.ts <xen-tree> <version> [-o file]\n");
  process.exit(2);
}
try {
  checkLayout(tree);
  // extractHypercallCatalogue validates what it returns
  const json = `${JSON.stringify(await extractHypercallCatalogue(tree, version), null, 2)}\n`;
  if (out) writeWhole(out, json);
  else process.stdout.write(json);
} catch (e) {
  if (!(e instanceof InputError)) throw e;
  process.stderr.write(`${renderDiagnostics(e.diagnostics)}\n`);
  process.exit(2);
}
