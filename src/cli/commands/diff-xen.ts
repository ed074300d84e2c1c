import { existsSync } from "node:fs";
import { join } from "node:path";
import { extractedCataloguePath, loadCatalogue } from "../../catalog/load-catalogue.js";
import type { Catalogue } from "../../catalog/schema.js";
import { extractCatalogue } from "../../extract/extract-catalogue.js";
import { treeMeta } from "../../extract/tree-meta.js";
import { DUMMY_H } from "../../extract/xen-tree.js";
import { getPolicy } from "../../policy/registry.js";
import { buildModel } from "../../query/model.js";
import { treePolicy } from "../../query/tree-policy.js";
import { diffVersions } from "../../query/version-diff.js";
import type { DeviceTreeSystemOptions } from "../../system/device-tree-system.js";
import { loadSystemFile } from "../../system/load-system.js";
import { builtinSystemPath } from "../context.js";
import type { Output } from "../output.js";
import { opFilter } from "./matrix.js";

/** A shipped version (its extracted catalogue, so both sides are read the same way), a catalogue file, or a source tree. */
async function resolveSide(spec: string): Promise<Catalogue> {
  if (existsSync(join(spec, DUMMY_H))) return extractCatalogue(spec, { meta: treeMeta(spec) });
  return loadCatalogue(extractedCataloguePath(spec) ?? spec);
}

/** A check's deep run-time conditions would widen the table's column for every row; json has them whole. */
const shorten = (what: string, max = 120): string =>
  what.length > max ? `${what.slice(0, max - 1)}…` : what;

/** `xenpriv diff --xen A --vs B`: what a Xen version or a patch changes, each change with its lines. */
export async function diffXenCommand(
  a: string,
  b: string,
  systemPath?: string,
  hypercalls: readonly string[] = [],
  options: DeviceTreeSystemOptions = {},
): Promise<Output> {
  const system = loadSystemFile(systemPath ?? builtinSystemPath(), options);
  const [ca, cb] = [await resolveSide(a), await resolveSide(b)];
  const model = (c: Catalogue) => buildModel(c, system, c.policy ? treePolicy(c) : getPolicy("dummy"));
  const d = diffVersions(model(ca), model(cb), opFilter(hypercalls));
  const e = d.effective;
  const lines = [
    `Xen ${d.from} -> ${d.to}: ${e.widened} widened, ${e.narrowed} narrowed, ${e.addedOps.length} new and ${e.removedOps.length} removed operations`,
    ...d.lookups.map(
      (l) => `lookup ${l.lookup}: a missing domain gives ${l.from} [${l.fromRef}] -> ${l.to} [${l.toRef}]`,
    ),
    ...d.hooks.map(
      (h) =>
        `hook xsm_${h.hook}: ${h.from ?? "absent"} [${h.fromRef ?? "-"}] -> ${h.to ?? "absent"} [${h.toRef ?? "-"}]`,
    ),
  ];
  const rows = [
    ...e.changes.map((c) => [c.kind, c.domain, c.op, c.target ?? "", `${c.fromRef} -> ${c.toRef}`]),
    ...e.addedOps.map((o) => ["new", "", o, "", ""]),
    ...e.removedOps.map((o) => ["removed", "", o, "", ""]),
    ...d.checks.map((c) => [`check ${c.kind}`, "", c.op, shorten(c.what), c.ref]),
  ];
  return {
    kind: "diff-xen",
    json: d,
    text: lines.join("\n"),
    table: { columns: ["change", "domain", "operation", "target / check", "source"], rows },
  };
}
