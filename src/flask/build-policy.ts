import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";

/** What `make` compiled: the policy's bytes and the version it was named after. */
export interface BuiltPolicy {
  readonly bytes: Uint8Array;
  /** XEN_FULLVERSION as the tree's xen/Makefile gives it (4.22.0) */
  readonly xenVersion: string;
  /** the name the tree's build gives it: xenpolicy-<version> */
  readonly name: string;
  /**
   * the policy.conf m4 wrote and checkpolicy compiled: with `-s` (Makefile.common:71 at RELEASE-4.22.0)
   * its `#line` lines name the files, relative to `confDir`, each line comes from
   */
  readonly conf: string;
  /** where m4 ran, in the tree */
  readonly confDir: string;
}

const TOOLS = [
  { tool: "checkpolicy", arg: "-V", pkg: "checkpolicy" },
  { tool: "m4", arg: "--version", pkg: "m4" },
  { tool: "make", arg: "--version", pkg: "make" },
] as const;

/**
 * The Xen version a tree builds, from xen/Makefile's XEN_VERSION, XEN_SUBVERSION and XEN_EXTRAVERSION
 * (lines 7-10 at RELEASE-4.22.0), without XEN_VENDORVERSION.
 */
export function treeXenVersion(root: string): string {
  const path = join(root, "xen", "Makefile");
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const field = (name: string) => new RegExp(`^export ${name}\\s*\\??=\\s*(\\S*)`, "m").exec(text)?.[1];
  const major = field("XEN_VERSION");
  const minor = field("XEN_SUBVERSION");
  const extra = (field("XEN_EXTRAVERSION") ?? "").replace("$(XEN_VENDORVERSION)", "");
  if (!major || !minor)
    fail(error("flask/not-a-tree", `\`${root}\` is not a Xen source tree: no version in xen/Makefile`));
  return `${major}.${minor}${extra}`;
}

/**
 * Compiles a Xen tree's Flask policy as its own build does: tools/flask/policy/Makefile.common (with m4
 * and checkpolicy) run in a temporary copy of tools/flask/policy and xen/xsm/flask/policy, the two
 * folders it reads (Makefile.common:45-53 at RELEASE-4.22.0), so that the tree itself is never written.
 */
export function buildPolicy(root: string): BuiltPolicy {
  const policyDir = join(root, "tools", "flask", "policy");
  const flaskDir = join(root, "xen", "xsm", "flask", "policy");
  if (!existsSync(join(policyDir, "Makefile.common")) || !existsSync(flaskDir))
    fail(
      error(
        "flask/not-a-tree",
        `\`${root}\` has no Flask policy: tools/flask/policy/Makefile.common or xen/xsm/flask/policy is missing`,
        undefined,
        "give the root of a Xen source tree (4.17 or later)",
      ),
    );
  const missing = TOOLS.filter(({ tool, arg }) => spawnSync(tool, [arg], { stdio: "ignore" }).status !== 0);
  if (missing.length > 0)
    fail(
      error(
        "flask/missing-tool",
        `building a Flask policy needs ${missing.map((m) => `\`${m.tool}\``).join(", ")}, not found`,
        undefined,
        `Debian/Ubuntu: sudo apt-get install ${missing.map((m) => m.pkg).join(" ")}`,
      ),
    );
  const xenVersion = treeXenVersion(root);
  const tmp = mkdtempSync(join(tmpdir(), "xenpriv-flask-"));
  try {
    const policy = join(tmp, "tools", "flask", "policy");
    mkdirSync(join(tmp, "tools", "flask"), { recursive: true });
    mkdirSync(join(tmp, "xen", "xsm", "flask"), { recursive: true });
    cpSync(policyDir, policy, { recursive: true });
    cpSync(flaskDir, join(tmp, "xen", "xsm", "flask", "policy"), { recursive: true });
    const name = `xenpolicy-${xenVersion}`;
    const r = spawnSync(
      "make",
      ["-s", "-f", "Makefile.common", `FLASK_BUILD_DIR=${policy}`, `XEN_FULLVERSION=${xenVersion}`],
      { cwd: policy, encoding: "utf8" },
    );
    if (r.status !== 0 || !existsSync(join(policy, name)))
      fail(
        error(
          "flask/build-failed",
          `the tree's policy did not build (make exited ${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" / ")}`,
          undefined,
          "the policy sources under tools/flask/policy must compile with checkpolicy",
        ),
      );
    const conf = join(policy, "policy.conf");
    return {
      bytes: new Uint8Array(readFileSync(join(policy, name))),
      xenVersion,
      name,
      conf: existsSync(conf) ? readFileSync(conf, "utf8") : "",
      confDir: "tools/flask/policy",
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
