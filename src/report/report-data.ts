import type { Catalogue } from "../catalog/schema.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { System } from "../model/system.js";
import { type Cell, cellLabel, cellsOfDomain } from "../query/cells.js";
import { DecisionIndex } from "../query/decision-index.js";
import type { Model } from "../query/model.js";

/** A finding of `lint`, with the lines of its file around it. */
export interface ReportFinding {
  readonly code: string;
  readonly severity: Diagnostic["severity"];
  readonly message: string;
  readonly at?: string;
  readonly help?: string;
  /** the source lines around the span, `[line number, text]` */
  readonly frame?: readonly (readonly [number, string])[];
  readonly frameLine?: number;
}

/**
 * Everything the HTML report shows, as plain JSON inlined in the page. The matrix is computed
 * here; explanations are computed in the page, on click, from the model's own inputs
 * (catalogue, system, policy name), so every cell can be explained without storing a million.
 */
export interface ReportData {
  readonly version: 1;
  readonly title: string;
  readonly xen: string;
  readonly policy: string;
  readonly catalogue: Catalogue;
  readonly system: System;
  /** the distinct cell labels (`cellLabel`): `-` never, `self`, `self+all`… */
  readonly labels: readonly string[];
  /** per domain (system order) and operation (model.ops order), an index into `labels`: base64 of little-endian uint16 */
  readonly cells: string;
  /** the policy the diff view compares with, and its cells in the same layout */
  readonly vs?: { readonly policy: string; readonly cells: string };
  readonly findings: readonly ReportFinding[];
}

/** Cell labels of a model, domains by operations, as indexes into a shared label table. */
function encodeCells(model: Model, labels: Map<string, number>): string {
  const ix = new DecisionIndex(model);
  const codes = new Uint16Array(model.domains.length * model.ops.length);
  model.domains.forEach((_, s) => {
    cellsOfDomain(ix, s).forEach((c: Cell, o) => {
      const label = cellLabel(c);
      if (!labels.has(label)) labels.set(label, labels.size);
      codes[s * model.ops.length + o] = labels.get(label) as number;
    });
  });
  return Buffer.from(codes.buffer).toString("base64");
}

export function buildReportData(
  model: Model,
  o: { readonly title: string; readonly vs?: Model; readonly findings?: readonly ReportFinding[] },
): ReportData {
  const labels = new Map<string, number>([["-", 0]]);
  const cells = encodeCells(model, labels);
  const vs = o.vs && { policy: o.vs.policy.name, cells: encodeCells(o.vs, labels) };
  return {
    version: 1,
    title: o.title,
    xen: model.system.xen,
    policy: model.policy.name,
    catalogue: model.catalogue,
    system: model.system,
    labels: [...labels.keys()],
    cells,
    ...(vs && { vs }),
    findings: o.findings ?? [],
  };
}
