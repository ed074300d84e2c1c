import type { Finding, Rule } from "../lint/rule.js";

export interface SarifOptions {
  /** absolute URI under which `docs/rules/` is published (ends with `/`): each rule's helpUri */
  readonly docsBase: string;
  /**
   * absolute `file:` URI of the directory that paths are relative to (ends with `/`), recorded as
   * `%SRCROOT%`; a file outside it keeps its absolute URI
   */
  readonly sourceRoot?: string;
  /** the working directory relative paths in spans start from (an absolute `file:` URI ending with `/`) */
  readonly cwd?: string;
}

const camel = (id: string) => id.replace(/(^|[-/])(\w)/g, (_, __, c: string) => c.toUpperCase());

/** A span's file as a SARIF artifact location: relative to %SRCROOT% when it is inside it. */
function artifactLocation(file: string, o: SarifOptions): { uri: string; uriBaseId?: string } {
  const encoded = file.split("/").map(encodeURIComponent).join("/");
  if (!o.sourceRoot) return { uri: encoded };
  const absolute = new URL(encoded, o.cwd ?? o.sourceRoot).href;
  if (absolute.startsWith(o.sourceRoot))
    return { uri: absolute.slice(o.sourceRoot.length), uriBaseId: "%SRCROOT%" };
  return { uri: absolute };
}

/**
 * Findings as a SARIF 2.1.0 log (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/) for code
 * scanning: one run; every rule with its documentation page as `helpUri`; each check a rule relays
 * (the boot conditions) a rule of its own, `<rule>/<part>`, related to its rule; paths relative to
 * `%SRCROOT%`. A DTB span has no lines: its region is a byte offset.
 */
export function renderSarif(
  findings: readonly Finding[],
  rules: readonly Rule[],
  version: string,
  o: SarifOptions,
): object {
  const descriptors: object[] = [];
  const index = new Map<string, number>();
  for (const r of rules) {
    const at = descriptors.length;
    index.set(r.id, at);
    descriptors.push({
      id: r.id,
      name: camel(r.id),
      shortDescription: { text: r.what },
      fullDescription: { text: r.why },
      helpUri: `${o.docsBase}docs/rules/${r.id}.md`,
      help: { text: `${r.what}: see docs/rules/${r.id}.md` },
      defaultConfiguration: { level: r.defaultSeverity },
      properties: { category: r.category },
    });
    for (const p of r.parts ?? []) {
      const id = `${r.id}/${p.id}`;
      index.set(id, descriptors.length);
      descriptors.push({
        id,
        name: camel(id),
        shortDescription: { text: p.what },
        fullDescription: { text: `${p.what} (Xen: ${p.ref})` },
        helpUri: `${o.docsBase}docs/rules/${id}.md`,
        help: { text: `${p.what}: see docs/rules/${id}.md` },
        defaultConfiguration: { level: p.defaultSeverity },
        properties: { category: r.category, xenRef: p.ref },
        relationships: [{ target: { id: r.id, index: at }, kinds: ["superset"] }],
      });
    }
  }
  // a relayed check's code is `<prefix>/<part>`: its finding belongs to the part's own rule
  const ruleOf = (f: Finding) => {
    const part = `${f.rule}/${f.code.slice(f.code.indexOf("/") + 1)}`;
    return index.has(part) ? part : f.rule;
  };
  return {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [
      {
        tool: { driver: { name: "xenpriv", version, rules: descriptors } },
        ...(o.sourceRoot && { originalUriBaseIds: { "%SRCROOT%": { uri: o.sourceRoot } } }),
        results: findings.map((f) => {
          const ruleId = ruleOf(f);
          return {
            ruleId,
            ...(index.has(ruleId) && { ruleIndex: index.get(ruleId) }),
            level: f.severity,
            message: { text: f.help ? `${f.message}. ${f.help}` : f.message },
            ...(f.span && {
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: artifactLocation(f.span.file, o),
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
          };
        }),
      },
    ],
  };
}
