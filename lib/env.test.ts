import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

describe("parseEnv", () => {
  it("is demo mode without MJ_API_URL", () => {
    const env = parseEnv({});
    expect(env.mode).toBe("demo");
    expect(env.upstream).toBeNull();
    expect(env.dataDir).toBe(`${process.cwd()}/.data`);
    expect(env.timeoutMs).toBe(30_000);
  });

  it("treats an empty MJ_API_URL as unset", () => {
    expect(parseEnv({ MJ_API_URL: "  " }).mode).toBe("demo");
  });

  it("keeps the history in SQLite unless DATABASE_URL names a PostgreSQL database", () => {
    expect(parseEnv({}).databaseUrl).toBeUndefined();
    expect(parseEnv({ DATABASE_URL: " " }).databaseUrl).toBeUndefined();
    for (const url of [
      "postgres://mj:secret@db.internal:5432/mjstudio",
      "postgresql://mj@localhost/mjstudio?sslmode=require",
    ]) {
      expect(parseEnv({ DATABASE_URL: url }).databaseUrl).toBe(url);
    }
    for (const wrong of ["mysql://db/mj", "db.internal:5432", "sqlite:///data.db"]) {
      expect(() => parseEnv({ DATABASE_URL: wrong })).toThrow(/DATABASE_URL must be a PostgreSQL URL/);
    }
  });

  it("reads the upstream and strips a trailing /mj or slash", () => {
    const env = parseEnv({
      MJ_API_URL: "https://relay.example.com/mj/",
      MJ_API_KEY: "sk-1",
      MJ_AUTH_HEADER: "bearer",
    });
    expect(env.mode).toBe("upstream");
    expect(env.upstream).toEqual({
      baseUrl: "https://relay.example.com",
      apiKey: "sk-1",
      authHeader: "bearer",
    });
  });

  it("serves the loopback names by default, plus APP_URL's host, ALLOWED_HOSTS and a named HOST", () => {
    expect(parseEnv({}).allowedHosts).toEqual({ any: false, names: [] });
    expect(
      parseEnv({
        APP_URL: "https://Studio.Example.com/",
        ALLOWED_HOSTS: "nas.lan, .home.arpa",
        HOST: "studio.lan",
      }).allowedHosts,
    ).toEqual({ any: false, names: ["nas.lan", ".home.arpa", "studio.example.com", "studio.lan"] });
    expect(parseEnv({ ALLOWED_HOSTS: "*" }).allowedHosts.any).toBe(true);
    expect(parseEnv({ ALLOWED_HOSTS: "mj_studio" }).allowedHosts.names).toEqual(["mj_studio"]);
    expect(parseEnv({}).trustedProxies).toEqual(["127.0.0.0/8", "::1"]);
    expect(parseEnv({ TRUSTED_PROXIES: "none" }).trustedProxies).toEqual([]);
    expect(parseEnv({ TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8, ::1" }).trustedProxies).toEqual([
      "127.0.0.1",
      "10.0.0.0/8",
      "::1",
    ]);
  });

  it("reads the drop-in settings: public origin, CORS origins (off by default), private notify hooks", () => {
    const none = parseEnv({});
    expect([none.publicOrigin, none.corsOrigins, none.notifyAllowPrivate]).toEqual([undefined, [], false]);
    const set = parseEnv({
      APP_URL: "https://Studio.Example.com/base/",
      APP_CORS_ORIGINS: "https://client.example.com, http://127.0.0.1:8080/, https://client.example.com",
      APP_NOTIFY_ALLOW_PRIVATE: "1",
    });
    expect(set.publicOrigin).toBe("https://studio.example.com");
    expect(set.corsOrigins).toEqual(["https://client.example.com", "http://127.0.0.1:8080"]);
    expect(set.notifyAllowPrivate).toBe(true);
    for (const bad of ["*", "client.example.com", "https://client.example.com/app", "ftp://x.example"]) {
      expect(() => parseEnv({ APP_CORS_ORIGINS: bad }), bad).toThrow(/APP_CORS_ORIGINS/);
    }
    expect(() => parseEnv({ APP_NOTIFY_ALLOW_PRIVATE: "yes" })).toThrow(/APP_NOTIFY_ALLOW_PRIVATE/);
  });

  it("keeps a speed prefix such as /mj-fast", () => {
    expect(parseEnv({ MJ_API_URL: "http://proxy:8080/mj-fast" }).upstream?.baseUrl).toBe(
      "http://proxy:8080/mj-fast",
    );
  });

  it("sends a job's speed as prefix and flag unless MJ_SPEED_VIA says otherwise", () => {
    expect(parseEnv({}).speedVia).toBe("both");
    expect(parseEnv({ MJ_SPEED_VIA: "" }).speedVia).toBe("both");
    expect(parseEnv({ MJ_SPEED_VIA: "prefix" }).speedVia).toBe("prefix");
    expect(parseEnv({ MJ_SPEED_VIA: "flag" }).speedVia).toBe("flag");
  });

  it.each([
    [{ MJ_SPEED_VIA: "path" }, /MJ_SPEED_VIA must be prefix, flag or both \(got "path"\)/],
    [{ MJ_API_URL: "not a url" }, /MJ_API_URL/],
    [{ MJ_API_URL: "ftp://x" }, /MJ_API_URL/],
    [{ MJ_AUTH_HEADER: "basic" }, /MJ_AUTH_HEADER/],
    [{ ALLOWED_HOSTS: "evil.example:3000" }, /ALLOWED_HOSTS/],
    [{ TRUSTED_PROXIES: "10.0.0.0/33" }, /TRUSTED_PROXIES/],
    [{ TRUSTED_PROXIES: "proxy.lan" }, /TRUSTED_PROXIES/],
    [{ APP_URL: "studio.example.com" }, /APP_URL/],
    [{ MJ_TIMEOUT_MS: "10" }, /MJ_TIMEOUT_MS/],
  ])("refuses %j with a message naming the variable", (source, message) => {
    expect(() => parseEnv(source)).toThrow(message);
  });
});

describe("parseEnv: access control", () => {
  it("has no password, no token and 30 submits a minute by default", () => {
    const env = parseEnv({});
    expect(env.auth).toEqual({
      password: undefined,
      apiToken: undefined,
      sessionSecret: undefined,
      submitsPerMinute: 30,
    });
    expect(env.exposedWithoutPassword).toBe(false);
  });

  it("reads the password, token, secret and submit limit", () => {
    const env = parseEnv({
      APP_PASSWORD: "pw",
      APP_API_TOKEN: "t".repeat(16),
      APP_SESSION_SECRET: "s".repeat(32),
      APP_SUBMIT_RATE_LIMIT: "0",
    });
    expect(env.auth).toEqual({
      password: "pw",
      apiToken: "t".repeat(16),
      sessionSecret: "s".repeat(32),
      submitsPerMinute: 0,
    });
  });

  it.each([
    [{ APP_API_TOKEN: "short" }, /APP_API_TOKEN/],
    [{ APP_SESSION_SECRET: "short" }, /APP_SESSION_SECRET/],
    [{ APP_SUBMIT_RATE_LIMIT: "-1" }, /APP_SUBMIT_RATE_LIMIT/],
  ])("refuses %j", (source, message) => {
    expect(() => parseEnv(source)).toThrow(message);
  });

  it.each([
    ["0.0.0.0", undefined, true],
    ["192.168.1.5", undefined, true],
    ["0.0.0.0", "pw", false],
    ["127.0.0.1", undefined, false],
    ["localhost", undefined, false],
    ["::1", undefined, false],
    ["[::1]", undefined, false],
    [undefined, undefined, false],
  ])("HOST=%s with APP_PASSWORD=%s is exposed: %s", (HOST, APP_PASSWORD, exposed) => {
    expect(parseEnv({ HOST, APP_PASSWORD }).exposedWithoutPassword).toBe(exposed);
  });
});
