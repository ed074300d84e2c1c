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
    exitCode: d.decision === "allow" ? 0 : 1,
  };
}
