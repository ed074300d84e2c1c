import type { Catalogue } from "../catalog/schema.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { System } from "../model/system.js";
import { type Cell, cellLabel, cellsOfDomain } from "../query/cells.js";
import { DecisionIndex } from "../query/decision-index.js";
import { type Change, diffModels } from "../query/diff.js";
import type { Model } from "../query/model.js";
import { type DomainGraph, domainGraph } from "./domain-graph.js";
import { XEN_SOURCE_URL } from "./xen-source-link.js";

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

/** What lockdown does to a command line (`xenpriv cmdline`'s analysis, cut to what the page shows). */
export interface ReportLockdown {
  readonly line: string;
  readonly xen: string;
  readonly model: string;
  readonly safeList: string;
  readonly secureBoot: boolean;
  readonly enabled: boolean;
  readonly tokens: readonly {
    readonly text: string;
    readonly source: string;
    readonly trusted: boolean;
    readonly status: string;
    readonly applied: string;
    readonly why: string;
  }[];
  readonly diagnostics: readonly {
    readonly severity: string;
    readonly code: string;
    readonly message: string;
  }[];
}

/** The diff's witnesses kept in a page: enough to read, not every one of a large system's. */
export const WITNESSES = 1000;

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
  /** where a `path:line` is opened: a URL template (`xen-source-link.ts`) and the catalogue's commit (or tag) */
  readonly source: { readonly url: string; readonly commit: string };
  /** the distinct cell labels (`cellLabel`): `-` never, `self`, `self+all`… */
  readonly labels: readonly string[];
  /** per domain (system order) and operation (model.ops order), an index into `labels`: base64 of little-endian uint16 */
  readonly cells: string;
  /**
   * the policy the diff view compares with, its cells in the same layout, and concrete requests
   * whose answer differs (`xenpriv diff`'s witnesses, the first WITNESSES of them)
   */
  readonly vs?: {
    readonly policy: string;
    readonly cells: string;
    readonly widened: number;
    readonly narrowed: number;
    readonly witnesses: readonly Change[];
  };
  /** each `flask:` policy's compiled bytes (base64), from which the page rebuilds its module */
  readonly flask?: Readonly<Record<string, string>>;
  /** and, for a policy built from a tree, where its rules come from in the sources (flask/rule-origins.ts) */
  readonly flaskOrigins?: Readonly<Record<string, unknown>>;
  /** the booleans each `flask:` policy with any set (`--flask-boolean`) decides with, other than its defaults */
  readonly flaskBooleans?: Readonly<Record<string, Readonly<Record<string, boolean>>>>;
  readonly graph: DomainGraph;
  readonly findings: readonly ReportFinding[];
  readonly lockdown?: ReportLockdown;
}

/** Cell labels of a model, domains by operations, as indexes into a shared label table. */
function encodeCells(ix: DecisionIndex, labels: Map<string, number>): string {
  const { model } = ix;
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

/** The first witness of each change of a cell (domain, operation, widened or narrowed). */
function oneWitnessPerCell(changes: readonly Change[]): Change[] {
  const seen = new Set<string>();
  return changes.filter((c) => {
    const key = `${c.domain}\0${c.op}\0${c.kind}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function buildReportData(
  model: Model,
  o: {
    readonly title: string;
    readonly vs?: Model;
    readonly findings?: readonly ReportFinding[];
    readonly lockdown?: ReportLockdown;
    /** the model's decision index, when the caller has one (lint's) */
    readonly index?: DecisionIndex;
    /** the URL template of Xen's source lines (default `XEN_SOURCE_URL`) */
    readonly sourceUrl?: string;
  },
): ReportData {
  const ix = o.index ?? new DecisionIndex(model);
  const labels = new Map<string, number>([["-", 0]]);
  const cells = encodeCells(ix, labels);
  const diff = o.vs && diffModels(model, o.vs);
  const vs = o.vs &&
    diff && {
      policy: o.vs.policy.name,
      cells: encodeCells(new DecisionIndex(o.vs), labels),
      widened: diff.widened,
      narrowed: diff.narrowed,
      witnesses: oneWitnessPerCell(diff.changes).slice(0, WITNESSES),
    };
  const embedded = [model.policy, o.vs?.policy].flatMap((p) =>
    p?.flaskBytes ? [[p.name, Buffer.from(p.flaskBytes).toString("base64")] as const] : [],
  );
  const flask = embedded.length ? Object.fromEntries(embedded) : undefined;
  const withOrigins = [model.policy, o.vs?.policy].flatMap((p) =>
    p?.flaskOrigins ? [[p.name, p.flaskOrigins] as const] : [],
  );
  const flaskOrigins = withOrigins.length ? Object.fromEntries(withOrigins) : undefined;
  const set = [model.policy, o.vs?.policy].flatMap((p) =>
    p?.flask && Object.keys(p.flask.booleans).length ? [[p.name, p.flask.booleans] as const] : [],
  );
  const flaskBooleans = set.length ? Object.fromEntries(set) : undefined;
  const flaskHooks = model.policy.flaskHooks ?? o.vs?.policy.flaskHooks;
  return {
    version: 1,
    title: o.title,
    xen: model.system.xen,
    policy: model.policy.name,
    // a Flask policy's hooks go with the catalogue, for the page to rebuild the module
    catalogue: flaskHooks ? { ...model.catalogue, flask: flaskHooks as Catalogue["flask"] } : model.catalogue,
    system: model.system,
    source: {
      url: o.sourceUrl ?? XEN_SOURCE_URL,
      commit: model.catalogue.meta.commit || model.catalogue.meta.tag,
    },
    labels: [...labels.keys()],
    cells,
    ...(vs && { vs }),
    ...(flask && { flask }),
    ...(flaskOrigins && { flaskOrigins }),
    ...(flaskBooleans && { flaskBooleans }),
    graph: domainGraph(ix),
    findings: o.findings ?? [],
    ...(o.lockdown && { lockdown: o.lockdown }),
  };
}
