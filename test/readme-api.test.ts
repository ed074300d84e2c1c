import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

/** The first TypeScript block of README's API section. */
function apiExample(): string {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("\n## API\n"));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(m, "README's API section has a TypeScript example");
  return m[1] as string;
}

test("README's API example runs against the package entry and prints what its comments say", () => {
  const code = apiExample();
  assert.match(code, /from "xenpriv";/);
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-readme-"));
  try {
    const file = join(dir, "example.ts");
    const entry = pathToFileURL(resolve("src", "index.ts")).href;
    writeFileSync(file, code.replace('from "xenpriv";', `from ${JSON.stringify(entry)};`));
    const r = spawnSync(process.execPath, ["--import", "tsx", file], { encoding: "utf8" });
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines[0], "deny -EPERM");
    assert.equal(lines[1], "[ 'ctl', 'xs' ]");
    assert.match(lines[2] as string, /^\d+$/);
    assert.deepEqual(lines.slice(3, 7), ["hwdom none", "ctl all", "xs none", "guest none"]);
    assert.equal(lines[7], "[ 'hwdom -> ctl', 'hwdom -> xs', 'hwdom -> guest' ]");
    assert.match(lines[8] as string, /^\[ 'hardware-domain-needs'/);
    assert.equal(lines.at(-1), "[ 'loglvl=all: dropped' ]");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
