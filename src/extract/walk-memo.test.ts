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
import { InputError } from "../core/errors.js";
import { extractCatalogue } from "./extract-catalogue.js";
import { ParseCache } from "./parse-cache.js";
import { PathWalker } from "./walker.js";

const PATTERNS = fileURLToPath(new URL("../../test/fixtures/extract/patterns/", import.meta.url));
const MEMO_READS = fileURLToPath(new URL("../../test/fixtures/extract/memo-reads/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "xenpriv-walk-memo-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const json = (x: unknown) => JSON.stringify(x, null, 1);

/** A copy of the case-labels tree named `name`: its root, a cache directory of its own, its widget.c and an edit of that. */
function copy(name: string): {
  root: string;
  cacheDir: string;
  path: string;
  edit: ReturnType<typeof editOf>;
} {
  const root = join(tmp, name);
  cpSync(join(PATTERNS, "case-labels"), root, { recursive: true });
  const path = join(root, WIDGET);
  return { root, cacheDir: join(tmp, `${name}-cache`), path, edit: editOf(path) };
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

/** A first switch on the sub-op, before do_widget_op's own, that names one sub-op only. */
const LOCK_SWITCH = `    long ret;

    switch ( cmd )
    {
    case WIDGETOP_query:
        return 0;

    default:
        break;
    }

`;

/** `json` of an extraction of `root` with the cache at `cacheDir`, and the sub-op of each walk it made. */
async function walksOf(
  root: string,
  cacheDir: string,
): Promise<{ catalogue: string; walked: (string | null)[] }> {
  const walked: (string | null)[] = [];
  const run = PathWalker.prototype.run;
  PathWalker.prototype.run = function (this: PathWalker, ...args) {
    walked.push((this as unknown as { value: string | null }).value);
    return run.apply(this, args);
  };
  try {
    return { catalogue: json(await extractCatalogue(root, { workers: 0, cacheDir })), walked };
  } finally {
    PathWalker.prototype.run = run;
  }
}

/** Replaces the first `from` in the file at `path` by `to`; `from` must be there. */
const editOf =
  (path: string) =>
  (from: string, to: string): void => {
    const text = readFileSync(path, "utf8");
    assert.ok(text.includes(from), from);
    writeFileSync(path, text.replace(from, to));
  };

describe("walks kept in the cache", () => {
  test("warm: every walk is taken from the cache, none written again, the same catalogue", async () => {
    const { root, cacheDir } = copy("warm");
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
    const { root, cacheDir, path } = copy("moved");
    const before = json(await extractCatalogue(root, { workers: 0, cacheDir }));
    const walks = entries(cacheDir, "walk");
    writeFileSync(path, `/* three */\n/* more */\n/* lines */\n${readFileSync(path, "utf8")}`);
    const want = json(await extractCatalogue(root, { workers: 0 }));
    assert.notEqual(want, before, "the refs moved");
    assert.match(want, /xen\/common\/widget\.c:3[0-9]/);
    assert.equal(json(await extractCatalogue(root, { workers: 0, cacheDir })), want);
    assert.deepEqual(rewritten(walks, entries(cacheDir, "walk")), [], "no walk was made again");
  });

  test("a function changed: the walks that read it are made again, the catalogue is the new tree's", async () => {
    const { root, cacheDir, path } = copy("changed");
    await extractCatalogue(root, { workers: 0, cacheDir });
    const walks = entries(cacheDir, "walk");
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace("xsm_widget_flush(XSM_PRIV)", "xsm_widget_flush(XSM_HOOK)"),
    );
    const want = json(await extractCatalogue(root, { workers: 0 }));
    assert.equal(json(await extractCatalogue(root, { workers: 0, cacheDir })), want);
    assert.ok(rewritten(walks, entries(cacheDir, "walk")).length > 0, "do_widget_op's walks were made again");
  });

  test("another sub-op's case changed: each sub-op's walk taken through its view, its refs moved by part", async () => {
    const { root, cacheDir, path } = copy("other-case");
    await extractCatalogue(root, { workers: 0, cacheDir });
    // two more statements in WIDGETOP_query's case, above the others: their refs move down two lines
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace("ret = 0;", "ret = 0;\n        ret += 0;\n        ret += 0;"),
    );
    const want = json(await extractCatalogue(root, { workers: 0 }));
    assert.match(want, /xen\/common\/widget\.c:2[89]/, "the hooks below moved two lines");
    const first = await walksOf(root, cacheDir);
    assert.equal(first.catalogue, want);
    // the listing of the labels reads every case, and query's walk its own
    assert.deepEqual(first.walked, [null, "WIDGETOP_query"]);
    const again = await walksOf(root, cacheDir);
    assert.equal(again.catalogue, want, "again");
    assert.deepEqual(again.walked, [], "the walks are taken through their views again");
  });

  test("a helper's view that only moved, then changed elsewhere: its refs move from where the walk saw them", async () => {
    const { root, cacheDir, path, edit } = copy("two-views");
    // the reset case calls a helper with its own switch on the sub-op, below do_widget_op
    edit(
      "        ret = xsm_widget_reset(XSM_HOOK);\n        if ( ret )\n            break;\n        /* a reset flushes too */\n        fallthrough;",
      "        ret = widget_sub(cmd);\n        break;",
    );
    writeFileSync(
      path,
      `${readFileSync(path, "utf8")}
static long widget_sub(unsigned int op)
{
    long ret;

    switch ( op )
    {
    case WIDGETOP_query:
        ret = 0;
        break;
    case WIDGETOP_reset:
        ret = xsm_widget_reset(XSM_HOOK);
        break;
    }
    return ret;
}
`,
    );
    const step = async (what: string) =>
      assert.equal(
        json(await extractCatalogue(root, { workers: 0, cacheDir })),
        json(await extractCatalogue(root, { workers: 0 })),
        what,
      );
    await step("first");
    // do_widget_op's query case grows: widget_sub moves down, its text the same
    edit(
      "        ret = 0;\n        break;\n\n    case WIDGETOP_attach",
      "        ret = 0;\n        ret += 0;\n        ret += 0;\n        break;\n\n    case WIDGETOP_attach",
    );
    await step("do_widget_op's other case changed");
    // then widget_sub's query case grows: its reset case moves down from where it moved to
    edit(
      "    case WIDGETOP_query:\n        ret = 0;\n        break;\n    case WIDGETOP_reset",
      "    case WIDGETOP_query:\n        ret = 0;\n        ret += 1;\n        ret += 1;\n        break;\n    case WIDGETOP_reset",
    );
    await step("widget_sub's other case changed");
  });

  test("a second switch on the sub-op that names no case of it: each walk taken through both views", async () => {
    const { root, cacheDir, edit } = copy("lock-switch");
    // as do_domctl's sub-ops that need no lock: the others run its `default:`, then the main switch
    edit("    long ret;\n\n", LOCK_SWITCH);
    await extractCatalogue(root, { workers: 0, cacheDir });
    // the query case of the first switch grows: the others' walks read none of it
    edit(
      "    case WIDGETOP_query:\n        return 0;",
      "    case WIDGETOP_query:\n        ret = 0;\n        return ret;",
    );
    const want = json(await extractCatalogue(root, { workers: 0 }));
    assert.match(want, /xen\/common\/widget\.c:3[0-9]/, "the hooks below moved a line");
    const { catalogue, walked } = await walksOf(root, cacheDir);
    assert.equal(catalogue, want);
    assert.deepEqual(walked, [null, "WIDGETOP_query"]);
  });

  test("a walk that leaves the body early reads nothing after: a change there leaves it taken", async () => {
    const { root, cacheDir, edit } = copy("left-early");
    // query returns from the first switch, as do_domctl's sub-ops that `goto` out of its second
    edit("    long ret;\n\n", LOCK_SWITCH);
    await extractCatalogue(root, { workers: 0, cacheDir });
    edit("ret = xsm_widget_flush(XSM_PRIV);", "ret = xsm_widget_flush(XSM_HOOK);");
    const want = json(await extractCatalogue(root, { workers: 0 }));
    const { catalogue, walked } = await walksOf(root, cacheDir);
    assert.equal(catalogue, want);
    // the listing reads it all, reset falls through into flush; query left before the main switch
    assert.deepEqual(walked, [null, "WIDGETOP_reset", "WIDGETOP_flush"]);
    // then the first switch's query case no longer returns: its walk reads on, and is made again
    edit(
      "    case WIDGETOP_query:\n        return 0;",
      "    case WIDGETOP_query:\n        ret = 0;\n        break;",
    );
    const again = await walksOf(root, cacheDir);
    assert.equal(again.catalogue, json(await extractCatalogue(root, { workers: 0 })));
    assert.ok(again.walked.includes("WIDGETOP_query"), String(again.walked));
  });

  test("a case with statements after an `#ifdef`, outside its node: taken through its view all the same", async () => {
    const { root, cacheDir, edit } = copy("after-ifdef");
    edit(
      "    case WIDGETOP_detach:\n",
      "    case WIDGETOP_detach:\n#ifdef CONFIG_WIDGET_CHECK\n        if ( !currd )\n            break;\n#endif\n",
    );
    const first = json(await extractCatalogue(root, { workers: 0, cacheDir }));
    assert.equal(first, json(await extractCatalogue(root, { workers: 0 })), "first");
    edit("        ret = 0;\n        break;", "        ret = 0;\n        ret += 0;\n        break;");
    const want = json(await extractCatalogue(root, { workers: 0 }));
    const { catalogue, walked } = await walksOf(root, cacheDir);
    assert.equal(catalogue, want);
    assert.deepEqual(walked, [null, "WIDGETOP_query"]);
  });

  test("a case of the sub-op put inside another case's statements: the walks that ran `default:` are made again", async () => {
    const { root, cacheDir, edit } = copy("inner-label");
    edit("    long ret;\n\n", LOCK_SWITCH);
    const before = json(await extractCatalogue(root, { workers: 0, cacheDir }));
    // attach now stops in the first switch, from a label inside the query case's block
    edit(
      "    case WIDGETOP_query:\n        return 0;",
      "    case WIDGETOP_query:\n        {\n    case WIDGETOP_attach:\n            return -EBUSY;\n        }",
    );
    const want = json(await extractCatalogue(root, { workers: 0 }));
    assert.notEqual(want, before, "attach no longer reaches its hook");
    const { catalogue, walked } = await walksOf(root, cacheDir);
    assert.equal(catalogue, want);
    assert.ok(walked.includes("WIDGETOP_attach"), String(walked));
  });

  // each a widget.c and an edit of one case: what the walker reads besides the statements it walks must
  // not be left out of a view (the edit changes the catalogue, or must not matter)
  for (const [name, from, to, changes] of [
    ["error-past-switch", "        widget_plug(currd, 0);", "        ret = widget_plug(currd, 0);", true],
    ["bypass-over-switch", "default:\n            return 0;", "default:\n            return -EINVAL;", true],
    ["hook-in-skipped-case", "ret = widget_plug(currd, 0);", "ret = xsm_widget_reset(XSM_HOOK);", true],
    ["error-past-ifdef-cases", "ret = -EPERM;", "ret = -EACCES;", false],
    ["error-inside-ifdef-cases", "ret = -EPERM;", "ret = -EACCES;", false],
    ["predicate-tail", "\n    ASSERT_UNREACHABLE();", "", true],
  ] as const)
    test(`text read beyond the walked statements: ${name}`, async () => {
      const { root, cacheDir, path, edit } = copy(name);
      writeFileSync(path, readFileSync(join(MEMO_READS, `${name}.c`)));
      const before = json(await extractCatalogue(root, { workers: 0, cacheDir }));
      edit(from, to);
      const want = json(await extractCatalogue(root, { workers: 0 }));
      assert.equal(want !== before, changes, "whether the edit changes the catalogue");
      assert.equal(json(await extractCatalogue(root, { workers: 0, cacheDir })), want);
    });

  test("entries of another shape (kept under their keys, their hashes right) are misses", async () => {
    const { root, cacheDir } = copy("forged");
    const want = json(await extractCatalogue(root, { workers: 0 }));
    await extractCatalogue(root, { workers: 0, cacheDir });
    const forger = new ParseCache(cacheDir, "");
    const payloads: Record<string, string[]> = {
      walk: [
        '[{"reads":[],"places":[],"result":{}}]',
        '[{"reads":[["e","x"]],"places":[],"views":[["e",0,[{"at":0,"label":"L","count":1}],{"digest":"d","parts":[]}]],"result":{}}]',
        '[{"reads":[["e","x"]],"places":[],"views":[["e",0,{"at":0,"label":"L","count":1},{"digest":"d","parts":[]}]],"result":{}}]',
        '[{"reads":[["e","x"]],"places":[],"views":[["e",0,[{"at":0,"label":"L","count":1,"absent":1}],{"digest":"d","parts":[]}]],"result":{}}]',
        '[{"reads":[["e","x"]],"places":[],"views":[["e",0,[{"at":0,"label":"","count":0,"tail":1}],{"digest":"d","parts":[]}]],"result":{}}]',
        '[{"reads":[["e","x"]],"places":[],"views":[["e",0,{},{}]],"result":{}}]',
        '[{"reads":[["e","x"]],"places":[],"views":5,"result":{}}]',
        '[{"reads":[],"places":[],"result":{"checks":[null],"labels":[],"lookupFailures":[],"unresolved":[],"systemTargets":[],"required":[]}}]',
        '[{"reads":[],"places":[],"result":{"checks":[],"labels":[["X",null]],"lookupFailures":[],"unresolved":[],"systemTargets":[],"required":[]}}]',
        // keys no walk makes: an arch that is none, a file outside the tree, a directory
        ...[
          "k\\u0000zzz\\u0000CONFIG_X",
          "d\\u0000zzz\\u0000f",
          "f\\u0000n\\u0000../../etc/hostname",
          "f\\u0000n\\u0000xen",
        ].map(
          (key) =>
            `[{"reads":[["${key}","x"]],"places":[],"result":{"checks":[],"labels":[],"lookupFailures":[],"unresolved":[],"systemTargets":[],"required":[]}}]`,
        ),
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

describe("kept functions that do not fit their file", () => {
  test("a body where the tree has none: a located error naming the cache, never a TypeError", async () => {
    const { root, cacheDir } = copy("forged-body");
    await extractCatalogue(root, { workers: 0, cacheDir });
    const forger = new ParseCache(cacheDir, "");
    const fn = (body: number) =>
      `{"name":"do_widget_op","params":[],"guards":[],"line":1,"body":${body},"summary":{"calls":[],"gate":false,"xsm":[]},"extent":{"digest":"d","from":1,"to":1}}`;
    for (const body of [-5, 999999, 0]) {
      for (const f of entries(cacheDir, "functions").keys()) {
        const [, dir = "", name = ""] = f.split("/");
        forger.put(dir + name.slice(0, -"functions".length - 1), Buffer.from(`[${fn(body)}]`), "functions");
      }
      await assert.rejects(extractCatalogue(root, { workers: 0, cacheDir }), (e: unknown) => {
        assert.ok(e instanceof InputError, String(e));
        const d = e.diagnostics[0];
        assert.equal(d?.code, "extract/cache-entry");
        assert.match(d?.message ?? "", /do_widget_op/);
        assert.ok(d?.span?.file.startsWith(`${root}/xen/`), d?.span?.file);
        return true;
      });
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
