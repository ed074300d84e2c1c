import type { ReportData } from "./report-data.js";

/** The page's style: light and dark from the reader's setting, and a print layout without controls. */
const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1f24; --muted: #5c6570; --line: #d0d7de;
  --never: #7d8590; --some: #3d8bc0; --all: #08519c; --widened: #1a7f37; --narrowed: #cf222e; --changed: #9a6700;
  --sel: #bf8700; --warn: #9a6700; --link: #0969da; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #8b949e;
  --line: #30363d; --never: #626a74; --some: #1f6feb; --all: #a5d6ff; --widened: #3fb950; --narrowed: #f85149;
  --changed: #d29922; --warn: #d29922; --link: #58a6ff; } }
body { background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, sans-serif; margin: 0 1.5rem 2rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
a { color: var(--link); }
.muted { color: var(--muted); }
table { border-collapse: collapse; } td, th { border-bottom: 1px solid var(--line); padding: 2px 8px; text-align: left; }
#controls { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin: .6rem 0; }
#controls label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); }
select, input, button { font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 2px 6px; }
button[aria-pressed="true"] { border-color: var(--sel); }
#matrix-area { display: grid; grid-template-columns: minmax(0, 1fr); gap: .8rem; align-items: start; }
@media (min-width: 1100px) { #matrix-area { grid-template-columns: minmax(0, 1fr) minmax(22rem, 34%); }
  #why { position: sticky; top: .5rem; max-height: calc(100vh - 1rem); overflow: auto; } }
@media (max-width: 1099px) { #heatmap-wrap { max-height: 55vh; } }
#why h2 { margin-top: 0; }
#why-tools { display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; margin: .3rem 0; font-size: .85rem; }
#heatmap-wrap { position: relative; overflow: auto; max-height: 70vh; border: 1px solid var(--line); }
#heatmap { position: absolute; left: 0; top: 0; }
#heatmap:focus { outline: 2px solid var(--sel); outline-offset: -2px; }
#cols-cue { font-size: .8rem; margin: 0 0 .2rem; min-height: 1.2em; }
#empty { border: 1px dashed var(--line); padding: 1rem; }
#explain { white-space: pre-wrap; font: 12px/1.4 ui-monospace, monospace; border: 1px solid var(--line); padding: .6rem; min-height: 3rem; }
.legend { display: flex; flex-wrap: wrap; gap: .2rem 1rem; align-items: center; }
.legend .swatch { display: inline-block; width: 1.1em; height: 1.1em; line-height: 1.1em; margin-right: .35em; vertical-align: -.2em;
  border-radius: 2px; color: var(--bg); font: bold 11px/1.1em ui-monospace, monospace; text-align: center; }
pre.frame { font: 12px/1.35 ui-monospace, monospace; margin: .3rem 0 1rem; white-space: pre-wrap; }
.error, .narrowed { color: var(--narrowed); } .warning { color: var(--warn); } .widened { color: var(--widened); }
tr.dropped td, tr.partly-applied td { color: var(--narrowed); }
#graph-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
#graph text { fill: var(--fg); font-size: 11px; } #graph text.roles, #graph text.heading { fill: var(--muted); font-size: 10px; }
#graph rect { fill: var(--bg); stroke: var(--line); } #graph .col0 rect { stroke: var(--all); stroke-width: 2; }
#graph .col1 rect { stroke: var(--some); stroke-width: 2; }
#graph .edge { fill: none; stroke: var(--muted); opacity: .55; } #graph .edge.dm { stroke: var(--all); opacity: .9; }
#graph .arrowhead { fill: var(--muted); }
#witnesses ul, #print-matrix ul { list-style: none; padding-left: 1rem; margin: .2rem 0; }
button.witness { border: none; background: none; padding: 0; cursor: pointer; text-align: left; font: 12px/1.5 ui-monospace, monospace; }
button.witness.widened { color: var(--widened); } button.witness.narrowed { color: var(--narrowed); }
button:focus-visible, summary:focus-visible, select:focus-visible, input:focus-visible, a:focus-visible { outline: 2px solid var(--sel); }
.print-only { display: none; }
#print-matrix li { font: 11px/1.4 ui-monospace, monospace; }
@media print { #controls, #matrix-col, .legend, #target-label, #why-tools, #empty { display: none !important; }
  .print-only { display: block; } #matrix-area { display: block; } #why { position: static; max-height: none; }
  #why:not(:has(#explain[data-shown])) { display: none; }
  #explain { border: none; } body { margin: 0; } details { page-break-inside: avoid; } #witnesses[hidden] { display: block; } }
`;

/** `<`, `>` and `&` escaped, so no string in the data can close the script element that holds it. */
const scriptSafe = (json: string) =>
  json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

const text = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * One self-contained page: the style, the data as JSON, and the bundled app (`web/report-app.ts`),
 * nothing fetched. Without scripts it still shows the title and what the report holds.
 */
export function renderHtmlReport(data: ReportData, app: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${text(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${text(data.title)}</h1>
<p class="muted">Xen ${text(data.xen)}, policy ${text(data.policy)}${data.vs ? ` compared with ${text(data.vs.policy)}` : ""}; ${data.system.domains.length} domains. <noscript>The heatmap, filters and explanations need JavaScript.</noscript></p>
</header>
<main id="app"></main>
<script type="application/json" id="xenpriv-data">${scriptSafe(JSON.stringify(data))}</script>
<script>${app.replace(/<\/script/gi, "<\\/script")}</script>
</body>
</html>
`;
}
