import type { Applied, ParsedToken } from "./parse-params.js";

/**
 * What Xen prints for a token whose entries did `applied` (kernel.c:188-198 at RELEASE-4.22.0): one
 * `invalid value` line with the first error and the key and value as the buffer holds them at the
 * end (`no` after a custom entry under `no-`), or one `unknown` line; nothing else.
 */
export function tokenLog(
  t: Pick<ParsedToken, "key" | "value" | "found">,
  applied: readonly Applied[],
): string[] {
  const rc = applied.find((a) => a.rc !== 0)?.rc ?? 0;
  const rewrote = applied.some((a) => a.rewrote);
  const lines: string[] = [];
  if (rc)
    lines.push(
      `parameter "${rewrote ? "no" : t.key}" has invalid value "${rewrote ? "no" : t.value}", rc=${rc}!`,
    );
  if (!t.found) lines.push(`parameter "${t.key}" unknown!`);
  return lines;
}
