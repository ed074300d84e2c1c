import type { Operation } from "../catalog/schema.js";
import type { Domain } from "../model/domain.js";
import { type Cell, cellOf, otherRepresentatives } from "./cells.js";
import { DecisionIndex, signature } from "./decision-index.js";
import { evaluate } from "./evaluate.js";
import type { Model } from "./model.js";

/**
 * Where two models of one system decide differently: an operation only one side has, or one whose
 * decisions (allowed or denied, the error the guest sees) or matrix cells differ.
 */
export interface DecisionDifference {
  readonly op: string;
  /** `missing`: only in the reference; `extra`: only in the other; `decisions`: both, deciding otherwise */
  readonly kind: "missing" | "extra" | "decisions";
  /** how many (caller, target) pairs and cells differ, over every system compared */
  readonly count: number;
  /** a few of them: `<system> <caller> on <target>: <reference> | <other>` */
  readonly examples: readonly string[];
}

export interface DecisionAgreement {
  /** (caller, operation, target) triples and cells compared, and how many agree */
  readonly compared: number;
  readonly agreeing: number;
  readonly differences: readonly DecisionDifference[];
}

/** One system's two models: the reference (the curated catalogue under `dummy`) and the other. */
export interface ModelPair {
  readonly name: string;
  readonly reference: Model;
  readonly other: Model;
  /** also compare every domain's matrix cell (default); decisions are compared whatever this says */
  readonly cells?: boolean;
}

const EXAMPLES = 3;

/** What the guest sees: `allow`, or `deny` with the error it gets. */
function outcome(model: Model, op: Operation, src: Domain, target: Domain | null): string {
  const d = evaluate(model, op, src, target);
  return d.decision === "allow" ? "allow" : `deny ${d.error ?? "-EPERM"}`;
}

/** A cell as `matrix` shows it: the relation summary without the witnesses, which name any domain of a class. */
function summary(cell: Cell): string {
  const { allowedWitness: _a, deniedWitness: _d, ...rest } = cell;
  return JSON.stringify(rest);
}

/**
 * Compares two models of the same systems decision by decision: for every caller class, every
 * operation both catalogues have and every target that matters (none, itself, its device-model
 * target, one domain of each other class, the system domains either side can name), whether it is
 * allowed and the error a denial returns; and the matrix cell of every domain. Decisions depend only
 * on the classes (`DecisionIndex`), so one caller and one target per class are enough.
 */
export function decisionAgreement(pairs: readonly ModelPair[]): DecisionAgreement {
  const found = new Map<string, DecisionDifference & { count: number; examples: string[] }>();
  const note = (op: string, kind: DecisionDifference["kind"], example?: string) => {
    const key = `${kind} ${op}`;
    const d = found.get(key) ?? { op, kind, count: 0, examples: [] };
    found.set(key, d);
    d.count++;
    if (example && d.examples.length < EXAMPLES) d.examples.push(example);
  };
  let compared = 0;
  let agreeing = 0;
  // systems of one build share most (caller, target) classes: each is compared once per pair of
  // catalogues and policies
  const seen = new Set<string>();
  const ids = new Map<object, number>();
  const id = (x: object): number => {
    if (!ids.has(x)) ids.set(x, ids.size);
    return ids.get(x) as number;
  };
  for (const { name, reference, other, cells = true } of pairs) {
    const models = [reference.catalogue, reference.policy, other.catalogue, other.policy].map(id);
    const build = `${models.join(" ")} ${JSON.stringify(reference.system.build)}`;
    const theirs = new Map(other.ops.map((o) => [o.id, o]));
    const ours = new Set(reference.ops.map((o) => o.id));
    for (const op of reference.ops) if (!theirs.has(op.id)) note(op.id, "missing", name);
    for (const op of other.ops) if (!ours.has(op.id)) note(op.id, "extra", name);
    const common = reference.ops.filter((o) => theirs.has(o.id));
    const a = new DecisionIndex(reference, common);
    const b = new DecisionIndex(
      other,
      common.map((o) => theirs.get(o.id) as Operation),
    );
    const byName = new Map(a.domains.map((d, i) => [d.name, i]));
    for (let s = 0; s < reference.domains.length; s++) {
      const repsA = otherRepresentatives(a, s);
      const repsB = cells ? otherRepresentatives(b, s) : [];
      const src = a.domains[s] as Domain;
      const first = (a.members[a.cls[s] as number] as number[])[0] === s;
      for (let o = 0; o < common.length; o++) {
        const opA = common[o] as Operation;
        const opB = b.ops[o] as Operation;
        if (cells) {
          compared++;
          const ca = summary(cellOf(a, o, s, repsA));
          const cb = summary(cellOf(b, o, s, repsB));
          if (ca === cb) agreeing++;
          else note(opA.id, "decisions", `${name} ${src.name} cell: ${ca} | ${cb}`);
        }
        // the cell of every domain; each decision once per caller class
        if (!first) continue;
        const targets = new Set<number>([s, ...repsA]);
        const own = a.ownTarget[s] as number;
        if (own >= 0) targets.add(own);
        for (const op of [opA, opB])
          if (op.target.kind === "domain")
            for (const sys of op.target.system) targets.add(byName.get(sys) as number);
        const withTarget = opA.target.kind === "domain" || opB.target.kind === "domain";
        for (const t of withTarget ? targets : [-1]) {
          const target = t < 0 ? null : (a.domains[t] as Domain);
          // a device model's own target decides by its class too
          const relation =
            t < 0 ? "-" : t === s ? "self" : `${t === own ? "own" : "other"} ${signature(target as Domain)}`;
          const key = `${build} ${opA.id} ${signature(src)} ${relation}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const x = outcome(reference, opA, src, target);
          const y = outcome(other, opB, src, target);
          compared++;
          if (x === y) agreeing++;
          else note(opA.id, "decisions", `${name} ${src.name} on ${target?.name ?? "-"}: ${x} | ${y}`);
        }
      }
    }
  }
  const differences = [...found.values()];
  differences.sort((x, y) => x.op.localeCompare(y.op) || x.kind.localeCompare(y.kind));
  return { compared, agreeing, differences };
}
