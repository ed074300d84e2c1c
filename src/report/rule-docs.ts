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

Reported${under(rule.examples.policy, rule.examples.flask)}:

\`\`\`${fence(rule.examples.bad)}
${rule.examples.bad}
\`\`\`
${flaskSource(rule.examples.flask?.bad)}
Not reported${rule.examples.flask ? " (under its own policy)" : rule.examples.policy ? " (same policy)" : ""}:

\`\`\`${fence(rule.examples.good)}
${rule.examples.good}
\`\`\`
${flaskSource(rule.examples.flask?.good)}
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

/** ` (under --policy X)`, or for a Flask policy given as source, how it is compiled */
function under(policy: string | undefined, flask: { bad: string } | undefined): string {
  if (flask)
    return " (under `--policy flask:<policy>`, the policy compiled with `checkpolicy -t Xen` from the source after the system)";
  return policy ? ` (under \`--policy ${policy}\`)` : "";
}

/** A Flask policy's source (policy.conf, m4 expanded) after its example system, or nothing. */
function flaskSource(source: string | undefined): string {
  return source === undefined ? "" : `\nThe policy:\n\n\`\`\`\n${source}\n\`\`\`\n`;
}
