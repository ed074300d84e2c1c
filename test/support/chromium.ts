import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** Debian's chromium (scripts/test-setup.mjs installs it); never a browser playwright downloads. */
export const CHROMIUM = process.env.XENPRIV_CHROMIUM ?? "/usr/bin/chromium";

/** Flags for a closed network: no background connections, no sandbox when run as root (playwright adds --headless). */
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const INSTALL_ADVICE = [
  `the browser tests need Debian's chromium at ${CHROMIUM} (or XENPRIV_CHROMIUM=<path>).`,
  "Install it and run the tests again:",
  "  Debian/Ubuntu: sudo apt-get install chromium",
  "  (`npm test` runs scripts/test-setup.mjs, which installs it when it can)",
].join("\n");

/** A fresh headless Chromium with an empty profile; `close` removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(INSTALL_ADVICE);
  const profile = mkdtempSync(join(tmpdir(), "xenpriv-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
