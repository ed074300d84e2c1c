import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import type { ReportData } from "../../src/report/report-data.js";

/** The data a report page carries, as its app reads it. */
export function reportData(html: string): ReportData {
  const m = html.match(/<script type="application\/json" id="xenpriv-data">([\s\S]*?)<\/script>/);
  assert.ok(m, "no data element");
  return JSON.parse(m[1] as string) as ReportData;
}

/**
 * A report opened in a new page (in the colour scheme asked) once its app says it is ready, with
 * the page's errors (uncaught exceptions and console errors) collected into `errors` as they come.
 */
export async function openReport(
  context: BrowserContext,
  url: string,
  errors: string[],
  colorScheme: "light" | "dark" = "light",
): Promise<Page> {
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => (m.type() === "error" ? errors.push(m.text()) : undefined));
  await page.goto(url);
  await page.waitForSelector("html[data-ready=true]");
  return page;
}
