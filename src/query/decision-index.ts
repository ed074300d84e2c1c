import type { Operation } from "../catalog/schema.js";
import type { Domain } from "../model/domain.js";
import { evaluate } from "./evaluate.js";
import type { Model } from "./model.js";

/** How a target relates to the caller; decisions depend on the pair only through this and the classes. */
const REL_NONE = 0;
const REL_SELF = 1;
const REL_OWN_TARGET = 2;
const REL_OTHER = 3;

/** The attributes a decision can depend on: domains with the same signature decide alike. */
export function signature(d: Domain): string {
  const c = d.caps;
  return [
    +c.control,
    +c.hardware,
    +c.xenstore,
    +c.deviceModel,
    +c.notHypercallTarget,
    +d.isConsole,
    d.type,
    d.system ?? "",
    d.target === null ? 0 : 1,
    d.label ?? "",
  ].join("");
}

/**
 * The fast path. Domains fall into classes of equal attributes; a decision depends
 * only on (operation, caller class, target class, relation), so each distinct key is
 * evaluated once with the full evaluator and remembered in a flat Int8Array.
 */
export class DecisionIndex {
  readonly domains: readonly Domain[];
  /** class of each domain, by index in `domains` */
  readonly cls: Int32Array;
  /** domid of each domain's device-model target, or -1 */
  readonly targetOf: Int32Array;
  readonly domid: Int32Array;
  /** index in `domains` of each domain's device-model target, or -1 */
  readonly ownTarget: Int32Array;
  /** index in `domains` of each system domain, by name */
  readonly systemIndex: Readonly<Record<string, number>>;
  readonly nClasses: number;
  /** members of each class, by index */
  readonly members: readonly number[][];
  /** every decision, -1 until made: by operation, then caller class, target class and relation */
  private readonly table: Int8Array;
  private readonly stride: number;
  /** each domain's offset as a caller (its class's row) and as a target (its class's column) */
  private readonly asCaller: Int32Array;
  private readonly asTarget: Int32Array;
  private readonly indexOfDomid = new Map<number, number>();

  constructor(
    readonly model: Model,
    readonly ops: readonly Operation[] = model.ops,
  ) {
    const sys = model.systemDomains;
    this.domains = [...model.domains, sys.dom_xen, sys.dom_io, sys.idle];
    const classes = new Map<string, number>();
    const members: number[][] = [];
    this.cls = new Int32Array(this.domains.length);
    this.targetOf = new Int32Array(this.domains.length);
    this.domid = new Int32Array(this.domains.length);
    this.domains.forEach((d, i) => {
      const sig = signature(d);
      let c = classes.get(sig);
      if (c === undefined) {
        c = classes.size;
        classes.set(sig, c);
        members.push([]);
      }
      this.cls[i] = c;
      members[c]?.push(i);
      this.targetOf[i] = d.target ?? -1;
      this.domid[i] = d.domid;
      this.indexOfDomid.set(d.domid, i);
    });
    this.ownTarget = this.targetOf.map((t) => (t < 0 ? -1 : (this.indexOfDomid.get(t) ?? -1)));
    const n = model.domains.length;
    this.systemIndex = { dom_xen: n, dom_io: n + 1, idle: n + 2 };
    this.nClasses = classes.size;
    this.members = members;
    this.stride = this.nClasses * this.nClasses * 4;
    this.table = new Int8Array(ops.length * this.stride).fill(-1);
    this.asCaller = this.cls.map((c) => c * this.nClasses * 4);
    this.asTarget = this.cls.map((c) => c * 4);
  }

  /** Index of a domain in `domains`. */
  indexOf(d: Domain): number {
    return this.indexOfDomid.get(d.domid) ?? -1;
  }

  /** Relation of target `t` (or -1 for none) to caller `s`. */
  relation(s: number, t: number): number {
    if (t < 0) return REL_NONE;
    if (s === t) return REL_SELF;
    return this.ownTarget[s] === t ? REL_OWN_TARGET : REL_OTHER;
  }

  /** Allowed (1) or denied (0), without explanation. `t` is -1 when the operation has no target. */
  decide(op: number, s: number, t: number): number {
    // a target's column is 0 when there is none (asTarget is of domains only)
    const key =
      op * this.stride +
      (this.asCaller[s] as number) +
      (t < 0 ? 0 : (this.asTarget[t] as number)) +
      this.relation(s, t);
    const v = this.table[key] as number;
    if (v >= 0) return v;
    const d = this.slow(op, s, t);
    this.table[key] = d;
    return d;
  }

  private slow(op: number, s: number, t: number): number {
    const o = this.ops[op] as Operation;
    const r = evaluate(this.model, o, this.domains[s] as Domain, t < 0 ? null : (this.domains[t] as Domain));
    return r.decision === "allow" ? 1 : 0;
  }
}
