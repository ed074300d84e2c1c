import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { join } from "node:path";
import type { Catalogue } from "../catalog/schema.js";
import { readSource } from "./xen-tree.js";

/** The Xen version from xen/Makefile (`4.22.0`, `4.23-unstable`), and the git tag and commit when the tree is a checkout. */
export function treeMeta(root: string): Partial<Catalogue["meta"]> {
  const out: { -readonly [K in keyof Catalogue["meta"]]?: Catalogue["meta"][K] } = {};
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
  if (commit) {
    out.commit = commit;
    out.tag = git("describe", "--tags", "--exact-match", "HEAD");
    out.date = git("log", "-1", "--format=%cs", "HEAD");
  }
  return out;
}
