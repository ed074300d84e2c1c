import { accessSync, constants, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { Catalogue } from "../../catalog/schema.js";
import { error } from "../../core/diagnostic.js";
import { fail } from "../../core/errors.js";
import { extractCatalogue } from "../../extract/extract-catalogue.js";
import { treeMetaLater } from "../../extract/tree-meta.js";
import { narrowInlining } from "../inlining-budget.js";
import { progress } from "../progress.js";
import { baselineWasm } from "../wasm-tier.js";
import { writeWhole } from "../write-whole.js";

export interface ExtractCliOptions {
  readonly output?: string;
  readonly xenVersion?: string;
  /** the commit of a tree without git (`git archive`, a tarball) */
  readonly commit?: string;
  /** `--cache-dir` */
  readonly cacheDir?: string;
  /** false with `--no-cache` */
  readonly cache?: boolean;
  /** the global `--quiet`: no progress line, no summary */
  readonly quiet?: boolean;
}

/**
 * Where parsed files are kept between extractions (extract/parse-cache.ts): `--cache-dir`, else
 * `$XDG_CACHE_HOME/xenpriv`, else `~/.cache/xenpriv`; none with `--no-cache`. A directory given that
 * cannot be made is bad input; the default one that cannot be made only turns the cache off.
 */
export function cacheDirOf(o: ExtractCliOptions): string | undefined {
  if (o.cache === false) return undefined;
  const xdg = process.env.XDG_CACHE_HOME;
  const dir = resolve(
    o.cacheDir ?? join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache"), "xenpriv"),
  );
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return dir;
  } catch (e) {
    if (o.cacheDir === undefined) return undefined;
    return fail(
      error(
        "extract/cache-dir",
        `cannot keep parsed files in \`${o.cacheDir}\`: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        undefined,
        "give a directory xenpriv can write, or --no-cache",
      ),
    );
  }
}

export function summary(c: Catalogue): string {
  const x = c.extraction;
  return [
    `xen ${c.meta.xen}${c.meta.tag ? ` (${c.meta.tag})` : ""}${c.meta.commit ? "" : " (commit unknown: not a git checkout; --commit names it)"}: ${c.operations.length} operations, ${c.hooks.length} hooks`,
    x
      ? `${x.callSites.length} call sites, ${x.mismatches.length} action mismatches, ${x.unresolved.length} places not decided`
      : "",
  ]
    .filter(Boolean)
    .join("; ");
}

/** `xenpriv extract <tree>`: the tree's catalogue as JSON, written whole or not at all. */
export async function extractCommand(tree: string, o: ExtractCliOptions): Promise<void> {
  narrowInlining();
  const line = progress("extract", { quiet: o.quiet });
  // git is asked while the tree is read
  const meta = treeMetaLater(tree, { ...(o.commit !== undefined && { commit: o.commit }) }).then((m) => ({
    ...m,
    ...(o.xenVersion && { xen: o.xenVersion }),
  }));
  let catalogue: Catalogue;
  try {
    let cacheDir: string | undefined;
    try {
      cacheDir = cacheDirOf(o);
    } catch (e) {
      // the meta's failure (a commit that is not the checkout's) is said first, as extractCatalogue says it
      await meta;
      throw e;
    }
    catalogue = await extractCatalogue(tree, {
      meta,
      ...(line.shown && {
        // only the files that can matter are parsed: the count stops short of the files read
        progress: (stage: string, done?: number, total?: number) =>
          line.stage(total ? `${stage} ${done} of ${total} files` : stage),
      }),
      ...(cacheDir !== undefined && { cacheDir }),
      fewToParse: baselineWasm,
    });
  } finally {
    line.clear();
  }
  const text = `${JSON.stringify(catalogue, null, 1)}\n`;
  if (!o.output) {
    process.stdout.write(text);
    return;
  }
  writeWhole(o.output, text);
  if (!o.quiet) process.stderr.write(`${summary(catalogue)}\nwrote ${o.output}\n`);
}
