// Node 20's test runner takes no globs: find the test files and hand them over.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
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
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", ...chosen], { stdio: "inherit" });
process.exit(r.status ?? 1);
