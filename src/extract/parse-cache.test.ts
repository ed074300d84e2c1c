import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadArraysParser } from "./c-parser.js";
import { ParseCache } from "./parse-cache.js";
import { treeToBytes } from "./tree-bytes.js";

const tmp = mkdtempSync(join(tmpdir(), "xenpriv-parse-cache-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const TEXT = "long do_widget_op(unsigned int cmd)\n{\n    return xsm_widget(XSM_PRIV, current->domain);\n}\n";
let bytes: Uint8Array;
before(async () => {
  bytes = treeToBytes((await loadArraysParser())(TEXT));
});

/** The files of a cache directory: its entries and anything else left there. */
const filesIn = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());

describe("ParseCache", () => {
  test("a tree put under a text's key is got back as written; another text's key misses", () => {
    const cache = new ParseCache(join(tmp, "a"), "salt");
    const key = cache.key(TEXT);
    assert.equal(cache.get(key), null);
    assert.ok(cache.put(key, bytes));
    assert.deepEqual(new Uint8Array(cache.get(key) ?? []), bytes);
    assert.equal(cache.get(cache.key(`${TEXT} `)), null);
    // written whole, through a temporary file renamed into place: nothing else is left
    assert.deepEqual(
      filesIn(join(tmp, "a")).map((e) => e.name),
      [`${key.slice(2)}.tree`],
    );
  });

  test("the key depends on what made the tree: another grammar or version is another key", () => {
    const [a, b] = [new ParseCache(tmp, "grammar 1"), new ParseCache(tmp, "grammar 2")];
    assert.notEqual(a.key(TEXT), b.key(TEXT));
    assert.match(a.key(TEXT), /^[0-9a-f]{64}$/);
  });

  test("a damaged entry is a miss: cut short, a byte changed, another key's entry, not an entry", () => {
    const dir = join(tmp, "b");
    const cache = new ParseCache(dir, "salt");
    const key = cache.key(TEXT);
    const other = cache.key("int x;\n");
    cache.put(key, bytes);
    const [entry] = filesIn(dir);
    assert.ok(entry);
    const path = join(entry.parentPath, entry.name);
    const good = readFileSync(path);
    const damaged: [string, Buffer][] = [
      ["cut short", good.subarray(0, good.length - 1)],
      ["empty", Buffer.alloc(0)],
      [
        "a payload byte changed",
        Buffer.concat([good.subarray(0, -1), Buffer.from([(good.at(-1) ?? 0) ^ 1])]),
      ],
      ["another format", Buffer.concat([good.subarray(0, 4), Buffer.from([9, 0, 0, 0]), good.subarray(8)])],
      ["not an entry", Buffer.from("#include <xen/sched.h>\n")],
    ];
    for (const [what, b] of damaged) {
      writeFileSync(path, b);
      assert.equal(cache.get(key), null, what);
    }
    // a whole entry of another key, copied to this key's place
    cache.put(other, bytes);
    const [moved] = filesIn(dir).filter((e) => e.name !== entry.name);
    assert.ok(moved);
    writeFileSync(path, readFileSync(join(moved.parentPath, moved.name)));
    assert.equal(cache.get(key), null, "another key's entry");
  });

  // (root, who runs the tests here, writes even into a read-only directory: a file stands in)
  test("a cache directory that cannot be made: put says so, get misses, nothing throws", () => {
    const file = join(tmp, "file");
    writeFileSync(file, "");
    const cache = new ParseCache(file, "salt");
    assert.equal(cache.put(cache.key(TEXT), bytes), false);
    assert.equal(cache.get(cache.key(TEXT)), null);
  });

  test("in the background: got back before it is written, on disk once written(), the last put kept", async () => {
    const dir = join(tmp, "soon");
    const cache = new ParseCache(dir, "salt", "", { inBackground: true });
    const key = cache.key(TEXT);
    const other = treeToBytes((await loadArraysParser())("int x;\n"));
    assert.ok(cache.put(key, other));
    assert.ok(cache.put(key, bytes));
    // what a reader on this thread gets meanwhile is the last put, whether or not it is on disk yet
    assert.deepEqual(new Uint8Array(cache.get(key) ?? []), bytes);
    await ParseCache.written();
    assert.deepEqual(
      filesIn(dir).map((e) => e.name),
      [`${key.slice(2)}.tree`],
    );
    // read from disk by a cache that never held it
    assert.deepEqual(new Uint8Array(new ParseCache(dir, "salt").get(key) ?? []), bytes);
  });

  test("written() asked twice at once: the second resolves with every entry on disk, as the first", async () => {
    const dir = join(tmp, "twice");
    const cache = new ParseCache(dir, "salt", "", { inBackground: true });
    for (let i = 0; i < 200; i++) cache.put(cache.key(`${TEXT}${i}`), bytes);
    const first = ParseCache.written();
    await ParseCache.written();
    assert.equal(filesIn(dir).length, 200);
    await first;
  });

  test("in the background, a directory that cannot be made: written() resolves, nothing is left, get misses", async () => {
    const file = join(tmp, "file-soon");
    writeFileSync(file, "");
    const cache = new ParseCache(file, "salt", "", { inBackground: true });
    cache.put(cache.key(TEXT), bytes);
    await ParseCache.written();
    assert.equal(cache.get(cache.key(TEXT)), null);
    assert.equal(readFileSync(file, "utf8"), "");
  });
});
