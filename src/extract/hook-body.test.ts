import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import type { Action } from "../model/action.js";
import { type BuildFacts, DEFAULT_BUILD } from "../model/build.js";
import { type Domain, makeDomain, systemDomain } from "../model/domain.js";
import { consoleIoHook, dummy } from "../policy/dummy.js";
import { and, atom, cases, not, or } from "../policy/expr.js";
import { compileHook, type HookProgram } from "../policy/program.js";
import { blankMacros } from "./blank-macros.js";
import { loadCParser, type ParseC } from "./c-parser.js";
import { domainParams, translateHookBody } from "./hook-body.js";
import { functionsIn } from "./xen-tree.js";

const DUMMY_H = "xen/include/xsm/dummy.h";
const at = (line: number) => `${DUMMY_H}:${line}`;

let parse: ParseC;
before(async () => {
  parse = await loadCParser();
});

/** The functions of a fixture's dummy.h (or of inline C) by name. */
function functions(text: string) {
  return new Map(functionsIn(parse(blankMacros(text)).rootNode, DUMMY_H, null).map((f) => [f.name, f]));
}
const fixtureText = (dir: string) =>
  readFileSync(new URL(`../../test/fixtures/extract/${dir}/${DUMMY_H}`, import.meta.url), "utf8");

function body(text: string, name: string, action: Action) {
  const fn = functions(text).get(name);
  assert.ok(fn, name);
  return translateHookBody(fn, action);
}

const caller = (init: Partial<Parameters<typeof makeDomain>[0]> = {}) =>
  makeDomain({ domid: 1, name: "caller", ...init });

/** Runs a body with the upstream xsm_default_action. */
function run(
  program: HookProgram,
  domains: Record<string, Domain | null>,
  values: Record<string, string> = {},
  build: BuildFacts = DEFAULT_BUILD,
): boolean {
  const ctx = { action: "OTHER" as Action, build, domains: { null: null, ...domains }, values };
  return compileHook(program)(ctx, dummy.defaultAction).allowed;
}

describe("translateHookBody", () => {
  it("turns a switch with grouped labels and an inner if into conditions, text order kept", () => {
    const b = body(fixtureText("hooks-other-switch"), "xsm_widget_op", "OTHER");
    assert.deepEqual(b.unresolved, []);
    assert.deepEqual(b.program, {
      ref: at(3),
      body: [
        // block_speculation() has no effect on the decision
        { if: cases("op", "WIDGET_peek", "WIDGET_count"), then: "allow", ref: at(13) },
        {
          if: cases("op", "WIDGET_poke"),
          then: { call: "TARGET", src: "current", target: "d" },
          ref: at(15),
        },
        {
          if: and(cases("op", "WIDGET_tune"), atom("WIDGET_MODE_gentle == mode")),
          then: { call: "DM_PRIV", src: "current", target: "d" },
          ref: at(17),
        },
        { if: cases("op", "WIDGET_tune"), then: { call: "PRIV", src: "current", target: "d" }, ref: at(19) },
        // a last default after cases that all return needs no condition
        { do: { call: "PRIV", src: "current", target: "null" }, ref: at(21) },
      ],
    });
  });

  it("keys `switch ( ctl->cmd )` by the parameter and keeps ASSERT_UNREACHABLE -EILSEQ as a deny with a note", () => {
    const b = body(fixtureText("hooks-other-switch"), "xsm_widget_ctl", "PRIV");
    assert.deepEqual(b.program?.body, [
      {
        if: cases("ctl", "WIDGET_CTL_attach", "WIDGET_CTL_detach"),
        then: "deny",
        ref: at(35),
        note: "ASSERT_UNREACHABLE(); return -EILSEQ",
      },
      // `action` is the asserted action
      { do: { call: "PRIV", src: "current", target: "d" }, ref: at(38) },
    ]);
  });

  it("handles fallthrough into a default that is not last", () => {
    const b = body(fixtureText("hooks-other-switch"), "xsm_widget_stat", "OTHER");
    assert.deepEqual(b.unresolved, []);
    const program = b.program as HookProgram;
    const stranger = caller();
    const consoleDom = caller({ isConsole: true });
    const control = caller({ caps: { control: true } });
    const other = makeDomain({ domid: 3 });
    // size: a console `d` passes, any other falls into default's TARGET
    assert.equal(run(program, { current: stranger, d: consoleDom }, { op: "WIDGET_STAT_size" }), true);
    assert.equal(run(program, { current: stranger, d: other }, { op: "WIDGET_STAT_size" }), false);
    assert.equal(run(program, { current: stranger, d: stranger }, { op: "WIDGET_STAT_size" }), true);
    // reset comes after default in the text but is still its own case: PRIV, not TARGET
    assert.equal(run(program, { current: stranger, d: stranger }, { op: "WIDGET_STAT_reset" }), false);
    assert.equal(run(program, { current: control, d: other }, { op: "WIDGET_STAT_reset" }), true);
    // any other op: TARGET
    assert.equal(run(program, { current: stranger, d: stranger }, { op: "WIDGET_STAT_x" }), true);
    const second = program.body[1];
    assert.ok(second && "if" in second);
    assert.deepEqual(
      second.if,
      or(cases("op", "WIDGET_STAT_size"), not(cases("op", "WIDGET_STAT_size", "WIDGET_STAT_reset"))),
    );
  });

  it("makes #ifdef CONFIG_VERBOSE_DEBUG inside a body an atom, as dummy.ts's console_io has it", () => {
    const b = body(fixtureText("hooks-console-ifdef"), "xsm_console_io", "OTHER");
    assert.deepEqual(b.unresolved, []);
    const expected = consoleIoHook("PRIV");
    assert.deepEqual(
      b.program?.body.map((s) => ({ ...s, ref: undefined })),
      expected.body.map((s) => ({ ...s, ref: undefined })),
    );
    const d = caller();
    const verbose = { ...DEFAULT_BUILD, verboseDebug: true };
    const program = b.program as HookProgram;
    assert.equal(run(program, { current: d, d }, { cmd: "CONSOLEIO_write" }), false);
    assert.equal(run(program, { current: d, d }, { cmd: "CONSOLEIO_write" }, verbose), true);
    assert.equal(run(program, { current: d, d }, { cmd: "CONSOLEIO_read" }, verbose), false);
  });

  it("negates #ifndef and takes the #else branch with the negated guard", () => {
    const b = body(fixtureText("hooks-console-ifdef"), "xsm_chime_ring", "OTHER");
    assert.deepEqual(b.unresolved, []);
    assert.deepEqual(b.program?.body, [
      {
        if: and(not(atom("CONFIG_PV_SHIM_EXCLUSIVE")), atom("is_xenstore_domain(d)")),
        then: { call: "HOOK", src: "current", target: "d" },
        ref: at(23),
      },
      { if: atom("CONFIG_PV_SHIM_EXCLUSIVE"), then: "deny", ref: at(26), note: "return -EOPNOTSUPP" },
      { do: { call: "DM_PRIV", src: "current", target: "d" }, ref: at(28) },
    ]);
  });

  it("reports a CONFIG_* inside a body that compileAtom has no build fact for", () => {
    const b = body(fixtureText("hooks-console-ifdef"), "xsm_chime_mute", "OTHER");
    assert.deepEqual(b.unresolved, [
      {
        ref: at(35),
        what: "hook xsm_chime_mute",
        reason: "compileAtom has no build fact for `CONFIG_CHIME_SILENCE`",
        // the `#ifdef` starts the line
        column: 1,
      },
    ]);
  });

  it("turns mmu_update's `rc = ...; if ( t && !rc ) rc = ...; return rc;` into two checks", () => {
    const b = body(fixtureText("hooks-two-checks"), "xsm_page_swap", "TARGET");
    assert.deepEqual(b.unresolved, []);
    const program = b.program as HookProgram;
    assert.deepEqual(program.body, [
      { if: atom("from != dom_xen"), check: { call: "TARGET", src: "d", target: "from" }, ref: at(9) },
      { if: atom("to"), check: { call: "TARGET", src: "d", target: "to" }, ref: at(11) },
      { do: "allow", ref: at(13) },
    ]);
    const me = caller();
    const other = makeDomain({ domid: 3 });
    const xen = systemDomain("dom_xen");
    assert.equal(run(program, { current: me, d: me, from: me, to: null }), true);
    // the second check refuses
    assert.equal(run(program, { current: me, d: me, from: me, to: other }), false);
    // the first is skipped for dom_xen
    assert.equal(run(program, { current: me, d: me, from: xen, to: me }), true);
  });

  it("reports a second assignment that would overwrite a refusal", () => {
    const b = body(fixtureText("hooks-two-checks"), "xsm_page_steal", "TARGET");
    assert.deepEqual(b.unresolved, [
      {
        ref: at(22),
        what: "hook xsm_page_steal",
        reason: "overwrites `ret` without `&& !ret`: an earlier refusal would be lost",
        column: 5,
      },
    ]);
  });

  it("translates if / else and returns after the checks only when they agree with C", () => {
    const text = `
static XSM_INLINE int xsm_a(XSM_DEFAULT_ARG struct domain *d, const struct domain *e, int n)
{
    XSM_ASSERT_ACTION(XSM_OTHER);
    if ( d == e )
        return 0;
    else if ( is_control_domain(e) )
    {
        return xsm_default_action(XSM_XS_PRIV, d, e);
    }
    else
        return -EPERM;
}
static XSM_INLINE int xsm_b(XSM_DEFAULT_ARG struct domain *d)
{
    int rc = 0;
    XSM_ASSERT_ACTION(XSM_TARGET);
    rc = xsm_default_action(action, current->domain, d);
    if ( d->is_console )
        return 0;
    return rc;
}`;
    const a = body(text, "xsm_a", "OTHER");
    assert.deepEqual(a.unresolved, []);
    assert.deepEqual(a.program?.body, [
      { if: atom("d == e"), then: "allow", ref: "xen/include/xsm/dummy.h:5" },
      {
        if: and(not(atom("d == e")), atom("is_control_domain(e)")),
        then: { call: "XS_PRIV", src: "d", target: "e" },
        ref: "xen/include/xsm/dummy.h:9",
      },
      {
        if: and(not(atom("d == e")), not(atom("is_control_domain(e)"))),
        then: "deny",
        ref: "xen/include/xsm/dummy.h:12",
      },
    ]);
    // `const struct domain *` is a domain, `int n` a value
    assert.deepEqual(domainParams(functions(text).get("xsm_a")!), {
      domains: ["d", "e"],
      values: ["n"],
      domids: [],
    });
    // a `domid_t` names a domain by its id; a pointer to one does not
    const ids = functions(
      "static XSM_INLINE int xsm_u(XSM_DEFAULT_ARG struct domain *d, struct evtchn *chn, domid_t id2, domid_t *p)\n{ return 0; }",
    );
    assert.deepEqual(domainParams(ids.get("xsm_u")!), {
      domains: ["d"],
      values: ["chn", "id2", "p"],
      domids: ["id2"],
    });
    const b = body(text, "xsm_b", "TARGET");
    assert.deepEqual(
      b.unresolved.map((u) => u.reason),
      ["returns without testing `rc`, which an earlier check may have set"],
    );
  });

  it("needs no program for the plain shape", () => {
    const b = body(fixtureText("hooks-plain"), "xsm_gadget_link", "DM_PRIV");
    assert.equal(b.program, null);
    assert.deepEqual(b.calls, [{ call: "DM_PRIV", src: "d1", target: "d2" }]);
  });
});
