// A report under `--policy flask:<file>` in Debian's chromium: the page carries the compiled policy and
// rebuilds the Flask module from it, so a cell's explanation shows Flask's permission checks.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { LEFT, ROW_H, TOP, WIDE } from "../src/web/heatmap.js";
import { launchChromium } from "./support/chromium.js";
import { ensureBuilt, run } from "./support/cli.js";
import { compilePolicy } from "./support/flask-tools.js";
import { openReport, reportData } from "./support/report-page.js";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-browser-flask-"));
let browser: Awaited<ReturnType<typeof launchChromium>>;
before(async () => {
  ensureBuilt();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});
// the control domain, and a guest labelled domU_t
const system = join(dir, "system.yaml");
writeFileSync(
  system,
  `xen: 4.22.0
domains:
  - { name: ctl, domid: 0, built: dom0, caps: [control, hardware] }
  - { name: guest, domid: 1, type: hvm, label: domU_t }
`,
);

test("report --policy flask:<file>: the page explains a cell with Flask's checks, without errors", async () => {
  const policy = compilePolicy(readFileSync("test/fixtures/flask/engine/policy.conf", "utf8"), 30);
  const file = join(dir, "report.html");
  const r = run("report", "-s", system, "--policy", `flask:${policy}`, "--vs", "dummy", "-o", file);
  assert.equal(r.code, 0, r.err);
  const data = reportData(readFileSync(file, "utf8"));
  assert.deepEqual(Object.keys(data.flask ?? {}), [`flask:${policy}`]);
  const errors: string[] = [];
  const page = await openReport(browser.context, `file://${file}`, errors);
  await page.selectOption("#filter-hypercall", "domctl");
  // the control domain's first domctl
  await page.locator("#heatmap").click({ position: { x: LEFT + WIDE / 2, y: TOP + ROW_H / 2 } });
  const text = (await page.locator("#explain").textContent()) ?? "";
  assert.match(text, /^(ALLOW|DENY) {2}ctl domctl\/\w+ {2}\(policy flask:/);
  assert.match(text, /Flask: flask_domctl/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("report --policy flask:<tree>: the page's explanation shows each rule's lines in the policy source", async () => {
  const tree = "test/fixtures/flask/tree";
  const file = join(dir, "report-tree.html");
  const r = run("report", "-s", system, "--policy", `flask:${tree}`, "-o", file);
  assert.equal(r.code, 0, r.err);
  const data = reportData(readFileSync(file, "utf8"));
  assert.deepEqual(Object.keys(data.flaskOrigins ?? {}), [`flask:${tree}`]);
  const errors: string[] = [];
  const page = await openReport(
    browser.context,
    `file://${file}#domain=ctl&op=domctl/pausedomain&target=guest`,
    errors,
  );
  const text = (await page.locator("#explain").textContent()) ?? "";
  assert.match(text, /granted by allow dom0_t domU_t:domain \{ pause unpause \};/);
  assert.match(text, /from manage\(dom0_t, domU_t\) +\[tools\/flask\/policy\/modules\/guests\.te:4\]/);
  assert.match(text, /manage_common: allow \$1 \$2:domain +\[tools\/flask\/policy\/modules\/macros\.if:17\]/);
  assert.deepEqual(errors, []);
  await page.close();
});
