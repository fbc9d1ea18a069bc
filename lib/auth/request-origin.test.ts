import { describe, expect, it } from "vitest";
import { clientAddress, isCrossOriginWrite, isHttps } from "./request-origin";

const headers = (init: Record<string, string>) => new Headers(init);

describe("isCrossOriginWrite", () => {
  it("lets same-origin writes and requests without an Origin through", () => {
    expect(
      isCrossOriginWrite("POST", headers({ host: "studio.lan:3000", origin: "http://studio.lan:3000" })),
    ).toBe(false);
    expect(isCrossOriginWrite("POST", headers({ host: "studio.lan:3000" }))).toBe(false);
    expect(isCrossOriginWrite("DELETE", headers({ host: "a", "sec-fetch-site": "same-origin" }))).toBe(false);
  });

  it("refuses writes from another origin, a cross-site fetch or an opaque origin", () => {
    expect(
      isCrossOriginWrite("POST", headers({ host: "studio.lan:3000", origin: "http://evil.example" })),
    ).toBe(true);
    expect(
      isCrossOriginWrite("POST", headers({ host: "studio.lan:3000", origin: "http://studio.lan:3001" })),
    ).toBe(true);
    expect(isCrossOriginWrite("PUT", headers({ host: "a", "sec-fetch-site": "cross-site" }))).toBe(true);
    expect(isCrossOriginWrite("PATCH", headers({ host: "a", origin: "null" }))).toBe(true);
  });

  it("ignores reads", () => {
    expect(isCrossOriginWrite("GET", headers({ host: "a", origin: "http://evil.example" }))).toBe(false);
  });

  it("accepts the forwarded host behind a reverse proxy, and default ports written out", () => {
    const proxied = {
      host: "127.0.0.1:3000",
      "x-forwarded-host": "studio.example.com",
      origin: "https://studio.example.com",
    };
    expect(isCrossOriginWrite("POST", headers(proxied))).toBe(false);
    expect(
      isCrossOriginWrite(
        "POST",
        headers({ host: "studio.example.com:443", origin: "https://studio.example.com" }),
      ),
    ).toBe(false);
  });
});

describe("clientAddress and isHttps", () => {
  it("takes the nearest forwarded address", () => {
    expect(clientAddress(headers({ "x-forwarded-for": "1.1.1.1, 10.0.0.2" }))).toBe("10.0.0.2");
    expect(clientAddress(headers({}))).toBe("unknown");
  });

  it("believes X-Forwarded-Proto over the URL", () => {
    expect(isHttps(new URL("http://a/"), headers({ "x-forwarded-proto": "https" }))).toBe(true);
    expect(isHttps(new URL("http://a/"), headers({}))).toBe(false);
  });
});
