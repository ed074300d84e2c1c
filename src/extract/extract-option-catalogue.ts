import { existsSync } from "node:fs";
import { join } from "node:path";
import type { OptionCatalogue } from "../cmdline/option-catalogue.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { COMMAND_LINE_DOC, readCommandLineDoc } from "./command-line-doc.js";
import { extractOptions } from "./command-line-options.js";
import { treeMeta } from "./tree-meta.js";
import { readSource } from "./xen-tree.js";

const PARAM_H = "xen/include/xen/param.h";

/**
 * A tree's command-line options joined with their documentation, and where the two differ; `commit`
 * names the commit of a tree without git (tree-meta.ts).
 */
export function extractOptionCatalogue(root: string, xen?: string, commit?: string): OptionCatalogue {
  if (!existsSync(join(root, PARAM_H)))
    fail(
      error(
        "extract/not-a-xen-tree",
        `\`${root}\` is not a Xen source tree: \`${PARAM_H}\` is missing`,
        undefined,
        "give the root of a Xen source tree (the directory that holds xen/ and docs/)",
      ),
    );
  const meta = treeMeta(root, { ...(commit !== undefined && { commit }) });
  const options = extractOptions(root);
  const documented = existsSync(join(root, COMMAND_LINE_DOC))
    ? readCommandLineDoc(readSource(root, COMMAND_LINE_DOC))
    : [];
  const registered = new Set(options.filter((o) => o.runtime !== "runtime-only").map((o) => o.name));
  const headings = new Set(documented.map((d) => d.name));
  return {
    kind: "option-catalogue",
    xen: xen ?? meta.xen ?? "unknown",
    ...(meta.commit && { commit: meta.commit }),
    options,
    documented,
    undocumented: [...registered].filter((n) => !headings.has(n)).sort(),
    unregistered: [...headings].filter((n) => !registered.has(n)).sort(),
  };
}
