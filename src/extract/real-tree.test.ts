/**
 * extractCatalogue on a real Xen tree, named by XEN_SRC (`XEN_SRC=<tree> npm run test:xen`): the
 * catalogue is valid, every hook call agrees with its hook, every operation points at a line of the
 * tree, and a version xenpriv ships (catalogues/extracted/xen-<version>.json) is extracted again
 * exactly as shipped. Without XEN_SRC the tests say so and pass. A tree without git (`git archive`)
 * has no commit of its own: XEN_COMMIT names it, else it is unknown and the tests say so.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { flaskHooksPath } from "../catalog/load-flask-hooks.js";
import { type Catalogue, CatalogueSchema, type Check } from "../catalog/schema.js";
import { packageRoot } from "../core/package-root.js";
import { HypercallCatalogueSchema } from "../privcmd/hypercall-catalogue.js";
import { extractCatalogue } from "./extract-catalogue.js";
import { extractHypercallCatalogue } from "./hypercall-catalogue.js";
import { treeMeta } from "./tree-meta.js";

const root = process.env.XEN_SRC;
/** The commit of a tree without git, as `xenpriv extract --commit` takes it. */
const commit = process.env.XEN_COMMIT;
let extracted: Promise<Catalogue> | undefined;
/** The tree's catalogue, extracted once for all the tests of the file (a few seconds on a full tree). */
const catalogue = () => {
  extracted ??= extractCatalogue(root as string, {
    meta: treeMeta(root as string, { ...(commit !== undefined && { commit }) }),
  });
  return extracted;
};

/** `shipped` with the tree's commit when that is unknown: the rest must agree, and the test says so. */
function withCommitOf<T extends { commit?: string }>(got: T, shipped: T, what: string): T {
  if (got.commit) return shipped;
  console.log(`${what}: commit unknown (no git, no XEN_COMMIT): compared without it`);
  return { ...shipped, commit: got.commit };
}

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
const files = new Map<string, string[] | null>();
function linesOf(file: string): string[] | null {
  let lines = files.get(file);
  if (lines === undefined) {
    const p = join(root as string, file);
    lines = existsSync(p) ? readFileSync(p, "utf8").split("\n") : null;
    files.set(file, lines);
  }
  return lines;
}

/** Why `ref` (`path:line`) does not name a line of the tree (and, given, one that calls `call`), or null when it does. */
function badRef(ref: string, call?: string): string | null {
  const m = /^(.+):(\d+)$/.exec(ref);
  if (!m) return "not path:line";
  const lines = linesOf(m[1] as string);
  if (lines === null) return "no such file";
  const text = lines[Number(m[2]) - 1];
  if (Number(m[2]) < 1 || text === undefined) return `the file has ${lines.length} lines`;
  return call && !text.includes(call) ? `no ${call} on \`${text.trim()}\`` : null;
}

/** The hook a check calls: an XSM check, or one kept as a run-time gate (`runtime:xsm_<hook>(...) ...`). */
function hookOf(check: Check): string | undefined {
  if (check.kind === "xsm") return check.hook;
  if (check.kind === "gate" && typeof check.require === "string")
    return /^runtime:xsm_(\w+)\(/.exec(check.require)?.[1];
  return undefined;
}

/** The differences of two lists of named items: missing, extra and changed names, or another order. */
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

  real(
    "every operation and every check points at a line of the tree; a hook's at the line calling it",
    (c) => {
      const bad: string[] = [];
      for (const op of c.operations) {
        const why = badRef(op.ref);
        if (why) bad.push(`${op.id}: ${op.ref} (${why})`);
        for (const check of op.checks) {
          const hook = hookOf(check);
          const w = badRef(check.ref, hook && `xsm_${hook}`);
          if (w) bad.push(`${op.id}, ${check.kind} check: ${check.ref} (${w})`);
        }
      }
      assert.deepEqual(bad, []);
    },
  );

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
        (a, b) => isDeepStrictEqual(a.checks, b.checks),
      ),
      ...differences("hook", c.hooks, shipped.hooks, (h) => h.name, isDeepStrictEqual),
    ];
    const shown = 40;
    assert.equal(
      diffs.length,
      0,
      [
        `${diffs.length} differences with catalogues/extracted/xen-${c.meta.xen}.json:`,
        ...diffs.slice(0, shown).map((d) => `  ${d}`),
        ...(diffs.length > shown ? [`  ... and ${diffs.length - shown} more`] : []),
      ].join("\n"),
    );
    // and in full, once the summary agrees
    assert.deepEqual(
      c.operations.map((o) => ({ id: o.id, checks: o.checks })),
      shipped.operations.map((o) => ({ id: o.id, checks: o.checks })),
    );
    assert.deepEqual(c.hooks, shipped.hooks);
  });

  real(
    "the Flask part: a Flask hook for every hook, at lines of the tree, and a shipped version's as shipped",
    (c) => {
      assert.ok(c.flask, "no Flask part");
      const names = new Set(c.flask.hooks.map((h) => h.name));
      assert.deepEqual(
        c.hooks.map((h) => h.name).filter((n) => !names.has(n)),
        [],
      );
      const bad = c.flask.hooks.flatMap((h) => {
        const why = badRef(h.opsRef, `flask_${h.name}`) && badRef(h.opsRef, h.name);
        return why ? [`${h.name}: ${h.opsRef} (${why})`] : [];
      });
      assert.deepEqual(bad, []);
      const file = flaskHooksPath(c.meta.xen);
      if (!existsSync(file)) {
        console.log(`Xen ${c.meta.xen}: no shipped Flask hooks (${file})`);
        return;
      }
      assert.deepEqual(c.flask.hooks, JSON.parse(readFileSync(file, "utf8")).flask.hooks);
      console.log(`Xen ${c.meta.xen}: ${c.flask.hooks.length} Flask hooks, as shipped`);
    },
  );

  real("the commit is the checkout's or XEN_COMMIT, and a shipped version's is the same", (c) => {
    if (!c.meta.commit) {
      console.log(`Xen ${c.meta.xen}: commit unknown (not a git checkout, no XEN_COMMIT)`);
      return;
    }
    assert.match(c.meta.commit, /^[0-9a-f]{40}$/);
    if (commit) assert.equal(c.meta.commit, commit.toLowerCase());
    const file = join(packageRoot(), "catalogues", "extracted", `xen-${c.meta.xen}.json`);
    if (existsSync(file)) assert.equal(c.meta.commit, JSON.parse(readFileSync(file, "utf8")).meta.commit);
  });
});

describe("real tree (XEN_SRC): extractHypercallCatalogue", () => {
  test("a version xenpriv ships (catalogues/privcmd/xen-<version>.json) is extracted again as shipped", async () => {
    if (!root) {
      console.log("XEN_SRC not set: real-tree check not run");
      return;
    }
    const version = treeMeta(root).xen ?? "";
    const file = join(packageRoot(), "catalogues", "privcmd", `xen-${version}.json`);
    if (!existsSync(file)) {
      console.log(`Xen ${version}: no shipped privcmd catalogue (catalogues/privcmd/xen-${version}.json)`);
      return;
    }
    const shipped = HypercallCatalogueSchema.parse(JSON.parse(readFileSync(file, "utf8")));
    const got = await extractHypercallCatalogue(root, version, commit);
    assert.deepEqual(got, withCommitOf(got, shipped, `catalogues/privcmd/xen-${version}.json`));
  });
});
