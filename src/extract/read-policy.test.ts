import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { InputError } from "../core/errors.js";
import { loadCParser, type ParseC } from "./c-parser.js";
import { readPolicy } from "./read-policy.js";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/extract/", import.meta.url));
const DUMMY_H = "xen/include/xsm/dummy.h";
const HOOKS_H = "xen/include/xsm/hooks.h";

let parse: ParseC;
before(async () => {
  parse = await loadCParser();
});
const tmp = mkdtempSync(join(tmpdir(), "xenpriv-read-policy-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The diagnostics readPolicy throws for a tree, as `code file:line:column message`. */
function refused(root: string): string[] {
  try {
    readPolicy(root, parse);
  } catch (e) {
    assert.ok(e instanceof InputError, `an InputError, not ${String(e)}`);
    for (const d of e.diagnostics) assert.ok(d.help, `${d.code} has a help line`);
    return e.diagnostics.map(
      (d) =>
        `${d.code} ${d.span?.file.slice(root.length + 1)}:${d.span?.line}:${d.span?.column} ${d.message}`,
    );
  }
  assert.fail(`${root} was read`);
}

/** A copy of a fixture tree with dummy.h rewritten. */
function treeWith(name: string, from: string, edit: (text: string) => string): string {
  const root = join(tmp, name);
  cpSync(join(FIXTURES, from), root, { recursive: true });
  writeFileSync(join(root, DUMMY_H), edit(readFileSync(join(root, DUMMY_H), "utf8")));
  return root;
}

describe("readPolicy", () => {
  it("reads 4.17's shape whole: the default action with its inner label, and the hooks", () => {
    const p = readPolicy(join(FIXTURES, "hooks-default-inner-label"), parse);
    assert.deepEqual(p.defaultAction.actions, ["HOOK", "TARGET", "XS_PRIV", "DM_PRIV", "PRIV"]);
    assert.deepEqual(
      p.hooks.hooks.map((h) => [h.name, h.action]),
      [["lamp_query", "XS_PRIV"]],
    );
  });

  it("refuses a default action with labels it cannot follow, each located", () => {
    const root = join(FIXTURES, "hooks-default-jumps");
    const got = refused(root);
    assert.equal(got.length, 8);
    assert.ok(got.every((g) => g.startsWith(`extract/default-action-unread ${DUMMY_H}:`)));
    assert.ok(
      got.includes(
        `extract/default-action-unread ${DUMMY_H}:14:5 xsm_default_action: \`case XSM_TARGET:\` inside a block is a jump into the middle of a statement, which is not modelled`,
      ),
    );
  });

  it("refuses the hooks it cannot read, in file and line order, each with its code", () => {
    assert.deepEqual(refused(join(FIXTURES, "hooks-refused")), [
      `extract/hook-unread ${DUMMY_H}:32:5 hook xsm_kettle_op: \`case KETTLE_pour:\` inside a block is a jump into the middle of a statement, which is not modelled`,
      `extract/hook-unread ${DUMMY_H}:41:1 hook xsm_kettle_fill: defined under \`#if defined(CONFIG_KETTLE) || defined(CONFIG_TEAPOT)\`, which is no conjunction of \`CONFIG_*\` tests: where it is built is not read`,
      // TARGET has no case in this fixture's switch
      `extract/action-without-case ${DUMMY_H}:51:23 hook xsm_kettle_descale: uses \`XSM_TARGET\`, for which the reader found no case in xsm_default_action() (${DUMMY_H}:6; cases read: HOOK, PRIV)`,
      // a hook defined through a macro: what the parser could not read, and its assertion outside any function
      `extract/dummy-h-syntax ${DUMMY_H}:55:28 dummy.h: \`struct\` is not C the parser can read`,
      `extract/dummy-h-syntax ${DUMMY_H}:55:45 dummy.h: \`;\` missing here`,
      `extract/hook-unread ${DUMMY_H}:57:5 dummy.h: \`XSM_ASSERT_ACTION\` outside any \`xsm_*\` function definition the reader found: the hook's shape is not read`,
      // an annotation macro with an argument that blank-macros.ts does not know
      `extract/dummy-h-syntax ${DUMMY_H}:61:1 dummy.h: \`static            int __kettle_attr(2) xsm_kettle_cool(     \` is not C the parser can read`,
      `extract/hook-unread ${HOOKS_H}:7:1 hooks.h: \`XSM_HOOK(\` is not an \`XSM_HOOK(rtype, name, ...)\` entry with its name on its first line`,
      `extract/hook-unread ${HOOKS_H}:9:1 hooks.h: \`XSM_HOOK_VOID(kettle_cool, struct domain *)\` is not an \`XSM_HOOK(rtype, name, ...)\` entry with its name on its first line`,
    ]);
  });

  it("refuses a switch read without a case a hook needs (4.17.5 read without its inner label)", () => {
    const root = treeWith("lost-label", "hooks-default-inner-label", (t) =>
      t.replace(/^ *case XSM_XS_PRIV:\n/m, ""),
    );
    assert.deepEqual(refused(root), [
      `extract/action-without-case ${DUMMY_H}:36:23 hook xsm_lamp_query: uses \`XSM_XS_PRIV\`, for which the reader found no case in xsm_default_action() (${DUMMY_H}:6; cases read: HOOK, TARGET, DM_PRIV, PRIV)`,
    ]);
  });

  it("refuses a dummy.h without hooks, and one without xsm_default_action", () => {
    assert.deepEqual(refused(join(FIXTURES, "hooks-default-inner-deep")), [
      `extract/no-hooks ${DUMMY_H}:1:1 no XSM hook found in \`${DUMMY_H}\``,
    ]);
    const root = treeWith("no-default", "hooks-default-inner-label", (t) =>
      t.replace("xsm_default_action(\n", "xsm_other_action(\n"),
    );
    assert.match(
      refused(root)[0] ?? "",
      /^extract\/no-default-action .* dummy\.h defines no xsm_default_action\(\)$/,
    );
  });
});
