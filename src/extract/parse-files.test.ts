/**
 * The fast ways of reading a tree change no catalogue: from the trees copied out of wasm, in
 * worker threads, from a cold and a warm cache, each catalogue is the one web-tree-sitter's own
 * nodes give (the way the extractor read trees before syntax-tree.ts), on every fixture tree and,
 * under XEN_SRC, on a real one. A file that cannot be read fails the same way in a worker.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { InputError } from "../core/errors.js";
import { loadWasmParser, type ParseC, type Tree } from "./c-parser.js";
import { extractCatalogue } from "./extract-catalogue.js";
import { parseFiles } from "./parse-files.js";
import { treeMeta } from "./tree-meta.js";

const PATTERNS = fileURLToPath(new URL("../../test/fixtures/extract/patterns/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "xenpriv-parse-files-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** web-tree-sitter's own trees, read through the same API as the copies. */
let reference: ParseC;
before(async () => {
  const { parser } = await loadWasmParser();
  reference = (text) => parser.parse(text) as unknown as Tree;
});

const json = (x: unknown) => JSON.stringify(x, null, 1);

/**
 * A fixture tree with `extra` more C files (each a few functions, one calling an XSM hook), so
 * that parseFiles starts workers (it does for 64 files and more).
 */
function bigTree(name: string, extra = 80): string {
  const root = join(tmp, name);
  cpSync(join(PATTERNS, "case-labels"), root, { recursive: true });
  for (let i = 0; i < extra; i++)
    writeFileSync(
      join(root, "xen/common", `filler-${i}.c`),
      `static int helper_${i}(struct domain *d)\n{\n    return d->domain_id + ${i};\n}\n\n` +
        `int filler_${i}(struct domain *d)\n{\n    if ( helper_${i}(d) )\n        return xsm_widget_reset(XSM_HOOK);\n    return 0;\n}\n`,
    );
  return root;
}

describe("extraction from copied trees, in workers, from the cache", () => {
  for (const pattern of readdirSync(PATTERNS).filter((p) => !p.startsWith("bad-")))
    test(`${pattern}: the copies give web-tree-sitter's catalogue`, async () => {
      const root = join(PATTERNS, pattern);
      const want = json(await extractCatalogue(root, { parse: reference }));
      assert.equal(json(await extractCatalogue(root, { workers: 0 })), want);
    });

  test("a tree of 81 files: in workers, from a cold then a warm cache, the same catalogue", async () => {
    const root = bigTree("big");
    const cacheDir = join(tmp, "cache");
    const want = json(await extractCatalogue(root, { parse: reference }));
    assert.equal(json(await extractCatalogue(root, { workers: 2 })), want, "in workers");
    assert.equal(json(await extractCatalogue(root, { workers: 2, cacheDir })), want, "cold cache");
    const entries = readdirSync(cacheDir, { recursive: true }).filter((f) => String(f).endsWith(".tree"));
    // widget.c and the 80 fillers reach a hook; domctl.c calls none of them, so it is not parsed
    assert.equal(entries.length, 81);
    // but every file is scanned, and its scan kept
    const scans = readdirSync(cacheDir, { recursive: true }).filter((f) => String(f).endsWith(".scan"));
    assert.equal(scans.length, 82);
    assert.equal(json(await extractCatalogue(root, { workers: 2, cacheDir })), want, "warm cache");
    assert.equal(json(await extractCatalogue(root, { workers: 0, cacheDir })), want, "warm, this thread");
  });

  test("a file too large to read: the same located error in a worker as on this thread", async () => {
    const root = bigTree("huge");
    const huge = join(root, "xen/common/filler-40.c");
    writeFileSync(huge, `int x;\n${" ".repeat(8 * 1024 * 1024)}`);
    const failure = async (workers: number) => {
      try {
        await parseFiles(
          root,
          readdirSync(join(root, "xen/common")).map((f) => ({ file: `xen/common/${f}`, arch: null })),
          { workers },
        );
      } catch (e) {
        assert.ok(e instanceof InputError, String(e));
        return e.diagnostics;
      }
      assert.fail("the tree was read");
    };
    const here = await failure(0);
    assert.equal(here[0]?.code, "extract/unreadable");
    assert.equal(here[0]?.span?.file, huge);
    assert.deepEqual(await failure(2), here);
  });
});

describe("real tree (XEN_SRC): extraction from copied trees, in workers, from the cache", () => {
  test("XEN_SRC: the catalogue web-tree-sitter's own nodes give, in workers, from a cold and a warm cache", async () => {
    const root = process.env.XEN_SRC;
    if (!root) {
      console.log("XEN_SRC not set: real-tree check not run");
      return;
    }
    const meta = treeMeta(root);
    const want = json(await extractCatalogue(root, { meta, parse: reference }));
    const cacheDir = join(tmp, "real-cache");
    for (const what of ["cold cache", "warm cache"])
      assert.equal(json(await extractCatalogue(root, { meta, cacheDir })), want, what);
  });
});
