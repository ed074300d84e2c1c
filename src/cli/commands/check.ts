import { error } from "../../core/diagnostic.js";
import { fail } from "../../core/errors.js";
import type { Domain } from "../../model/domain.js";
import { evaluate } from "../../query/evaluate.js";
import { type Model, resolveDomain, resolveOp } from "../../query/model.js";
import { renderDecision, renderDecisionMarkdown } from "../../report/render-decision.js";
import type { Output } from "../output.js";

/** `xenpriv check <src> <op> [<target>]`: allow or deny, with the reasons. */
export function checkCommand(
  model: Model,
  src: string,
  opRef: string,
  targetRef: string | undefined,
  bind: string[] = [],
): Output {
  const op = resolveOp(model, opRef);
  const caller = resolveDomain(model, src);
  let target: Domain | null = null;
  if (op.target.kind === "domain") {
    if (targetRef === undefined)
      fail(
        error(
          "query/missing-target",
          `\`${op.id}\` acts on a domain: give a target`,
          undefined,
          `e.g. \`xenpriv check ${src} ${op.id} ${caller.name}\``,
        ),
      );
    target = resolveDomain(model, targetRef);
  } else if (targetRef !== undefined) {
    fail(
      error(
        "query/unexpected-target",
        `\`${op.id}\` takes no target domain, got \`${targetRef}\``,
        undefined,
        "drop the target",
      ),
    );
  }
  const operands: Record<string, Domain> = {};
  for (const b of bind) {
    const [name, value] = b.split("=");
    if (!name || !value || !(name in op.operands))
      fail(
        error(
          "query/bad-operand",
          `bad \`--with ${b}\``,
          undefined,
          Object.keys(op.operands).length
            ? `\`${op.id}\` takes ${Object.keys(op.operands)
                .map((n) => `\`${n}=<domain>\``)
                .join(", ")}`
            : `\`${op.id}\` has no extra operands`,
        ),
      );
    operands[name] = resolveDomain(model, value);
  }
  const d = evaluate(model, op, caller, target, operands);
  return {
    kind: "decision",
    json: { ...d, summary: op.summary },
    text: renderDecision(d),
    markdown: renderDecisionMarkdown(d),
    exitCode: d.decision === "allow" ? 0 : 1,
  };
}
