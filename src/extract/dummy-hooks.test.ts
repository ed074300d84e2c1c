import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import type { ParseC } from "./c-parser.js";
import { loadCParser } from "./c-parser.js";
import { extractHooks, readHooksH, type XenFile } from "./dummy-hooks.js";
import { parseFile } from "./xen-tree.js";

const DUMMY_H = "xen/include/xsm/dummy.h";
const HOOKS_H = "xen/include/xsm/hooks.h";
/** A file of a fixture tree under test/fixtures/extract/<dir>. */
const fixture = (dir: string, path: string): XenFile => ({
  path,
  text: readFileSync(new URL(`../../test/fixtures/extract/${dir}/${path}`, import.meta.url), "utf8"),
});
const at = (line: number, file = DUMMY_H) => `${file}:${line}`;

let parse: ParseC;
before(async () => {
  parse = await loadCParser();
});

describe("extractHooks", () => {
  it("reads plain hooks: name, header line, asserted action, params after XSM_DEFAULT_ARG, src/target", () => {
    const x = extractHooks(parseFile(fixture("hooks-plain", DUMMY_H), parse));
    assert.deepEqual(x.unresolved, []);
    assert.deepEqual(x.hooks, [
      // hooks-plain dummy.h:56-61
      {
        name: "gadget_query",
        ref: at(56),
        action: "TARGET",
        params: ["d"],
        src: "current",
        target: "d",
        guards: [],
      },
      {
        name: "gadget_link",
        ref: at(63),
        action: "DM_PRIV",
        params: ["d1", "d2", "flags"],
        src: "d1",
        target: "d2",
        guards: [],
      },
      // XSM_DEFAULT_VOID: no parameters; the comment before XSM_ASSERT_ACTION does not hide it
      {
        name: "gadget_probe",
        ref: at(70),
        action: "PRIV",
        params: [],
        src: "current",
        target: "null",
        guards: [],
      },
      {
        name: "gadget_notify",
        ref: at(77),
        action: "HOOK",
        params: ["d", "port"],
        src: "d",
        target: "null",
        guards: [],
      },
    ]);
    // a single `return xsm_default_action(action, ...)` needs no program
    assert.deepEqual(x.bodies, {});
    // no XSM_ASSERT_ACTION: not a hook; xsm_default_action itself is neither
    assert.deepEqual(x.nonHooks, [{ name: "xsm_gadget_forget", ref: at(51), guards: [], params: ["d"] }]);
  });

  it("takes src/target from the first xsm_default_action call of a hook with a body", () => {
    const x = extractHooks(parseFile(fixture("hooks-other-switch", DUMMY_H), parse));
    assert.deepEqual(
      x.hooks.map((h) => [h.name, h.action, h.src, h.target]),
      [
        ["widget_op", "OTHER", "current", "d"],
        ["widget_ctl", "PRIV", "current", "d"],
        ["widget_stat", "OTHER", "current", "d"],
      ],
    );
    assert.deepEqual(Object.keys(x.bodies), ["widget_op", "widget_ctl", "widget_stat"]);
    const two = extractHooks(parseFile(fixture("hooks-two-checks", DUMMY_H), parse));
    // `int ret = 0;` comes before XSM_ASSERT_ACTION, as in xsm_mmu_update; the first call is (d, from)
    assert.deepEqual(
      two.hooks.find((h) => h.name === "page_swap"),
      {
        name: "page_swap",
        ref: at(3),
        action: "TARGET",
        params: ["d", "from", "to", "how"],
        src: "d",
        target: "from",
        guards: [],
      },
    );
  });

  it("gives each hook the #ifdef / #if defined() / #ifndef / #else guards around it", () => {
    const x = extractHooks(parseFile(fixture("hooks-ifdef", DUMMY_H), parse));
    assert.deepEqual(
      x.hooks.map((h) => [h.name, h.guards]),
      [
        ["lamp_on", []],
        ["lamp_dim", ["CONFIG_LAMP"]],
        ["lamp_tint", ["CONFIG_LAMP", "CONFIG_LAMP_COLOUR"]],
        ["bulb_swap", ["CONFIG_HAS_BULB", "CONFIG_HAS_SOCKET"]],
        ["lamp_glow", ["!CONFIG_DARKNESS"]],
        ["lamp_shade", ["CONFIG_DARKNESS"]],
      ],
    );
    // the include guard is not a CONFIG_* test and adds nothing; a body that only fails is what a
    // module must implement for the hypercall to work at all (do_xsm_op)
    assert.deepEqual(x.nonHooks, [
      { name: "xsm_lamp_op", ref: at(51), guards: ["CONFIG_XSM"], params: ["op"], fails: "-ENOSYS" },
    ]);
  });

  it("cross-checks hooks.h's X-macro list: missing functions, extra guards", () => {
    const x = extractHooks(
      parseFile(fixture("hooks-ifdef", DUMMY_H), parse),
      fixture("hooks-ifdef", HOOKS_H),
    );
    assert.deepEqual(
      x.declared.map((d) => [d.name, d.ref, d.guards]),
      [
        ["lamp_on", at(11, HOOKS_H), ["CONFIG_LAMP_POWER"]],
        ["lamp_dim", at(15, HOOKS_H), ["CONFIG_LAMP"]],
        ["lamp_tint", at(17, HOOKS_H), ["CONFIG_LAMP", "CONFIG_LAMP_COLOUR"]],
        ["bulb_swap", at(22, HOOKS_H), ["CONFIG_HAS_BULB", "CONFIG_HAS_SOCKET"]],
        ["lamp_glow", at(26, HOOKS_H), ["!CONFIG_DARKNESS"]],
        ["lamp_shade", at(28, HOOKS_H), ["CONFIG_DARKNESS"]],
        ["lamp_op", at(31, HOOKS_H), []],
        // an entry continued on the next line
        ["lamp_flicker", at(32, HOOKS_H), []],
      ],
    );
    // hooks.h guards lamp_on where dummy.h does not: a note, the guards stay dummy.h's
    const on = x.hooks.find((h) => h.name === "lamp_on");
    assert.deepEqual(on?.guards, []);
    assert.equal(on?.note, `${at(11, HOOKS_H)} also guards it by CONFIG_LAMP_POWER`);
    // lamp_op is a non-check function of dummy.h (like do_xsm_op): declared, not a hook, not an error
    assert.deepEqual(x.unresolved, [
      {
        ref: at(32, HOOKS_H),
        what: "hook xsm_lamp_flicker",
        reason: "hooks.h declares it; dummy.h has no such function",
        // where its name is
        column: 15,
      },
    ]);
  });

  it("reads hooks.h by lines: #define continuations and the XSM_HOOK guard are skipped", () => {
    const d = readHooksH({
      path: HOOKS_H,
      text: "#ifndef XSM_HOOK\n#define XSM_HOOK(a, b) \\\n    XSM_HOOK(a, b)\n#endif\nXSM_HOOK(int, x)\n",
    });
    assert.deepEqual(d, { hooks: [{ name: "x", ref: at(5, HOOKS_H), guards: [] }], unresolved: [] });
  });

  it("reports what it cannot read instead of guessing, with the line", () => {
    const x = extractHooks(parseFile(fixture("hooks-unresolved", DUMMY_H), parse));
    assert.deepEqual(
      x.unresolved.map((u) => [u.ref, u.what, u.reason.replace(/ \(HOOK, .*\)$/, " (...)")]),
      [
        [at(28), "hook xsm_gizmo_spin", "while statement `while ( turns-- )` is not modelled"],
        [at(36), "hook xsm_gizmo_fold", "compileAtom has no build fact for `CONFIG_GIZMO_ORIGAMI`"],
        [at(45), "hook xsm_gizmo_glow", "asserted action `XSM_SPARKLE` is not one the model knows (...)"],
        [
          at(52),
          "hook xsm_gizmo_ask",
          "return value `gizmo_policy_check(current->domain, d)` is not 0, -E* or xsm_default_action(...)",
        ],
        [at(49), "hook xsm_gizmo_ask", "no xsm_default_action call with known src and target"],
        [
          at(59),
          "hook xsm_gizmo_lend",
          "`action` is XSM_OTHER here: xsm_default_action(XSM_OTHER, ...) has no rule",
        ],
        [at(55), "hook xsm_gizmo_lend", "no xsm_default_action call with known src and target"],
        [at(64), "hook xsm_gizmo_wave", "declaration `struct gizmo *g = d->gizmo;` is not modelled"],
        [at(69), "hook xsm_gizmo_late", "XSM_ASSERT_ACTION is not the first statement"],
      ],
    );
    // hooks without a usable call are left out; the others are kept, their gaps reported above
    assert.deepEqual(
      x.hooks.map((h) => h.name),
      ["gizmo_spin", "gizmo_fold", "gizmo_wave"],
    );
  });

  it("reports a label inside a block, a guard it cannot hold and hooks.h lines of unknown shape", () => {
    const x = extractHooks(
      parseFile(fixture("hooks-refused", DUMMY_H), parse),
      fixture("hooks-refused", HOOKS_H),
    );
    assert.deepEqual(
      x.unresolved.map((u) => [`${u.ref}:${u.column}`, u.what, u.reason]),
      [
        [
          `${at(32)}:5`,
          "hook xsm_kettle_op",
          "`case KETTLE_pour:` inside a block is a jump into the middle of a statement, which is not modelled",
        ],
        [
          `${at(41)}:1`,
          "hook xsm_kettle_fill",
          "defined under `#if defined(CONFIG_KETTLE) || defined(CONFIG_TEAPOT)`, which is no conjunction of `CONFIG_*` tests: where it is built is not read",
        ],
        // the name on the entry's second line, and another macro
        [
          `${at(7, HOOKS_H)}:1`,
          "hooks.h",
          "`XSM_HOOK(` is not an `XSM_HOOK(rtype, name, ...)` entry with its name on its first line",
        ],
        [
          `${at(9, HOOKS_H)}:1`,
          "hooks.h",
          "`XSM_HOOK_VOID(kettle_cool, struct domain *)` is not an `XSM_HOOK(rtype, name, ...)` entry with its name on its first line",
        ],
      ],
    );
    // an entry over two lines with its name on the first is read; the line after the unread one is not a gap
    assert.deepEqual(
      x.declared.map((d) => [d.name, d.ref]),
      [
        ["kettle_op", at(3, HOOKS_H)],
        ["kettle_fill", at(4, HOOKS_H)],
        ["kettle_descale", at(5, HOOKS_H)],
      ],
    );
  });

  it("reads master's shapes: cf_check folded into XSM_INLINE, Kconfig guards, the module-only op", () => {
    const x = extractHooks(
      parseFile(fixture("hooks-master-shapes", DUMMY_H), parse),
      fixture("hooks-master-shapes", HOOKS_H),
    );
    assert.deepEqual(x.unresolved, []);
    assert.deepEqual(
      x.hooks.map((h) => [h.name, h.action, h.src, h.target, h.guards, h.note]),
      [
        ["mug_fill", "HOOK", "current", "d", [], undefined],
        ["mug_warm", "PRIV", "current", "d", ["CONFIG_X86"], undefined],
        // nested: both guards, as hooks.h has them (5b965555b1 put x86's PV hooks under CONFIG_PV)
        ["mug_stir", "HOOK", "d", "t", ["CONFIG_X86", "CONFIG_PV"], undefined],
      ],
    );
    // do_xsm_op's shape (7f659ae00a): only with XSM built in, a body that only fails, listed in hooks.h
    assert.deepEqual(x.nonHooks, [
      { name: "xsm_do_mug_op", ref: at(58), guards: ["CONFIG_XSM"], params: ["op"], fails: "-ENOSYS" },
    ]);
    assert.deepEqual(
      x.declared.map((d) => [d.name, d.guards]),
      [
        ["mug_fill", []],
        ["mug_warm", ["CONFIG_X86"]],
        ["mug_stir", ["CONFIG_X86", "CONFIG_PV"]],
        ["do_mug_op", []],
      ],
    );
  });

  it("accepts the HW_PRIV action of the v1 posting", () => {
    const x = extractHooks(parseFile(fixture("seed-hw-priv-v1", DUMMY_H), parse));
    assert.deepEqual(x.unresolved, []);
    assert.deepEqual(
      x.hooks.map((h) => [h.name, h.action]),
      [
        ["console_io", "OTHER"],
        ["fuse_reset", "HW_PRIV"],
        ["fuse_read", "PRIV"],
      ],
    );
  });
});
