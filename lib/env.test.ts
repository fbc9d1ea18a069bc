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

  it("keeps a speed prefix such as /mj-fast", () => {
    expect(parseEnv({ MJ_API_URL: "http://proxy:8080/mj-fast" }).upstream?.baseUrl).toBe(
      "http://proxy:8080/mj-fast",
    );
  });

  it.each([
    [{ MJ_API_URL: "not a url" }, /MJ_API_URL/],
    [{ MJ_API_URL: "ftp://x" }, /MJ_API_URL/],
    [{ MJ_AUTH_HEADER: "basic" }, /MJ_AUTH_HEADER/],
    [{ MJ_TIMEOUT_MS: "10" }, /MJ_TIMEOUT_MS/],
  ])("refuses %j with a message naming the variable", (source, message) => {
    expect(() => parseEnv(source)).toThrow(message);
  });
});
