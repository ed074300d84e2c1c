import type { Operation } from "../catalog/schema.js";
import type { Domain } from "../model/domain.js";
import type { DecisionIndex } from "./decision-index.js";

export type Reach = "all" | "some" | "none";

/** What one domain may do with one operation, summarised over its possible targets. */
export interface Cell {
  readonly domain: string;
  readonly op: string;
  /** operations without a target domain */
  readonly allowed?: boolean;
  /** on itself */
  readonly self?: boolean;
  /** on the domain it serves as device model, when it has one */
  readonly ownTarget?: boolean;
  /** on the other ordinary domains of the system */
  readonly others?: Reach;
  /** an other domain it may act on, and one it may not, when `others` is `some` */
  readonly allowedWitness?: string;
  readonly deniedWitness?: string;
  /** on the system domains the operation can name */
  readonly system?: Readonly<Record<string, boolean>>;
}

/**
 * One representative of each class among the other ordinary domains of caller `s`
 * (not itself, not its device-model target): decisions depend only on the class.
 */
export function otherRepresentatives(ix: DecisionIndex, s: number): number[] {
  const reps: number[] = [];
  const own = ix.targetOf[s];
  for (const members of ix.members) {
    const rep = members.find((m) => m !== s && !ix.domains[m]?.system && ix.domid[m] !== own);
    if (rep !== undefined) reps.push(rep);
  }
  return reps;
}

/** The cell of domain index `s` for operation index `o` (ix.ops order). */
export function cellOf(ix: DecisionIndex, o: number, s: number, reps = otherRepresentatives(ix, s)): Cell {
  const op = ix.ops[o] as Operation;
  const d = ix.domains[s] as Domain;
  if (op.target.kind === "none") return { domain: d.name, op: op.id, allowed: ix.decide(o, s, -1) === 1 };
  const cell: {
    domain: string;
    op: string;
    self: boolean;
    ownTarget?: boolean;
    others?: Reach;
    allowedWitness?: string;
    deniedWitness?: string;
    system?: Record<string, boolean>;
  } = { domain: d.name, op: op.id, self: ix.decide(o, s, s) === 1, others: "none" };
  const t = ix.ownTarget[s] as number;
  if (t >= 0) cell.ownTarget = ix.decide(o, s, t) === 1;
  let yes = -1;
  let no = -1;
  for (const rep of reps) {
    if (ix.decide(o, s, rep) === 1) {
      if (yes < 0) yes = rep;
    } else if (no < 0) no = rep;
  }
  cell.others = yes >= 0 && no >= 0 ? "some" : yes >= 0 ? "all" : "none";
  if (cell.others === "some") {
    cell.allowedWitness = ix.domains[yes]?.name as string;
    cell.deniedWitness = ix.domains[no]?.name as string;
  }
  if (op.target.system.length) {
    const system: Record<string, boolean> = {};
    for (const name of op.target.system) system[name] = ix.decide(o, s, ix.systemIndex[name] as number) === 1;
    cell.system = system;
  }
  return cell;
}

/** Every cell of one caller, in operation order. */
export function cellsOfDomain(ix: DecisionIndex, s: number): Cell[] {
  const reps = otherRepresentatives(ix, s);
  return ix.ops.map((_, o) => cellOf(ix, o, s, reps));
}

/** Short label for tables: `yes`/`-` for targetless operations, else the relations allowed. */
export function cellLabel(c: Cell): string {
  if (c.allowed !== undefined) return c.allowed ? "yes" : "-";
  const parts: string[] = [];
  if (c.self) parts.push("self");
  if (c.ownTarget) parts.push("tgt");
  if (c.others === "all") parts.push("all");
  if (c.others === "some") parts.push("some");
  for (const [k, v] of Object.entries(c.system ?? {})) if (v) parts.push(k === "dom_xen" ? "xen" : "io");
  return parts.length ? parts.join("+") : "-";
}
