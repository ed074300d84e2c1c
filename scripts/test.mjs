// Node 20's test runner takes no globs: find the test files and hand them over.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : find(p);
    return e.name.endsWith(".test.ts") ? [p] : [];
  });
}

const files = ["src", "test"].flatMap(find).sort();
const filter = process.argv.slice(2);
const chosen = filter.length ? files.filter((f) => filter.some((x) => f.includes(x))) : files;
// `xenpriv extract` keeps parsed files in $XDG_CACHE_HOME/xenpriv: the tests' go to a directory of their own
const cache = mkdtempSync(join(tmpdir(), "xenpriv-test-cache-"));
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", ...chosen], {
  stdio: "inherit",
  env: { ...process.env, XDG_CACHE_HOME: cache },
});
rmSync(cache, { recursive: true, force: true });
process.exit(r.status ?? 1);
