import { existsSync } from "node:fs";
import { join } from "node:path";
import { extractedCataloguePath, loadCatalogue } from "../../catalog/load-catalogue.js";
import type { Catalogue } from "../../catalog/schema.js";
import { extractCatalogue } from "../../extract/extract-catalogue.js";
import { treeMeta } from "../../extract/tree-meta.js";
import { DUMMY_H } from "../../extract/xen-tree.js";
import { buildModel } from "../../query/model.js";
import { diffVersions } from "../../query/version-diff.js";
import { versionDiffLines, versionDiffMarkdown, versionDiffTable } from "../../report/render-version-diff.js";
import type { DeviceTreeSystemOptions } from "../../system/device-tree-system.js";
import { loadSystemFile } from "../../system/load-system.js";
import { builtinSystemPath, resolvePolicy } from "../context.js";
import type { Output } from "../output.js";
import { opFilter } from "./matrix.js";

/** A shipped version (its extracted catalogue, so both sides are read the same way), a catalogue file, or a source tree. */
async function resolveSide(spec: string): Promise<Catalogue> {
  if (existsSync(join(spec, DUMMY_H))) return extractCatalogue(spec, { meta: treeMeta(spec) });
  return loadCatalogue(extractedCataloguePath(spec) ?? spec);
}

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
  // each side under its own dummy.h when it carries one
  const model = (c: Catalogue) => buildModel(c, system, resolvePolicy(c, "dummy"));
  const d = diffVersions(model(ca), model(cb), opFilter(hypercalls));
  return {
    kind: "diff-xen",
    json: d,
    text: versionDiffLines(d).join("\n"),
    table: versionDiffTable(d),
    markdown: versionDiffMarkdown(d),
  };
}
