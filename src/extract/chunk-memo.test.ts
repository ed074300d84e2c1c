import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { namedTree } from "../../test/support/named-tree.js";
import { type KeptChunks, loadArraysParser, type ParseArrays } from "./c-parser.js";
import { ChunkMemo } from "./chunk-memo.js";
import type { ChunkTree } from "./copy-tree.js";
import { ParseCache } from "./parse-cache.js";
import { treeFromBytes, treeToBytes } from "./tree-bytes.js";

const tmp = mkdtempSync(join(tmpdir(), "xenpriv-chunk-memo-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

let parse: ParseArrays;
before(async () => {
  parse = await loadArraysParser();
});

// each function a chunk of its own: 256 characters at least (chunk-bounds.ts)
const fn = (name: string, body: string) =>
  `static int ${name}(struct domain *d)\n{\n    /* ${name} ${"-".repeat(250)} */\n${body}\n}\n\n`;
const V1 = [
  "#include <xen/sched.h>\n\n",
  fn("widget_check", "    return xsm_widget(XSM_HOOK, d);"),
  fn("widget_reset", "    if ( d == current->domain )\n        return -EINVAL;\n    return widget_check(d);"),
  fn("widget_op", "    return widget_reset(d);"),
].join("");
// one function changed, and the lines of those after it moved
const V2 = V1.replace("return -EINVAL;", "return -EPERM;\n    d->widget = 0;");

/** A memo that counts the chunks with nodes it gave. */
function counting(memo: ChunkMemo): KeptChunks & { taken: number } {
  const spy = {
    taken: 0,
    take: (chunk: string, from: number): ChunkTree | undefined => {
      const t = memo.take(chunk, from);
      // a chunk of blanks alone (the text's last) has no node to take
      if (t && t.end > t.first) spy.taken++;
      return t;
    },
    made: (chunk: string, nodes: number, error: boolean) => memo.made(chunk, nodes, error),
  };
  return spy;
}

/** `text` of widget.c parsed with the memo of `cache`, the tree kept as parse-source.ts keeps it. */
function parseKept(cache: ParseCache, text: string) {
  const memo = new ChunkMemo(cache, "xen/common/widget.c");
  const spy = counting(memo);
  const tree = parse(text, "widget.c", spy);
  const key = cache.key(text);
  assert.ok(cache.put(key, treeToBytes(tree)));
  memo.keep(key);
  return { tree, taken: spy.taken };
}

describe("ChunkMemo", () => {
  test("an edited file parses only the chunk that changed; its tree is a parse without the memo", () => {
    const cache = new ParseCache(join(tmp, "edit"), "salt", "code");
    assert.equal(parseKept(cache, V1).taken, 0);
    const second = parseKept(cache, V2);
    // the include with widget_check, and widget_op, are taken (their offsets moved)
    assert.equal(second.taken, 2);
    assert.deepEqual(namedTree(second.tree), namedTree(parse(V2)));
    // the first version is still kept: going back parses nothing
    const back = parseKept(cache, V1);
    assert.equal(back.taken, 3);
    assert.deepEqual(namedTree(back.tree), namedTree(parse(V1)));
  });

  test("what is kept is per file: another file with the same chunks parses its own", () => {
    const cache = new ParseCache(join(tmp, "per-file"), "salt", "code");
    parseKept(cache, V1);
    const other = counting(new ChunkMemo(cache, "xen/common/other.c"));
    parse(V2, "other.c", other);
    assert.equal(other.taken, 0);
  });

  test("kept chunks of another shape, or of a tree the cache lost, are misses: the tree is parsed", () => {
    const forged = (name: string, entry: string | null, dropTree = false) => {
      const dir = join(tmp, name);
      const cache = new ParseCache(dir, "salt", "code");
      parseKept(cache, V1);
      const key = cache.key("xen/common/widget.c", "chunks");
      if (entry !== null) cache.put(key, Buffer.from(entry), "chunks");
      if (dropTree)
        for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
          if (e.name.endsWith(".tree")) rmSync(join(e.parentPath, e.name));
      const spy = counting(new ChunkMemo(cache, "xen/common/widget.c"));
      const tree = parse(V2, "widget.c", spy);
      assert.equal(spy.taken, 0, name);
      assert.deepEqual(namedTree(tree), namedTree(parse(V2)), name);
    };
    forged("not JSON", "{");
    forged("not a list", '{"tree": "x"}');
    forged("a chunk of three fields", '[{"tree": "x", "chunks": [["h", 1, 1]]}]');
    forged("the tree lost", null, true);
    // node counts that do not make whole subtrees of the tree kept
    const dir = join(tmp, "counts");
    const cache = new ParseCache(dir, "salt", "code");
    parseKept(cache, V1);
    const key = cache.key("xen/common/widget.c", "chunks");
    const entry = cache.get(key, "chunks");
    assert.ok(entry);
    const versions = JSON.parse(Buffer.from(entry).toString("utf8")) as {
      chunks: [string, number, number, boolean][];
    }[];
    for (const c of versions[0]?.chunks ?? []) c[2] += 1;
    cache.put(key, Buffer.from(JSON.stringify(versions)), "chunks");
    const spy = counting(new ChunkMemo(cache, "xen/common/widget.c"));
    assert.deepEqual(namedTree(parse(V2, "widget.c", spy)), namedTree(parse(V2)));
    assert.equal(spy.taken, 0);
    // a tree kept whose nodes name a type past its list of types: each chunk of it is a miss
    const typed = new ParseCache(join(tmp, "types"), "salt", "code");
    parseKept(typed, V1);
    const tree = treeFromBytes(typed.get(typed.key(V1)) ?? new Uint8Array());
    assert.ok(tree);
    tree.kind.fill(tree.types.length + 7, 1);
    typed.put(typed.key(V1), treeToBytes(tree));
    const spyTyped = counting(new ChunkMemo(typed, "xen/common/widget.c"));
    assert.deepEqual(namedTree(parse(V2, "widget.c", spyTyped)), namedTree(parse(V2)));
    assert.equal(spyTyped.taken, 0);
  });

  test("a file's versions are kept four at most, the latest first", () => {
    const cache = new ParseCache(join(tmp, "versions"), "salt", "code");
    for (let i = 0; i < 6; i++) parseKept(cache, V1.replace("-EINVAL", `-E${i}`));
    const entry = cache.get(cache.key("xen/common/widget.c", "chunks"), "chunks");
    assert.ok(entry);
    const versions = JSON.parse(Buffer.from(entry).toString("utf8")) as { tree: string }[];
    assert.equal(versions.length, 4);
    assert.equal(versions[0]?.tree, cache.key(V1.replace("-EINVAL", "-E5")));
  });
});
