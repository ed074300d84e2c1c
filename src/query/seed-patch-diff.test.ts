/**
 * The seed patch read from source: on a tree with the XSM_HW_PRIV v1 patch applied, the diff of the
 * two trees (`xenpriv diff --xen <base> --vs <patched>`) shows the same permission changes as the
 * `hw-priv-v1` policy module does against `dummy` on the unpatched tree.
 *
 * test/fixtures/extract/seed-diff/{base,patched}/ are small Xen-shaped trees written for this test:
 * one hook of each default action (PRIV, DM_PRIV, HOOK, TARGET, XS_PRIV, and console_io's OTHER),
 * and in `patched` the seed patch (000_914e5b3ccdf1613a) applied to dummy.h and to the call sites it
 * touches (physdev apic and setup_gsi, platform_op).
 *
 * query/ may not import extract/ (ARCHITECTURE.md), so the catalogues come from `xenpriv extract`
 * run from source, as a user gets them; the CLI's own diff is checked the same way.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { makeTreeVariant } from "../../test/support/tree-variant.js";
import { loadCataloguePath } from "../catalog/load-catalogue.js";
import type { Catalogue } from "../catalog/schema.js";
import type { System } from "../model/system.js";
import { dummy } from "../policy/dummy.js";
import { hwPrivV1 } from "../policy/hw-priv-v1.js";
import { loadSystemFile } from "../system/load-system.js";
import { type Change, diffModels } from "./diff.js";
import { buildModel } from "./model.js";
import { treePolicy } from "./tree-policy.js";
import { diffVersions, hasChanges } from "./version-diff.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = join(ROOT, "test/fixtures/extract/seed-diff");
const BASE = join(FIXTURES, "base");
const PATCHED = join(FIXTURES, "patched");
/** The built-in example (the CLI's default system): hwdom (hardware), ctl (control), xs (xenstore), guest. */
const SYSTEM = join(ROOT, "examples/seed-hwdom-qemu.yaml");
/** A PV dom0 that keeps control (and is no console) beside a late PVH hardware domain. */
const PV_SPLIT = join(ROOT, "test/fixtures/systems/pv-control-split.yaml");

/** `xenpriv <args>` from source, in the repository root. */
function xenpriv(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** One line per change, for readable assertion failures. */
const lines = (changes: readonly Change[]) =>
  changes.map((c) => `${c.kind} ${c.domain} ${c.op} ${c.relation}${c.target ? ` ${c.target}` : ""}`);

/** The seed patch applied in part: its call sites without its dummy.h, and its dummy.h without its call sites. */
const CALL_SITES = ["xen/arch/x86/physdev.c", "xen/arch/x86/platform_hypercall.c"];
const DUMMY_H = "xen/include/xsm/dummy.h";

let dir = "";
let callsOnlyTree = "";
let hooksOnlyTree = "";
let base: Catalogue;
let patched: Catalogue;
let callsOnly: Catalogue;
let hooksOnly: Catalogue;
let system: System;
let pvSplit: System;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "xenpriv-seed-diff-"));
  const extract = (tree: string, name: string) => {
    const out = join(dir, `${name}.json`);
    const r = xenpriv("extract", tree, "-o", out);
    assert.equal(r.code, 0, `xenpriv extract ${name}: ${r.err}`);
    return loadCataloguePath(out);
  };
  callsOnlyTree = makeTreeVariant(BASE, join(dir, "calls-only"), {
    from: { tree: PATCHED, files: CALL_SITES },
  });
  hooksOnlyTree = makeTreeVariant(BASE, join(dir, "hooks-only"), {
    from: { tree: PATCHED, files: [DUMMY_H] },
  });
  base = extract(BASE, "base");
  patched = extract(PATCHED, "patched");
  callsOnly = extract(callsOnlyTree, "calls-only");
  hooksOnly = extract(hooksOnlyTree, "hooks-only");
  system = loadSystemFile(SYSTEM);
  pvSplit = loadSystemFile(PV_SPLIT);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What the hw-priv-v1 module changes on the unpatched tree, against the tree's upstream policy. */
const byPolicy = (sys = system) => diffModels(buildModel(base, sys, dummy), buildModel(base, sys, hwPrivV1));
/** What the patched tree changes against the unpatched one, each read with its own dummy.h. */
const byTrees = (sys = system) =>
  diffVersions(buildModel(base, sys, treePolicy(base)), buildModel(patched, sys, treePolicy(patched)));

describe("seed patch: the patched tree against the hw-priv-v1 module", () => {
  test("both trees extract cleanly: same operations, no action mismatch, nothing undecided", () => {
    for (const c of [base, patched]) {
      assert.deepEqual(c.extraction?.mismatches, []);
      assert.deepEqual(c.extraction?.unresolved, []);
    }
    assert.deepEqual(
      patched.operations.map((o) => o.id),
      base.operations.map((o) => o.id),
    );
    const actions = new Set(base.hooks.map((h) => h.action));
    for (const a of ["PRIV", "DM_PRIV", "HOOK", "TARGET", "XS_PRIV", "OTHER"] as const)
      assert.ok(actions.has(a), `a hook asserting XSM_${a}`);
  });

  test("the unpatched tree's own policy is dummy's: no change at all", () => {
    for (const sys of [system, pvSplit]) {
      const d = diffModels(buildModel(base, sys, dummy), buildModel(base, sys, treePolicy(base)));
      assert.deepEqual(lines(d.changes), []);
    }
  });

  for (const [name, sys] of [
    ["the seed scenario", () => system],
    ["a PV control dom0 with a late hardware domain", () => pvSplit],
  ] as const)
    test(`on ${name}, the tree diff has exactly the effective changes of dummy -> hw-priv-v1`, () => {
      const policy = byPolicy(sys());
      const trees = byTrees(sys()).effective;
      assert.ok(policy.changes.length > 0, "the seed patch changes something");
      assert.deepEqual(lines(trees.changes), lines(policy.changes));
      // the tree diff also says which line decides on each side
      assert.deepEqual(
        trees.changes.map(({ fromRef: _, toRef: __, ...c }) => c),
        policy.changes,
      );
      for (const c of trees.changes) assert.match(`${c.fromRef} ${c.toRef}`, /^xen\/\S+:\d+ xen\/\S+:\d+$/);
      assert.equal(trees.widened, policy.widened);
      assert.equal(trees.narrowed, policy.narrowed);
      assert.deepEqual(trees.addedOps, []);
      assert.deepEqual(trees.removedOps, []);
      assert.deepEqual(policy.addedOps, []);
      assert.deepEqual(policy.removedOps, []);
    });

  test("the changes are the seed's: control loses HW_PRIV, the hardware domain gains HW_PRIV and DM_PRIV", () => {
    const hwPriv = [
      "physdev_op/apic_read",
      "physdev_op/setup_gsi",
      "platform_op/settime64",
      "platform_op/get_cpuinfo",
    ];
    const expected = [
      // dm_op (XSM_DM_PRIV): the hardware domain on itself and on every other class of domain
      ...["self hwdom", "other ctl", "other xs", "other guest"].map((t) => `widened hwdom dm_op ${t}`),
      ...hwPriv.map((op) => `widened hwdom ${op} none`),
      ...hwPriv.map((op) => `narrowed ctl ${op} none`),
      // console_io's last branch: ctl, built by dom0less, is a console (d->is_console) and keeps it
      "widened hwdom console_io/write none",
      "widened hwdom console_io/read none",
    ].sort();
    assert.deepEqual(lines(byTrees().effective.changes).sort(), expected);
  });

  test("a control domain that is no console loses console_io as well", () => {
    const ops = lines(byTrees(pvSplit).effective.changes).filter((l) => l.startsWith("narrowed dom0 "));
    assert.deepEqual(ops.sort(), [
      "narrowed dom0 console_io/read none",
      "narrowed dom0 console_io/write none",
      "narrowed dom0 physdev_op/apic_read none",
      "narrowed dom0 physdev_op/setup_gsi none",
      "narrowed dom0 platform_op/get_cpuinfo none",
      "narrowed dom0 platform_op/settime64 none",
    ]);
  });

  test("the tree diff names the hooks and the call sites the patch moved to XSM_HW_PRIV", () => {
    const d = byTrees();
    assert.deepEqual(
      d.hooks.map((h) => `${h.hook} ${h.from} -> ${h.to}`),
      ["apic PRIV -> HW_PRIV", "platform_op PRIV -> HW_PRIV", "resource_setup_gsi PRIV -> HW_PRIV"],
    );
    assert.deepEqual(
      d.checks.map((c) => `${c.op} ${c.kind} ${c.what}`),
      [
        "physdev_op/apic_read removed xsm_apic(XSM_PRIV, d=current)",
        "physdev_op/apic_read added xsm_apic(XSM_HW_PRIV, d=current)",
        "physdev_op/setup_gsi removed xsm_resource_setup_gsi(XSM_PRIV)",
        "physdev_op/setup_gsi added xsm_resource_setup_gsi(XSM_HW_PRIV)",
        "platform_op/settime64 removed xsm_platform_op(XSM_PRIV)",
        "platform_op/settime64 added xsm_platform_op(XSM_HW_PRIV)",
        "platform_op/get_cpuinfo removed xsm_platform_op(XSM_PRIV)",
        "platform_op/get_cpuinfo added xsm_platform_op(XSM_HW_PRIV)",
      ],
    );
    assert.deepEqual(d.lookups, []);
    assert.deepEqual(d.contradictions, []);
  });
});

describe("the seed patch applied in part: calls that contradict their hook change no permission", () => {
  const model = (c: Catalogue) => buildModel(c, system, treePolicy(c));
  /** The changes a reading of each call's own literal gives: what must not be counted. */
  const literal = (c: Catalogue) => diffModels(model(base), model(c)).changes;

  test("the call sites without dummy.h: three build breaks, no permission change, and what the literals would change not counted", () => {
    const d = diffVersions(model(base), model(callsOnly));
    assert.deepEqual(
      d.contradictions.map(
        (c) => `${c.side} ${c.effect} xsm_${c.hook}(XSM_${c.action}) asserts ${c.asserted} ${c.callSite}`,
      ),
      [
        "to build-break xsm_apic(XSM_HW_PRIV) asserts PRIV xen/arch/x86/physdev.c:23",
        "to build-break xsm_resource_setup_gsi(XSM_HW_PRIV) asserts PRIV xen/arch/x86/physdev.c:38",
        "to build-break xsm_platform_op(XSM_HW_PRIV) asserts PRIV xen/arch/x86/platform_hypercall.c:21",
      ],
    );
    assert.deepEqual(lines(d.effective.changes), []);
    assert.equal(d.effective.widened + d.effective.narrowed, 0);
    // read literally, XSM_HW_PRIV has no case in the base's switch: its default refuses the control domain
    const wouldBe = lines(literal(callsOnly));
    assert.deepEqual(wouldBe.sort(), [
      "narrowed ctl physdev_op/apic_read none",
      "narrowed ctl physdev_op/setup_gsi none",
      "narrowed ctl platform_op/get_cpuinfo none",
      "narrowed ctl platform_op/settime64 none",
    ]);
    assert.deepEqual(lines(d.contradictions.flatMap((c) => c.uncounted)).sort(), wouldBe);
    assert.deepEqual(
      d.contradictions.map((c) => c.ops),
      [
        ["physdev_op/apic_read"],
        ["physdev_op/setup_gsi"],
        ["platform_op/settime64", "platform_op/get_cpuinfo"],
      ],
    );
    // the checks changed all the same, each marked as deciding nothing
    assert.deepEqual(
      d.checks.filter((c) => c.kind === "added").map((c) => `${c.what} ${c.effect}`),
      [
        "xsm_apic(XSM_HW_PRIV, d=current) build-break",
        "xsm_resource_setup_gsi(XSM_HW_PRIV) build-break",
        "xsm_platform_op(XSM_HW_PRIV) build-break",
        "xsm_platform_op(XSM_HW_PRIV) build-break",
      ],
    );
    assert.ok(d.checks.filter((c) => c.kind === "removed").every((c) => c.effect === undefined));
  });

  test("dummy.h without the call sites: the same build breaks, and the hooks' own actions counted, as the whole patch's", () => {
    const d = diffVersions(model(base), model(hooksOnly));
    assert.deepEqual(
      d.contradictions.map((c) => `${c.effect} xsm_${c.hook}(XSM_${c.action}) asserts ${c.asserted}`),
      [
        "build-break xsm_apic(XSM_PRIV) asserts HW_PRIV",
        "build-break xsm_resource_setup_gsi(XSM_PRIV) asserts HW_PRIV",
        "build-break xsm_platform_op(XSM_PRIV) asserts HW_PRIV",
      ],
    );
    const whole = diffVersions(model(base), model(patched)).effective;
    assert.deepEqual(lines(d.effective.changes), lines(whole.changes));
    // read literally, XSM_PRIV keeps the control domain's access: those narrowings would be lost, not added
    assert.ok(lines(literal(hooksOnly)).length < whole.changes.length);
    assert.deepEqual(
      d.contradictions.flatMap((c) => c.uncounted),
      [],
    );
  });

  test("a tree compared with itself changes nothing, contradictions and all", () => {
    const d = diffVersions(model(callsOnly), model(callsOnly));
    assert.equal(d.contradictions.length, 6);
    assert.equal(hasChanges(d), false);
    assert.equal(hasChanges(diffVersions(model(base), model(callsOnly))), true);
  });
});

describe("seed patch through the CLI", () => {
  test("a contradicting call in text, Markdown and JSON: what it is, where, and the hook's own action", () => {
    const text = xenpriv("diff", "--xen", BASE, "--vs", callsOnlyTree);
    assert.equal(text.code, 0, text.err);
    const [summary, ...rest] = text.out.split("\n");
    assert.match(summary ?? "", /: 0 widened, 0 narrowed, /);
    const apic = rest.indexOf(
      "to: does not build with CONFIG_XSM=n: xen/arch/x86/physdev.c:23 passes XSM_HW_PRIV to xsm_apic, which asserts XSM_PRIV [xen/include/xsm/dummy.h:113]",
    );
    assert.ok(apic >= 0, text.out);
    assert.deepEqual(rest.slice(apic + 1, apic + 4), [
      "  XSM_ASSERT_ACTION is a link-time check with CONFIG_XSM=n [xen/include/xsm/dummy.h:21]",
      "  counted with XSM_PRIV, the hook's own action with CONFIG_XSM=y [xen/include/xsm/dummy.h:16]",
      "  not counted: 1 change XSM_HW_PRIV would make (physdev_op/apic_read)",
    ]);
    assert.match(
      text.out,
      /\nbuild break +physdev_op\/apic_read +xsm_apic\(XSM_HW_PRIV\), the hook asserts XSM_PRIV +xen\/arch\/x86\/physdev.c:23\n/,
    );

    const md = xenpriv("diff", "--xen", BASE, "--vs", callsOnlyTree, "-f", "md");
    assert.match(
      md.out,
      /\n- \*\*does not build with CONFIG_XSM=n\*\* \(to\): `xen\/arch\/x86\/physdev.c:23` passes `XSM_HW_PRIV` to `xsm_apic`, which asserts `XSM_PRIV` \(`xen\/include\/xsm\/dummy.h:113`\)\n/,
    );
    assert.match(md.out, /\| build break \| {2}\| physdev_op\/apic_read \|/);

    const json = xenpriv("diff", "--xen", BASE, "--vs", callsOnlyTree, "-f", "json");
    const v = JSON.parse(json.out) as { contradictions: { effect: string; callSite: string }[] };
    assert.deepEqual(
      v.contradictions.map((c) => `${c.effect} ${c.callSite}`),
      [
        "build-break xen/arch/x86/physdev.c:23",
        "build-break xen/arch/x86/physdev.c:38",
        "build-break xen/arch/x86/platform_hypercall.c:21",
      ],
    );
    // a policy diff on the catalogue of such a tree counts each hook's own action too: it is the base's
    const policyDiff = (tree: string) => {
      const r = xenpriv(
        "diff",
        "-p",
        "dummy",
        "--vs",
        "hw-priv-v1",
        "--xen",
        join(dir, `${tree}.json`),
        "-f",
        "json",
      );
      assert.equal(r.code, 0, r.err);
      return lines((JSON.parse(r.out) as { changes: Change[] }).changes);
    };
    assert.deepEqual(policyDiff("calls-only"), policyDiff("base"));
    assert.match(
      xenpriv("diff", "-p", "dummy", "--vs", "hw-priv-v1", "--xen", join(dir, "calls-only.json")).out,
      /\n3 call sites contradict their hook \(`diff --xen` lists them\): counted with each hook's own action\n/,
    );
    // where XSM_ASSERT_ACTION is no link-time check, a call to a hook that names only its own actions is no effect
    const noCheck = {
      file: "xen/include/xsm/dummy.h",
      from: "#define XSM_ASSERT_ACTION(def) LINKER_BUG_ON((def) != action)",
      to: "#define XSM_ASSERT_ACTION(def) ((void)(def))",
    };
    const console = { file: "xen/drivers/char/console.c", from: "(XSM_OTHER,", to: "(XSM_PRIV," };
    const before = makeTreeVariant(BASE, join(dir, "no-link-check"), { edits: [noCheck] });
    const after = makeTreeVariant(BASE, join(dir, "no-link-check-console"), { edits: [noCheck, console] });
    const noEffect = xenpriv("diff", "--xen", before, "--vs", after);
    assert.equal(noEffect.code, 0, noEffect.err);
    assert.deepEqual(noEffect.out.split("\n").slice(0, 4), [
      noEffect.out
        .split("\n")[0]
        ?.replace(/: .*$/, ": 0 widened, 0 narrowed, 0 new and 0 removed operations"),
      "to: no effect: the hook uses its own action: xen/drivers/char/console.c:15 passes XSM_PRIV to xsm_console_io, which asserts XSM_OTHER [xen/include/xsm/dummy.h:67]",
      "  xsm_console_io never uses the caller's action [xen/include/xsm/dummy.h:67]",
      "  counted with XSM_OTHER, the hook's own action with CONFIG_XSM=y [xen/include/xsm/dummy.h:16]",
    ]);
    // a tree against itself: its contradictions are no change
    assert.equal(xenpriv("diff", "--xen", callsOnlyTree, "--vs", callsOnlyTree, "--exit-code").code, 0);
  });

  test("`diff --xen <base> --vs <patched> -f json` exits 0 and lists the changes of hw-priv-v1", () => {
    const r = xenpriv("diff", "--xen", BASE, "--vs", PATCHED, "-f", "json");
    assert.equal(r.code, 0, r.err);
    const v = JSON.parse(r.out) as {
      kind: string;
      from: string;
      to: string;
      effective: { changes: Change[]; widened: number; narrowed: number };
      hooks: { hook: string; from: string; to: string }[];
    };
    assert.equal(v.kind, "diff-xen");
    assert.match(v.from, /^4\.99-seed-base\b/);
    assert.match(v.to, /^4\.99-seed-hw-priv-v1\b/);
    const policy = byPolicy();
    assert.deepEqual(lines(v.effective.changes), lines(policy.changes));
    assert.equal(v.effective.widened, policy.widened);
    assert.equal(v.effective.narrowed, policy.narrowed);
    assert.deepEqual(
      v.hooks.map((h) => h.hook),
      ["apic", "platform_op", "resource_setup_gsi"],
    );
  });
});
