/**
 * extraction.mismatches: what dummy.h makes of a call site whose action contradicts its hook's
 * XSM_ASSERT_ACTION, on trees made from test/fixtures/extract/seed-diff/base (written for the tests)
 * by changing a few lines: a build break where XSM_ASSERT_ACTION is Xen's link-time check, no effect
 * where it is none and the hook never uses the caller's action, refused where it would decide.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { makeTreeVariant, type TreeVariant } from "../../test/support/tree-variant.js";
import { InputError } from "../core/errors.js";
import { extractCatalogue } from "./extract-catalogue.js";

const SEED = fileURLToPath(new URL("../../test/fixtures/extract/seed-diff/", import.meta.url));
const BASE = join(SEED, "base");
const DUMMY_H = "xen/include/xsm/dummy.h";
const PHYSDEV = "xen/arch/x86/physdev.c";
const CONSOLE = "xen/drivers/char/console.c";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-call-sites-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const variant = (v: TreeVariant) => makeTreeVariant(BASE, join(dir, `tree-${n++}`), v);

/** `path:line` of the one line of the base tree's `file` that contains `needle`. */
function at(file: string, needle: string): string {
  const lines = readFileSync(join(BASE, file), "utf8").split("\n");
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  assert.equal(hits.length, 1, `\`${needle}\` on one line of ${file}`);
  return `${file}:${hits[0]}`;
}

/** dummy.h whose CONFIG_XSM=n XSM_ASSERT_ACTION makes no link-time check. */
const NO_LINK_CHECK = {
  file: DUMMY_H,
  from: "#define XSM_ASSERT_ACTION(def) LINKER_BUG_ON((def) != action)",
  to: "#define XSM_ASSERT_ACTION(def) ((void)(def))",
};
const APIC_HW_PRIV = {
  file: PHYSDEV,
  from: "xsm_apic(XSM_PRIV, currd, cmd)",
  to: "xsm_apic(XSM_HW_PRIV, currd, cmd)",
};

describe("extraction.mismatches", () => {
  test("the seed patch's call sites without its dummy.h: each does not build with CONFIG_XSM=n", async () => {
    const tree = variant({
      from: { tree: join(SEED, "patched"), files: [PHYSDEV, "xen/arch/x86/platform_hypercall.c"] },
    });
    const c = await extractCatalogue(tree);
    const linkCheck = at(DUMMY_H, "LINKER_BUG_ON((def) != action)");
    const own = at(DUMMY_H, "xsm_default_t action = (def)");
    const calls = (c.extraction?.mismatches ?? []).map((m) => [m.hook, m.action, m.asserted, m.callSite]);
    assert.deepEqual(calls, [
      ["apic", "HW_PRIV", "PRIV", at(PHYSDEV, "xsm_apic(")],
      ["resource_setup_gsi", "HW_PRIV", "PRIV", at(PHYSDEV, "xsm_resource_setup_gsi(")],
      ["platform_op", "HW_PRIV", "PRIV", at("xen/arch/x86/platform_hypercall.c", "xsm_platform_op(")],
    ]);
    for (const m of c.extraction?.mismatches ?? []) {
      assert.equal(m.effect, "build-break");
      assert.equal(m.effectRef, linkCheck);
      assert.equal(m.ownActionRef, own);
      assert.equal(m.hookRef, at(DUMMY_H, `xsm_${m.hook}(`));
    }
  });

  test("no link-time check and a hook that names only its own actions: no effect", async () => {
    const tree = variant({
      edits: [
        NO_LINK_CHECK,
        { file: CONSOLE, from: "xsm_console_io(XSM_OTHER,", to: "xsm_console_io(XSM_PRIV," },
      ],
    });
    const c = await extractCatalogue(tree);
    assert.deepEqual(c.extraction?.mismatches, [
      {
        hook: "console_io",
        callSite: at(CONSOLE, "xsm_console_io("),
        action: "PRIV",
        asserted: "OTHER",
        hookRef: at(DUMMY_H, "xsm_console_io("),
        effect: "no-effect",
        effectRef: at(DUMMY_H, "xsm_console_io("),
        ownActionRef: at(DUMMY_H, "xsm_default_t action = (def)"),
      },
    ]);
  });

  test("no link-time check and a hook that passes the caller's action on: refused, at the call", async () => {
    const tree = variant({ edits: [NO_LINK_CHECK, APIC_HW_PRIV] });
    await assert.rejects(extractCatalogue(tree), (e: unknown) => {
      assert.ok(e instanceof InputError);
      const [d, ...rest] = e.diagnostics;
      assert.deepEqual(rest, []);
      assert.equal(d?.code, "extract/mismatch-unread");
      const [, line] = at(PHYSDEV, "xsm_apic(").split(":");
      const column = readFileSync(join(tree, PHYSDEV), "utf8")
        .split("\n")
        [Number(line) - 1]?.indexOf("xsm_apic");
      assert.deepEqual(d?.span, { file: join(tree, PHYSDEV), line: Number(line), column: (column ?? 0) + 1 });
      assert.match(d?.message ?? "", /`xsm_apic` is called with XSM_HW_PRIV but asserts XSM_PRIV/);
      // the edited macro keeps the base's line
      const macro = at(DUMMY_H, "LINKER_BUG_ON((def) != action)");
      assert.ok(d?.message.includes(`XSM_ASSERT_ACTION for CONFIG_XSM=n (${macro}) is no link-time check`));
      return true;
    });
  });

  test("a call that agrees with its hook is no mismatch, whatever XSM_ASSERT_ACTION is", async () => {
    const c = await extractCatalogue(variant({ edits: [NO_LINK_CHECK] }));
    assert.deepEqual(c.extraction?.mismatches, []);
  });
});
