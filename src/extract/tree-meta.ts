import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { join } from "node:path";
import type { Catalogue } from "../catalog/schema.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { readSource } from "./xen-tree.js";

export interface TreeMetaOptions {
  /**
   * The commit the tree was made from, for a tree without git (`git archive`, a release tarball);
   * on a checkout it must be the checkout's own.
   */
  readonly commit?: string;
}

/** A full commit id: Xen's history is SHA-1. */
const COMMIT = /^[0-9a-f]{40}$/;

/**
 * The Xen version from xen/Makefile (`4.22.0`, `4.23-unstable`), and the git tag and commit when the
 * tree is a checkout, or the commit the caller names. A tree without git and without a named commit
 * has none: its `commit` is left out, which the catalogue writes as unknown (`""`).
 */
export function treeMeta(root: string, options: TreeMetaOptions = {}): Partial<Catalogue["meta"]> {
  const out: { -readonly [K in keyof Catalogue["meta"]]?: Catalogue["meta"][K] } = {};
  const named = options.commit?.toLowerCase();
  if (named !== undefined && !COMMIT.test(named))
    fail(
      error(
        "extract/bad-commit",
        `\`${options.commit}\` is not a full commit id (40 hex digits)`,
        undefined,
        "give the commit the tree was made from, e.g. `git rev-parse RELEASE-4.22.0^{commit}` in a Xen clone",
      ),
    );
  // xen/Makefile:7-9 at RELEASE-4.22.0: `export XEN_VERSION = 4`, `XEN_SUBVERSION = 22`, `XEN_EXTRAVERSION ?= .0$(XEN_VENDORVERSION)`;
  // a tree without them has no version of its own (the caller may name it)
  const mk = existsSync(join(root, "xen/Makefile")) ? readSource(root, "xen/Makefile") : "";
  const v = (k: string) => new RegExp(`^export ${k}\\s*\\??=\\s*(\\S*)`, "m").exec(mk)?.[1];
  const [major, minor] = [v("XEN_VERSION"), v("XEN_SUBVERSION")];
  const extra = (v("XEN_EXTRAVERSION") ?? "").replace("$(XEN_VENDORVERSION)", "");
  if (major && minor) out.xen = `${major}.${minor}${extra}`;
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", ["-C", root, ...args], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch {
      return "";
    }
  };
  // a tree that sits inside another repository (a tarball unpacked in a checkout) has no commit of its own
  const top = git("rev-parse", "--show-toplevel");
  const commit = top && realpathSync(top) === realpathSync(root) ? git("rev-parse", "HEAD") : "";
  if (commit && named && named !== commit)
    fail(
      error(
        "extract/commit-mismatch",
        `\`${root}\` is a checkout of ${commit}, not of the commit named (\`${named}\`)`,
        undefined,
        "a checkout names its own commit: leave the commit out, or check the named one out",
      ),
    );
  if (commit) {
    out.commit = commit;
    out.date = git("log", "-1", "--format=%cs", "HEAD");
    // a patched checkout is not its tag: the commit is the base it was changed from, and the note says so
    if (git("status", "--porcelain", "--untracked-files=no")) {
      out.tag = "";
      out.note = `extracted from a checkout of ${commit} with uncommitted changes`;
    } else out.tag = git("describe", "--tags", "--exact-match", "HEAD");
  } else if (named) out.commit = named;
  return out;
}
