// `npm run test:xen`: the real-tree tests, and only those, on the Xen source tree named by XEN_SRC.
// Real-tree tests are the tests whose name contains "XEN_SRC", in the test files that read
// process.env.XEN_SRC; every other test of those files is left out (--test-name-pattern).
// A tree without git (`git archive`, a tarball) has no commit of its own: XEN_COMMIT names it, or
// the tests say it is unknown and compare the rest.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

function usage(message) {
  process.stderr.write(
    `test:xen: ${message}\nusage: XEN_SRC=<root of a Xen source tree, 4.17.0 or later> [XEN_COMMIT=<its commit, without git>] npm run test:xen\n`,
  );
  process.exit(2);
}

const src = process.env.XEN_SRC;
if (!src) usage("XEN_SRC is not set: the real-tree tests need a Xen source tree");
const root = resolve(src);
if (!existsSync(root) || !statSync(root).isDirectory()) usage(`XEN_SRC=${src} is not a directory`);
// whether it is a Xen tree the extractor reads is checkLayout's to say (src/extract/xen-tree.ts), in the tests
const commit = process.env.XEN_COMMIT;
if (commit !== undefined && !/^[0-9a-fA-F]{40}$/.test(commit))
  usage(`XEN_COMMIT=${commit} is not a full commit id (40 hex digits)`);

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "fixtures" ? [] : find(p);
    return e.name.endsWith(".test.ts") ? [p] : [];
  });
}

const files = ["src", "test"]
  .flatMap(find)
  .filter((f) => readFileSync(f, "utf8").includes("process.env.XEN_SRC"))
  .sort();
if (files.length === 0) usage("no real-tree test found (tests that read process.env.XEN_SRC)");

// `xenpriv extract` keeps parsed files in $XDG_CACHE_HOME/xenpriv: the tests' go to a directory of their own
const cache = mkdtempSync(join(tmpdir(), "xenpriv-test-xen-cache-"));
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-name-pattern=XEN_SRC", ...files],
  { stdio: "inherit", env: { ...process.env, XEN_SRC: root, XDG_CACHE_HOME: cache } },
);
rmSync(cache, { recursive: true, force: true });
process.exit(r.status ?? 1);
