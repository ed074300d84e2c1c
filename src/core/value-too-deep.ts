import { LIMITS } from "./limits.js";

/** Whether a parsed JSON value nests arrays and objects deeper than the limit; one pass, no recursion. */
export function valueTooDeep(value: unknown, limit: number = LIMITS.nesting): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [v, depth] = top;
    if (v === null || typeof v !== "object") continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v))
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
  }
  return false;
}
