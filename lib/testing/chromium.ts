import { existsSync } from "node:fs";

/**
 * How e2e and bench launch Chromium here: Debian's, unless PLAYWRIGHT_CHROMIUM_PATH names another
 * (an empty value: Playwright's own), with what a sandboxed, offline CI machine needs.
 */
const SYSTEM_CHROMIUM = "/usr/bin/chromium";

export const chromiumLaunchOptions = {
  executablePath:
    (process.env.PLAYWRIGHT_CHROMIUM_PATH ?? (existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : "")) ||
    undefined,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};
