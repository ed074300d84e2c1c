/**
 * `xenpriv extract` as shipped (dist/, where the parse worker is a bundle entry of its own): on a
 * tree big enough for worker threads, with and without the cache, the catalogue the library makes
 * on one thread; a damaged cache entry is parsed again; the cache options' bad input exits 2.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { extractCatalogue } from "../src/extract/extract-catalogue.js";
import { treeMeta } from "../src/extract/tree-meta.js";
import { ensureBuilt, run } from "./support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "xenpriv-cli-extract-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
before(ensureBuilt);

/** The case-labels fixture with 80 more C files: parse-files.ts starts workers for 64 files and more. */
function bigTree(): string {
  const root = join(tmp, "tree");
  cpSync("test/fixtures/extract/patterns/case-labels", root, { recursive: true });
  for (let i = 0; i < 80; i++)
    writeFileSync(
      join(root, "xen/common", `filler-${i}.c`),
      `int filler_${i}(struct domain *d)\n{\n    return d ? xsm_widget_reset(XSM_HOOK) : ${i};\n}\n`,
    );
  return root;
}

const entries = (dir: string): string[] =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".tree") || f.endsWith(".scan"))
    .map((f) => join(dir, f));

test("extract in workers, without and with the cache, writes the catalogue made on one thread", async () => {
  const root = bigTree();
  const want = `${JSON.stringify(await extractCatalogue(root, { meta: treeMeta(root), workers: 0 }), null, 1)}\n`;
  const cache = join(tmp, "cache");
  const extract = (...args: string[]) => {
    const out = join(tmp, "out.json");
    const r = run("extract", root, "-o", out, ...args);
    assert.equal(r.code, 0, r.err);
    return readFileSync(out, "utf8");
  };
  assert.equal(extract("--no-cache"), want, "no cache");
  assert.equal(extract("--cache-dir", cache), want, "cold cache");
  const stored = entries(cache);
  // every file's scan (82), and the trees of the files that reach a hook: not domctl.c's (81)
  assert.equal(stored.filter((f) => f.endsWith(".scan")).length, 82);
  assert.equal(stored.length, 82 + 81);
  assert.equal(extract("--cache-dir", cache), want, "warm cache");
  // damaged entries: cut short, or one byte changed
  for (const [i, f] of stored.entries()) {
    const bytes = readFileSync(f);
    if (i % 2) writeFileSync(f, bytes.subarray(0, bytes.length - 3));
    else {
      bytes.writeUInt8((bytes.at(-1) as number) ^ 1, bytes.length - 1);
      writeFileSync(f, bytes);
    }
  }
  assert.equal(extract("--cache-dir", cache), want, "damaged entries");
  assert.equal(extract("--cache-dir", cache), want, "entries written again");
});

test("the cache options: a directory that cannot be made, or both options, exit 2", () => {
  const file = join(tmp, "a-file");
  writeFileSync(file, "");
  const r = run("extract", "test/fixtures/extract/patterns/case-labels", "--cache-dir", join(file, "sub"));
  assert.equal(r.code, 2);
  assert.match(r.err, /error\[extract\/cache-dir\]: cannot keep parsed files in `.*a-file\/sub`/);
  assert.doesNotMatch(r.err, /at .*\.js:\d+/, "no stack trace");
  const both = run("extract", "test/fixtures/extract/patterns/case-labels", "--cache-dir", tmp, "--no-cache");
  assert.equal(both.code, 2);
});
