import type { CheckResult } from "../../query/check.js";
import { renderDecision, renderDecisionMarkdown } from "../../report/render-decision.js";
import type { Output } from "../output.js";

/** `xenpriv check <src> <op> [<target>]`: allow or deny, with the reasons. */
export function checkOutput(d: CheckResult): Output {
  return {
    kind: "decision",
    json: d,
    text: renderDecision(d),
    markdown: renderDecisionMarkdown(d),
    graph: {
      name: `${d.src} ${d.op}`,
      nodes:
        d.target === null
          ? [{ id: d.src }, { id: d.op, shape: "box" }]
          : [...new Set([d.src, d.target])].map((id) => ({ id })),
      edges: [
        {
          from: d.src,
          to: d.target ?? d.op,
          label: `${d.target === null ? "" : `${d.op}: `}${d.decision}${d.error ? ` (${d.error})` : ""}`,
          ...(d.decision === "allow" && d.conditions.length > 0 && { dashed: true }),
        },
      ],
    },
    exitCode: d.decision === "allow" ? 0 : 1,
  };
}
