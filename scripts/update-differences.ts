// Rewrites catalogues/extracted/xen-4.22.0.differences.yaml from the shipped 4.22.0 extraction:
// both sides' lines are recomputed, resolutions and reasons kept for differences still there, new
// ones marked `resolution: "?"` (the agreement test fails until someone writes them), fixed ones dropped.
// Run: npx tsx scripts/update-differences.ts
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { loadCatalogue, loadCataloguePath } from "../src/catalog/load-catalogue.js";
import { xsmAgreement } from "../src/query/xsm-agreement.js";

interface Listed {
  op: string;
  kind: string;
  resolution: string;
  reason: string;
  reference: string[];
  extracted: string[];
}

const file = fileURLToPath(new URL("../catalogues/extracted/xen-4.22.0.differences.yaml", import.meta.url));
const text = readFileSync(file, "utf8");
// the header is the leading comment block
const header = /^(#.*\n)*/.exec(text)?.[0] ?? "";
const listed = (parse(text) ?? []) as Listed[];
const extracted = loadCataloguePath(
  fileURLToPath(new URL("../catalogues/extracted/xen-4.22.0.json", import.meta.url)),
);
const out = xsmAgreement(loadCatalogue("4.22.0"), extracted).map((d) => {
  // a difference whose lines changed is reviewed again
  const was = listed.find(
    (l) =>
      l.op === d.op &&
      l.kind === d.kind &&
      JSON.stringify(l.reference) === JSON.stringify(d.reference) &&
      JSON.stringify(l.extracted) === JSON.stringify(d.extracted),
  );
  return {
    op: d.op,
    kind: d.kind,
    resolution: was?.resolution ?? "?",
    reason: was?.reason ?? "?",
    reference: [...d.reference],
    extracted: [...d.extracted],
  };
});
writeFileSync(file, header + stringify(out, { lineWidth: 0 }));
const open = out.filter((o) => o.resolution === "?").map((o) => o.op);
console.log(
  `${out.length} differences; ${open.length} to review${open.length ? `: ${open.join(", ")}` : ""}`,
);
