// The HTML report in a real browser: Debian's chromium driven by playwright-core
// (scripts/test-setup.mjs installs the package when it is missing).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { getPolicy } from "../src/policy/registry.js";
import { diffModels } from "../src/query/diff.js";
import { evaluate } from "../src/query/evaluate.js";
import { buildModel, type Model } from "../src/query/model.js";
import type { ReportData } from "../src/report/report-data.js";
import { LEFT, ROW_H, TOP, WIDE } from "../src/web/heatmap.js";
import { launchChromium } from "./support/chromium.js";
import { ensureBuilt, run } from "./support/cli.js";

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
  const html = readFileSync(file, "utf8");
  data = JSON.parse(
    html.match(/<script type="application\/json" id="xenpriv-data">([\s\S]*?)<\/script>/)?.[1] as string,
  ) as ReportData;
  model = buildModel(data.catalogue, data.system, getPolicy(data.policy));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(colorScheme: "light" | "dark" = "light"): Promise<Page> {
  errors.length = 0;
  const page = await browser.context.newPage();
  await page.emulateMedia({ colorScheme });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => (m.type() === "error" ? errors.push(m.text()) : undefined));
  await page.goto(`file://${file}`);
  await page.waitForSelector("html[data-ready=true]");
  return page;
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
});
