import type { Rule } from "../lint/rule.js";

/** A rule's documentation page (docs/rules/<id>.md), from the rule itself: `npm run rule-docs` writes them. */
export function ruleDoc(rule: Rule): string {
  const fence = (text: string) => (/^\s*(\/|[a-z]+ \{|\/\*)/.test(text) ? "dts" : "yaml");
  return `# \`${rule.id}\`

- Category: ${rule.category}
- Default severity: ${rule.defaultSeverity}

${rule.what[0]?.toUpperCase()}${rule.what.slice(1)}.

## Why

${rule.why}

## Messages

${Object.entries(rule.messages)
  .map(([id, text]) => `- \`${id}\`: ${text}`)
  .join("\n")}

## Examples

Reported${rule.examples.policy ? ` (under \`--policy ${rule.examples.policy}\`)` : ""}:

\`\`\`${fence(rule.examples.bad)}
${rule.examples.bad}
\`\`\`

Not reported${rule.examples.policy ? ` (same policy)` : ""}:

\`\`\`${fence(rule.examples.good)}
${rule.examples.good}
\`\`\`

${
  rule.parts
    ? `## Conditions

Each is reported with its own code and, in SARIF, as its own rule \`${rule.id}/<condition>\`:

${rule.parts.map((p) => `- [\`${p.id}\`](${rule.id}/${p.id}.md) (${p.defaultSeverity}): ${p.what}`).join("\n")}

`
    : ""
}Run only this rule: \`xenpriv lint <system> --rule ${rule.id}\`.
`;
}
