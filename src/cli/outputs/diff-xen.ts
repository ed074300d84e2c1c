import { catalogueFrom, isXenTree } from "../../extract/catalogue-from.js";
import { diffCatalogues } from "../../query/diff-catalogues.js";
import { loadSystem, type SystemOptions } from "../../query/load-models.js";
import { versionDiffLines, versionDiffMarkdown, versionDiffTable } from "../../report/render-version-diff.js";
import { narrowInlining } from "../inlining-budget.js";
import type { Output } from "../output.js";

/** `xenpriv diff --xen A --vs B`: what a Xen version or a patch changes, each change with its lines. */
export async function diffXenCommand(
  a: string,
  b: string,
  o: SystemOptions & { readonly hypercall: readonly string[] },
): Promise<Output> {
  const system = loadSystem(o);
  // a tree is extracted as `extract` does it (without the cache)
  if (isXenTree(a) || isXenTree(b)) narrowInlining();
  const [ca, cb] = [await catalogueFrom(a), await catalogueFrom(b)];
  const d = diffCatalogues(ca, cb, system, { hypercalls: o.hypercall });
  return {
    kind: "diff-xen",
    json: d,
    text: versionDiffLines(d).join("\n"),
    table: versionDiffTable(d),
    markdown: versionDiffMarkdown(d),
  };
}
