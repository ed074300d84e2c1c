// The HTML report's app, bundled by scripts/build.mjs into dist/report-app.js and inlined in each
// report. It reads the data the page carries, draws the matrix, and explains a cell on demand by
// running the same evaluator as the CLI on the model rebuilt from the page's catalogue and system.
import { capabilityNames, type Domain } from "../model/domain.js";
import type { Change } from "../query/diff.js";
import { evaluate } from "../query/evaluate.js";
import { flaskModule } from "../query/flask-module.js";
import { buildModel, type Model } from "../query/model.js";
import { opActions } from "../query/op-actions.js";
import { resolvePolicy } from "../query/tree-policy.js";
import { renderDecision } from "../report/render-decision.js";
import type { ReportData } from "../report/report-data.js";
import { type CellChange, cellChange } from "./cell-change.js";
import { el } from "./dom.js";
import { DECISIONS, filterMatrix, type MatrixFilter, type MatrixInput } from "./filter-matrix.js";
import { graphView } from "./graph-view.js";
import { type Cursor, Heatmap } from "./heatmap.js";

const data = JSON.parse(document.getElementById("xenpriv-data")?.textContent ?? "{}") as ReportData;
const domains = data.system.domains;

function decode(base64: string): Uint16Array {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Uint16Array(bytes.buffer);
}
const cells = decode(data.cells);
const vsCells = data.vs ? decode(data.vs.cells) : undefined;
/** a Flask policy from the bytes the page carries, any other by its name */
function policyOf(policy: string) {
  const b64 = data.flask?.[policy];
  if (!b64) return resolvePolicy(data.catalogue, policy);
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return flaskModule(data.catalogue, policy, bytes, policy.replace(/^flask:/, ""), data.catalogue.flask);
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
function changeOf(s: number, o: number): CellChange {
  if (!vsCells) return "same";
  const k = s * n + o;
  const c = cellChange(data.labels[cells[k] ?? 0] ?? "-", data.labels[vsCells[k] ?? 0] ?? "-");
  return c === "same" ? (witnessKind.get(k) ?? "same") : c;
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

const status = el("p", { id: "cell-status", className: "muted" });
status.setAttribute("aria-live", "polite");
const explain = el("div", { id: "explain" }, "Select a cell (click, or arrows and Enter) to see why.");
const targetSelect = el("select", { id: "target" });

const label = (s: number, o: number) => data.labels[cells[s * n + o] ?? 0] ?? "-";
function describe(c: Cursor | undefined): string {
  if (!c) return "no cell matches the filters";
  const d = domains[c.s] as Domain;
  const change = diff ? changeOf(c.s, c.o) : "same";
  return `${d.name} × ${ops[c.o]?.id}: ${label(c.s, c.o)}${vsCells ? ` (${data.vs?.policy}: ${data.labels[vsCells[c.s * n + c.o] ?? 0]}${change === "same" ? "" : `, ${change}`})` : ""}`;
}

const heatmap = new Heatmap(
  {
    colour(s, o, css) {
      const v = (name: string) => css.getPropertyValue(name);
      if (diff) {
        const c = changeOf(s, o);
        if (c !== "same") return v(c === "widened" ? "--wide" : c === "narrowed" ? "--narrow" : "--sel");
      }
      const l = label(s, o);
      return v(l === "-" ? "--deny" : /all|yes/.test(l) ? "--all" : "--some");
    },
    rowLabel: (s) => domains[s]?.name ?? "",
    colLabel: (o) => ops[o]?.id.split("/").slice(1).join("/") || (ops[o]?.id ?? ""),
    colGroup: (o) => ops[o]?.hypercall ?? "",
  },
  (c, why) => {
    status.textContent = describe(c);
    if (why !== "explain") return;
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
  if (!c) return;
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
  const lines = (m: Model) => renderDecision(evaluate(m, op, src, pick));
  const text = [lines(model)];
  if (diff && data.vs) text.push("", lines(theVsModel(data.vs.policy)));
  explain.textContent = text.join("\n");
  explain.dataset.shown = "true";
}

targetSelect.addEventListener("change", () => {
  wantedTarget = targetSelect.value;
  showExplanation();
});

function refilter(): void {
  heatmap.setView(filterMatrix(input, filter));
}

function select(
  id: string,
  text: string,
  options: readonly string[],
  key: keyof MatrixFilter,
): HTMLLabelElement {
  const s = el(
    "select",
    { id },
    el("option", { value: "", textContent: "all" }),
    ...options.map((v) => el("option", { value: v, textContent: v })),
  );
  s.addEventListener("change", () => {
    // the options are the key's own values
    Object.assign(filter, { [key]: s.value });
    refilter();
  });
  return el("label", {}, text, s);
}

/** A colour square of the legend. */
function swatch(variable: string): HTMLSpanElement {
  const s = el("span");
  s.setAttribute("style", `background:var(${variable})`);
  return s;
}

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

function showWitness(w: Change): void {
  const c = { s: domainIndex.get(w.domain) ?? -1, o: opIndex.get(w.op) ?? -1 };
  if (!heatmap.select(c)) {
    // the filters hide it: clear them
    for (const s of document.querySelectorAll<HTMLSelectElement>("#controls select")) s.value = "";
    (document.getElementById("search") as HTMLInputElement).value = "";
    Object.assign(filter, { hypercall: "", role: "", action: "", decision: "", search: "" });
    refilter();
    heatmap.select(c);
  }
  wantedTarget = w.target ?? "";
  showExplanation(c);
  explain.scrollIntoView({ block: "nearest" });
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
  const hypercalls = [...new Set(ops.map((o) => o.hypercall))];
  const roleNames = [...new Set(domains.flatMap(roles))];
  const actions = [...new Set(input.opActions.flat())];
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
    status.textContent = describe(heatmap.cursor());
    if (explain.dataset.shown) showExplanation();
  });
  const legend = el(
    "p",
    { className: "legend muted" },
    ...[
      ["--deny", "never"],
      ["--some", "some targets"],
      ["--all", "all others / no target"],
      ...(data.vs
        ? [
            ["--wide", "widened"],
            ["--narrow", "narrowed"],
            ["--sel", "changed (some relations gained, some lost)"],
          ]
        : []),
    ].flatMap(([variable, text]) => [swatch(variable as string), text as string]),
  );
  const decisions = DECISIONS.filter((d) => data.vs || ["allowed", "never"].includes(d));
  app.append(
    overview(),
    el("h2", { textContent: "Decision matrix" }),
    el(
      "div",
      { id: "controls" },
      select("filter-hypercall", "hypercall", hypercalls, "hypercall"),
      select("filter-role", "role", roleNames, "role"),
      select("filter-action", "action", actions, "action"),
      select("filter-decision", "decision", decisions, "decision"),
      el("label", {}, "search", search),
      diffButton,
    ),
    legend,
    heatmap.wrap,
    status,
    el("h2", { textContent: "Why" }),
    el("label", { id: "target-label" }, "target ", targetSelect),
    explain,
    witnessList,
    ...lockdown(),
    findings(),
  );
  refilter();
  document.documentElement.dataset.ready = "true";
  performance.mark("xenpriv-ready");
}

main();
