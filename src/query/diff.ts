import type { Operation } from "../catalog/schema.js";
import type { Domain } from "../model/domain.js";
import { otherRepresentatives } from "./cells.js";
import { DecisionIndex } from "./decision-index.js";
import type { Model } from "./model.js";

export type ChangeKind = "widened" | "narrowed";
export type Relation = "none" | "self" | "own-target" | "other" | "dom_xen" | "dom_io";

/** One concrete request whose answer differs between two models: a witness. */
export interface Change {
  readonly kind: ChangeKind;
  readonly op: string;
  readonly domain: string;
  readonly relation: Relation;
  /** the target of the witness request, null for targetless operations */
  readonly target: string | null;
}

/** Operations in one model and not the other (catalogue diffs). */
export interface DiffResult {
  readonly from: string;
  readonly to: string;
  readonly changes: readonly Change[];
  readonly addedOps: readonly string[];
  readonly removedOps: readonly string[];
  readonly widened: number;
  readonly narrowed: number;
}

/**
 * Compares every (domain, operation, target relation) of two models over the same
 * system. Targets of the relation `other` are compared per class of domain, each
 * with a concrete witness.
 */
export function diffModels(a: Model, b: Model, filter: (op: Operation) => boolean = () => true): DiffResult {
  const bIds = new Set(b.ops.map((o) => o.id));
  const aIds = new Set(a.ops.map((o) => o.id));
  // pairs compared: the same operation, or a variant one side splits off (`domctl/vm_event_op/get_version`
  // from 4.22.0) against the operation it refines on the other side
  const pairs: [Operation, Operation, string][] = a.ops
    .filter((o) => bIds.has(o.id) && filter(o))
    .map((o) => [o, b.opsById.get(o.id) as Operation, o.id]);
  for (const o of b.ops) {
    const refined = aIds.has(o.id) ? undefined : counterpart(o.id, a.opsById);
    if (refined && filter(o)) pairs.push([refined, o, o.id]);
  }
  for (const o of a.ops) {
    const refined = bIds.has(o.id) ? undefined : counterpart(o.id, b.opsById);
    if (refined && filter(o)) pairs.push([o, refined, o.id]);
  }
  const paired = new Set(pairs.map(([, , id]) => id));
  const common = pairs.map(([x]) => x);
  const ia = new DecisionIndex(a, common);
  const ib = new DecisionIndex(
    b,
    pairs.map(([, y]) => y),
  );
  const changes: Change[] = [];
  const user = a.domains.length;
  const push = (o: number, s: number, t: number, relation: Relation) => {
    const x = ia.decide(o, s, t);
    const y = ib.decide(o, s, t);
    if (x === y) return;
    changes.push({
      kind: y ? "widened" : "narrowed",
      op: (pairs[o] as [Operation, Operation, string])[2],
      domain: (ia.domains[s] as Domain).name,
      relation,
      target: t < 0 ? null : (ia.domains[t] as Domain).name,
    });
  };
  for (let s = 0; s < user; s++) {
    const reps = otherRepresentatives(ia, s);
    const own = ia.ownTarget[s] as number;
    for (let o = 0; o < common.length; o++) {
      const op = common[o] as Operation;
      if (op.target.kind === "none") {
        push(o, s, -1, "none");
        continue;
      }
      push(o, s, s, "self");
      if (own >= 0) push(o, s, own, "own-target");
      for (const name of op.target.system) push(o, s, ia.systemIndex[name] as number, name);
      // one witness per class of target is enough: the answer depends only on the class
      for (const rep of reps) push(o, s, rep, "other");
    }
  }
  return {
    from: a.policy.name,
    to: b.policy.name,
    changes,
    addedOps: b.ops.filter((o) => !aIds.has(o.id) && !paired.has(o.id) && filter(o)).map((o) => o.id),
    removedOps: a.ops.filter((o) => !bIds.has(o.id) && !paired.has(o.id) && filter(o)).map((o) => o.id),
    widened: changes.filter((c) => c.kind === "widened").length,
    narrowed: changes.filter((c) => c.kind === "narrowed").length,
  };
}

/** The same operation on the other side: itself, or the undivided operation a variant refines. */
export function counterpart(id: string, ops: ReadonlyMap<string, Operation>): Operation | undefined {
  return ops.get(id) ?? ops.get(id.split("/").slice(0, 2).join("/"));
}
