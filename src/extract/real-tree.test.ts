/**
 * extractCatalogue on a real Xen tree, named by XEN_SRC (`XEN_SRC=<tree> npm run test:xen`): the
 * catalogue is valid, every hook call agrees with its hook, every operation points at a line of the
 * tree, and a version xenpriv ships (catalogues/extracted/xen-<version>.json) is extracted again
 * exactly as shipped. Without XEN_SRC the tests say so and pass.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { type Catalogue, CatalogueSchema } from "../catalog/schema.js";
import { packageRoot } from "../core/package-root.js";
import { extractCatalogue } from "./extract-catalogue.js";
import { treeMeta } from "./tree-meta.js";

const root = process.env.XEN_SRC;
let extracted: Promise<Catalogue> | undefined;
/** The tree's catalogue, extracted once per run (about half a minute on a full tree). */
const catalogue = () => {
  extracted ??= extractCatalogue(root as string, { meta: treeMeta(root as string) });
  return extracted;
};

/** Runs `body` on the tree's catalogue, or says why not. */
function real(name: string, body: (c: Catalogue) => void | Promise<void>): void {
  test(name, async () => {
    if (!root) {
      console.log("XEN_SRC not set: real-tree check not run");
      return;
    }
    await body(await catalogue());
  });
}

/** The lines of each file a ref names, read once. */
const lineCounts = new Map<string, number | null>();
function lineCount(file: string): number | null {
  let n = lineCounts.get(file);
  if (n === undefined) {
    const p = join(root as string, file);
    n = existsSync(p) ? readFileSync(p, "utf8").split("\n").length : null;
    lineCounts.set(file, n);
  }
  return n;
}

/** Why `ref` (`path:line`) does not name a line of the tree, or null when it does. */
function badRef(ref: string): string | null {
  const m = /^(.+):(\d+)$/.exec(ref);
  if (!m) return "not path:line";
  const n = lineCount(m[1] as string);
  if (n === null) return "no such file";
  const line = Number(m[2]);
  return line >= 1 && line <= n ? null : `the file has ${n} lines`;
}

/** The differences of two lists of named items: missing, extra, and changed names (the first few). */
function differences<T>(
  what: string,
  got: readonly T[],
  want: readonly T[],
  key: (x: T) => string,
  same: (a: T, b: T) => boolean,
): string[] {
  const g = new Map(got.map((x) => [key(x), x]));
  const w = new Map(want.map((x) => [key(x), x]));
  const out = [
    ...[...w.keys()].filter((k) => !g.has(k)).map((k) => `${what} ${k}: shipped, not extracted`),
    ...[...g.keys()].filter((k) => !w.has(k)).map((k) => `${what} ${k}: extracted, not shipped`),
    ...[...g].filter(([k, x]) => w.has(k) && !same(x, w.get(k) as T)).map(([k]) => `${what} ${k}: differs`),
  ];
  if (out.length === 0 && got.map(key).join() !== want.map(key).join()) out.push(`${what}s: another order`);
  return out;
}

const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

describe("real tree (XEN_SRC): extractCatalogue", () => {
  real("the catalogue validates against the schema, and validating adds nothing", (c) => {
    assert.deepEqual(CatalogueSchema.parse(c), c);
  });

  real("every hook call agrees with its hook: no action mismatch", (c) => {
    assert.ok(c.extraction, "the catalogue says how it was extracted");
    assert.deepEqual(c.extraction.mismatches, []);
  });

  real("dummy.h has hooks, and the hypercalls operations", (c) => {
    assert.ok(c.hooks.length > 0, "no hook");
    assert.ok(c.operations.length > 0, "no operation");
    console.log(
      `Xen ${c.meta.xen}: ${c.operations.length} operations, ${c.hooks.length} hooks, ${c.extraction?.unresolved.length ?? 0} places not decided`,
    );
  });

  real("every operation, and every check of one, points at a line of the tree", (c) => {
    const bad: string[] = [];
    for (const op of c.operations) {
      const why = badRef(op.ref);
      if (why) bad.push(`${op.id}: ${op.ref} (${why})`);
      for (const check of op.checks) {
        const w = badRef(check.ref);
        if (w) bad.push(`${op.id}, ${check.kind} check: ${check.ref} (${w})`);
      }
    }
    assert.deepEqual(bad, []);
  });

  real("a version xenpriv ships is extracted as shipped: operations, their checks, hooks", (c) => {
    const file = join(packageRoot(), "catalogues", "extracted", `xen-${c.meta.xen}.json`);
    if (!existsSync(file)) {
      console.log(`Xen ${c.meta.xen}: no shipped catalogue (catalogues/extracted/xen-${c.meta.xen}.json)`);
      return;
    }
    const shipped = CatalogueSchema.parse(JSON.parse(readFileSync(file, "utf8")));
    const diffs = [
      ...differences(
        "operation",
        c.operations,
        shipped.operations,
        (o) => o.id,
        (a, b) => equal(a.checks, b.checks),
      ),
      ...differences("hook", c.hooks, shipped.hooks, (h) => h.name, equal),
    ];
    assert.deepEqual(diffs, [], `differences with catalogues/extracted/xen-${c.meta.xen}.json`);
    // and in full, once the summary agrees
    assert.deepEqual(
      c.operations.map((o) => ({ id: o.id, checks: o.checks })),
      shipped.operations.map((o) => ({ id: o.id, checks: o.checks })),
    );
    assert.deepEqual(c.hooks, shipped.hooks);
  });
});
