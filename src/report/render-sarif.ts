import type { Finding, Rule } from "../lint/rule.js";

/**
 * Findings as a SARIF 2.1.0 log (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/): one run,
 * the rules with their descriptions, one result per finding with its location. A DTB span has no
 * lines: its region is a byte offset.
 */
export function renderSarif(findings: readonly Finding[], rules: readonly Rule[], version: string): object {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [
      {
        tool: {
          driver: {
            name: "xenpriv",
            version,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: r.what },
              fullDescription: { text: r.why },
              help: { text: `${r.what}: see docs/rules/${r.id}.md in xenpriv` },
              defaultConfiguration: { level: r.defaultSeverity },
              properties: { category: r.category },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ...(index.has(f.rule) && { ruleIndex: index.get(f.rule) }),
          level: f.severity,
          message: { text: f.help ? `${f.message}. ${f.help}` : f.message },
          ...(f.span && {
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: f.span.file.split("/").map(encodeURIComponent).join("/") },
                  region:
                    f.span.line > 0
                      ? {
                          startLine: f.span.line,
                          startColumn: f.span.column,
                          ...(f.span.endLine !== undefined && { endLine: f.span.endLine }),
                          ...(f.span.endColumn !== undefined && { endColumn: f.span.endColumn }),
                        }
                      : {
                          byteOffset: f.span.offset ?? 0,
                          ...(f.span.endOffset !== undefined && {
                            byteLength: f.span.endOffset - (f.span.offset ?? 0),
                          }),
                        },
                },
              },
            ],
          }),
          properties: { code: f.code, ...(f.ref && { xenRef: f.ref }) },
        })),
      },
    ],
  };
}
