// The HTML report in a real browser: Debian's chromium driven by playwright-core
// (scripts/test-setup.mjs installs the package when it is missing).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { generatedModel } from "../bench/workload.js";
import { getPolicy } from "../src/policy/registry.js";
import { diffModels } from "../src/query/diff.js";
import { evaluate } from "../src/query/evaluate.js";
import { buildModel, type Model } from "../src/query/model.js";
import { renderHtmlReport } from "../src/report/html-report.js";
import { renderDecision, renderDecisionMarkdown } from "../src/report/render-decision.js";
import { buildReportData, type ReportData } from "../src/report/report-data.js";
import { xenSourceLink } from "../src/report/xen-source-link.js";
import { type CellChange, cellChange } from "../src/web/cell-change.js";
import { type CellClass, cellClass } from "../src/web/cell-class.js";
import { LEFT, ROW_H, TOP, WIDE } from "../src/web/heatmap.js";
import { launchChromium } from "./support/chromium.js";
import { ensureBuilt, run } from "./support/cli.js";
import { openReport, reportData } from "./support/report-page.js";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-browser-"));
const file = join(dir, "report.html");
let browser: Awaited<ReturnType<typeof launchChromium>>;
let data: ReportData;
let model: Model;
const errors: string[] = [];

before(async () => {
  ensureBuilt();
  const r = run(
    "report",
    ...["-s", "examples/seed-hwdom-qemu.yaml", "--vs", "hw-priv-v1", "--secure-boot"],
    ...["--cmdline", "console=com1 iommu=off loglvl=all", "-o", file],
  );
  assert.equal(r.code, 0, r.err);
  data = reportData(readFileSync(file, "utf8"));
  model = buildModel(data.catalogue, data.system, getPolicy(data.policy));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(colorScheme: "light" | "dark" = "light"): Promise<Page> {
  errors.length = 0;
  return openReport(browser.context, `file://${file}`, errors, colorScheme);
}

/** Clicks the cell of a domain and an operation when the view's columns are wide (80 or fewer). */
async function clickCell(page: Page, row: number, col: number): Promise<void> {
  await page
    .locator("#heatmap")
    .click({ position: { x: LEFT + col * WIDE + WIDE / 2, y: TOP + row * ROW_H + ROW_H / 2 } });
}

/** How many distinct colours a PNG holds and the colour of its top-left pixel, decoded by the browser. */
async function pixels(page: Page, png: Buffer): Promise<{ colours: number; corner: number[] }> {
  const blank = await page.context().newPage();
  const r = await blank.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext("2d") as CanvasRenderingContext2D;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4)
      seen.add(((d[i] as number) << 16) | ((d[i + 1] as number) << 8) | (d[i + 2] as number));
    return { colours: seen.size, corner: [d[0] as number, d[1] as number, d[2] as number] };
  }, png.toString("base64"));
  await blank.close();
  return r;
}

/** A cell's label under the report's policy and under the --vs policy. */
function labels(s: number, o: number): [string, string] {
  const n = model.ops.length;
  const code = (b64: string) =>
    new Uint16Array(Uint8Array.from(Buffer.from(b64, "base64")).buffer)[s * n + o] ?? 0;
  return [data.labels[code(data.cells)] ?? "-", data.labels[code(data.vs?.cells ?? data.cells)] ?? "-"];
}

/** How a cell changes from the report's policy to the --vs one: by label, else by a witness. */
function changeOf(s: number, o: number): CellChange {
  const [a, b] = labels(s, o);
  const c = cellChange(a, b);
  if (c !== "same") return c;
  const [domain, op] = [data.system.domains[s]?.name, model.ops[o]?.id];
  const kinds = new Set(
    data.vs?.witnesses.filter((w) => w.domain === domain && w.op === op).map((w) => w.kind),
  );
  return kinds.size === 0 ? "same" : kinds.size > 1 ? "changed" : ([...kinds][0] as CellChange);
}

/** Every cell, as (domain index, operation index). */
const everyCell = () => data.system.domains.flatMap((_, s) => model.ops.map((_, o) => [s, o] as const));

/** WCAG's contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((x) => {
      const v = Number(x) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r as number) + 0.7152 * (g as number) + 0.0722 * (bl as number);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** axe-core's packaged script, run in the page (it needs no network). */
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}
async function axe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await (
      window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }
    ).axe.run();
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((x) => ({ target: x.target })),
    }));
  });
}

describe("the HTML report in Chromium", () => {
  test("opens without errors and draws the overview graph and every domain", async () => {
    const page = await open();
    assert.equal(await page.locator("#graph g.node").count(), data.graph.nodes.length);
    assert.equal(await page.locator("#graph path.edge").count(), data.graph.edges.length);
    assert.equal(await page.locator("#domains tbody tr").count(), data.system.domains.length);
    assert.equal(
      await page.locator("#heatmap").getAttribute("data-rows"),
      String(data.system.domains.length),
    );
    assert.equal(await page.locator("#heatmap").getAttribute("data-cols"), String(model.ops.length));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a filter narrows the matrix; a click on a cell shows its explanation with Xen's references", async () => {
    const page = await open();
    await page.selectOption("#filter-hypercall", "console_io");
    const consoleOps = model.ops.filter((o) => o.hypercall === "console_io");
    assert.equal(await page.locator("#heatmap").getAttribute("data-cols"), String(consoleOps.length));
    await page.selectOption("#filter-role", "hardware");
    assert.equal(await page.locator("#heatmap").getAttribute("data-rows"), "1");
    // the hardware domain and the second console operation
    await clickCell(page, 0, 1);
    const hwdom = model.byName.get("hwdom");
    const op = consoleOps[1];
    assert.ok(hwdom && op);
    assert.match((await page.locator("#cell-status").textContent()) ?? "", new RegExp(`^hwdom × ${op.id}: `));
    const text = (await page.locator("#explain").textContent()) ?? "";
    const d = evaluate(model, op, hwdom, null);
    assert.ok(
      text.startsWith(`${d.decision === "allow" ? "ALLOW" : "DENY"}  hwdom ${op.id}  (policy dummy)`),
      text,
    );
    for (const step of d.steps)
      if (step.ref) assert.ok(text.includes(`[${step.ref}]`), `${step.ref} missing`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the keyboard moves the selection and Enter explains it", async () => {
    const page = await open();
    await page.selectOption("#filter-hypercall", "domctl");
    await page.locator("#heatmap").focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Enter");
    const domctl = model.ops.filter((o) => o.hypercall === "domctl");
    const [second, op] = [data.system.domains[1]?.name, domctl[1]?.id];
    assert.match(
      (await page.locator("#cell-status").textContent()) ?? "",
      new RegExp(`^${second} × ${op}: `),
    );
    assert.match(
      (await page.locator("#explain").textContent()) ?? "",
      new RegExp(`^(ALLOW|DENY)  ${second} ${op}`),
    );
    await page.close();
  });

  test("the diff view colours the changed cells and lists witnesses that explain both policies", async () => {
    const page = await open();
    const diff = diffModels(model, buildModel(data.catalogue, data.system, getPolicy("hw-priv-v1")));
    assert.equal(await page.locator("#witnesses").isVisible(), false);
    await page.click("#diff-toggle");
    assert.equal(await page.locator("#diff-toggle").getAttribute("aria-pressed"), "true");
    assert.match(
      (await page.locator("#witnesses h2").textContent()) ?? "",
      new RegExp(`${diff.widened} widened, ${diff.narrowed} narrowed`),
    );
    await page.selectOption("#filter-decision", "narrowed");
    const narrowedOps = new Set(diff.changes.filter((c) => c.kind === "narrowed").map((c) => c.op));
    assert.equal(await page.locator("#heatmap").getAttribute("data-cols"), String(narrowedOps.size));
    // a witness selects its cell and explains it on its target under both policies
    await page.locator("#witnesses details").evaluateAll((ds) => {
      for (const d of ds) d.setAttribute("open", "");
    });
    const button = page.locator("button.witness", { hasNotText: "(no target)" }).first();
    const [, kind, domain, target] =
      ((await button.textContent()) ?? "").match(/^(widened|narrowed): (\S+) → (\S+)/) ?? [];
    assert.ok(kind && domain && target);
    await button.click();
    const [before, after] = kind === "widened" ? ["DENY", "ALLOW"] : ["ALLOW", "DENY"];
    const text = (await page.locator("#explain").textContent()) ?? "";
    assert.match(text, new RegExp(`^${before}  ${domain} \\S+ ${target}  \\(policy dummy\\)`));
    assert.match(text, new RegExp(`\n\n${after}  ${domain} \\S+ ${target}  \\(policy hw-priv-v1\\)`));
    assert.match(
      (await page.locator("#cell-status").textContent()) ?? "",
      new RegExp(`^${domain} × .*(${kind}|changed)\\)$`),
    );
    // the witness's target was for its cell: the next cell starts from the default target again
    await page.selectOption("#filter-decision", "");
    await page.selectOption("#filter-hypercall", "domctl");
    await page.selectOption("#filter-role", "control");
    const pause = model.ops
      .filter((o) => o.hypercall === "domctl")
      .findIndex((o) => o.id === "domctl/pausedomain");
    await clickCell(page, 0, pause);
    assert.match(
      (await page.locator("#explain").textContent()) ?? "",
      /^ALLOW {2}ctl domctl\/pausedomain \S+ {2}\(policy dummy\)/,
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the lockdown summary lists each option of the command line with what lockdown does to it", async () => {
    const page = await open();
    const lockdown = data.lockdown;
    assert.ok(lockdown?.enabled);
    const rows = page.locator("#lockdown tbody tr");
    assert.equal(await rows.count(), lockdown.tokens.length);
    for (const [i, t] of lockdown.tokens.entries()) {
      assert.equal(await rows.nth(i).getAttribute("class"), t.status);
      assert.equal(await rows.nth(i).locator("td").first().textContent(), t.text);
    }
    await page.close();
  });

  test("screenshots are not blank, in light and in dark mode", async () => {
    for (const scheme of ["light", "dark"] as const) {
      const page = await open(scheme);
      const shot = await page.screenshot();
      const { colours, corner } = await pixels(page, shot);
      assert.ok(colours > 20, `${scheme}: ${colours} colours`);
      const luminance = (corner[0] as number) + (corner[1] as number) + (corner[2] as number);
      assert.ok(scheme === "light" ? luminance > 600 : luminance < 150, `${scheme} background ${corner}`);
      const heatmap = await pixels(page, await page.locator("#heatmap").screenshot());
      assert.ok(heatmap.colours > 3, `${scheme} heatmap: ${heatmap.colours} colours`);
      await page.close();
    }
  });

  test("printing drops the controls and keeps the overview, the witnesses and the findings", async () => {
    const page = await open();
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator("#controls").isVisible(), false);
    assert.equal(await page.locator("#graph").isVisible(), true);
    assert.equal(await page.locator("#witnesses").isVisible(), true);
    assert.equal(await page.locator("#findings").isVisible(), true);
    const pdf = await page.pdf();
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
    await page.close();
  });
  test("a search that matches nothing says so: 0 matches, no matrix, no old cell; clearing brings it back", async () => {
    const page = await open();
    await clickCell(page, 1, 2);
    assert.match((await page.locator("#explain").textContent()) ?? "", /^(ALLOW|DENY) {2}/);
    await page.fill("#search", "no-such-thing");
    assert.equal(await page.locator("#matrix-summary").textContent(), "0 matches");
    assert.equal(await page.locator("#heatmap-wrap").isVisible(), false);
    assert.match(
      (await page.locator("#empty").textContent()) ?? "",
      /No cell matches the search “no-such-thing”/,
    );
    assert.equal(await page.locator("#cell-status").textContent(), "no cell matches the filters");
    assert.equal(
      await page.locator("#explain").textContent(),
      "No cell matches the filters: nothing to explain.",
    );
    assert.equal(await page.locator("#copy-md").isDisabled(), true);
    assert.equal(await page.locator("#cols-cue").textContent(), "");
    // a filter with a search: both named
    await page.selectOption("#filter-hypercall", "domctl");
    assert.match((await page.locator("#empty").textContent()) ?? "", /“no-such-thing” with hypercall domctl/);
    await page.click("#clear-filters");
    assert.equal(
      await page.locator("#heatmap").getAttribute("data-rows"),
      String(data.system.domains.length),
    );
    assert.equal(await page.locator("#heatmap").getAttribute("data-cols"), String(model.ops.length));
    assert.equal(await page.locator("#search").inputValue(), "");
    assert.match((await page.locator("#cell-status").textContent()) ?? "", / × /);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the explanation is docked beside the heatmap (under it on a narrow window) and follows the arrow keys", async () => {
    const page = await open();
    await page.selectOption("#filter-hypercall", "domctl");
    await clickCell(page, 0, 0);
    const heat = await page.locator("#heatmap-wrap").boundingBox();
    const why = await page.locator("#explain").boundingBox();
    assert.ok(heat && why);
    assert.ok(
      why.x >= heat.x + heat.width,
      `explanation at x=${why.x}, heatmap ends at ${heat.x + heat.width}`,
    );
    assert.ok(why.y < 900 && why.y >= heat.y - 100, `explanation at y=${why.y}, heatmap at ${heat.y}`);
    const domctl = model.ops.filter((o) => o.hypercall === "domctl");
    for (const [key, s, o] of [
      ["ArrowRight", 0, 1],
      ["ArrowDown", 1, 1],
      ["ArrowRight", 1, 2],
    ] as const) {
      await page.keyboard.press(key);
      const [src, op] = [data.system.domains[s]?.name, domctl[o]?.id];
      assert.match(
        (await page.locator("#explain").textContent()) ?? "",
        new RegExp(`^(ALLOW|DENY) {2}${src} ${op}\\b`),
      );
      assert.match((await page.locator("#cell-status").textContent()) ?? "", new RegExp(`^${src} × ${op}: `));
    }
    await page.setViewportSize({ width: 900, height: 900 });
    const heat2 = await page.locator("#heatmap-wrap").boundingBox();
    const why2 = await page.locator("#why").boundingBox();
    assert.ok(heat2 && why2);
    assert.ok(
      why2.y >= heat2.y + heat2.height && why2.y - (heat2.y + heat2.height) < 120,
      `under: ${why2.y}`,
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("every Xen path:line of an explanation links to that line at the catalogue's commit", async () => {
    const page = await open();
    await page.click("#diff-toggle");
    await page.selectOption("#filter-hypercall", "dm_op");
    await page.selectOption("#filter-role", "hardware");
    await clickCell(page, 0, 0);
    const hwdom = model.byName.get("hwdom");
    const op = model.ops.find((o) => o.hypercall === "dm_op");
    const target = await page.locator("#target").inputValue();
    assert.ok(hwdom && op);
    const vs = buildModel(data.catalogue, data.system, getPolicy("hw-priv-v1"));
    const link = (ref: string) =>
      xenSourceLink(ref, { template: data.source.url, commit: data.source.commit });
    const decisions = [model, vs].map((m) => evaluate(m, op, hwdom, model.byName.get(target) ?? null));
    const links = await page
      .locator("#explain a")
      .evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("href")] as [string, string]));
    const refs = decisions.flatMap((d) => d.steps.flatMap((s) => (s.ref ? [s.ref] : [])));
    assert.deepEqual(
      links,
      refs.map((r) => [r, link(r)]),
    );
    assert.ok(
      links.some(([, href]) => href.startsWith("https://xenbits.xen.org/gitweb/?p=xen.git;a=blob;f=xen/")),
    );
    assert.ok(
      links.every(
        ([, href]) =>
          href.includes(data.source.commit) || href.startsWith("https://lore.kernel.org/xen-devel/"),
      ),
    );
    // the text is the CLI's explanation, word for word
    assert.equal(await page.locator("#explain").textContent(), decisions.map(renderDecision).join("\n\n"));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a cell's permalink opens the page on that cell, its target and its explanation", async () => {
    const page = await open();
    await page.click("#diff-toggle");
    await page.selectOption("#filter-hypercall", "domctl");
    await page.selectOption("#filter-role", "hardware");
    await clickCell(page, 0, 3);
    const other = (await page.locator("#target option").allTextContents()).at(-1) as string;
    await page.selectOption("#target", other);
    const href = (await page.locator("#permalink").getAttribute("href")) as string;
    assert.equal(await page.evaluate(() => location.hash), href);
    const op = model.ops.filter((o) => o.hypercall === "domctl")[3]?.id as string;
    assert.equal(href, `#domain=hwdom&op=${op}&target=${encodeURIComponent(other)}&diff=1`);
    const explained = await page.locator("#explain").textContent();
    const again = await browser.context.newPage();
    await again.goto(`file://${file}${href}`);
    await again.waitForSelector("html[data-ready=true]");
    assert.equal(await again.locator("#explain").textContent(), explained);
    assert.equal(await again.locator("#target").inputValue(), other);
    assert.equal(await again.locator("#diff-toggle").getAttribute("aria-pressed"), "true");
    assert.match((await again.locator("#cell-status").textContent()) ?? "", new RegExp(`^hwdom × ${op}: `));
    // the explanation is on screen
    const box = await again.locator("#explain").boundingBox();
    assert.ok(box && box.y < 900 && box.y + 20 > 0, `explanation at ${box?.y}`);
    // a link to a cell the report does not have says so
    await again.evaluate(() => {
      location.hash = "#domain=nobody&op=dm_op";
    });
    await again.waitForFunction(() =>
      document.getElementById("cell-status")?.textContent?.includes("nobody"),
    );
    assert.equal(
      await again.locator("#cell-status").textContent(),
      "the link names no cell of this report: domain `nobody`",
    );
    await again.close();
    await page.close();
  });

  test("copy as Markdown puts the explanation, its lines linked, on the clipboard", async () => {
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const page = await open();
    assert.equal(await page.locator("#copy-md").isDisabled(), true);
    await page.selectOption("#filter-hypercall", "domctl");
    await page.selectOption("#filter-role", "control");
    const pause = model.ops
      .filter((o) => o.hypercall === "domctl")
      .findIndex((o) => o.id === "domctl/pausedomain");
    await clickCell(page, 0, pause);
    await page.click("#copy-md");
    await page.waitForFunction(() =>
      document.getElementById("copy-status")?.textContent?.startsWith("copied"),
    );
    const md = await page.evaluate(() => navigator.clipboard.readText());
    const ctl = model.byName.get("ctl");
    const op = model.ops.find((o) => o.id === "domctl/pausedomain");
    assert.ok(ctl && op);
    const target = model.byName.get(await page.locator("#target").inputValue()) ?? null;
    const link = (ref: string) =>
      xenSourceLink(ref, { template: data.source.url, commit: data.source.commit });
    assert.equal(
      md,
      `${renderDecisionMarkdown(evaluate(model, op, ctl, target), { link })}\n\nXen 4.22.0 (${data.source.commit}), explained by xenpriv.`,
    );
    assert.match(md, /\| \[xen\/common\/domctl\.c:\d+\]\(https:\/\/xenbits\.xen\.org\//);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the legend counts the cells in view by class, and each filter value says how many it keeps", async () => {
    const page = await open();
    const legend = async () =>
      Object.fromEntries(
        await page
          .locator(".legend-item:visible")
          .evaluateAll((items) =>
            items.map((i) => [
              i.className.replace(/^legend-item (\S+)-item$/, "$1"),
              i.querySelector(".count")?.textContent,
            ]),
          ),
      ) as Record<string, string>;
    const expected = (cells: (readonly [number, number])[], diff: boolean) => {
      const counts: Partial<Record<CellClass, number>> = {};
      for (const [s, o] of cells) {
        const c = cellClass(labels(s, o)[0], diff ? changeOf(s, o) : "same");
        counts[c] = (counts[c] ?? 0) + 1;
      }
      const classes: CellClass[] = diff
        ? ["never", "some", "all", "widened", "narrowed", "changed"]
        : ["never", "some", "all"];
      return Object.fromEntries(classes.map((c) => [c, ` (${(counts[c] ?? 0).toLocaleString("en")})`]));
    };
    assert.deepEqual(await legend(), expected(everyCell(), false));
    await page.selectOption("#filter-hypercall", "grant_table_op");
    const gnt = everyCell().filter(([, o]) => model.ops[o]?.hypercall === "grant_table_op");
    assert.deepEqual(await legend(), expected(gnt, false));
    await page.click("#diff-toggle");
    assert.deepEqual(await legend(), expected(gnt, true));
    // the filters' values with their counts: operations, domains, cells
    const options = async (id: string) => page.locator(`#${id} option`).allTextContents();
    const domctls = model.ops.filter((o) => o.hypercall === "domctl").length;
    assert.ok((await options("filter-hypercall")).includes(`domctl (${domctls})`));
    assert.ok((await options("filter-role")).includes("control (1)"));
    const allowed = everyCell().filter(([s, o]) => labels(s, o)[0] !== "-").length;
    const widened = everyCell().filter(([s, o]) => ["widened", "changed"].includes(changeOf(s, o))).length;
    assert.deepEqual((await options("filter-decision")).slice(0, 2), ["all", `allowed (${allowed})`]);
    assert.ok((await options("filter-decision")).includes(`widened (${widened})`));
    await page.close();
  });

  test("a cue says how many columns are off-screen, on either side", async () => {
    const page = await open();
    const cue = page.locator("#cols-cue");
    const right = Number(await cue.getAttribute("data-right"));
    assert.ok(right > 0 && right < model.ops.length, `${right} to the right`);
    assert.equal(await cue.getAttribute("data-left"), "0");
    assert.match(
      (await cue.textContent()) ?? "",
      new RegExp(`of ${model.ops.length} in view; ${right} more to the right ▸`),
    );
    await page.locator("#heatmap").focus();
    await page.keyboard.press("End");
    await page.waitForFunction(() => document.getElementById("cols-cue")?.dataset.right === "0");
    assert.ok(Number(await cue.getAttribute("data-left")) > 0);
    assert.match((await cue.textContent()) ?? "", /◂ \d+ to the left/);
    // no cue when every column fits
    await page.selectOption("#filter-hypercall", "console_io");
    await page.waitForFunction(() => document.getElementById("cols-cue")?.textContent === "");
    await page.close();
  });

  test("printed, the matrix is a list of the cells the diff widens or narrows", async () => {
    const page = await open();
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator("#print-matrix").isVisible(), true);
    const changed = everyCell().filter(([s, o]) => changeOf(s, o) !== "same");
    assert.equal(
      await page.locator("#print-matrix h3").textContent(),
      `Cells that change from dummy to hw-priv-v1 (${changed.length})`,
    );
    const items = await page.locator("#print-matrix li").allTextContents();
    assert.equal(items.length, Math.min(2000, changed.length));
    const [s, o] = changed[0] as readonly [number, number];
    const [a, b] = labels(s, o);
    assert.match(
      items[0] as string,
      new RegExp(
        `^. ${changeOf(s, o)}: ${data.system.domains[s]?.name} × ${model.ops[o]?.id}: ${a.replace(/\+/g, "\\+")} → ${b.replace(/\+/g, "\\+")}$`,
      ),
    );
    // nothing explained yet: no empty "Why" on paper; once a cell is explained, its explanation
    assert.equal(await page.locator("#why").isVisible(), false);
    await page.emulateMedia({ media: "screen" });
    assert.equal(await page.locator("#print-matrix").isVisible(), false);
    await clickCell(page, 0, 0);
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator("#explain").isVisible(), true);
    assert.equal(await page.locator("#heatmap-wrap").isVisible(), false);
    await page.close();
  });

  test("legend colours have a contrast of at least 3:1 in both themes; changes differ by a glyph, not only by colour", async () => {
    const ratios: string[] = [];
    for (const scheme of ["light", "dark"] as const) {
      const page = await open(scheme);
      await page.click("#diff-toggle");
      const swatches = await page
        .locator(".legend .swatch")
        .evaluateAll((ss) =>
          ss.map((s) => [
            s.parentElement?.className ?? "",
            getComputedStyle(s).backgroundColor,
            s.textContent,
          ]),
        );
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(swatches.length, 6);
      for (const [item, colour] of swatches) {
        const r = contrast(colour as string, bg);
        ratios.push(`${scheme} ${item?.split(" ")[1]} ${r.toFixed(2)}`);
        assert.ok(r >= 3, `${scheme} ${item}: ${r.toFixed(2)}:1`);
      }
      const glyphs = swatches
        .filter(([item]) => /widened|narrowed|changed/.test(item as string))
        .map(([, , g]) => g);
      assert.equal(new Set(glyphs).size, 3);
      assert.ok(glyphs.every((g) => g && g.trim() !== ""));
      await page.close();
    }
    console.log(`legend contrast: ${ratios.join(", ")}`);
    // in the heatmap: a widened and a narrowed cell, in their decision's view, drawn with different shapes
    const page = await open();
    await page.click("#diff-toggle");
    const shapes: Record<string, string> = {};
    for (const kind of ["widened", "narrowed"] as const) {
      await page.selectOption("#filter-decision", kind);
      const keeps = (s: number, o: number) => [kind, "changed"].includes(changeOf(s, o));
      const rows = data.system.domains.map((_, s) => s).filter((s) => model.ops.some((_, o) => keeps(s, o)));
      const cols = model.ops.map((_, o) => o).filter((o) => rows.some((s) => keeps(s, o)));
      assert.ok(cols.length <= 80, "the view's columns are wide");
      const at = rows.flatMap((s, r) =>
        cols.flatMap((o, c) => (changeOf(s, o) === kind && (r || c) ? [[r, c]] : [])),
      )[0];
      assert.ok(at, `a ${kind} cell`);
      const [r, c] = at as [number, number];
      shapes[kind] = await page.locator("#heatmap").evaluate(
        (canvas, [x, y, w, h]) => {
          const ctx = (canvas as HTMLCanvasElement).getContext("2d") as CanvasRenderingContext2D;
          const px = ctx.getImageData(x, y, w, h).data;
          const fill = [px[0], px[1], px[2]];
          // the glyph: the pixels far from the cell's fill
          let mask = "";
          for (let i = 0; i < px.length; i += 4)
            mask +=
              Math.abs((px[i] as number) - (fill[0] as number)) +
                Math.abs((px[i + 1] as number) - (fill[1] as number)) +
                Math.abs((px[i + 2] as number) - (fill[2] as number)) >
              90
                ? "#"
                : ".";
          return mask;
        },
        [LEFT + c * WIDE + 1, TOP + r * ROW_H + 1, WIDE - 3, ROW_H - 3] as const,
      );
    }
    assert.ok((shapes.widened?.match(/#/g)?.length ?? 0) >= 3, shapes.widened);
    assert.ok((shapes.narrowed?.match(/#/g)?.length ?? 0) >= 3, shapes.narrowed);
    assert.notEqual(shapes.widened, shapes.narrowed);
    await page.close();
  });

  test("axe-core finds no serious or critical accessibility violation, in either theme", async () => {
    const found: string[] = [];
    for (const scheme of ["light", "dark"] as const) {
      const page = await open(scheme);
      const states: [string, () => Promise<unknown>][] = [
        ["opened", async () => undefined],
        [
          "diff, a cell explained",
          async () => {
            await page.click("#diff-toggle");
            await clickCell(page, 0, 1);
          },
        ],
        ["no match", async () => page.fill("#search", "no-such-thing")],
      ];
      for (const [state, act] of states) {
        await act();
        const violations = await axe(page);
        found.push(
          `${scheme}, ${state}: ${violations.length ? violations.map((v) => `${v.id} (${v.impact})`).join(", ") : "none"}`,
        );
        const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        assert.deepEqual(
          serious.map((v) => `${v.id}: ${v.nodes.map((x) => x.target.join(" ")).join("; ")}`),
          [],
          `${scheme}, ${state}`,
        );
      }
      await page.close();
    }
    console.log(`axe-core: ${found.join("; ")}`);
  });

  test("on a large system the matrix comes before the domains, on the first screen", async () => {
    const big = generatedModel(300);
    const bigFile = join(dir, "large.html");
    writeFileSync(
      bigFile,
      renderHtmlReport(
        buildReportData(big, { title: "300 domains" }),
        readFileSync("dist/report-app.js", "utf8"),
      ),
    );
    const page = await browser.context.newPage();
    await page.goto(`file://${bigFile}`);
    await page.waitForSelector("html[data-ready=true]");
    const top = (sel: string) => page.locator(sel).evaluate((e) => e.getBoundingClientRect().top);
    assert.ok((await top("#matrix")) < (await top("#overview")));
    assert.ok((await top("#heatmap-wrap")) < 600, `heatmap at ${await top("#heatmap-wrap")} px`);
    await page.close();
    // a small one keeps its overview first
    const small = await open();
    assert.ok(
      (await small.locator("#overview").evaluate((e) => e.getBoundingClientRect().top)) <
        (await small.locator("#matrix").evaluate((e) => e.getBoundingClientRect().top)),
    );
    await small.close();
  });
});
