/**
 * Walks and files' functions kept in the cache change no catalogue: a second extraction takes the
 * walks whose reads read the same, with their refs moved where the functions moved, walks again the
 * others, and takes an entry of another shape for a miss.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { extractCatalogue } from "./extract-catalogue.js";
import { ParseCache } from "./parse-cache.js";
import { PathWalker } from "./walker.js";

const PATTERNS = fileURLToPath(new URL("../../test/fixtures/extract/patterns/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "xenpriv-walk-memo-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const json = (x: unknown) => JSON.stringify(x, null, 1);

function copy(name: string): string {
  const root = join(tmp, name);
  cpSync(join(PATTERNS, "case-labels"), root, { recursive: true });
  return root;
}

/** The cache's entries of a kind, each with its inode: a rewritten entry is renamed into place anew. */
function entries(cacheDir: string, kind: string): Map<string, number> {
  const files = readdirSync(cacheDir, { recursive: true }).map(String);
  return new Map(
    files.filter((f) => f.endsWith(`.${kind}`)).map((f) => [f, statSync(join(cacheDir, f)).ino] as const),
  );
}

const rewritten = (before: Map<string, number>, now: Map<string, number>): string[] =>
  [...now].filter(([f, ino]) => before.get(f) !== ino).map(([f]) => f);

const WIDGET = "xen/common/widget.c";

describe("walks kept in the cache", () => {
  test("warm: every walk is taken from the cache, none written again, the same catalogue", async () => {
    const root = copy("warm");
    const cacheDir = join(tmp, "warm-cache");
    const want = json(await extractCatalogue(root, { workers: 0 }));
    assert.equal(json(await extractCatalogue(root, { workers: 0, cacheDir })), want, "cold");
    const walks = entries(cacheDir, "walk");
    const values = entries(cacheDir, "value");
    assert.ok(walks.size > 0, "walks are kept");
    assert.ok(values.size >= 2, "the policy and the constants are kept");
    assert.equal(json(await extractCatalogue(root, { workers: 0, cacheDir })), want, "warm");
    assert.deepEqual(rewritten(walks, entries(cacheDir, "walk")), []);
    assert.deepEqual(rewritten(values, entries(cacheDir, "value")), [], "the kept values are read back");
  });

  test("functions moved down a file: the walks are taken again with their refs moved", async () => {
    const root = copy("moved");
    const cacheDir = join(tmp, "moved-cache");
    const before = json(await extractCatalogue(root, { workers: 0, cacheDir }));
    const walks = entries(cacheDir, "walk");
    const path = join(root, WIDGET);
    writeFileSync(path, `/* three */\n/* more */\n/* lines */\n${readFileSync(path, "utf8")}`);
    const want = json(await extractCatalogue(root, { workers: 0 }));
    assert.notEqual(want, before, "the refs moved");
    assert.match(want, /xen\/common\/widget\.c:3[0-9]/);
    assert.equal(json(await extractCatalogue(root, { workers: 0, cacheDir })), want);
    assert.deepEqual(rewritten(walks, entries(cacheDir, "walk")), [], "no walk was made again");
  });

  test("a function changed: the walks that read it are made again, the catalogue is the new tree's", async () => {
    const root = copy("changed");
    const cacheDir = join(tmp, "changed-cache");
    await extractCatalogue(root, { workers: 0, cacheDir });
    const walks = entries(cacheDir, "walk");
    const path = join(root, WIDGET);
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace("xsm_widget_flush(XSM_PRIV)", "xsm_widget_flush(XSM_HOOK)"),
    );
    const want = json(await extractCatalogue(root, { workers: 0 }));
    assert.equal(json(await extractCatalogue(root, { workers: 0, cacheDir })), want);
    assert.ok(rewritten(walks, entries(cacheDir, "walk")).length > 0, "do_widget_op's walks were made again");
  });

  test("another sub-op's case changed: each sub-op's walk taken through its view, its refs moved by part", async () => {
    const root = copy("other-case");
    const cacheDir = join(tmp, "other-case-cache");
    await extractCatalogue(root, { workers: 0, cacheDir });
    const path = join(root, WIDGET);
    // two more statements in WIDGETOP_query's case, above the others: their refs move down two lines
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace("ret = 0;", "ret = 0;\n        ret += 0;\n        ret += 0;"),
    );
    const want = json(await extractCatalogue(root, { workers: 0 }));
    assert.match(want, /xen\/common\/widget\.c:2[89]/, "the hooks below moved two lines");
    const walked: (string | null)[] = [];
    const run = PathWalker.prototype.run;
    PathWalker.prototype.run = function (this: PathWalker, ...args) {
      walked.push((this as unknown as { value: string | null }).value);
      return run.apply(this, args);
    };
    try {
      assert.equal(json(await extractCatalogue(root, { workers: 0, cacheDir })), want);
      // the listing of the labels reads every case, and query's walk its own
      assert.deepEqual(walked, [null, "WIDGETOP_query"]);
      walked.length = 0;
      assert.equal(json(await extractCatalogue(root, { workers: 0, cacheDir })), want, "again");
      assert.deepEqual(walked, [], "the walks taken through their views were kept as this tree's");
    } finally {
      PathWalker.prototype.run = run;
    }
  });

  test("entries of another shape (kept under their keys, their hashes right) are misses", async () => {
    const root = copy("forged");
    const cacheDir = join(tmp, "forged-cache");
    const want = json(await extractCatalogue(root, { workers: 0 }));
    await extractCatalogue(root, { workers: 0, cacheDir });
    const forger = new ParseCache(cacheDir, "");
    const payloads: Record<string, string[]> = {
      walk: [
        '[{"reads":[],"places":[],"result":{}}]',
        '[{"reads":[["e","x"]],"places":[],"views":[["e",0,{"at":0,"label":"L","count":1},{"digest":"d","parts":[]}]],"result":{}}]',
        '[{"reads":[["e","x"]],"places":[],"views":[["e",0,{},{}]],"result":{}}]',
        '[{"reads":[["e","x"]],"places":[],"views":5,"result":{}}]',
        '[{"reads":[],"places":[],"result":{"checks":[null],"labels":[],"lookupFailures":[],"unresolved":[],"systemTargets":[],"required":[]}}]',
        '[{"reads":[],"places":[],"result":{"checks":[],"labels":[["X",null]],"lookupFailures":[],"unresolved":[],"systemTargets":[],"required":[]}}]',
        "[{}]",
        "[null]",
        '{"not":"a list"}',
        "null",
        "not json",
      ],
      functions: [
        "[{}]",
        "[null]",
        '[{"name":"f","params":[],"guards":[],"line":1,"body":0}]',
        '[{"name":"f","params":[],"guards":[],"line":1,"body":0,"summary":{"calls":[],"gate":false,"xsm":[null]},"extent":{"digest":"d","from":1,"to":1}}]',
        "{}",
        "null",
      ],
      value: [
        "{}",
        "[]",
        "1",
        "null",
        "not json",
        '{"constants":[1]}',
        '{"flaskHooks":[null]}',
        '{"declared":[],"hooks":{"hooks":[],"nonHooks":[null],"bodies":{}},"defaultAction":{"actions":[]}}',
      ],
    };
    for (const [kind, forged] of Object.entries(payloads))
      for (const payload of forged) {
        for (const f of entries(cacheDir, kind).keys()) {
          // trees-N/ab/cdef….kind: the key is ab + cdef…
          const [, dir = "", name = ""] = f.split("/");
          forger.put(dir + name.slice(0, -kind.length - 1), Buffer.from(payload), kind as "walk");
        }
        assert.equal(
          json(await extractCatalogue(root, { workers: 0, cacheDir })),
          want,
          `${kind}: ${payload}`,
        );
      }
  });
});

describe("ParseCache values", () => {
  test("a value remembered is recalled by the same code only", () => {
    const dir = join(tmp, "values");
    const cache = new ParseCache(dir, "grammar", "code-1");
    assert.equal(cache.recall("policy", "dummy.h text"), undefined);
    cache.remember("policy", "dummy.h text", { hooks: ["x"] });
    assert.deepEqual(cache.recall("policy", "dummy.h text"), { hooks: ["x"] });
    assert.equal(cache.recall("policy", "another text"), undefined);
    assert.equal(cache.recall("flask hooks", "dummy.h text"), undefined);
    assert.equal(new ParseCache(dir, "grammar", "code-2").recall("policy", "dummy.h text"), undefined);
  });
});
