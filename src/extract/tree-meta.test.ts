import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { InputError } from "../core/errors.js";
import { type TreeMetaOptions, treeMeta, treeMetaLater } from "./tree-meta.js";

const SHA = "d45d5687f1441495f4ee20d5e9940066c5fa5beb";
const tmp = mkdtempSync(join(tmpdir(), "xenpriv-tree-meta-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A tree with only xen/Makefile's version lines, as 4.22.0 writes them. */
function tree(name: string): string {
  const root = join(tmp, name);
  mkdirSync(join(root, "xen"), { recursive: true });
  writeFileSync(
    join(root, "xen/Makefile"),
    "export XEN_VERSION       = 4\nexport XEN_SUBVERSION    = 22\nexport XEN_EXTRAVERSION ?= .0$(XEN_VENDORVERSION)\n",
  );
  return root;
}

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof InputError);
    return e.diagnostics[0]?.code ?? "";
  }
  return "no error";
};

/** The meta of `root`, after checking that treeMetaLater says the same, or fails with the same code. */
async function metaOf(root: string, options: TreeMetaOptions = {}) {
  const now = (() => {
    try {
      return treeMeta(root, options);
    } catch (e) {
      return e;
    }
  })();
  const later = await treeMetaLater(root, options).catch((e: unknown) => e);
  if (now instanceof InputError) {
    assert.ok(later instanceof InputError);
    assert.deepEqual(later.diagnostics, now.diagnostics);
    throw now;
  }
  assert.deepEqual(later, now);
  return now as ReturnType<typeof treeMeta>;
}

const codeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "no error",
    (e: unknown) => {
      assert.ok(e instanceof InputError);
      return e.diagnostics[0]?.code ?? "";
    },
  );

/** git in the checkout at `root`, as a user who commits there. */
const gitIn =
  (root: string) =>
  (...args: string[]): string =>
    execFileSync(
      "git",
      ["-C", root, "-c", "init.defaultBranch=main", "-c", "user.name=t", "-c", "user.email=t@t", ...args],
      { encoding: "utf8" },
    ).trim();

describe("treeMeta", () => {
  let archive: string;
  let checkout: string;
  let head: string;
  before(() => {
    archive = tree("archive");
    checkout = tree("checkout");
    const git = gitIn(checkout);
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "version", "--date", "2026-01-02T00:00:00Z");
    git("tag", "RELEASE-4.22.0");
    head = git("rev-parse", "HEAD");
  });

  // each case through metaOf: treeMetaLater, which asks git in the background, answers alike
  it("a tree without git: the version, and the commit only when named", async () => {
    assert.deepEqual(await metaOf(archive), { xen: "4.22.0" });
    assert.deepEqual(await metaOf(archive, { commit: SHA.toUpperCase() }), { xen: "4.22.0", commit: SHA });
  });

  it("a checkout: its commit, tag and date; a named commit must be the same", async () => {
    const m = await metaOf(checkout);
    assert.equal(m.commit, head);
    assert.equal(m.tag, "RELEASE-4.22.0");
    assert.match(m.date ?? "", /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(await metaOf(checkout, { commit: head }), m);
    assert.equal(await codeOf(metaOf(checkout, { commit: SHA })), "extract/commit-mismatch");
  });

  it("a tree inside another checkout has no commit of its own", async () => {
    const inner = join(checkout, "unpacked");
    mkdirSync(join(inner, "xen"), { recursive: true });
    writeFileSync(join(inner, "xen/Makefile"), "");
    assert.deepEqual(await metaOf(inner), {});
  });

  it("a checkout with uncommitted changes is not its tag: its commit is the base, and the note says so", async () => {
    writeFileSync(
      join(checkout, "xen/Makefile"),
      `${readFileSync(join(checkout, "xen/Makefile"), "utf8")}# patched\n`,
    );
    const m = await metaOf(checkout);
    assert.equal(m.commit, head);
    assert.equal(m.tag, "");
    assert.equal(m.note, `extracted from a checkout of ${head} with uncommitted changes`);
  });

  it("a checkout whose changes git lists in more than node's 1 MiB of output still has them", async () => {
    const root = tree("many-changes");
    const git = gitIn(root);
    git("init", "-q");
    // 320 files under 17 levels of 200-character names: `git status` lists 1.1 MB of paths
    const deep = join(root, ...Array.from({ length: 17 }, (_, i) => `${i}`.padEnd(200, "d")));
    mkdirSync(deep, { recursive: true });
    for (let i = 0; i < 320; i++) writeFileSync(join(deep, `f${i}`), "a\n");
    git("add", ".");
    git("commit", "-qm", "many");
    git("tag", "T");
    for (let i = 0; i < 320; i++) writeFileSync(join(deep, `f${i}`), "b\n");
    const m = await metaOf(root);
    assert.equal(m.tag, "");
    assert.match(m.note ?? "", /with uncommitted changes$/);
  });

  it("a named commit that is not a full commit id is bad input, said at once", () => {
    for (const bad of ["d45d568", `${SHA}0`, "RELEASE-4.22.0", ""])
      for (const read of [treeMeta, treeMetaLater])
        assert.equal(
          code(() => read(archive, { commit: bad })),
          "extract/bad-commit",
          bad,
        );
  });
});
