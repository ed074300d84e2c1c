import { parseBool } from "./parse-params.js";

/**
 * `parse_boolean(name, s, e)` (xen/common/kernel.c:286-323 at RELEASE-4.22.0): 1 or 0 for `name`,
 * `no-name` or `name=<bool>`; -2 when the name matched but the value is not a boolean; -1 otherwise.
 */
export function parseBoolean(name: string, s: string): number {
  const negated = s.startsWith("no-");
  const rest = negated ? s.slice(3) : s;
  if (!rest.startsWith(name)) return -1;
  if (rest.length === name.length) return negated ? 0 : 1;
  if (negated || rest[name.length] !== "=") return -1;
  const b = parseBool(rest.slice(name.length + 1));
  return b >= 0 ? b : -2;
}
