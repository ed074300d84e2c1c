import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bootCacheDir, treeKey } from "./support/xen-build.js";

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), "xenpriv-tree-"));
  mkdirSync(join(root, "xen", "common"), { recursive: true });
  writeFileSync(join(root, "xen", "Makefile"), "export XEN_VERSION = 4\n");
  writeFileSync(join(root, "xen", "common", "kernel.c"), "int x;\n");
  writeFileSync(join(root, "Config.mk"), "\n");
  return root;
}

test("a tree without git is known by its files: the same files, the same key; a changed one, another", () => {
  const a = tree();
  const b = tree();
  assert.match(treeKey(a), /^files [0-9a-f]{64}$/);
  assert.equal(treeKey(a), treeKey(b));
  writeFileSync(join(b, "xen", "common", "kernel.c"), "int y;\n");
  assert.notEqual(treeKey(a), treeKey(b));
  // a file outside what the hypervisor build reads does not count
  writeFileSync(join(a, "README"), "x\n");
  mkdirSync(join(a, "tools"));
  writeFileSync(join(a, "tools", "x.c"), "x\n");
  assert.equal(treeKey(a), treeKey(tree()));
});

test("a clean git checkout is known by its commit; a changed one by its files", () => {
  const root = tree();
  const git = (...args: string[]) =>
    spawnSync("git", ["-C", root, "-c", "user.name=t", "-c", "user.email=t@t", ...args], {
      encoding: "utf8",
    });
  git("init", "-q");
  git("add", ".");
  git("commit", "-q", "-m", "x");
  const head = git("rev-parse", "HEAD").stdout.trim();
  assert.equal(treeKey(root), `git ${head}`);
  writeFileSync(join(root, "xen", "common", "kernel.c"), "int z;\n");
  assert.match(treeKey(root), /^files /);
});

test("the build cache is outside the repository", () => {
  const saved = process.env.XENPRIV_BOOT_CACHE;
  delete process.env.XENPRIV_BOOT_CACHE;
  try {
    assert.ok(!bootCacheDir().startsWith(process.cwd()), bootCacheDir());
    assert.match(bootCacheDir(), /xenpriv[/\\]boot$/);
  } finally {
    if (saved !== undefined) process.env.XENPRIV_BOOT_CACHE = saved;
  }
});
