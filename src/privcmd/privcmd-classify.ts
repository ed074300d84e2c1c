import { type ClassifiedOp, disagreementList } from "./classify.js";
import { privcmdFacts } from "./privcmd-facts.js";

export interface ClassifyOptions {
  /** hypercall catalogue: a shipped version or a path */
  readonly xen: string;
  readonly class?: string | undefined;
  /** only these hypercalls (all when empty) */
  readonly hypercall?: readonly string[];
  /** only operations whose sources disagree */
  readonly disputed?: boolean | undefined;
}

/**
 * Every hypercall and sub-op dom0 userspace can reach: privileged, control-plane or informational,
 * with the evidence and the disagreements. The XenServer filter's column is every row's: its
 * operations beyond upstream come from the overlay.
 */
export function privcmdClassify(o: ClassifyOptions): ClassifiedOp[] {
  const hypercalls = o.hypercall ?? [];
  return privcmdFacts(o.xen, true)
    .classified()
    .filter(
      (r) =>
        (!o.class || r.class === o.class) &&
        (!hypercalls.length || hypercalls.includes(r.hypercall)) &&
        (!o.disputed || disagreementList(r.disagreements).length > 0),
    );
}
