/** The version diff's renderers on diffs written as data: each kind of contradicting call, in text and Markdown. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ContradictingCall, VersionDiff } from "../query/version-diff.js";
import { versionDiffLines, versionDiffMarkdown, versionDiffTable } from "./render-version-diff.js";

const empty: VersionDiff = {
  from: "4.99-a",
  to: "4.99-b",
  effective: { from: "tree", to: "tree", changes: [], addedOps: [], removedOps: [], widened: 0, narrowed: 0 },
  checks: [],
  hooks: [],
  lookups: [],
  contradictions: [],
};

const noEffect: ContradictingCall = {
  side: "to",
  hook: "lamp",
  callSite: "xen/common/lamp.c:12",
  action: "PRIV",
  asserted: "OTHER",
  hookRef: "xen/include/xsm/dummy.h:40",
  effect: "no-effect",
  effectRef: "xen/include/xsm/dummy.h:40",
  ops: ["lamp_op/light"],
  uncounted: [],
};

const buildBreak: ContradictingCall = {
  side: "from",
  hook: "wand_boot",
  callSite: "xen/common/wand.c:51",
  action: "HOOK",
  asserted: "PRIV",
  hookRef: "xen/include/xsm/dummy.h:64",
  effect: "build-break",
  effectRef: "xen/include/xsm/dummy.h:74",
  ownActionRef: "xen/include/xsm/dummy.h:61",
  except: { when: "defined(CONFIG_COVERAGE) && defined(__clang__)", ref: "xen/include/xsm/dummy.h:33" },
  ops: [],
  uncounted: [],
};

describe("version diff rendering", () => {
  test("no effect: the hook uses its own action, with the hook's line; nothing left uncounted is said", () => {
    assert.deepEqual(versionDiffLines({ ...empty, contradictions: [noEffect] }), [
      "Xen 4.99-a -> 4.99-b: 0 widened, 0 narrowed, 0 new and 0 removed operations",
      "to: no effect: the hook uses its own action: xen/common/lamp.c:12 passes XSM_PRIV to xsm_lamp, which asserts XSM_OTHER [xen/include/xsm/dummy.h:40]",
      "  xsm_lamp never uses the caller's action [xen/include/xsm/dummy.h:40]",
      "  counted with XSM_OTHER, the hook's own action",
    ]);
  });

  test("a build break no operation reaches (boot-time code), with the build in which it links", () => {
    assert.deepEqual(versionDiffLines({ ...empty, contradictions: [buildBreak] }).slice(1), [
      "from: does not build with CONFIG_XSM=n: xen/common/wand.c:51 passes XSM_HOOK to xsm_wand_boot, which asserts XSM_PRIV [xen/include/xsm/dummy.h:64]",
      "  XSM_ASSERT_ACTION is a link-time check with CONFIG_XSM=n [xen/include/xsm/dummy.h:74]",
      "  except under `defined(CONFIG_COVERAGE) && defined(__clang__)` [xen/include/xsm/dummy.h:33]",
      "  counted with XSM_PRIV, the hook's own action with CONFIG_XSM=y [xen/include/xsm/dummy.h:61]",
      "  no operation's path makes the call",
    ]);
    assert.deepEqual(versionDiffTable({ ...empty, contradictions: [buildBreak] }).rows, [
      ["build break", "", "", "xsm_wand_boot(XSM_HOOK), the hook asserts XSM_PRIV", "xen/common/wand.c:51"],
    ]);
  });

  test("Markdown: a section of its own, references as code", () => {
    const md = versionDiffMarkdown({ ...empty, contradictions: [noEffect, buildBreak] });
    assert.ok(md.startsWith("## Xen 4.99-a -> 4.99-b: 0 widened"));
    assert.ok(
      md.includes(
        "### Call sites that contradict their hook\n\n- **no effect: the hook uses its own action** (to): `xen/common/lamp.c:12` passes `XSM_PRIV` to `xsm_lamp`, which asserts `XSM_OTHER` (`xen/include/xsm/dummy.h:40`)\n  - xsm_lamp never uses the caller's action (`xen/include/xsm/dummy.h:40`)\n",
      ),
      md,
    );
    assert.ok(
      md.includes(
        "  - except under `defined(CONFIG_COVERAGE) && defined(__clang__)` (`xen/include/xsm/dummy.h:33`)",
      ),
    );
    assert.ok(
      md.includes(
        "| no effect |  | lamp_op/light | xsm_lamp(XSM_PRIV), the hook asserts XSM_OTHER | xen/common/lamp.c:12 |",
      ),
    );
  });

  test("a diff without contradicting calls renders as before: the summary, hooks and lookups", () => {
    const d: VersionDiff = {
      ...empty,
      hooks: [{ hook: "apic", from: "PRIV", to: "HW_PRIV", fromRef: "x.h:1", toRef: "x.h:2" }],
    };
    assert.deepEqual(versionDiffLines(d), [
      "Xen 4.99-a -> 4.99-b: 0 widened, 0 narrowed, 0 new and 0 removed operations",
      "hook xsm_apic: PRIV [x.h:1] -> HW_PRIV [x.h:2]",
    ]);
    assert.ok(!versionDiffMarkdown(d).includes("contradict"));
  });
});
