import { errnoNumber } from "./errno.js";
import { evaluateCall, type PrivcmdFacts } from "./evaluate-call.js";
import type { HypercallCatalogue } from "./hypercall-catalogue.js";
import type { Profile } from "./profile.js";

/** Verdict codes of the table: 0 allows, a positive value is the errno, a negative one needs the call's inputs. */
export const ALLOW = 0;
export const CONDITIONAL = -1;

/**
 * A profile as a table over (hypercall number, sub-op value) for IOCTL_PRIVCMD_HYPERCALL on an
 * unrestricted fd in a locked-down dom0: what a kernel filter would look up. Conditional entries (a condition on
 * the arguments, a multicall's entries) go back to `evaluateCall`.
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
}

/** A sub-op value no catalogue defines, to ask the profile what an unknown sub-op gets. */
const UNKNOWN_SUBOP = "\u0000unknown";

export function compileProfile(
  profile: Profile,
  catalogue: HypercallCatalogue,
  facts: PrivcmdFacts,
): CompiledProfile {
  // a locked-down dom0: XenServer filters only then
  const ctx = { domain: "dom0", lockedDown: true } as const;
  const code = (hypercall: string, subop?: string): number => {
    const d = evaluateCall(
      { ioctl: "HYPERCALL", hypercall, ...(subop !== undefined && { subop }) },
      ctx,
      profile,
      facts,
    );
    if (d.readArguments) return CONDITIONAL;
    return d.allowed ? ALLOW : errnoNumber(d.errno ?? "EPERM");
  };
  const size = Math.max(0, ...catalogue.hypercalls.map((h) => h.number)) + 1;
  const base = new Int32Array(size).fill(-1);
  const span = new Int32Array(size);
  const other = new Int32Array(size);
  const verdicts: number[] = [];
  for (const h of catalogue.hypercalls) {
    other[h.number] = h.subops.length ? code(h.name, UNKNOWN_SUBOP) : code(h.name);
    if (!h.subops.length) continue;
    const width = Math.max(...h.subops.map((s) => s.value)) + 1;
    base[h.number] = verdicts.length;
    span[h.number] = width;
    const row = new Array<number>(width).fill(other[h.number] as number);
    for (const s of h.subops) row[s.value] = code(h.name, s.name);
    verdicts.push(...row);
  }
  return {
    id: profile.id,
    base,
    span,
    verdicts: Int32Array.from(verdicts),
    other,
    unknown: code("\u0000unknown-hypercall"),
  };
}

/** The table's verdict for a raw (hypercall, sub-op) pair: the kernel filter's fast path. */
export function decideHypercall(c: CompiledProfile, hypercall: number, subop: number): number {
  if (hypercall < 0 || hypercall >= c.base.length) return c.unknown;
  const b = c.base[hypercall] as number;
  if (b < 0) return c.other[hypercall] as number;
  return subop >= 0 && subop < (c.span[hypercall] as number)
    ? (c.verdicts[b + subop] as number)
    : (c.other[hypercall] as number);
}
