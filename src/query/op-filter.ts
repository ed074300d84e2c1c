import type { Operation } from "../catalog/schema.js";

/** Operations of the given hypercalls (every operation when none is given). */
export function opFilter(hypercalls: readonly string[] = []): (op: Operation) => boolean {
  return (op) => hypercalls.length === 0 || hypercalls.includes(op.hypercall);
}
