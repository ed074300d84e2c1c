import type { Operation } from "../catalog/schema.js";
import { capabilityNames, type Domain } from "../model/domain.js";
import type { DecisionIndex } from "../query/decision-index.js";
import { opActions } from "../query/op-actions.js";

/** A node of the overview graph: one domain, or the ordinary domains of one class taken together. */
export interface GraphNode {
  readonly label: string;
  /** how many domains it stands for */
  readonly count: number;
  /** the first few of them */
  readonly domains: readonly string[];
  readonly roles: readonly string[];
  /** 0 control, hardware or xenstore; 1 device models; 2 the others */
  readonly column: 0 | 1 | 2;
}

/** `from` may use `ops` operations on `to` that need more than XSM_HOOK; `dm`: it is the device model of one of them. */
export interface GraphEdge {
  readonly from: number;
  readonly to: number;
  readonly ops: number;
  readonly dm: boolean;
}

export interface DomainGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** operations counted on the edges */
  readonly privilegedOps: number;
}

/** Up to this many domains are drawn one by one. */
export const GRAPH_NODES = 40;

const isDeviceModel = (d: Domain) => d.target !== null || d.caps.deviceModel;
const columnOf = (d: Domain): GraphNode["column"] =>
  d.caps.control || d.caps.hardware || d.caps.xenstore ? 0 : isDeviceModel(d) ? 1 : 2;

/**
 * Who may act on whom. Each node is a domain, unless the system has more than GRAPH_NODES:
 * then the first GRAPH_NODES domains with a role or a device-model target stay single and the
 * rest are grouped by the class the decision index gives them as targets (members of a class
 * are decided alike).
 * An edge counts the operations with a target that the policy checks with more than XSM_HOOK
 * (what any domain may do is not a relation) and that the first member of `from` may use on a
 * member of `to`.
 */
export function domainGraph(ix: DecisionIndex): DomainGraph {
  const { model } = ix;
  const n = model.domains.length;
  const single = (s: number) => {
    const d = model.domains[s] as Domain;
    return n <= GRAPH_NODES || columnOf(d) < 2;
  };
  const groups: number[][] = [];
  const byClass = new Map<number, number[]>();
  for (let s = 0; s < n; s++) {
    if (single(s) && groups.length < GRAPH_NODES) groups.push([s]);
    else {
      const c = ix.cls[s] as number;
      let g = byClass.get(c);
      if (!g) {
        g = [];
        byClass.set(c, g);
        groups.push(g);
      }
      g.push(s);
    }
  }
  const nodes = groups.map((g): GraphNode => {
    const first = model.domains[g[0] as number] as Domain;
    return {
      label: g.length === 1 ? first.name : `${g.length} domains like ${first.name}`,
      count: g.length,
      domains: g.slice(0, 5).map((s) => (model.domains[s] as Domain).name),
      roles: capabilityNames(first.caps),
      column: columnOf(first),
    };
  });
  const privileged = model.ops
    .map((op, o) => [op, o] as const)
    .filter(([op]: readonly [Operation, number]) => op.target.kind !== "none")
    .filter(([op]) => opActions(model.policy, op).some((a) => a !== "HOOK"))
    .map(([, o]) => o);
  const edges: GraphEdge[] = [];
  for (const [a, from] of groups.entries())
    for (const [b, to] of groups.entries()) {
      if (a === b) continue;
      const s = from[0] as number;
      const dm = from.some((x) => to.includes(ix.ownTarget[x] as number));
      // a device model is counted on its own guest; otherwise on a member that is not
      const own = ix.ownTarget[s] as number;
      const t = to.includes(own) ? own : (to.find((x) => x !== own) ?? (to[0] as number));
      const ops = privileged.filter((o) => ix.decide(o, s, t) === 1).length;
      if (ops > 0 || dm) edges.push({ from: a, to: b, ops, dm });
    }
  return { nodes, edges, privilegedOps: privileged.length };
}
