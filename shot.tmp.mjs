import { chromium } from "@playwright/test";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu"] });
const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
p.on("console", m => { if (m.type()==="error") console.log("console:", m.text()); });
await p.goto(process.argv[2]);
await p.waitForTimeout(Number(process.env.WAIT ?? 2500));
if (process.argv[4]) { await p.getByRole("button", { name: /^Open / }).first().click(); await p.waitForTimeout(1500); }
await p.screenshot({ path: process.argv[3], fullPage: false });
await b.close();
