// The HTML report's app, bundled by scripts/build.mjs into dist/report-app.js and inlined in each
// report. It reads the data the page carries, draws the matrix, and explains a cell on demand by
// running the same evaluator as the CLI on the model rebuilt from the page's catalogue and system.
import { capabilityNames, type Domain } from "../model/domain.js";
import type { Change } from "../query/diff.js";
import { evaluate } from "../query/evaluate.js";
import { flaskModule } from "../query/flask-module.js";
import { buildModel, type Model } from "../query/model.js";
import { opActions } from "../query/op-actions.js";
import { resolveBuiltinPolicy } from "../query/tree-policy.js";
import { renderDecision, renderDecisionMarkdown } from "../report/render-decision.js";
import type { ReportData } from "../report/report-data.js";
import { xenSourceLink } from "../report/xen-source-link.js";
import { type CellChange, cellChange } from "./cell-change.js";
import { CELL_CLASSES, type CellClass, cellClass } from "./cell-class.js";
import { type CellAddress, cellFragment, parseCellFragment } from "./cell-fragment.js";
import { el } from "./dom.js";
import {
  DECISIONS,
  type DecisionFilter,
  filterMatrix,
  keepsDecision,
  type MatrixFilter,
  type MatrixInput,
  type MatrixView,
} from "./filter-matrix.js";
import { graphView } from "./graph-view.js";
import { type Cursor, type Glyph, Heatmap } from "./heatmap.js";
import { linkRefs } from "./link-refs.js";

const data = JSON.parse(document.getElementById("xenpriv-data")?.textContent ?? "{}") as ReportData;
const domains = data.system.domains;

function decode(base64: string): Uint16Array {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Uint16Array(bytes.buffer);
}
const cells = decode(data.cells);
/** the address of a Xen source line (or a proposal's posting) */
const link = (ref: string) => xenSourceLink(ref, { template: data.source.url, commit: data.source.commit });
/** from this many domains on, the matrix comes before the overview */
const LARGE = 40;
const vsCells = data.vs ? decode(data.vs.cells) : undefined;
/** a Flask policy from the bytes the page carries, any other by its name */
function policyOf(policy: string) {
  const b64 = data.flask?.[policy];
  if (!b64) return resolveBuiltinPolicy(data.catalogue, policy);
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const origins = data.flaskOrigins?.[policy] as NonNullable<Parameters<typeof flaskModule>[5]>["origins"];
  return flaskModule(data.catalogue, policy, bytes, policy.replace(/^flask:/, ""), data.catalogue.flask, {
    origins,
    booleans: data.flaskBooleans?.[policy],
  });
}
const modelOf = (policy: string) => buildModel(data.catalogue, data.system, policyOf(policy));
// the model's operations are those of the build: the cells' columns
const model = modelOf(data.policy);
const ops = model.ops;
const n = ops.length;
let vsModel: Model | undefined;
const theVsModel = (policy: string): Model => {
  vsModel ??= modelOf(policy);
  return vsModel;
};
const opIndex = new Map(ops.map((op, o) => [op.id, o]));
const domainIndex = new Map(domains.map((d, s) => [d.name, s]));
const roles = (d: Domain): string[] => capabilityNames(d.caps);

/** Witnesses by cell, for cells whose label is the same under both policies but some request differs. */
const witnessKind = new Map<number, CellChange>();
for (const w of data.vs?.witnesses ?? []) {
  const key = (domainIndex.get(w.domain) ?? -1) * n + (opIndex.get(w.op) ?? -1);
  const was = witnessKind.get(key);
  witnessKind.set(key, was && was !== w.kind ? "changed" : w.kind);
}
const CHANGES: readonly CellChange[] = ["same", "widened", "narrowed", "changed"];
/** every cell's change, computed on first use: `cellChange` once per pair of labels, then the witnesses */
let changes: Uint8Array | undefined;
function changeTable(vs: Uint16Array): Uint8Array {
  const t = new Uint8Array(cells.length);
  const byLabels = new Map<number, number>();
  for (let k = 0; k < cells.length; k++) {
    const a = cells[k] ?? 0;
    const b = vs[k] ?? 0;
    if (a === b) continue;
    const pair = a * 65536 + b;
    let c = byLabels.get(pair);
    if (c === undefined) {
      c = CHANGES.indexOf(cellChange(data.labels[a] ?? "-", data.labels[b] ?? "-"));
      byLabels.set(pair, c);
    }
    t[k] = c;
  }
  for (const [k, c] of witnessKind) if (t[k] === 0) t[k] = CHANGES.indexOf(c);
  return t;
}
/** The change table, under a diff (`--vs`); undefined without one. */
function theChanges(): Uint8Array | undefined {
  if (vsCells) changes ??= changeTable(vsCells);
  return changes;
}
function changeOf(s: number, o: number): CellChange {
  return CHANGES[theChanges()?.[s * n + o] ?? 0] ?? "same";
}

const input: MatrixInput = {
  domainNames: domains.map((d) => d.name),
  domainRoles: domains.map(roles),
  opIds: ops.map((o) => o.id),
  opHypercalls: ops.map((o) => o.hypercall),
  opActions: ops.map((o) => opActions(model.policy, o)),
  cells,
  ...(vsCells && { change: changeOf }),
};

// ---- state
const filter: { -readonly [K in keyof MatrixFilter]: MatrixFilter[K] } = {
  hypercall: "",
  role: "",
  action: "",
  decision: "",
  search: "",
};
let diff = false;
/** the target the reader chose, or the witness's */
let wantedTarget: string | undefined;
/** the reader selected a cell (or opened one by its link): the explanation follows the selection */
let following = false;

const status = el("p", { id: "cell-status", className: "muted" });
status.setAttribute("aria-live", "polite");
const PROMPT = "Select a cell (click, or arrows and Enter) to see why.";
const explain = el("div", { id: "explain" }, PROMPT);
const targetSelect = el("select", { id: "target" });
const targetLabel = el("label", { id: "target-label", hidden: true }, "target ", targetSelect);
const permalink = el("a", { id: "permalink", href: "#", textContent: "link to this cell", hidden: true });
const copyButton = el("button", {
  id: "copy-md",
  type: "button",
  textContent: "copy as Markdown",
  disabled: true,
});
const copyStatus = el("span", { id: "copy-status", className: "muted" });
copyStatus.setAttribute("aria-live", "polite");
const matrixSummary = el("p", { id: "matrix-summary", className: "muted" });
const emptyState = el("div", { id: "empty", hidden: true });
/** the explanation as Markdown, for the copy button */
let markdown = "";

const label = (s: number, o: number) => data.labels[cells[s * n + o] ?? 0] ?? "-";
function describe(c: Cursor | undefined): string {
  if (!c) return "no cell matches the filters";
  const d = domains[c.s] as Domain;
  const change = diff ? changeOf(c.s, c.o) : "same";
  return `${d.name} × ${ops[c.o]?.id}: ${label(c.s, c.o)}${vsCells ? ` (${data.vs?.policy}: ${data.labels[vsCells[c.s * n + c.o] ?? 0]}${change === "same" ? "" : `, ${change}`})` : ""}`;
}

/** each label's class */
const labelClass = data.labels.map((l) => cellClass(l));
/** What a cell shows now: its label's kind, or in the diff view its change. */
function classOf(s: number, o: number): CellClass {
  const c = diff ? changeOf(s, o) : "same";
  return c === "same" ? (labelClass[cells[s * n + o] ?? 0] ?? "never") : c;
}
const GLYPHS: Partial<Record<CellClass, Glyph>> = { widened: "+", narrowed: "-", changed: "/" };
const LEGEND: Record<CellClass, string> = {
  never: "never",
  some: "some targets",
  all: "all others / no target",
  widened: "widened",
  narrowed: "narrowed",
  changed: "changed (some relations gained, some lost)",
};

const heatmap = new Heatmap(
  {
    colour: (s, o, css) => css.getPropertyValue(`--${classOf(s, o)}`),
    glyph: (s, o) => (diff ? GLYPHS[classOf(s, o)] : undefined),
    rowLabel: (s) => domains[s]?.name ?? "",
    colLabel: (o) => ops[o]?.id.split("/").slice(1).join("/") || (ops[o]?.id ?? ""),
    colGroup: (o) => ops[o]?.hypercall ?? "",
  },
  (c, why) => {
    status.textContent = describe(c);
    if (why === "hover") return;
    if (why === "select" && !following) return;
    following = true;
    // a target chosen for one cell (from the list or a witness) does not carry over to the next
    wantedTarget = undefined;
    showExplanation(c);
  },
);

/** The targets worth explaining for a cell: none, itself, its device-model target, others, the system domains. */
function targetsFor(src: Domain): (Domain | null)[] {
  const own = src.target == null ? undefined : model.byDomid.get(src.target);
  const others = domains.filter((d) => d !== src && d !== own).slice(0, 50);
  const wanted = wantedTarget === undefined ? undefined : model.byName.get(wantedTarget);
  const extra = wanted && wanted !== src && wanted !== own && !others.includes(wanted) ? [wanted] : [];
  return [
    null,
    src,
    ...(own ? [own] : []),
    ...others,
    ...extra,
    model.systemDomains.dom_xen,
    model.systemDomains.dom_io,
  ];
}

function showExplanation(c: Cursor | undefined = heatmap.cursor()): void {
  if (!c) {
    explain.textContent = following ? "No cell matches the filters: nothing to explain." : PROMPT;
    delete explain.dataset.shown;
    permalink.hidden = true;
    targetLabel.hidden = true;
    copyButton.disabled = true;
    return;
  }
  const src = domains[c.s] as Domain;
  const op = ops[c.o];
  if (!op) return;
  const targets = targetsFor(src);
  targetSelect.replaceChildren(
    ...targets.map((t) => el("option", { value: t?.name ?? "", textContent: t ? t.name : "(no target)" })),
  );
  // the reader's (or the witness's) target; otherwise the first on which the policy allows it
  const chosen = targets.find((t) => wantedTarget !== undefined && (t?.name ?? "") === wantedTarget);
  const pick =
    chosen !== undefined
      ? chosen
      : op.target.kind === "none"
        ? null
        : (targets.find((t) => t && evaluate(model, op, src, t).decision === "allow") ?? targets[1] ?? null);
  targetSelect.value = pick?.name ?? "";
  targetLabel.hidden = false;
  const models = diff && data.vs ? [model, theVsModel(data.vs.policy)] : [model];
  const decisions = models.map((m) => evaluate(m, op, src, pick));
  explain.replaceChildren(
    ...linkRefs(decisions.map(renderDecision).join("\n\n"), link).map((x) =>
      typeof x === "string"
        ? x
        : el("a", { href: x.href, textContent: x.text, target: "_blank", rel: "noopener" }),
    ),
  );
  explain.dataset.shown = "true";
  const address: CellAddress = {
    domain: src.name,
    op: op.id,
    target: pick?.name ?? "",
    ...(diff && { diff }),
  };
  const fragment = cellFragment(address);
  permalink.href = fragment;
  permalink.hidden = false;
  if (location.hash !== fragment) history.replaceState(null, "", fragment);
  markdown = [
    ...decisions.map((d) => renderDecisionMarkdown(d, { link })),
    `Xen ${data.catalogue.meta.xen} (${data.source.commit || "commit unknown"}), explained by xenpriv.`,
  ].join("\n\n");
  copyButton.disabled = false;
  copyStatus.textContent = "";
}

/** Puts the explanation's Markdown on the clipboard (or, where the page may not, in a selected text area). */
async function copyMarkdown(): Promise<void> {
  try {
    await navigator.clipboard.writeText(markdown);
    copyStatus.textContent = `copied ${markdown.split("\n").length} lines of Markdown`;
  } catch {
    const area = el("textarea", { value: markdown, readOnly: true, rows: 8, cols: 60 });
    area.setAttribute("aria-label", "the explanation as Markdown");
    copyStatus.replaceChildren("the browser refused the clipboard; copy it from here: ", area);
    area.select();
  }
}
copyButton.addEventListener("click", () => void copyMarkdown());

targetSelect.addEventListener("change", () => {
  wantedTarget = targetSelect.value;
  showExplanation();
});

const plural = (k: number, one: string, many = `${one}s`) =>
  `${k.toLocaleString("en")} ${k === 1 ? one : many}`;
const legendCounts = new Map<CellClass, HTMLElement>();

/** Counts the cells of each class in the view, for the legend: by label and change, then by class. */
function countLegend(view: MatrixView): void {
  const table = diff ? theChanges() : undefined;
  const byCode = new Uint32Array(data.labels.length * CHANGES.length);
  for (const s of view.rows)
    for (const o of view.cols) {
      const k = s * n + o;
      const i = (cells[k] ?? 0) * CHANGES.length + (table?.[k] ?? 0);
      byCode[i] = (byCode[i] ?? 0) + 1;
    }
  const counts = new Map<CellClass, number>();
  byCode.forEach((count, i) => {
    const change = CHANGES[i % CHANGES.length] ?? "same";
    const c = change === "same" ? (labelClass[Math.floor(i / CHANGES.length)] ?? "never") : change;
    counts.set(c, (counts.get(c) ?? 0) + count);
  });
  for (const [c, node] of legendCounts) {
    node.textContent = ` (${(counts.get(c) ?? 0).toLocaleString("en")})`;
    // the diff's classes only while the diff is drawn
    const item = node.parentElement;
    if (item && ["widened", "narrowed", "changed"].includes(c)) item.hidden = !diff;
  }
}

/** what the filters leave */
let currentView: MatrixView = { rows: [], cols: [] };

function refilter(): void {
  const view = filterMatrix(input, filter);
  currentView = view;
  const empty = view.rows.length === 0 || view.cols.length === 0;
  matrixSummary.textContent = empty
    ? "0 matches"
    : `${plural(view.rows.length, "domain")} × ${plural(view.cols.length, "operation")} (${plural(view.rows.length * view.cols.length, "cell")})`;
  emptyState.hidden = !empty;
  heatmap.wrap.hidden = empty;
  if (empty)
    emptyState.replaceChildren(
      el("p", {
        textContent: `No cell matches ${[
          filter.search && `the search “${filter.search}”`,
          ...(["hypercall", "role", "action", "decision"] as const).map(
            (k) => filter[k] && `${k} ${filter[k]}`,
          ),
        ]
          .filter(Boolean)
          .join(" with ")}.`,
      }),
      clearButton(),
    );
  heatmap.setView(view);
  countLegend(view);
}

function clearButton(): HTMLButtonElement {
  const b = el("button", { type: "button", id: "clear-filters", textContent: "clear the filters" });
  b.addEventListener("click", () => {
    clearFilters();
    heatmap.canvas.focus();
  });
  return b;
}

function clearFilters(): void {
  for (const s of document.querySelectorAll<HTMLSelectElement>("#controls select")) s.value = "";
  (document.getElementById("search") as HTMLInputElement).value = "";
  Object.assign(filter, { hypercall: "", role: "", action: "", decision: "", search: "" });
  refilter();
}

/** A filter's list: each value with how many it keeps (operations, domains or cells). */
function select(
  id: string,
  text: string,
  options: readonly (readonly [string, number])[],
  key: keyof MatrixFilter,
): HTMLLabelElement {
  const s = el(
    "select",
    { id },
    el("option", { value: "", textContent: "all" }),
    ...options.map(([v, k]) => el("option", { value: v, textContent: `${v} (${k.toLocaleString("en")})` })),
  );
  s.addEventListener("change", () => {
    // the options are the key's own values
    Object.assign(filter, { [key]: s.value });
    refilter();
  });
  return el("label", {}, text, s);
}

/** A legend entry: the colour square (with the glyph of a change), the name and the count in view. */
function legendItem(c: CellClass): HTMLElement {
  const glyph = GLYPHS[c];
  const square = el("span", { className: "swatch", textContent: glyph === "-" ? "−" : (glyph ?? "") });
  square.setAttribute("style", `background:var(--${c})`);
  square.setAttribute("aria-hidden", "true");
  const count = el("span", { className: "count" });
  legendCounts.set(c, count);
  return el("span", { className: `legend-item ${c}-item` }, square, LEGEND[c], count);
}

/** How many values of each kind there are: operations per hypercall or action, domains per role. */
function tally(values: readonly string[]): [string, number][] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m];
}

/** How many cells of the whole matrix each decision filter keeps. */
function decisionCounts(decisions: readonly DecisionFilter[]): [string, number][] {
  // the cells by (allowed or never, change), then what each filter keeps of each kind
  const kinds = new Uint32Array(2 * CHANGES.length);
  const table = theChanges();
  for (let k = 0; k < cells.length; k++) {
    const i = ((cells[k] ?? 0) === 0 ? 0 : CHANGES.length) + (table?.[k] ?? 0);
    kinds[i] = (kinds[i] ?? 0) + 1;
  }
  return decisions.map((d) => {
    let total = 0;
    kinds.forEach((count, i) => {
      if (keepsDecision(d, i < CHANGES.length ? 0 : 1, CHANGES[i % CHANGES.length] ?? "same")) total += count;
    });
    return [d, total];
  });
}

/**
 * For print, where the heatmap is not: the matrix's size and the cells the diff widens or
 * narrows, each with its labels under both policies.
 */
function printedMatrix(): HTMLElement {
  let allowed = 0;
  for (const c of cells) if (c !== 0) allowed++;
  const section = el(
    "section",
    { id: "print-matrix", className: "print-only" },
    el("p", {
      textContent: `${plural(domains.length, "domain")} × ${plural(n, "operation")}: ${plural(allowed, "cell")} allow some request under ${data.policy}. The heatmap is in the page on screen.`,
    }),
  );
  if (!vsCells || !data.vs) return section;
  const changed: string[] = [];
  let total = 0;
  const table = theChanges();
  for (let s = 0; s < domains.length; s++)
    for (let o = 0; o < n; o++) {
      if (!table?.[s * n + o]) continue;
      const c = changeOf(s, o);
      total++;
      if (changed.length < PRINTED)
        changed.push(
          `${c === "widened" ? "+" : c === "narrowed" ? "−" : "/"} ${c}: ${domains[s]?.name} × ${ops[o]?.id}: ${label(s, o)} → ${data.labels[vsCells[s * n + o] ?? 0]}`,
        );
    }
  section.append(
    el("h3", { textContent: `Cells that change from ${data.policy} to ${data.vs.policy} (${total})` }),
    el("ul", {}, ...changed.map((t) => el("li", { textContent: t }))),
    ...(total > changed.length ? [el("p", { textContent: `and ${total - changed.length} more` })] : []),
  );
  return section;
}
/** the printed list of changed cells stops here */
const PRINTED = 2000;

function overview(): HTMLElement {
  const byDomid = new Map(domains.map((d) => [d.domid, d]));
  const rows = domains
    .slice(0, 200)
    .map((d) =>
      el(
        "tr",
        {},
        el("td", { textContent: d.name }),
        el("td", { textContent: String(d.domid) }),
        el("td", { textContent: roles(d).join(", ") || "-" }),
        el("td", { textContent: d.target == null ? "-" : (byDomid.get(d.target)?.name ?? String(d.target)) }),
      ),
    );
  const g = data.graph;
  return el(
    "section",
    { id: "overview" },
    el("h2", { textContent: "Domains and who may act on whom" }),
    el("p", {
      className: "muted",
      textContent: `An arrow: the first domain may use some of the ${g.privilegedOps} operations with a target that ${data.policy} checks with more than XSM_HOOK on the second (hover for the count); a solid arrow joins a device model to its guest.${g.nodes.some((x) => x.count > 1) ? " Domains without a role are grouped by how Xen decides for them as targets." : ""}`,
    }),
    el("div", { id: "graph-wrap" }, graphView(g)),
    el(
      "table",
      { id: "domains" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ...["domain", "domid", "roles", "device model of"].map((h) => el("th", { textContent: h })),
        ),
      ),
      el("tbody", {}, ...rows),
    ),
    ...(domains.length > 200
      ? [el("p", { className: "muted", textContent: `and ${domains.length - 200} more` })]
      : []),
  );
}

/** The diff's witnesses, grouped by operation; each one selects its cell and explains it on its target. */
function witnesses(): HTMLElement {
  const vs = data.vs;
  const section = el("section", { id: "witnesses", hidden: true });
  if (!vs) return section;
  const byOp = new Map<string, Change[]>();
  for (const w of vs.witnesses) byOp.set(w.op, [...(byOp.get(w.op) ?? []), w]);
  const total = vs.widened + vs.narrowed;
  section.append(
    el("h2", {
      textContent: `Diff: ${data.policy} → ${vs.policy}: ${vs.widened} widened, ${vs.narrowed} narrowed`,
    }),
    el("p", {
      className: "muted",
      textContent:
        total === 0
          ? "The two policies decide every request of this system alike."
          : `A witness is one request whose answer differs.${vs.witnesses.length < total ? ` ${vs.witnesses.length} shown, one per cell and direction.` : ""}`,
    }),
    ...[...byOp].map(([op, ws]) =>
      el(
        "details",
        { open: byOp.size <= 12 },
        el("summary", {}, `${op}: `, ...kinds(ws)),
        el(
          "ul",
          {},
          ...ws.map((w) => {
            const b = el("button", {
              type: "button",
              className: `witness ${w.kind}`,
              textContent: `${w.kind}: ${w.domain} → ${w.target ?? "(no target)"} (${w.relation}): ${label(domainIndex.get(w.domain) ?? 0, opIndex.get(w.op) ?? 0)} → ${vsCells ? data.labels[vsCells[(domainIndex.get(w.domain) ?? 0) * n + (opIndex.get(w.op) ?? 0)] ?? 0] : ""}`,
            });
            b.addEventListener("click", () => showWitness(w));
            return el("li", {}, b);
          }),
        ),
      ),
    ),
  );
  return section;
}

function kinds(ws: readonly Change[]): HTMLElement[] {
  const w = ws.filter((x) => x.kind === "widened").length;
  const nn = ws.length - w;
  return [
    ...(w ? [el("span", { className: "widened", textContent: `${w} widened ` })] : []),
    ...(nn ? [el("span", { className: "narrowed", textContent: `${nn} narrowed` })] : []),
  ];
}

/** Selects a cell, clearing the filters when they hide it. */
function reveal(c: Cursor): void {
  if (heatmap.select(c)) return;
  clearFilters();
  heatmap.select(c);
}

function showWitness(w: Change): void {
  const c = { s: domainIndex.get(w.domain) ?? -1, o: opIndex.get(w.op) ?? -1 };
  following = true;
  reveal(c);
  wantedTarget = w.target ?? "";
  showExplanation(c);
  explain.scrollIntoView({ block: "nearest" });
}

/** Opens the cell a permalink names, with its target and the diff view when it asks for them. */
function openFragment(hash: string): void {
  const a = parseCellFragment(hash);
  if (!a) return;
  const c = { s: domainIndex.get(a.domain) ?? -1, o: opIndex.get(a.op) ?? -1 };
  if (c.s < 0 || c.o < 0) {
    status.textContent = `the link names no cell of this report: ${c.s < 0 ? `domain \`${a.domain}\`` : `operation \`${a.op}\``}`;
    return;
  }
  if (Boolean(a.diff) !== diff && data.vs) document.getElementById("diff-toggle")?.click();
  following = true;
  reveal(c);
  if (a.target !== undefined) {
    wantedTarget = a.target;
    showExplanation(c);
  }
  document.getElementById("matrix")?.scrollIntoView({ block: "start" });
}

function findings(): HTMLElement {
  return el(
    "section",
    { id: "findings" },
    el("h2", { textContent: `Lint findings (${data.findings.length})` }),
    ...data.findings.map((f) =>
      el(
        "div",
        { className: "finding" },
        el("strong", { className: f.severity, textContent: `${f.severity}[${f.code}]` }),
        ` ${f.at ? `${f.at}: ` : ""}${f.message}`,
        ...(f.frame
          ? [
              el("pre", {
                className: "frame",
                textContent: f.frame
                  .map(([line, t]) => `${line === f.frameLine ? ">" : " "}${String(line).padStart(5)} | ${t}`)
                  .join("\n"),
              }),
            ]
          : []),
        ...(f.help ? [el("div", { className: "muted", textContent: `help: ${f.help}` })] : []),
      ),
    ),
  );
}

function lockdown(): HTMLElement[] {
  const l = data.lockdown;
  if (!l) return [];
  const dropped = l.tokens.filter((t) => t.status === "dropped" || t.status === "partly-applied").length;
  return [
    el(
      "section",
      { id: "lockdown" },
      el("h2", { textContent: "Command line under lockdown" }),
      el("p", {
        textContent: `Xen ${l.xen}, lockdown model ${l.model}${l.model === "none" ? "" : ` (safe list ${l.safeList})`}, Secure Boot ${l.secureBoot ? "on" : "off"}: lockdown is ${l.enabled ? "on" : "off"}; ${dropped} of ${l.tokens.length} option(s) dropped.`,
      }),
      el("pre", { className: "frame", textContent: l.line }),
      el(
        "table",
        {},
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            ...["option", "source", "trusted", "status", "applied", "why"].map((h) =>
              el("th", { textContent: h }),
            ),
          ),
        ),
        el(
          "tbody",
          {},
          ...l.tokens.map((t) =>
            el(
              "tr",
              { className: t.status },
              ...[t.text, t.source, t.trusted ? "yes" : "no", t.status, t.applied || "-", t.why || "-"].map(
                (x) => el("td", { textContent: x }),
              ),
            ),
          ),
        ),
      ),
      ...l.diagnostics.map((d) =>
        el(
          "div",
          { className: "finding" },
          el("strong", { className: d.severity, textContent: `${d.severity}[${d.code}]` }),
          ` ${d.message}`,
        ),
      ),
    ),
  ];
}

function main(): void {
  const app = document.getElementById("app");
  if (!app) return;
  const search = el("input", { id: "search", type: "search", placeholder: "domain or operation" });
  search.addEventListener("input", () => {
    filter.search = search.value;
    refilter();
  });
  const witnessList = witnesses();
  const diffButton = el("button", {
    id: "diff-toggle",
    type: "button",
    textContent: data.vs ? `diff with ${data.vs.policy}` : "no diff (give --vs)",
    disabled: !data.vs,
  });
  diffButton.setAttribute("aria-pressed", "false");
  diffButton.addEventListener("click", () => {
    diff = !diff;
    diffButton.setAttribute("aria-pressed", String(diff));
    witnessList.hidden = !diff;
    heatmap.draw();
    countLegend(currentView);
    status.textContent = describe(heatmap.cursor());
    if (explain.dataset.shown) showExplanation();
  });
  const legend = el(
    "p",
    { className: "legend muted" },
    ...CELL_CLASSES.filter((c) => data.vs || !GLYPHS[c]).map(legendItem),
  );
  const decisions = DECISIONS.filter((d) => data.vs || ["allowed", "never"].includes(d));
  const tools = el("div", { id: "why-tools" }, permalink, copyButton, copyStatus);
  const matrix = el(
    "section",
    { id: "matrix" },
    el("h2", { textContent: "Decision matrix" }),
    el(
      "div",
      { id: "controls" },
      select("filter-hypercall", "hypercall", tally(ops.map((o) => o.hypercall)), "hypercall"),
      select("filter-role", "role", tally(domains.flatMap(roles)), "role"),
      select("filter-action", "action", tally(input.opActions.flat()), "action"),
      select("filter-decision", "decision", decisionCounts(decisions), "decision"),
      el("label", {}, "search", search),
      diffButton,
    ),
    legend,
    matrixSummary,
    printedMatrix(),
    el(
      "div",
      { id: "matrix-area" },
      el("div", { id: "matrix-col" }, heatmap.cue, emptyState, heatmap.wrap, status),
      el("aside", { id: "why" }, el("h2", { textContent: "Why" }), targetLabel, tools, explain),
    ),
  );
  matrixSummary.setAttribute("aria-live", "polite");
  // a large system's overview is long: the matrix comes first
  const large = domains.length >= LARGE;
  app.append(
    ...(large ? [matrix, overview()] : [overview(), matrix]),
    witnessList,
    ...lockdown(),
    findings(),
  );
  refilter();
  openFragment(location.hash);
  window.addEventListener("hashchange", () => openFragment(location.hash));
  document.documentElement.dataset.ready = "true";
  performance.mark("xenpriv-ready");
}

main();
