import { describe, expect, it } from "vitest";
import {
  clientAddress,
  hostAllowed,
  hostname,
  isCrossOriginWrite,
  isHttps,
  PEER_HEADER,
  requestHosts,
  trustedProxyList,
} from "./request-origin";

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

describe("hostAllowed", () => {
  const rules = { any: false, names: ["studio.example.com", ".lan"] };
  it.each([
    ["127.0.0.1:3000", true],
    ["[::1]:3000", true],
    ["10.0.0.5", true],
    ["localhost:3000", true],
    ["app.localhost", true],
    ["studio.example.com", true],
    ["STUDIO.example.com.:443", true],
    ["nas.lan:3000", true],
    ["lan", true],
    ["evil.example", false],
    ["studio.example.com.evil.example", false],
    ["localhost.evil.example", false],
    ["evil.example/x", false],
    ["", false],
  ])("%j -> %j", (host, expected) => {
    expect(hostAllowed(host, rules)).toBe(expected);
  });

  it("answers a Host seen before as it did, however many other Hosts came between", () => {
    expect(hostname("Studio.Example.com:3000")).toBe("studio.example.com");
    expect(hostname("evil.example/x")).toBeNull();
    // More Hosts than the memo keeps, as a client sending any Host it likes would.
    for (let i = 0; i < 1000; i++) expect(hostname(`h${i}.example:${i}`)).toBe(`h${i}.example`);
    expect(hostname("Studio.Example.com:3000")).toBe("studio.example.com");
    expect(hostname("evil.example/x")).toBeNull();
    expect(hostAllowed("evil.example/x", rules)).toBe(false);
  });

  it("allows any host with ALLOWED_HOSTS=*", () => {
    expect(hostAllowed("evil.example", { any: true, names: [] })).toBe(true);
  });
});

describe("clientAddress and isHttps", () => {
  it("believes forwarded entries only through trusted proxies once the server marked the peer", () => {
    const forged = headers({ "x-forwarded-for": "1.1.1.1, 203.0.113.9", [PEER_HEADER]: "203.0.113.9" });
    expect(clientAddress(forged)).toBe("203.0.113.9");
    const proxied = headers({
      "x-forwarded-for": "6.6.6.6, 198.51.100.4, 127.0.0.1",
      [PEER_HEADER]: "127.0.0.1",
    });
    expect(clientAddress(proxied, trustedProxyList(["127.0.0.1"]))).toBe("198.51.100.4");
    expect(clientAddress(proxied, trustedProxyList(["127.0.0.0/8", "198.51.100.0/24"]))).toBe("6.6.6.6");
    expect(clientAddress(proxied)).toBe("127.0.0.1");
  });

  it("keys IPv6 clients by their /64 and IPv4-mapped ones as IPv4", () => {
    const v6 = (address: string) =>
      clientAddress(headers({ "x-forwarded-for": address, [PEER_HEADER]: address }));
    expect(v6("2001:db8:1:2:aaaa::1")).toBe(v6("2001:db8:1:2:bbbb::2"));
    expect(v6("2001:db8:1:3::1")).not.toBe(v6("2001:db8:1:2::1"));
    expect(v6("::ffff:192.0.2.1")).toBe("192.0.2.1");
  });

  it("takes the peer the server marked, and puts requests it did not mark under one key", () => {
    expect(
      clientAddress(headers({ "x-forwarded-for": "1.1.1.1, 10.0.0.2", [PEER_HEADER]: "10.0.0.2" })),
    ).toBe("10.0.0.2");
    // No mark (before the hook was installed): X-Forwarded-For is whatever the client wrote.
    expect(clientAddress(headers({ "x-forwarded-for": "1.1.1.1, 10.0.0.2" }))).toBe("unknown");
    expect(clientAddress(headers({ "x-forwarded-for": "1.1.1.1", [PEER_HEADER]: "10.0.0.2" }))).toBe(
      "unknown",
    );
    expect(clientAddress(headers({}))).toBe("unknown");
  });

  it("checks the forwarded host alone only when a trusted proxy sent it", () => {
    const proxied = { host: "mj-studio:3000", "x-forwarded-host": "studio.example.com" };
    const loopback = trustedProxyList(["127.0.0.1"]);
    expect(requestHosts(headers({ ...proxied, [PEER_HEADER]: "127.0.0.1" }), loopback)).toEqual([
      "studio.example.com",
    ]);
    expect(requestHosts(headers({ ...proxied, [PEER_HEADER]: "203.0.113.9" }), loopback)).toEqual([
      "mj-studio:3000",
      "studio.example.com",
    ]);
    expect(requestHosts(headers(proxied), loopback)).toEqual(["mj-studio:3000", "studio.example.com"]);
  });

  it("believes X-Forwarded-Proto over the URL", () => {
    expect(isHttps(new URL("http://a/"), headers({ "x-forwarded-proto": "https" }))).toBe(true);
    expect(isHttps(new URL("http://a/"), headers({}))).toBe(false);
  });
});
