import type { Finding, LintContext, Rule } from "./rule.js";
import { RULES } from "./rules.js";

const RANK = { error: 0, warning: 1, note: 2 } as const;

/** `{{name}}` placeholders filled from `data`; a missing one is a bug in the rule. */
export function fillMessage(
  rule: Rule,
  messageId: string,
  data: Readonly<Record<string, string | number>> = {},
): string {
  const template = rule.messages[messageId];
  if (template === undefined) throw new Error(`rule ${rule.id} has no message ${messageId}`);
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    if (!(k in data)) throw new Error(`rule ${rule.id}, message ${messageId}: no value for ${k}`);
    return String(data[k]);
  });
}

/** Runs the rules (all, or those named) and returns their findings, errors first, then by place. */
export function runLint(ctx: LintContext, only?: readonly string[]): Finding[] {
  const rules = only ? RULES.filter((r) => only.includes(r.id)) : RULES;
  const findings = rules.flatMap((rule) =>
    rule.check(ctx).map(
      (r): Finding => ({
        rule: rule.id,
        code: r.code ?? `lint/${rule.id}`,
        severity: r.severity ?? rule.defaultSeverity,
        message: fillMessage(rule, r.messageId, r.data),
        ...(r.span && { span: r.span }),
        ...(r.help && { help: r.help }),
        ...(r.ref && { ref: r.ref }),
      }),
    ),
  );
  const at = (f: Finding) => [f.span?.line ?? 0, f.span?.column ?? 0, f.span?.offset ?? 0];
  return findings.sort((a, b) => {
    const [x, y] = [at(a), at(b)];
    return (
      RANK[a.severity] - RANK[b.severity] ||
      (a.span?.file ?? "").localeCompare(b.span?.file ?? "") ||
      (x[0] as number) - (y[0] as number) ||
      (x[1] as number) - (y[1] as number) ||
      (x[2] as number) - (y[2] as number) ||
      a.rule.localeCompare(b.rule)
    );
  });
}
