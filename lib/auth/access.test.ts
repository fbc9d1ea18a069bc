import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/http/errors";
import { testServer } from "@/lib/testing/server-env";

/** The access rules as proxy.ts applies them, with a password, an API token and a low submit limit. */

const { dataDir } = testServer({
  APP_PASSWORD: "correct horse",
  APP_API_TOKEN: "token-for-other-tools-0123456789",
  APP_SUBMIT_RATE_LIMIT: "2",
  ALLOWED_HOSTS: "studio.lan",
});
delete process.env.APP_SESSION_SECRET;
const { checkAccess, login, logout, safeNext } = await import("./access");

const request = (pathname: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  new Request(`http://studio.lan${pathname}`, { ...init, headers: { host: "studio.lan", ...init.headers } });

/** A login from `client`, as the server's peer hook marks it (see lib/auth/peer-address.ts). */
async function loginAs(password: string, client = "10.0.0.1", cookie?: string): Promise<Response | AppError> {
  const headers: Record<string, string> = { "x-forwarded-for": client, "x-mj-peer-address": client };
  if (cookie) headers.cookie = cookie;
  try {
    return await login(request("/api/auth/login", { method: "POST", headers }), password);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

async function sessionCookie(): Promise<string> {
  const response = await await loginAs("correct horse", "10.0.0.99");
  if (!(response instanceof Response)) throw response;
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

describe("checkAccess with APP_PASSWORD", () => {
  it("sends pages to the login page and answers the API 401, but leaves the open routes open", async () => {
    expect(await checkAccess(request("/gallery?q=fox"))).toEqual({
      kind: "redirect",
      location: "/login?next=%2Fgallery%3Fq%3Dfox",
    });
    const verdict = await checkAccess(request("/api/tasks"));
    expect(verdict.kind === "refuse" && verdict.error.code).toBe("unauthorized");
    for (const open of ["/login", "/api/health", "/api/auth/login", "/api/auth/logout"]) {
      expect((await checkAccess(request(open))).kind).toBe("allow");
    }
  });

  it("lets a session in, and keeps a signed-in user away from the login page", async () => {
    const cookie = await sessionCookie();
    expect((await checkAccess(request("/api/tasks", { headers: { cookie } }))).kind).toBe("allow");
    expect((await checkAccess(request("/", { headers: { cookie } }))).kind).toBe("allow");
    expect(await checkAccess(request("/login?next=/gallery", { headers: { cookie } }))).toEqual({
      kind: "redirect",
      location: "/gallery",
    });
  });

  it("lets the API token in on /api/mj/* and /api/media/* only, in each form clients send it", async () => {
    const bearer = { authorization: "Bearer token-for-other-tools-0123456789" };
    expect((await checkAccess(request("/api/mj/task/x/fetch", { headers: bearer }))).kind).toBe("allow");
    for (const headers of [
      { authorization: "token-for-other-tools-0123456789" } as Record<string, string>,
      { "mj-api-secret": "token-for-other-tools-0123456789" },
    ]) {
      expect((await checkAccess(request("/api/mj/task/x/fetch", { headers }))).kind).toBe("allow");
      expect((await checkAccess(request("/api/media/1/image", { headers }))).kind).toBe("allow");
    }
    expect(
      (await checkAccess(request("/api/mj/task/x/fetch", { headers: { "mj-api-secret": "Bearer nope" } })))
        .kind,
    ).toBe("refuse");
    // The speed-prefixed mirror is the same API; another first segment is not.
    expect((await checkAccess(request("/api/mj-relax/mj/task/x/fetch", { headers: bearer }))).kind).toBe(
      "allow",
    );
    expect((await checkAccess(request("/api/mj-slow/mj/task/x/fetch", { headers: bearer }))).kind).toBe(
      "refuse",
    );
    expect((await checkAccess(request("/api/tasks", { headers: bearer }))).kind).toBe("refuse");
    expect(
      (await checkAccess(request("/api/mj/task/x/fetch", { headers: { authorization: "Bearer nope" } })))
        .kind,
    ).toBe("refuse");
  });

  it("serves only allowed hosts: a rebound name is refused, IP literals and localhost are not", async () => {
    const rebound = await checkAccess(
      request("/api/tasks", { headers: { host: "evil.example:3000", origin: "http://evil.example:3000" } }),
    );
    expect(rebound.kind === "refuse" && rebound.error.status).toBe(403);
    expect(rebound.kind === "refuse" && rebound.error.message).toMatch(/evil\.example.*ALLOWED_HOSTS/);
    const forwarded = await checkAccess(
      request("/api/tasks", { headers: { host: "127.0.0.1:3000", "x-forwarded-host": "evil.example" } }),
    );
    expect(forwarded.kind).toBe("refuse");
    for (const host of [
      "127.0.0.1:3000",
      "[::1]:3000",
      "localhost:3000",
      "studio.localhost",
      "192.168.1.20",
    ]) {
      const verdict = await checkAccess(request("/api/health", { headers: { host } }));
      expect(verdict.kind, host).toBe("allow");
    }
  });

  it("serves a tool holding the API token, or a trusted proxy's forwarded host, under any Host", async () => {
    const internal = { host: "mj-studio:3000" };
    expect((await checkAccess(request("/api/mj/task/x/fetch", { headers: internal }))).kind).toBe("refuse");
    const bearer = { ...internal, authorization: "Bearer token-for-other-tools-0123456789" };
    expect((await checkAccess(request("/api/mj/task/x/fetch", { headers: bearer }))).kind).toBe("allow");
    // nginx on this machine (loopback is trusted by default) asked for studio.lan.
    const proxied = { ...internal, "x-forwarded-host": "studio.lan", "x-mj-peer-address": "127.0.0.1" };
    expect((await checkAccess(request("/api/health", { headers: proxied }))).kind).toBe("allow");
    const direct = { ...internal, "x-forwarded-host": "studio.lan", "x-mj-peer-address": "203.0.113.7" };
    expect((await checkAccess(request("/api/health", { headers: direct }))).kind).toBe("refuse");
  });

  it("refuses cross-origin writes with 403 before anything else", async () => {
    const verdict = await checkAccess(
      request("/api/auth/login", { method: "POST", headers: { origin: "http://evil.example" } }),
    );
    expect(verdict.kind === "refuse" && verdict.error.status).toBe(403);
  });

  it("limits submissions per session with a Retry-After", async () => {
    const cookie = await sessionCookie();
    const submit = (path = "/api/mj/submit/imagine") =>
      checkAccess(request(path, { method: "POST", headers: { cookie } }));
    // Uploading reference images starts no job: it spends nothing.
    for (let i = 0; i < 5; i++)
      expect((await submit("/api/mj/submit/upload-discord-images")).kind).toBe("allow");
    // A submit under a speed prefix spends the same budget.
    expect([(await submit()).kind, (await submit("/api/mj-turbo/mj/submit/imagine")).kind]).toEqual([
      "allow",
      "allow",
    ]);
    const verdict = await submit();
    expect(verdict.kind).toBe("refuse");
    if (verdict.kind !== "refuse") return;
    expect(verdict.error.code).toBe("rate_limited");
    expect(verdict.error.message).toMatch(/at most 2 a minute/);
    expect(Number(verdict.error.headers["Retry-After"])).toBeGreaterThan(0);
    // Another session has its own budget.
    const other = await sessionCookie();
    expect(
      (await checkAccess(request("/api/mj/submit/imagine", { method: "POST", headers: { cookie: other } })))
        .kind,
    ).toBe("allow");
  });
});

describe("login and logout", () => {
  it("sets an HTTP-only, SameSite=Lax cookie with an expiry; Secure behind HTTPS", async () => {
    const response = await loginAs("correct horse");
    expect(response).toBeInstanceOf(Response);
    const [session, device] = (response as Response).headers.getSetCookie();
    expect(session).toMatch(/^mj-session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    expect(device).toMatch(/^mj-device=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const https = await login(
      request("/api/auth/login", { method: "POST", headers: { "x-forwarded-proto": "https" } }),
      "correct horse",
    );
    for (const cookie of https.headers.getSetCookie()) expect(cookie).toMatch(/; Secure$/);
  });

  it("answers 401 to a wrong password and 429 with Retry-After after five", async () => {
    const client = "10.0.0.7";
    for (let i = 0; i < 5; i++) expect(((await loginAs("wrong", client)) as AppError).status).toBe(401);
    const limited = (await loginAs("correct horse", client)) as AppError;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["Retry-After"])).toBeGreaterThan(60);
    // Another client is not locked out.
    expect(await loginAs("correct horse", "10.0.0.8")).toBeInstanceOf(Response);
  });

  it("guesses sent all at once get no more than five comparisons", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => loginAs(`guess ${i}`, "10.0.0.20")),
    );
    const statuses = results.map((result) => (result instanceof AppError ? result.status : 204));
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
  });

  it("forged X-Forwarded-For cannot lock the owner out or buy more guesses", async () => {
    // What the server's own hook adds: the real peer appended, and the mark that it did.
    const fromPeer = async (peer: string, forged: string, password: string) => {
      try {
        return await login(
          request("/api/auth/login", {
            method: "POST",
            headers: { "x-forwarded-for": `${forged}, ${peer}`, "x-mj-peer-address": peer },
          }),
          password,
        );
      } catch (error) {
        if (error instanceof AppError) return error;
        throw error;
      }
    };
    const statuses: number[] = [];
    for (let i = 0; i < 53; i++) {
      const result = await fromPeer("203.0.113.5", `10.9.${i >> 8}.${i & 255}`, `guess ${i}`);
      statuses.push(result instanceof AppError ? result.status : 204);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    // The owner, from their own address, is not locked out.
    expect(await fromPeer("198.51.100.7", "10.9.0.1", "correct horse")).toBeInstanceOf(Response);
  });

  it("logout ends the session even if the cookie is kept", async () => {
    const cookie = await sessionCookie();
    const response = await logout(request("/api/auth/logout", { method: "POST", headers: { cookie } }));
    expect(response.status).toBe(204);
    expect(response.headers.get("set-cookie")).toMatch(/^mj-session=; .*Max-Age=0/);
    expect((await checkAccess(request("/api/tasks", { headers: { cookie } }))).kind).toBe("refuse");
  });

  it("logout clears the cookie and says so when the sign-out cannot be recorded", async () => {
    const cookie = await sessionCookie();
    const { installAuthState } = await import("./access");
    const { memoryAuthState } = await import("@/lib/store/auth-state");
    const holder = (globalThis as { [key: symbol]: unknown })[Symbol.for("mj-studio.auth-state")] as {
      state: ReturnType<typeof memoryAuthState>;
    };
    const working = holder.state;
    const failing = memoryAuthState();
    failing.signOut = async () => {
      throw new Error("database gone");
    };
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    installAuthState(failing);
    try {
      const error = await logout(request("/api/auth/logout", { method: "POST", headers: { cookie } })).catch(
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(500);
      expect((error as AppError).message).toMatch(/could not be recorded/);
      expect((error as AppError).headers["Set-Cookie"]).toMatch(/^mj-session=; .*Max-Age=0/);
      expect(logged).toHaveBeenCalled();
    } finally {
      installAuthState(working);
      logged.mockRestore();
    }
  });

  it("keeps the session secret under DATA_DIR, readable only by the owner", async () => {
    const file = path.join(dataDir, "session-secret");
    expect(readFileSync(file, "utf8")).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o077).toBe(0);
  });
});

describe("safeNext", () => {
  it.each([
    ["/gallery?q=1", "/gallery?q=1"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example", "/"],
    // URL parsing drops tabs and newlines and reads "\\" as "/": each of these is //evil.example.
    ["/\t/evil.example", "/"],
    ["/\n/evil.example", "/"],
    ["/\t\\evil.example", "/"],
    ["/.//evil.example", "/"],
    ["/%2F/evil.example", "/%2F/evil.example"],
    ["/gallery#top", "/gallery#top"],
    [undefined, "/"],
  ])("%j -> %j", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});

// Last: it leaves the server-wide ceiling tripped for the rest of this file.
describe("the server-wide ceiling on wrong passwords", () => {
  it("past the server-wide ceiling only a browser that signed in before may try, from anywhere", async () => {
    const owner = (await loginAs("correct horse", "172.31.0.9")) as Response;
    const device = owner.headers
      .getSetCookie()
      .find((c) => c.startsWith("mj-device="))!
      .split(";")[0]!;
    // Many addresses, a few guesses each: past 100 failures the server stops checking strangers.
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) {
      const result = await loginAs(`guess ${i}`, `172.16.${i >> 8}.${i & 255}`);
      statuses.push(result instanceof AppError ? result.status : 204);
    }
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(100);
    expect(statuses.at(-1)).toBe(429);
    const stranger = (await loginAs("correct horse", "172.31.0.1")) as AppError;
    expect(stranger.status).toBe(429);
    expect(stranger.message).toMatch(/a browser that signed in here before can still sign in/);
    // The owner's browser, even from a new address; a forged device token is not one.
    expect(await loginAs("correct horse", "172.31.0.2", device)).toBeInstanceOf(Response);
    const forged = `${device.slice(0, -3)}AAA`;
    expect(((await loginAs("correct horse", "172.31.0.3", forged)) as AppError).status).toBe(429);
  });
});
