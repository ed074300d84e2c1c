import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { DEFAULT_BUILD } from "../model/build.js";
import { makeDomain } from "../model/domain.js";
import { DUMMY_DEFAULT_ACTION } from "../policy/dummy.js";
import { and, atom, not, or } from "../policy/expr.js";
import { compileSwitch } from "../policy/program.js";
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
      {
        ref: at(1),
        what: "xsm_default_action",
        reason: "dummy.h defines no xsm_default_action()",
        column: 1,
      },
    ]);
  });

  it("reads 4.17's label inside the `if` of XSM_TARGET as an entry of its own", () => {
    const x = extractDefaultAction(parseFile(fixture("hooks-default-inner-label"), parse));
    assert.deepEqual(x.unresolved, []);
    assert.deepEqual(x.actions, ["HOOK", "TARGET", "XS_PRIV", "DM_PRIV", "PRIV"]);
    assert.deepEqual(
      x.program.cases.map((c) => [c.labels, c.ref]),
      [
        [["HOOK"], at(10)],
        [["TARGET"], at(12)],
        [["XS_PRIV"], at(16)],
        [["DM_PRIV"], at(21)],
        [["PRIV"], at(25)],
        [["default"], at(29)],
      ],
    );
    // from above, the label is only a label: TARGET's block ends at its `return 0;`
    assert.deepEqual(x.program.cases[1]?.body, [{ if: atom("src == target"), then: "allow", ref: at(15) }]);
    // entered at the label: only XS_PRIV runs it, so TARGET falling through skips it as C does
    assert.deepEqual(x.program.cases[2]?.body, [
      {
        if: and(atom("action == XSM_XS_PRIV"), atom("is_xenstore_domain(src)")),
        then: "allow",
        ref: at(17),
        note: `entered at \`case XSM_XS_PRIV:\` (${at(16)}), inside the block of \`case XSM_TARGET:\``,
      },
    ]);
    // the same rules as 4.19's `action == XSM_XS_PRIV && ...` that dummy.ts has: only refs and the note differ
    const noRefs = (p: typeof x.program) =>
      p.cases.map((c) => ({
        labels: c.labels,
        body: c.body.map((st) => {
          const { ref: _, ...rest } = st as typeof st & { note?: string };
          if (rest.note?.startsWith("entered at")) delete rest.note;
          return rest;
        }),
      }));
    assert.deepEqual(noRefs(x.program), noRefs(DUMMY_DEFAULT_ACTION));
  });

  it("follows an entry two blocks down through the rest of each block, then the rest of the case", () => {
    const x = extractDefaultAction(parseFile(fixture("hooks-default-inner-deep"), parse));
    assert.deepEqual(x.unresolved, []);
    assert.deepEqual(
      x.program.cases.map((c) => c.labels),
      [["TARGET"], ["XS_PRIV", "DM_PRIV"], ["PRIV"], ["default"]],
    );
    const decide = compileSwitch(x.program);
    const plain = makeDomain({ domid: 1 });
    const other = makeDomain({ domid: 2 });
    const xs = makeDomain({ domid: 3, caps: { xenstore: true } });
    const dm = makeDomain({ domid: 4, target: 2 });
    const hw = makeDomain({ domid: 5, caps: { hardware: true } });
    const ctl = makeDomain({ domid: 6, caps: { control: true } });
    const allowed = (a: "TARGET" | "XS_PRIV" | "DM_PRIV", s: typeof plain, t: typeof plain | null) =>
      decide(a, s, t, DEFAULT_BUILD).allowed;
    // what the C does, worked out by hand from the fixture's lines
    const cases: [Parameters<typeof allowed>, boolean][] = [
      // TARGET on self: control returns at line 16; the xenstore test sits inside the control block
      [["TARGET", ctl, ctl], true],
      [["TARGET", xs, xs], false],
      // TARGET on another: the whole `if` is skipped, the DM test inside it too; hardware after it holds
      [["TARGET", dm, other], false],
      [["TARGET", xs, other], false],
      [["TARGET", hw, other], true],
      // entered at the labels: the xenstore test, the rest of the outer block (DM), then hardware, then PRIV
      [["XS_PRIV", xs, other], true],
      [["DM_PRIV", xs, other], true],
      [["DM_PRIV", dm, other], true],
      [["XS_PRIV", hw, null], true],
      [["XS_PRIV", plain, other], false],
      [["DM_PRIV", ctl, other], true],
    ];
    for (const [args, want] of cases)
      assert.equal(allowed(...args), want, `${args[0]} from ${args[1].name} on ${args[2]?.name ?? "NULL"}`);
  });

  it("reports each label it cannot follow, and goto, with line and column", () => {
    const x = extractDefaultAction(parseFile(fixture("hooks-default-jumps"), parse));
    assert.deepEqual(
      x.unresolved.map((u) => [`${u.ref}:${u.column}`, u.reason]),
      [
        [`${at(9)}:5`, "the switch has no default label: an unknown action runs off the end"],
        [`${at(12)}:9`, "while statement `while ( src->gizmo )` is not modelled"],
        // inside a loop
        [
          `${at(14)}:5`,
          "`case XSM_TARGET:` inside a block is a jump into the middle of a statement, which is not modelled",
        ],
        // `default:` inside an `else`
        [
          `${at(23)}:5`,
          "`default:` inside a block is a jump into the middle of a statement, which is not modelled",
        ],
        [`${at(28)}:13`, "goto statement `goto out;` is not modelled"],
        [
          `${at(30)}:5`,
          "`out:` inside a block is a jump into the middle of a statement, which is not modelled",
        ],
        // two runs of labels in one case, each after a `return`
        [
          `${at(36)}:5`,
          "`case XSM_HW_PRIV:` inside a block is a jump into the middle of a statement, which is not modelled",
        ],
        [
          `${at(42)}:5`,
          "`case XSM_OTHER:` inside a block is a jump into the middle of a statement, which is not modelled",
        ],
      ],
    );
  });
});
