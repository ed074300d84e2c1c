import type { Rule, RulePart } from "../lint/rule.js";

/** The page of one check a rule relays (docs/rules/<rule>/<part>.md): `npm run rule-docs` writes them. */
export function rulePartDoc(rule: Rule, part: RulePart): string {
  return `# \`${rule.id}/${part.id}\`

- Rule: [\`${rule.id}\`](../${rule.id}.md) (category ${rule.category})
- Default severity: ${part.defaultSeverity}
- Xen: ${part.ref.startsWith("docs/") ? "" : "RELEASE-4.22.0 "}\`${part.ref}\`

${part.what[0]?.toUpperCase()}${part.what.slice(1)}.

Each finding names the line of Xen's source that decides its case (\`xen:\` in the text output,
\`properties.xenRef\` in SARIF) and says what to change.

Run only these checks: \`xenpriv lint <system> --rule ${rule.id}\`.
`;
}
