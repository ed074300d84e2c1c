// Rewrites catalogues/extracted/xen-4.22.0.differences.yaml from the shipped 4.22.0 extraction:
// both sides' lines are recomputed, resolutions and reasons kept for differences still there, new
// ones marked `resolution: "?"` (the agreement test fails until someone writes them), fixed ones dropped.
// Run: npx tsx scripts/update-differences.ts
import { readFileSync, writeFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { loadCatalogue, loadCataloguePath } from "../src/catalog/load-catalogue.js";
import { xsmAgreement } from "../src/query/xsm-agreement.js";

const file = new URL("../catalogues/extracted/xen-4.22.0.differences.yaml", import.meta.url).pathname;
const text = readFileSync(file, "utf8");
const header = text.slice(0, text.search(/^- /m));
const listed = parse(text) as { op: string; kind: string; resolution: string; reason: string }[];
const extracted = loadCataloguePath(
  new URL("../catalogues/extracted/xen-4.22.0.json", import.meta.url).pathname,
);
const out = xsmAgreement(loadCatalogue("4.22.0"), extracted).map((d) => {
  const was = listed.find((l) => l.op === d.op && l.kind === d.kind);
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
