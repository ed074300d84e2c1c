import { execFile, execFileSync } from "node:child_process";
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
 * What git printed, failed or not: a question git cannot answer (no checkout, no tag) prints nothing,
 * and `git status` of a checkout with many changes prints more than node keeps (1 MiB): its first
 * MiB still says there are changes.
 */
const answerOf = (stdout: unknown): string => (typeof stdout === "string" ? stdout.trim() : "");

/** What treeMeta asks git of a checkout, each on its own. */
const ASKS = {
  top: ["rev-parse", "--show-toplevel"],
  head: ["rev-parse", "HEAD"],
  date: ["log", "-1", "--format=%cs", "HEAD"],
  changes: ["status", "--porcelain", "--untracked-files=no"],
  tag: ["describe", "--tags", "--exact-match", "HEAD"],
} as const;
type Ask = keyof typeof ASKS;
type Meta = { -readonly [K in keyof Catalogue["meta"]]?: Catalogue["meta"][K] };

/**
 * The Xen version from xen/Makefile (`4.22.0`, `4.23-unstable`), and the git tag and commit when the
 * tree is a checkout, or the commit the caller names. A tree without git and without a named commit
 * has none: its `commit` is left out, which the catalogue writes as unknown (`""`).
 */
export function treeMeta(root: string, options: TreeMetaOptions = {}): Partial<Catalogue["meta"]> {
  const { named, out } = fromFiles(root, options);
  const git = (ask: Ask) => {
    try {
      return execFileSync("git", ["-C", root, ...ASKS[ask]], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch (e) {
      return answerOf((e as { stdout?: unknown }).stdout);
    }
  };
  return fromGit(root, named, out, git);
}

/**
 * treeMeta's answer, with git asked in the background: an extraction reads the tree meanwhile (`git
 * status` alone stats every file of a checkout). Where the tree is its own checkout, its date, changes
 * and tag are asked at once; a tree inside another repository asks no more of that one. A bad
 * `commit` fails at once.
 */
export function treeMetaLater(
  root: string,
  options: TreeMetaOptions = {},
): Promise<Partial<Catalogue["meta"]>> {
  const { named, out } = fromFiles(root, options);
  return askGit(root, named, out);
}

/** fromGit on git's answers, each asked in a process of its own, none waited for in turn. */
async function askGit(root: string, named: string | undefined, out: Meta): Promise<Meta> {
  const ask = (asks: readonly Ask[]) =>
    Promise.all(
      asks.map(
        (a) =>
          new Promise<[Ask, string]>((resolve) =>
            execFile("git", ["-C", root, ...ASKS[a]], { encoding: "utf8" }, (_, stdout) =>
              resolve([a, answerOf(stdout)]),
            ),
          ),
      ),
    );
  const answers = new Map(await ask(["top", "head"]));
  if (isOwnCheckout(root, answers.get("top") ?? ""))
    for (const [a, answer] of await ask(["date", "changes", "tag"])) answers.set(a, answer);
  return fromGit(root, named, out, (a) => answers.get(a) ?? "");
}

/** The commit named, checked, and what the tree's files say: its version. */
function fromFiles(root: string, options: TreeMetaOptions): { named: string | undefined; out: Meta } {
  const out: Meta = {};
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
  return { named, out };
}

/** `out` with what git answers (`""` where it fails or the tree is no checkout). */
function fromGit(root: string, named: string | undefined, out: Meta, git: (ask: Ask) => string): Meta {
  const commit = isOwnCheckout(root, git("top")) ? git("head") : "";
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
    out.date = git("date");
    // a patched checkout is not its tag: the commit is the base it was changed from, and the note says so
    if (git("changes")) {
      out.tag = "";
      out.note = `extracted from a checkout of ${commit} with uncommitted changes`;
    } else out.tag = git("tag");
  } else if (named) out.commit = named;
  return out;
}

/**
 * Whether git's top level for `root` is `root` itself: a tree that sits inside another repository (a
 * tarball unpacked in a checkout) has no commit of its own.
 */
const isOwnCheckout = (root: string, top: string): boolean =>
  top !== "" && realpathSync(top) === realpathSync(root);
