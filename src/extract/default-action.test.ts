import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { DUMMY_DEFAULT_ACTION } from "../policy/dummy.js";
import { and, atom, not, or } from "../policy/expr.js";
import { loadCParser, type ParseC } from "./c-parser.js";
import { extractDefaultAction } from "./default-action.js";
import { parseFile } from "./xen-tree.js";

const DUMMY_H = "xen/include/xsm/dummy.h";
const at = (line: number) => `${DUMMY_H}:${line}`;
const fixture = (dir: string) => ({
  path: DUMMY_H,
  text: readFileSync(new URL(`../../test/fixtures/extract/${dir}/${DUMMY_H}`, import.meta.url), "utf8"),
});

let parse: ParseC;
before(async () => {
  parse = await loadCParser();
});

describe("extractDefaultAction", () => {
  it("reads the upstream shape as dummy.ts has it, statement for statement", () => {
    const x = extractDefaultAction(parseFile(fixture("hooks-plain"), parse));
    assert.deepEqual(x.unresolved, []);
    assert.deepEqual(x.actions, ["HOOK", "TARGET", "XS_PRIV", "DM_PRIV", "PRIV"]);
    // same data as the hand-written program; only the line numbers are the fixture's
    const noRefs = (p: typeof x.program) =>
      p.cases.map((c) => ({ labels: c.labels, body: c.body.map((s) => ({ ...s, ref: "" })) }));
    assert.deepEqual(noRefs(x.program), noRefs(DUMMY_DEFAULT_ACTION));
    assert.equal(x.program.ref, at(22));
    assert.deepEqual(
      x.program.cases.map((c) => c.ref),
      [at(26), at(28), at(33), at(37), at(41), at(45)],
    );
    // evaluate_nospec() is stripped; the `if` line is the statement's reference
    assert.deepEqual(x.program.cases[1]?.body, [{ if: atom("src == target"), then: "allow", ref: at(30) }]);
    assert.deepEqual(x.program.cases[5]?.body, [{ do: "deny", ref: at(47), note: "LINKER_BUG_ON(1)" }]);
  });

  it("groups case labels, follows fallthrough, flattens nested ifs and `!`", () => {
    const x = extractDefaultAction(parseFile(fixture("hooks-default-grouped"), parse));
    assert.deepEqual(x.unresolved, []);
    assert.deepEqual(
      x.program.cases.map((c) => c.labels),
      [["HOOK"], ["TARGET", "XS_PRIV"], ["DM_PRIV"], ["PRIV"], ["default"]],
    );
    assert.deepEqual(x.program.cases[1]?.body, [
      { if: and(atom("action == XSM_TARGET"), atom("src == target")), then: "allow", ref: at(17) },
      // `if ( a ) { if ( b ) return 0; }` is one statement under a && b
      { if: and(atom("action == XSM_XS_PRIV"), atom("is_xenstore_domain(src)")), then: "allow", ref: at(21) },
    ]);
    // `target != NULL` is the atom `target`
    assert.deepEqual(x.program.cases[2]?.body, [
      { if: and(atom("target"), atom("src->target == target")), then: "allow", ref: at(27) },
    ]);
    assert.deepEqual(x.program.cases[3]?.body, [
      { if: not(atom("is_control_domain(src)")), then: "deny", ref: at(32) },
      { do: "allow", ref: at(34) },
    ]);
  });

  it("reads the v1 posting's merged PRIV / HW_PRIV block", () => {
    const x = extractDefaultAction(parseFile(fixture("seed-hw-priv-v1"), parse));
    assert.deepEqual(x.unresolved, []);
    assert.deepEqual(x.actions, ["HOOK", "TARGET", "XS_PRIV", "DM_PRIV", "PRIV", "HW_PRIV"]);
    assert.deepEqual(x.program.cases[4], {
      labels: ["PRIV", "HW_PRIV"],
      ref: at(28),
      body: [
        {
          if: and(atom("is_control_domain(src)"), atom("action != XSM_HW_PRIV")),
          then: "allow",
          ref: at(30),
        },
        {
          if: and(
            atom("is_hardware_domain(src)"),
            or(atom("action == XSM_HW_PRIV"), atom("action == XSM_DM_PRIV")),
          ),
          then: "allow",
          ref: at(32),
        },
        { do: "deny", ref: at(35) },
      ],
    });
  });

  it("reports unknown labels and predicates with their lines", () => {
    const x = extractDefaultAction(parseFile(fixture("hooks-unresolved"), parse));
    assert.deepEqual(
      x.unresolved.map((u) => [u.ref, u.reason.replace(/ \(HOOK.*\)$/, "")]),
      [
        [at(10), "case label `XSM_SPARKLE` is not an action the model knows"],
        [at(11), "compileAtom cannot evaluate `is_gizmo_domain(src)`: unknown atom `is_gizmo_domain(src)`"],
        [at(15), "condition `src->gizmo_level > 3` is not modelled"],
      ],
    );
    assert.deepEqual(x.actions, ["HOOK", "PRIV"]);
  });

  it("says so when dummy.h has no xsm_default_action", () => {
    const x = extractDefaultAction(parseFile(fixture("hooks-ifdef"), parse));
    assert.deepEqual(x.program.cases, []);
    assert.deepEqual(x.unresolved, [
      { ref: at(1), what: "xsm_default_action", reason: "dummy.h defines no xsm_default_action()" },
    ]);
  });
});
