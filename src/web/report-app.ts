// The HTML report's app, bundled by scripts/build.mjs into dist/report-app.js and inlined in each
// report. It reads the data the page carries, draws the matrix, and explains a cell on demand by
// running the same evaluator as the CLI on the model rebuilt from the page's catalogue and system.
import { capabilityNames, type Domain } from "../model/domain.js";
import { getPolicy } from "../policy/registry.js";
import { evaluate } from "../query/evaluate.js";
import { buildModel, type Model } from "../query/model.js";
import { treePolicy } from "../query/tree-policy.js";
import type { ReportData } from "../report/report-data.js";

const CELL = 7;
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
// the model's operations are those of the build: the cells' columns
const modelOf = (policy: string) =>
  buildModel(data.catalogue, data.system, policy === "tree" ? treePolicy(data.catalogue) : getPolicy(policy));
const model = modelOf(data.policy);
const columns = (): Model["ops"] => model.ops;
let vsModel: Model | undefined;
function theVsModel(policy: string): Model {
  if (!vsModel) vsModel = modelOf(policy);
  return vsModel;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Readonly<Record<string, string | number | boolean>> = {},
  ...kids: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...kids);
  return e;
}

/** A colour square of the legend. */
function swatch(variable: string): HTMLSpanElement {
  const s = el("span");
  s.setAttribute("style", `background:var(${variable})`);
  return s;
}

const roles = (d: Domain): string[] => capabilityNames(d.caps);

// ---- state
const state = { hypercall: "", role: "", decision: "", search: "", diff: false, sel: { row: 0, col: 0 } };
let rows: number[] = [];
let cols: number[] = [];

/**
 * The rows and columns the filters leave. The search names domains or operations: it narrows the
 * columns when some operation matches it, and the rows when some domain does.
 */
function refilter(): void {
  const n = columns().length;
  const q = state.search.toLowerCase();
  const inHypercall = [...Array(n).keys()].filter(
    (o) => !state.hypercall || columns()[o]?.hypercall === state.hypercall,
  );
  const opHits = q ? inHypercall.filter((o) => columns()[o]?.id.includes(q)) : [];
  cols = opHits.length ? opHits : inHypercall;
  const domainHit = (d: Domain) => d.name.toLowerCase().includes(q);
  const byName = q !== "" && domains.some(domainHit);
  rows = [...domains.keys()].filter((s) => {
    const d = domains[s] as Domain;
    if (state.role && !roles(d).includes(state.role)) return false;
    if (byName && !domainHit(d)) return false;
    if (state.decision) {
      const any = cols.some((o) => (cells[s * n + o] ?? 0) !== 0);
      if ((state.decision === "allowed") !== any) return false;
    }
    return true;
  });
  state.sel = {
    row: Math.min(state.sel.row, Math.max(0, rows.length - 1)),
    col: Math.min(state.sel.col, Math.max(0, cols.length - 1)),
  };
  draw();
}

function colour(code: number, vsCode: number | undefined, css: CSSStyleDeclaration): string {
  if (state.diff && vsCode !== undefined && vsCode !== code)
    return css.getPropertyValue(code === 0 ? "--wide" : vsCode === 0 ? "--narrow" : "--sel");
  const label = data.labels[code] ?? "-";
  if (label === "-") return css.getPropertyValue("--deny");
  return css.getPropertyValue(/all|yes/.test(label) ? "--all" : "--some");
}

const canvas = el("canvas", { tabIndex: 0, id: "heatmap" });
canvas.setAttribute("role", "grid");
canvas.setAttribute("aria-label", "decision matrix: arrow keys move, Enter explains");
const status = el("p", { id: "cell-status", className: "muted" });
status.setAttribute("aria-live", "polite");
const explain = el("div", { id: "explain" }, "Select a cell to see why.");
const targetSelect = el("select", { id: "target" });

function draw(): void {
  const n = columns().length;
  canvas.width = Math.max(1, cols.length * CELL);
  canvas.height = Math.max(1, rows.length * CELL);
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const css = getComputedStyle(document.documentElement);
  for (const [r, s] of rows.entries())
    for (const [c, o] of cols.entries()) {
      ctx.fillStyle = colour(cells[s * n + o] ?? 0, vsCells?.[s * n + o], css);
      ctx.fillRect(c * CELL, r * CELL, CELL - 1, CELL - 1);
    }
  ctx.strokeStyle = css.getPropertyValue("--sel");
  ctx.lineWidth = 2;
  ctx.strokeRect(state.sel.col * CELL, state.sel.row * CELL, CELL, CELL);
  const s = rows[state.sel.row];
  const o = cols[state.sel.col];
  if (s === undefined || o === undefined) status.textContent = "no cell matches the filters";
  else
    status.textContent = `${domains[s]?.name} × ${columns()[o]?.id}: ${data.labels[cells[s * n + o] ?? 0]}${vsCells ? ` (${data.vs?.policy}: ${data.labels[vsCells[s * n + o] ?? 0]})` : ""}`;
}

/** The targets worth explaining for a cell: itself, its device-model target, the others, the system domains, none. */
function targetsFor(src: Domain): (Domain | null)[] {
  const m = model;
  const own = src.target == null ? undefined : m.byDomid.get(src.target);
  const others = domains.filter((d) => d !== src && d !== own).slice(0, 50);
  return [null, src, ...(own ? [own] : []), ...others, m.systemDomains.dom_xen, m.systemDomains.dom_io];
}

function showExplanation(): void {
  const s = rows[state.sel.row];
  const o = cols[state.sel.col];
  if (s === undefined || o === undefined) return;
  const m = model;
  const src = domains[s] as Domain;
  const op = m.ops[o];
  if (!op) return;
  const targets = targetsFor(src);
  const chosen = targetSelect.value;
  targetSelect.replaceChildren(
    ...targets.map((t) => el("option", { value: t?.name ?? "", textContent: t ? t.name : "(no target)" })),
  );
  // keep the reader's choice; otherwise the first target on which the policy allows it
  const pick =
    targets.find((t) => (t?.name ?? "") === chosen && chosen !== "") ??
    targets.find((t) => evaluate(m, op, src, t).decision === "allow") ??
    targets[1] ??
    null;
  targetSelect.value = pick?.name ?? "";
  const lines = (mm: Model) => {
    const d = evaluate(mm, op, src, pick);
    return [
      `${d.decision === "allow" ? "ALLOW" : "DENY"}  ${d.src} ${d.op}${d.target ? ` ${d.target}` : ""}  (policy ${d.policy})${d.error ? `  -> ${d.error}` : ""}`,
      ...d.steps.map(
        (st) =>
          `${"  ".repeat(st.depth + 1)}${st.value === undefined ? " " : st.value ? "✔" : "✘"} ${st.what}${st.ref ? `   [${st.ref}]` : ""}`,
      ),
      ...d.conditions.map((c) => `  ? at run time: ${c}`),
    ].join("\n");
  };
  const text = [lines(m)];
  if (state.diff && data.vs) text.push("", lines(theVsModel(data.vs.policy)));
  explain.textContent = text.join("\n");
}

function move(dr: number, dc: number): void {
  state.sel = {
    row: Math.max(0, Math.min(rows.length - 1, state.sel.row + dr)),
    col: Math.max(0, Math.min(cols.length - 1, state.sel.col + dc)),
  };
  draw();
}

canvas.addEventListener("click", (e) => {
  const r = canvas.getBoundingClientRect();
  state.sel = { row: Math.floor((e.clientY - r.top) / CELL), col: Math.floor((e.clientX - r.left) / CELL) };
  draw();
  showExplanation();
});
canvas.addEventListener("keydown", (e) => {
  const step: Record<string, [number, number]> = {
    ArrowUp: [-1, 0],
    ArrowDown: [1, 0],
    ArrowLeft: [0, -1],
    ArrowRight: [0, 1],
  };
  const d = step[e.key];
  if (d) {
    move(d[0], d[1]);
    e.preventDefault();
  } else if (e.key === "Enter") showExplanation();
});
targetSelect.addEventListener("change", showExplanation);

function select(
  id: string,
  label: string,
  options: string[],
  key: "hypercall" | "role" | "decision",
): HTMLLabelElement {
  const s = el(
    "select",
    { id },
    el("option", { value: "", textContent: "all" }),
    ...options.map((v) => el("option", { value: v, textContent: v })),
  );
  s.addEventListener("change", () => {
    state[key] = s.value;
    refilter();
  });
  return el("label", {}, label, s);
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
  return el(
    "section",
    { id: "overview" },
    el("h2", { textContent: "Domains" }),
    el(
      "table",
      {},
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
                  .map(([n, t]) => `${n === f.frameLine ? ">" : " "}${String(n).padStart(5)} | ${t}`)
                  .join("\n"),
              }),
            ]
          : []),
        ...(f.help ? [el("div", { className: "muted", textContent: `help: ${f.help}` })] : []),
      ),
    ),
  );
}

function main(): void {
  const app = document.getElementById("app");
  if (!app) return;
  const hypercalls = [...new Set(columns().map((o) => o.hypercall))];
  const roleNames = [...new Set(domains.flatMap(roles))];
  const search = el("input", { id: "search", type: "search", placeholder: "domain or operation" });
  search.addEventListener("input", () => {
    state.search = search.value;
    refilter();
  });
  const diff = el("button", {
    id: "diff-toggle",
    type: "button",
    textContent: data.vs ? `diff with ${data.vs.policy}` : "no diff (give --vs)",
    disabled: !data.vs,
  });
  diff.setAttribute("aria-pressed", "false");
  diff.addEventListener("click", () => {
    state.diff = !state.diff;
    diff.setAttribute("aria-pressed", String(state.diff));
    draw();
    showExplanation();
  });
  const legend = el(
    "p",
    { className: "legend muted" },
    ...[
      ["--deny", "never"],
      ["--some", "some targets"],
      ["--all", "all / no target"],
      ...(data.vs
        ? [
            ["--wide", "widened"],
            ["--narrow", "narrowed"],
          ]
        : []),
    ].flatMap(([variable, label]) => [swatch(variable as string), label as string]),
  );
  app.append(
    overview(),
    el("h2", { textContent: "Decision matrix" }),
    el(
      "div",
      { id: "controls" },
      select("filter-hypercall", "hypercall", hypercalls, "hypercall"),
      select("filter-role", "role", roleNames, "role"),
      select("filter-decision", "decision", ["allowed", "never"], "decision"),
      el("label", {}, "search", search),
      diff,
    ),
    legend,
    el("div", { id: "heatmap-wrap" }, canvas),
    status,
    el("h2", { textContent: "Why" }),
    el("label", {}, "target ", targetSelect),
    explain,
    findings(),
  );
  refilter();
}

main();
