import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { codeDigest } from "./code-digest.js";
import { extractCatalogue } from "./extract-catalogue.js";
import { mostlyKept } from "./mostly-kept.js";
import { ParseCache } from "./parse-cache.js";
import { type SourceFile, treeSalt } from "./parse-files.js";
import { scanFile } from "./scan-source.js";

const tmp = mkdtempSync(join(tmpdir(), "xenpriv-mostly-kept-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A tree of `n` small C files, each its own text. */
function tree(name: string, n: number): { root: string; files: SourceFile[] } {
  const root = join(tmp, name);
  mkdirSync(join(root, "xen/common"), { recursive: true });
  const files = Array.from({ length: n }, (_, i) => ({ file: `xen/common/f${i}.c`, arch: null }));
  for (const [i, f] of files.entries())
    writeFileSync(join(root, f.file), `int f${i}(void) { return ${i}; }\n`);
  return { root, files };
}

/** Scans every file into the cache at `dir`, as an extraction does. */
function scanAll(root: string, files: readonly SourceFile[], dir: string): void {
  const cache = new ParseCache(dir, treeSalt(), codeDigest());
  for (const f of files) scanFile(root, f.file, cache);
}

describe("mostlyKept", () => {
  test("no for an empty cache, yes once every file was scanned into it", () => {
    const { root, files } = tree("all", 40);
    const dir = join(tmp, "all-cache");
    assert.equal(mostlyKept(root, files, dir), false);
    scanAll(root, files, dir);
    assert.equal(mostlyKept(root, files, dir), true);
  });

  test("yes with one file in twenty new to the cache, no with more", () => {
    const { root, files } = tree("some", 40);
    const dir = join(tmp, "some-cache");
    scanAll(root, files, dir);
    const change = (i: number) => writeFileSync(join(root, `xen/common/f${i}.c`), `int g${i}(void);\n`);
    change(7);
    change(21);
    assert.equal(mostlyKept(root, files, dir), true, "2 of 40");
    change(33);
    assert.equal(mostlyKept(root, files, dir), false, "3 of 40");
  });

  test("of a large tree, 64 files read evenly over it decide", () => {
    const { root, files } = tree("large", 640);
    const dir = join(tmp, "large-cache");
    scanAll(root, files, dir);
    // every tenth file changed: the 64 read are those, every one new
    for (let i = 0; i < 640; i += 10) writeFileSync(join(root, `xen/common/f${i}.c`), `int g${i}(void);\n`);
    assert.equal(mostlyKept(root, files, dir), false);
    // the files between them changed instead: none of the 64 is new
    scanAll(root, files, dir);
    for (let i = 5; i < 640; i += 10) writeFileSync(join(root, `xen/common/f${i}.c`), `int h${i}(void);\n`);
    assert.equal(mostlyKept(root, files, dir), true);
  });

  test("a file that cannot be read answers no, and throws nothing", () => {
    const { root, files } = tree("gone", 10);
    const dir = join(tmp, "gone-cache");
    scanAll(root, files, dir);
    rmSync(join(root, "xen/common/f3.c"));
    assert.equal(mostlyKept(root, files, dir), false);
  });

  test("extractCatalogue tells fewToParse on a second extraction into one cache, not on the first", async () => {
    const root = join(tmp, "extract");
    cpSync(
      fileURLToPath(new URL("../../test/fixtures/extract/patterns/case-labels/", import.meta.url)),
      root,
      { recursive: true },
    );
    const cacheDir = join(tmp, "extract-cache");
    let told = 0;
    const fewToParse = () => told++;
    const first = await extractCatalogue(root, { cacheDir, fewToParse });
    assert.equal(told, 0);
    const second = await extractCatalogue(root, { cacheDir, fewToParse });
    assert.equal(told, 1);
    assert.deepEqual(second, first);
  });
});
