/**
 * readActionAssertion on dummy.h texts written for the test, in the shapes Xen's dummy.h has had
 * (xen/include/xsm/dummy.h:31-76 at RELEASE-4.22.0; `def != action` without parentheses at
 * RELEASE-4.17.0) and in shapes that make no link-time check.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { passesCallersAction, readActionAssertion } from "./assert-action.js";
import { loadCParser, type ParseC } from "./c-parser.js";
import { parseFile } from "./xen-tree.js";

const P = "xen/include/xsm/dummy.h";

/** Xen's layout: LINKER_BUG_ON, the coverage build's stand-in, then the two XSM_ASSERT_ACTIONs. */
const xenShaped = (xsmN: string, xsmY = "xsm_default_t action = (def); (void)action") =>
  [
    "#ifndef __XEN_XSM_DUMMY_H__", // 1
    "#define __XEN_XSM_DUMMY_H__",
    "#define LINKER_BUG_ON(x) do { if (x) __xsm_action_mismatch_detected(); } while (0)", // 3
    "#if defined(CONFIG_COVERAGE) && defined(__clang__)", // 4
    "static inline void __xsm_action_mismatch_detected(void)",
    "{",
    "    ASSERT_UNREACHABLE();",
    "}",
    "#else",
    "/* never defined: a reference left at link time fails the link */",
    "void __xsm_action_mismatch_detected(void);",
    "#endif",
    "#ifdef CONFIG_XSM", // 13
    "#define XSM_DEFAULT_ARG /* */",
    `#define XSM_ASSERT_ACTION(def) ${xsmY}`, // 15
    "#else /* CONFIG_XSM */",
    "#define XSM_DEFAULT_ARG xsm_default_t action,",
    `#define XSM_ASSERT_ACTION(def) ${xsmN}`, // 18
    "#endif /* CONFIG_XSM */",
    "#endif",
  ].join("\n");

describe("readActionAssertion", () => {
  test("Xen's: a link-time check with CONFIG_XSM=n, the hook's own action with CONFIG_XSM=y, and the coverage build", () => {
    assert.deepEqual(readActionAssertion(P, xenShaped("LINKER_BUG_ON((def) != action)")), {
      linkCheck: {
        ref: `${P}:18`,
        except: { when: "defined(CONFIG_COVERAGE) && defined(__clang__)", ref: `${P}:4` },
      },
      disabled: `${P}:18`,
      ownAction: `${P}:15`,
    });
  });

  test("4.17's comparison without parentheses, and one written the other way round, are the same check", () => {
    for (const body of ["LINKER_BUG_ON(def != action)", "LINKER_BUG_ON(action != (def))"])
      assert.equal(readActionAssertion(P, xenShaped(body)).linkCheck?.ref, `${P}:18`, body);
  });

  test("a macro continued over lines is read whole", () => {
    const text = xenShaped("\\\n    LINKER_BUG_ON((def) != action)");
    assert.equal(readActionAssertion(P, text).linkCheck?.ref, `${P}:18`);
  });

  test("no link-time check: a CONFIG_XSM=n macro that compares nothing, or one that compares another value", () => {
    for (const body of [
      "((void)(def))",
      "LINKER_BUG_ON((def) != XSM_HOOK)",
      "BUILD_BUG_ON((def) != action)",
    ]) {
      const r = readActionAssertion(P, xenShaped(body));
      assert.equal(r.linkCheck, null, body);
      assert.equal(r.disabled, `${P}:18`, body);
    }
  });

  test("a LINKER_BUG_ON that calls no function is no link-time check", () => {
    const text = xenShaped("LINKER_BUG_ON((def) != action)").replace(
      "do { if (x) __xsm_action_mismatch_detected(); } while (0)",
      "((void)(x))",
    );
    assert.equal(readActionAssertion(P, text).linkCheck, null);
  });

  test("without the coverage build's stand-in the check links nowhere; with it defined in every build, it is no check", () => {
    const text = xenShaped("LINKER_BUG_ON((def) != action)");
    const standIn =
      "static inline void __xsm_action_mismatch_detected(void)\n{\n    ASSERT_UNREACHABLE();\n}\n";
    const declared =
      "/* never defined: a reference left at link time fails the link */\nvoid __xsm_action_mismatch_detected(void);\n";
    const [head = "", tail = ""] = text.split("#if defined(CONFIG_COVERAGE) && defined(__clang__)\n");
    const noStandIn = head + tail.replace(`${standIn}#else\n`, "").replace(`${declared}#endif\n`, declared);
    const line = noStandIn.split("\n").findIndex((l) => l.includes("LINKER_BUG_ON((def)")) + 1;
    assert.deepEqual(readActionAssertion(P, noStandIn).linkCheck, { ref: `${P}:${line}` });
    const always = head + tail.replace(`${standIn}#else\n`, "").replace(`${declared}#endif\n`, standIn);
    assert.equal(readActionAssertion(P, always).linkCheck, null);
  });

  test("a CONFIG_XSM=y macro that does not take the asserted value gives no own action", () => {
    const r = readActionAssertion(P, xenShaped("LINKER_BUG_ON((def) != action)", "(void)(def)"));
    assert.equal(r.ownAction, null);
  });

  test("a dummy.h without the macros says so", () => {
    assert.deepEqual(readActionAssertion(P, "static int x;\n"), {
      linkCheck: null,
      disabled: null,
      ownAction: null,
    });
  });
});

describe("passesCallersAction", () => {
  let parse: ParseC;
  before(async () => {
    parse = await loadCParser();
  });

  test("a hook that hands `action` to xsm_default_action uses the caller's; one naming only its own does not", () => {
    const text = [
      "static XSM_INLINE int xsm_gate(XSM_DEFAULT_ARG struct domain *d)",
      "{",
      "    XSM_ASSERT_ACTION(XSM_PRIV);",
      "    return xsm_default_action(action, current->domain, d);",
      "}",
      "static XSM_INLINE int xsm_lamp(XSM_DEFAULT_ARG struct domain *d, int cmd)",
      "{",
      "    if ( cmd == 1 )",
      "        return xsm_default_action(XSM_HOOK, d, NULL);",
      "    return xsm_default_action(XSM_PRIV, d, NULL);",
      "}",
    ].join("\n");
    const fns = parseFile({ path: P, text }, parse).functions;
    assert.deepEqual(
      fns.map((f) => [f.name, passesCallersAction(f)]),
      [
        ["xsm_gate", true],
        ["xsm_lamp", false],
      ],
    );
  });
});
