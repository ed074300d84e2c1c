// The HTML report of the generated 4,096-domain system, opened in Debian's chromium through
// playwright-core: the file's size, the time until the page answers input, and what the first
// interactions cost.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runLint } from "../src/lint/run-lint.js";
import { getPolicy } from "../src/policy/registry.js";
import { DecisionIndex } from "../src/query/decision-index.js";
import { buildModel } from "../src/query/model.js";
import { renderHtmlReport } from "../src/report/html-report.js";
import { buildReportData } from "../src/report/report-data.js";
import { LEFT, NARROW, ROW_H, TOP } from "../src/web/heatmap.js";
import { launchChromium } from "../test/support/chromium.js";
import { median, type Row } from "./measure.js";
import { generatedModel } from "./workload.js";

const RUNS = 7;

/**
 * What runs in the page, as source text (a function passed to playwright would carry the names
 * tsx adds to it). Every handler is synchronous, so the time around a dispatch is its whole cost.
 */
const inPage = (x: number, y: number) => `(() => {
  const ready = performance.getEntriesByName("xenpriv-ready")[0]?.startTime ?? NaN;
  const canvas = document.getElementById("heatmap");
  const box = canvas.getBoundingClientRect();
  const timed = (act) => { const t0 = performance.now(); act(); return performance.now() - t0; };
  const change = (id, value) => timed(() => {
    const s = document.getElementById(id);
    s.value = value;
    s.dispatchEvent(new Event("change"));
  });
  const click = timed(() => canvas.dispatchEvent(
    new MouseEvent("click", { clientX: box.left + ${x}, clientY: box.top + ${y}, bubbles: true })));
  const filter = change("filter-hypercall", "domctl");
  change("filter-hypercall", "");
  const diff = timed(() => document.getElementById("diff-toggle").click());
  const widened = change("filter-decision", "widened");
  return { ready, click, filter, diff, widened };
})()`;

export interface ReportBench {
  readonly domains: number;
  readonly ops: number;
  readonly bytes: number;
  readonly buildMs: number;
  /** navigation start to the app's `xenpriv-ready` mark: drawn, wired, answering input */
  readonly readyMs: number[];
  /** the same seen from outside: playwright's `goto` called to the ready attribute seen */
  readonly wallMs: number[];
  /** a click on a cell to its explanation shown, in the page */
  readonly clickMs: number[];
  readonly filterMs: number[];
  readonly diffMs: number[];
  readonly widenedFilterMs: number[];
}

/** Writes the report the way `xenpriv report --vs hw-priv-v1` does, and opens it RUNS times. */
export async function measureReport(root: string, out: string): Promise<ReportBench> {
  const t = performance.now();
  const model = generatedModel();
  const vs = buildModel(model.catalogue, model.system, getPolicy("hw-priv-v1"));
  const index = new DecisionIndex(model);
  const findings = runLint({ system: model.system, model, index, secureBoot: false });
  const data = buildReportData(model, {
    title: `xenpriv report: ${model.domains.length} generated domains`,
    vs,
    findings: findings.map((f) => ({ code: f.rule, severity: f.severity, message: f.message })),
    index,
  });
  const html = renderHtmlReport(data, readFileSync(join(root, "dist", "report-app.js"), "utf8"));
  const buildMs = performance.now() - t;
  const file = join(out, "report-4096.html");
  writeFileSync(file, html);

  const browser = await launchChromium();
  const r: ReportBench = {
    domains: model.domains.length,
    ops: model.ops.length,
    bytes: Buffer.byteLength(html),
    buildMs,
    readyMs: [],
    wallMs: [],
    clickMs: [],
    filterMs: [],
    diffMs: [],
    widenedFilterMs: [],
  };
  try {
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.context.newPage();
      const t0 = performance.now();
      await page.goto(`file://${file}`);
      await page.waitForSelector("html[data-ready=true]");
      r.wallMs.push(performance.now() - t0);
      const times = (await page.evaluate(inPage(LEFT + 40 * NARROW + 2, TOP + 3 * ROW_H + 2))) as Record<
        "ready" | "click" | "filter" | "diff" | "widened",
        number
      >;
      if (!(await page.locator("#explain").textContent())?.match(/^(ALLOW|DENY) /))
        throw new Error("the click on a cell showed no explanation");
      r.readyMs.push(times.ready);
      r.clickMs.push(times.click);
      r.filterMs.push(times.filter);
      r.diffMs.push(times.diff);
      r.widenedFilterMs.push(times.widened);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return r;
}

const ms = (xs: number[]) => `${median(xs).toFixed(0)} / ${Math.max(...xs).toFixed(0)} ms`;

export async function benchReport(root: string, out: string): Promise<Row[]> {
  const r = await measureReport(root, out);
  const first = r.wallMs.map((x, i) => x + (r.clickMs[i] as number));
  console.log(
    `report: ${r.domains} domains x ${r.ops} ops with a diff, ${(r.bytes / 2 ** 20).toFixed(1)} MiB written in ${r.buildMs.toFixed(0)} ms; ` +
      `${RUNS} opens in chromium, ready ms ${r.readyMs.map((x) => x.toFixed(0)).join(" ")} (in the page), ` +
      `${r.wallMs.map((x) => x.toFixed(0)).join(" ")} (from playwright)`,
  );
  return [
    {
      metric: `report ${r.domains} domains, file size`,
      target: "-",
      measured: `${(r.bytes / 2 ** 20).toFixed(1)} MiB (${r.bytes} bytes)`,
      pass: true,
    },
    {
      metric: "report, open to interactive in Chromium (median / max)",
      target: "<= 2000 ms",
      measured: `${ms(r.wallMs)} (in the page ${ms(r.readyMs)})`,
      pass: Math.max(...r.wallMs, ...r.readyMs) <= 2000,
    },
    {
      metric: "report, open to first explanation (median / max)",
      target: "<= 2000 ms",
      measured: ms(first),
      pass: Math.max(...first) <= 2000,
    },
    {
      metric: "report, hypercall filter / diff view / widened filter (median)",
      target: "-",
      measured: `${median(r.filterMs).toFixed(0)} / ${median(r.diffMs).toFixed(0)} / ${median(r.widenedFilterMs).toFixed(0)} ms`,
      pass: true,
    },
  ];
}
