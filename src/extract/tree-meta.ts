import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Catalogue } from "../catalog/schema.js";

/** The Xen version from xen/Makefile (`4.22.0`, `4.23-unstable`), and the git tag and commit when the tree is a checkout. */
export function treeMeta(root: string): Partial<Catalogue["meta"]> {
  const out: { -readonly [K in keyof Catalogue["meta"]]?: Catalogue["meta"][K] } = {};
  try {
    const mk = readFileSync(join(root, "xen/Makefile"), "utf8");
    const v = (k: string) => new RegExp(`^export ${k}\\s*\\??=\\s*(\\S*)`, "m").exec(mk)?.[1];
    const extra = (v("XEN_EXTRAVERSION") ?? "").replace("$(XEN_VENDORVERSION)", "");
    if (v("XEN_VERSION")) out.xen = `${v("XEN_VERSION")}.${v("XEN_SUBVERSION")}${extra}`;
  } catch {
    // not every tree has the Makefile; the caller may name the version
  }
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
  const commit = git("rev-parse", "HEAD");
  if (commit) {
    out.commit = commit;
    out.tag = git("describe", "--tags", "--exact-match", "HEAD");
    out.date = git("log", "-1", "--format=%cs", "HEAD");
  }
  return out;
}
