import assert from "node:assert/strict";
import { test } from "node:test";
import type { Decision } from "../model/decision.js";
import { renderDecisionMarkdown } from "./render-decision.js";

const d: Decision = {
  decision: "deny",
  op: "dm_op",
  src: "hwdom",
  target: "guest",
  policy: "dummy",
  error: "-EPERM",
  steps: [
    { kind: "hook", what: "xsm_dm_op(XSM_DM_PRIV, d=target)", ref: "xen/arch/x86/hvm/dm.c:363", depth: 0 },
    {
      kind: "predicate",
      what: "src->target == target",
      value: false,
      ref: "xen/include/xsm/dummy.h:94",
      depth: 2,
    },
    { kind: "note", what: "a step without a reference", depth: 0 },
  ],
  conditions: [],
};

test("the Markdown explanation links each reference that has an address, and only those", () => {
  const md = renderDecisionMarkdown(d, {
    link: (ref) => (ref.startsWith("xen/arch") ? `https://example.org/${ref} (x)` : undefined),
  });
  const rows = md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| check"));
  assert.deepEqual(rows, [
    "| xsm_dm_op(XSM_DM_PRIV, d=target) |  | [xen/arch/x86/hvm/dm.c:363](https://example.org/xen/arch/x86/hvm/dm.c:363%20%28x%29) |",
    "| &nbsp;&nbsp;&nbsp;&nbsp;src->target == target | no | xen/include/xsm/dummy.h:94 |",
    "| a step without a reference |  |  |",
  ]);
  // without links, every reference is plain text
  assert.ok(renderDecisionMarkdown(d).includes("|  | xen/arch/x86/hvm/dm.c:363 |"));
});
