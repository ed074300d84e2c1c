import type { Cond } from "../catalog/schema.js";
import type { Role } from "./roles.js";
import type { Unresolved } from "./unresolved.js";
import type { WalkReads } from "./walk-reads.js";
import type { FoundCheck, LookupFailure } from "./walker.js";
import type { CFunction } from "./xen-tree.js";

/**
 * What a walk of a helper, entered from some caller, did beyond its caller's state: what walker.ts
 * needs to do it again from another caller without walking it. Checks keep the part of their `when`
 * and `via` the helper added; the caller's part is put back in front.
 */
export interface CalleeRecord {
  /**
   * every function the helper's walk called (walked or stopped at, as it was on the stack): taken
   * again only where none is on the caller's stack, which would have stopped it there
   */
  readonly attempted: readonly CFunction[];
  /** how far below its entry the walk went: a deeper caller may hit MAX_DEPTH where this one did not */
  readonly depth: number;
  /** condition texts the walk struck from checks by value: a caller holding one would lose it too */
  readonly struck: readonly string[];
  readonly checks: readonly { readonly check: FoundCheck; readonly when: Cond[]; readonly via: string[] }[];
  readonly lookupFailures: readonly LookupFailure[];
  readonly unresolved: readonly Unresolved[];
  readonly required: readonly Role[];
  /** `systemTargets` entries added, in order */
  readonly targets: readonly [name: string, system: string][];
  readonly unsupported: { readonly ref: string; readonly error: string } | undefined;
  /** the helper's variables at its end: the caller reads `p->domain` lookups from them */
  readonly env: readonly [string, Role][];
  /** what the walk read (walk-memo.ts), when the walker notes it */
  readonly reads: WalkReads | undefined;
}

/**
 * Walks of helpers (`get_page_type`, xen/arch/x86/mm.c:3156, and `p2m_get_gfn_type_access`,
 * xen/arch/x86/mm/p2m.c:295 at RELEASE-4.22.0, entered about 200 and 40 times over 4.22.0's
 * sub-ops) kept for one extraction: the same helper with the same arguments' roles and facts walks
 * the same from every caller, on every sub-op that does not reach it with the sub-op number. Keyed
 * by the function and the context string walker.ts makes.
 */
export class CalleeMemo {
  readonly #records = new WeakMap<CFunction, Map<string, CalleeRecord>>();

  get(fn: CFunction, context: string): CalleeRecord | undefined {
    return this.#records.get(fn)?.get(context);
  }

  put(fn: CFunction, context: string, record: CalleeRecord): void {
    let byContext = this.#records.get(fn);
    if (!byContext) {
      byContext = new Map();
      this.#records.set(fn, byContext);
    }
    byContext.set(context, record);
  }
}
