import { errnoNumber } from "./errno.js";
import { type FilterProgram, isConditional, type Verdict } from "./filter-program.js";

/** Verdict codes of the table: 0 allows, a positive value is the errno, a negative one needs the call's inputs. */
export const ALLOW = 0;
export const CONDITIONAL = -1;

/**
 * A filter program as a table over (hypercall number, sub-op value): what a kernel filter looks
 * up. Conditional entries (a condition on the arguments, a multicall's entries) need the program's checks.
 */
export interface CompiledProfile {
  readonly id: string;
  /** per hypercall number: where its sub-ops start in `verdicts`, or -1 */
  readonly base: Int32Array;
  /** per hypercall number: how many sub-op values it spans */
  readonly span: Int32Array;
  readonly verdicts: Int32Array;
  /** per hypercall number: the verdict for a sub-op value outside the table (or a hypercall without sub-ops) */
  readonly other: Int32Array;
  /** a hypercall number outside the catalogue */
  readonly unknown: number;
  /** per hypercall number: the sub-op mask the filter applies (a 2^k - 1), or 0 for none */
  readonly mask: Float64Array;
}

/** The table code of a verdict. */
export function verdictCode(v: Verdict): number {
  if (isConditional(v)) return CONDITIONAL;
  return v.outcome.action === "deny" ? errnoNumber(v.outcome.errno) : ALLOW;
}

export function compileProfile(program: FilterProgram): CompiledProfile {
  const size = Math.max(0, ...program.hypercalls.map((h) => h.number)) + 1;
  const base = new Int32Array(size).fill(-1);
  const span = new Int32Array(size);
  const other = new Int32Array(size).fill(verdictCode(program.unknownHypercall));
  const verdicts: number[] = [];
  const mask = new Float64Array(size);
  for (const h of program.hypercalls) {
    other[h.number] = verdictCode(h.other);
    if (h.subopMask) mask[h.number] = Number(h.subopMask.mask);
    if (!h.subops.length) continue;
    // a loop, not a spread: a catalogue given with --xen may list any number of sub-ops
    const width = h.subops.reduce((w, s) => Math.max(w, s.value), 0) + 1;
    base[h.number] = verdicts.length;
    span[h.number] = width;
    const row = new Array<number>(width).fill(other[h.number] as number);
    for (const s of h.subops) row[s.value] = verdictCode(s.verdict);
    for (const v of row) verdicts.push(v);
  }
  return {
    id: program.profile.id,
    base,
    span,
    verdicts: Int32Array.from(verdicts),
    other,
    unknown: verdictCode(program.unknownHypercall),
    mask,
  };
}

/** The table's verdict for a raw (hypercall, sub-op) pair: the kernel filter's fast path. */
export function decideHypercall(c: CompiledProfile, hypercall: number, subop: number): number {
  if (hypercall < 0 || hypercall >= c.base.length) return c.unknown;
  const b = c.base[hypercall] as number;
  if (b < 0) return c.other[hypercall] as number;
  // a mask is 2^k - 1: keeping its bits is the remainder by 2^k
  const m = c.mask[hypercall] as number;
  if (m > 0) subop %= m + 1;
  return subop >= 0 && subop < (c.span[hypercall] as number)
    ? (c.verdicts[b + subop] as number)
    : (c.other[hypercall] as number);
}
