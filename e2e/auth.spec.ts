import http from "node:http";
import { expect, test, type Page } from "@playwright/test";
import { E2E_API_TOKEN, E2E_APP_PASSWORD, E2E_SUBMIT_LIMIT } from "./constants";

/**
 * Access control and request hygiene, against an app started with APP_PASSWORD, APP_API_TOKEN and
 * a low submit limit. Serial: the last test spends this client's login-failure budget.
 */
test.describe.configure({ mode: "serial" });

async function signIn(page: Page, password = E2E_APP_PASSWORD) {
  await page.locator("html[data-hydrated]").waitFor();
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Password").press("Enter");
}

test("pages redirect to the login page, which keeps where the user was going", async ({ page }) => {
  await page.goto("/?from=link");
  await expect(page).toHaveURL(/\/login\?next=%2F%3Ffrom%3Dlink$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByLabel("Password")).toBeFocused();
});

test("without a session the API answers 401 in the error shape; /api/health stays open", async ({
  request,
}) => {
  const error = { code: "unauthorized", message: expect.any(String) };
  for (const { call, body } of [
    { call: request.get("/api/tasks"), body: { error } },
    // The drop-in API adds the protocol's fields (code 9: failure).
    {
      call: request.post("/api/mj/submit/imagine", { data: { prompt: "x" } }),
      body: { error, code: 9, description: expect.any(String), result: null },
    },
  ]) {
    const response = await call;
    expect(response.status()).toBe(401);
    expect(await response.json()).toEqual(body);
    expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  }
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true, mode: "demo" });
});

test("a wrong password shows an error and stays on the login page", async ({ page }) => {
  await page.goto("/login");
  await signIn(page, "not the password");
  await expect(page.getByRole("alert").filter({ hasText: "Wrong password" })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test("signing in lands on the page asked for, under a CSP that lets it run; signing out ends the session", async ({
  page,
}) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text()))
      violations.push(message.text());
  });

  await page.goto("/");
  await signIn(page);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Create" })).toBeVisible();

  // A full load of the page: React hydrated and next-themes' inline script ran, both nonce-only.
  await page.reload();
  await page.locator("html[data-hydrated]").waitFor();
  await expect(page.locator("html")).toHaveClass(/\b(light|dark)\b/);
  await expect(page.getByRole("heading", { name: "Your tasks" })).toBeVisible();
  expect(violations).toEqual([]);

  const session = (await page.context().cookies()).find((c) => c.name === "mj-session");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });
  expect(session!.expires).toBeGreaterThan(Date.now() / 1000);

  // The session opens the API too.
  expect((await page.request.get("/api/tasks")).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  expect((await page.request.get("/api/tasks")).status()).toBe(401);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
});

test("on a 360 px phone, in Chinese, the login page and the signed-in header fit, Sign out included", async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "zh-CN" });
  const page = await context.newPage();
  const fits = async (where: string) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, where).toBeLessThanOrEqual(0);
  };
  await page.goto("/login");
  await fits("/login");
  await page.locator("html[data-hydrated]").waitFor();
  await page.getByLabel("密码").fill(E2E_APP_PASSWORD);
  await page.getByLabel("密码").press("Enter");
  await expect(page).toHaveURL(/\/$/);
  const header = page.getByRole("banner");
  for (const path of ["/", "/gallery"]) {
    await page.goto(path);
    await page.locator("html[data-hydrated]").waitFor();
    await fits(path);
    for (const control of [
      header.getByRole("combobox", { name: "语言" }),
      header.getByRole("button", { name: /主题/ }),
      header.getByRole("button", { name: "退出登录" }),
    ])
      await expect(control, path).toBeInViewport({ ratio: 1 });
  }
  await context.close();
});

test("pages carry the security headers", async ({ request }) => {
  const response = await request.get("/login");
  expect(response.status()).toBe(200);
  const headers = response.headers();
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(csp).toContain("default-src 'self'");
  expect(csp).not.toContain("unsafe-eval");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  // A fresh nonce per response.
  const again = (await request.get("/login")).headers()["content-security-policy"];
  expect(again).not.toBe(csp);
});

test("the API token lets other tools call /api/mj/*, and nothing else", async ({ request }) => {
  const auth = { authorization: `Bearer ${E2E_API_TOKEN}` };
  const submit = await request.post("/api/mj/submit/imagine", {
    headers: auth,
    data: { prompt: "a token fox" },
  });
  expect(submit.status()).toBe(200);
  const envelope = (await submit.json()) as { code: number; result: string };
  expect(envelope.code).toBe(1);
  const fetched = await request.get(`/api/mj/task/${envelope.result}/fetch`, { headers: auth });
  expect(fetched.status()).toBe(200);
  expect(((await fetched.json()) as { id: string }).id).toBe(envelope.result);

  expect((await request.get("/api/tasks", { headers: auth })).status()).toBe(401);
  const wrong = await request.get(`/api/mj/task/${envelope.result}/fetch`, {
    headers: { authorization: "Bearer wrong-token-0123456789" },
  });
  expect(wrong.status()).toBe(401);
});

test("a cross-origin POST is refused with 403, even with a session", async ({ page }) => {
  await page.goto("/login");
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Create" })).toBeVisible();
  const response = await page.request.post("/api/mj/submit/imagine", {
    headers: { origin: "http://evil.example" },
    data: { prompt: "csrf" },
  });
  expect(response.status()).toBe(403);
  // Under /api/mj/* a refusal also carries the protocol's fields (code 9: failure).
  expect(await response.json()).toEqual({
    error: { code: "forbidden", message: expect.any(String) },
    code: 9,
    description: expect.any(String),
    result: null,
  });
  const login = await page.request.post("/api/auth/login", {
    headers: { "sec-fetch-site": "cross-site" },
    data: { password: E2E_APP_PASSWORD },
  });
  expect(login.status()).toBe(403);
});

test("submissions are rate-limited per session with a clear message and Retry-After", async ({ page }) => {
  await page.goto("/login");
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Create" })).toBeVisible();
  const submit = () => page.request.post("/api/mj/submit/imagine", { data: { prompt: "a limited fox" } });
  for (let i = 0; i < E2E_SUBMIT_LIMIT; i++) expect((await submit()).status()).toBe(200);
  const limited = await submit();
  expect(limited.status()).toBe(429);
  expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
  const body = (await limited.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("rate_limited");
  expect(body.error.message).toMatch(new RegExp(`at most ${E2E_SUBMIT_LIMIT} a minute`));
});

test("the login page never redirects off this origin, whatever `next` carries", async ({ page }) => {
  const hostile = ["/%09/evil.example", "/%0a/evil.example", "/%09%5Cevil.example", "/.//evil.example"];
  // Signed out: the form's target.
  for (const next of hostile) {
    await page.goto(`/login?next=${next}`);
    await signIn(page);
    await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await page.context().clearCookies();
  }
  // Signed in: the redirect the server answers.
  await page.goto("/login");
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Create" })).toBeVisible();
  for (const next of hostile) {
    const response = await page.request.get(`/login?next=${next}`, { maxRedirects: 0 });
    expect(response.status(), next).toBe(307);
    expect(new URL(response.headers()["location"] ?? "", "http://127.0.0.1/").host, next).toMatch(
      /^127\.0\.0\.1/,
    );
  }
});

test("a host name the app was not given is refused on pages and the API (DNS rebinding)", async ({
  baseURL,
}) => {
  const { port } = new URL(baseURL!);
  for (const path of ["/", "/api/health", "/api/tasks"]) {
    const status = await rawRequest({
      port: Number(port),
      path,
      headers: { host: `rebind.evil.example:${port}` },
    });
    expect(status.code, path).toBe(403);
    expect(status.body, path).toMatch(/does not answer to the host/);
  }
  const write = await rawRequest({
    port: Number(port),
    path: "/api/mj/submit/imagine",
    method: "POST",
    headers: {
      host: `rebind.evil.example:${port}`,
      origin: `http://rebind.evil.example:${port}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ prompt: "spend the key" }),
  });
  expect(write.code).toBe(403);
  // Its own addresses still answer.
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
    expect(
      (await rawRequest({ port: Number(port), path: "/api/health", headers: { host } })).code,
      host,
    ).toBe(200);
  }
});

test("wrong passwords with forged addresses from one machine do not lock the owner out", async ({
  baseURL,
}) => {
  const codes: number[] = [];
  for (let i = 0; i < 53; i++)
    codes.push((await loginFrom(baseURL!, "127.0.0.2", `guess ${i}`, `10.1.${i >> 8}.${i & 255}`)).code);
  expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
  expect(new Set(codes.slice(5))).toEqual(new Set([429]));
  // The owner, from another address, signs in at once.
  expect((await loginFrom(baseURL!, "127.0.0.3", E2E_APP_PASSWORD)).code).toBe(204);
});

test("past the server-wide ceiling of wrong passwords, strangers wait and the owner's browser signs in", async ({
  page,
  baseURL,
}) => {
  await page.goto("/login");
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Create" })).toBeVisible();
  // Signed out, but the browser keeps the device cookie it got.
  const context = page.context();
  const kept = (await context.cookies()).filter((cookie) => cookie.name !== "mj-session");
  expect(kept.map((cookie) => cookie.name)).toContain("mj-device");
  await context.clearCookies();
  await context.addCookies(kept);

  // 105 wrong passwords from 21 addresses, five each: past the ceiling of 100.
  for (let host = 10; host < 31; host++) {
    for (let i = 0; i < 5; i++) await loginFrom(baseURL!, `127.0.0.${host}`, `guess ${host}-${i}`);
  }
  const stranger = await loginFrom(baseURL!, "127.0.0.40", E2E_APP_PASSWORD);
  expect(stranger.code).toBe(429);
  expect(stranger.body).toMatch(/a browser that signed in here before can still sign in/);

  await page.goto("/login");
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Create" })).toBeVisible();
});

test("repeated wrong passwords answer 429 with Retry-After, and the page says so", async ({
  page,
  request,
}) => {
  let response = await request.post("/api/auth/login", { data: { password: "guess" } });
  for (let i = 0; i < 10 && response.status() === 401; i++) {
    response = await request.post("/api/auth/login", { data: { password: "guess" } });
  }
  expect(response.status()).toBe(429);
  expect(Number(response.headers()["retry-after"])).toBeGreaterThan(0);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe("rate_limited");

  // Even the right password waits now.
  await page.goto("/login");
  await signIn(page);
  await expect(page.getByRole("alert").filter({ hasText: "Too many wrong passwords" })).toBeVisible();
});

/** A request with headers a browser would not let a page choose (Host) or from another loopback source address. */
function rawRequest(options: {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  localAddress?: string;
}): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: options.port,
        path: options.path,
        method: options.method ?? "GET",
        headers: options.headers,
        localAddress: options.localAddress,
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ code: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A password sent from another loopback source address, optionally with a forged X-Forwarded-For. */
function loginFrom(baseURL: string, localAddress: string, password: string, forged?: string) {
  return rawRequest({
    port: Number(new URL(baseURL).port),
    localAddress,
    path: "/api/auth/login",
    method: "POST",
    headers: { "content-type": "application/json", ...(forged ? { "x-forwarded-for": forged } : {}) },
    body: JSON.stringify({ password }),
  });
}
