import { DIAGNOSTIC_CODES } from "../core/diagnostic-codes.js";

/** docs/diagnostics.md: every diagnostic code with its severity and what it reports, by prefix. */
export function diagnosticsDoc(): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const groups = new Map<string, typeof DIAGNOSTIC_CODES>();
  for (const c of DIAGNOSTIC_CODES) {
    const prefix = c.code.split("/")[0] as string;
    groups.set(prefix, [...(groups.get(prefix) ?? []), c]);
  }
  const sections = [...groups].map(
    ([prefix, codes]) =>
      `## ${prefix.startsWith("<") ? "any document" : prefix}\n\n| code | severity | what it reports |\n| --- | --- | --- |\n${codes
        .map((c) => `| \`${c.code}\` | ${c.severity} | ${esc(c.description)} |`)
        .join("\n")}\n`,
  );
  return `<!-- generated from src/core/diagnostic-codes.ts by \`npm run diagnostic-docs\`: do not edit -->
# Diagnostics

Every diagnostic xenpriv reports has a stable code, a severity and a message at its place
(\`file:line:column\`, or a byte offset in a binary input). This is the list of codes, generated from
the one list in the sources (\`src/core/diagnostic-codes.ts\`), so it cannot go stale. Bad input
(an error raised as \`InputError\`) exits 2; warnings and notes ride along with results. A code
with \`<...>\` is a family: \`<document>\` is the prefix of the file being read (\`system\`,
\`catalogue\`, \`privcmd-profile\`, or the data file's own code), \`boot/<condition>\` and
\`lint/<rule>\` have their pages under \`docs/rules/\`.

${sections.join("\n")}`;
}
