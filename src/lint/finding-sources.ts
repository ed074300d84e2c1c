import { readRegularFile } from "../core/read-regular-file.js";
import type { Finding } from "./rule.js";

/** The text of each file a finding points into, for code frames; a file that cannot be read has no frame. */
export function findingSources(findings: readonly Finding[]): Map<string, string> {
  const sources = new Map<string, string>();
  for (const f of findings)
    if (f.span && f.span.line > 0 && !sources.has(f.span.file))
      try {
        sources.set(f.span.file, readRegularFile(f.span.file).toString("latin1"));
      } catch {
        // a frame is a help, not a must
      }
  return sources;
}
