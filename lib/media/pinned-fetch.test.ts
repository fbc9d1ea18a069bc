import { createServer, type Server } from "node:http";
import type { LookupAddress } from "node:dns";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPinnedFetch, createPinnedMediaRequest, publicLookup } from "./fetch";

// A name the test resolves itself: the guard saw a public address, the connection gets another.
let server: Server;
let port = 0;
let requests = 0;

beforeAll(async () => {
  server = createServer((_request, response) => {
    requests++;
    response.end("inside");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function lookupOnce(
  addresses: string[],
  options: { all?: boolean; family?: number },
): Promise<{ error: NodeJS.ErrnoException | null; result: unknown }> {
  return new Promise((resolve) =>
    publicLookup(async () => addresses)("cdn.example", options as never, (error, address, family) =>
      resolve({ error, result: options.all ? address : { address, family } }),
    ),
  );
}

describe("createPinnedFetch", () => {
  it("refuses to connect when the name now resolves to a private address (rebinding)", async () => {
    const pinned = createPinnedFetch({ trustedOrigin: null, resolve: async () => ["127.0.0.1"] });
    const before = requests;
    const failure = await pinned(`http://rebound.example:${port}/secret`).then(
      () => null,
      (error: Error & { cause?: { code?: string } }) => error,
    );
    expect(failure?.cause?.code).toBe("EPRIVATEADDRESS");
    expect(requests).toBe(before);
  });

  it("refuses a name whose answers mix public and private addresses", async () => {
    const pinned = createPinnedFetch({
      trustedOrigin: null,
      resolve: async () => ["93.184.216.34", "10.0.0.5"],
    });
    await expect(pinned(`http://mixed.example:${port}/`)).rejects.toMatchObject({
      cause: { code: "EPRIVATEADDRESS" },
    });
  });

  it("lets the trusted origin (the upstream's own, on the LAN) through with the plain fetch", async () => {
    const origin = `http://127.0.0.1:${port}`;
    const pinned = createPinnedFetch({ trustedOrigin: origin, resolve: async () => [] });
    const response = await pinned(`${origin}/file.png`);
    expect(await response.text()).toBe("inside");
  });
});

describe("createPinnedMediaRequest (the upstream client's media GET)", () => {
  const signal = new AbortController().signal;

  it("refuses to connect when the name now resolves to a private address (rebinding)", async () => {
    const pinned = createPinnedMediaRequest({ trustedOrigin: null, resolve: async () => ["127.0.0.1"] });
    const before = requests;
    await expect(pinned(`http://rebound.example:${port}/secret.png`, signal)).rejects.toMatchObject({
      code: "EPRIVATEADDRESS",
    });
    expect(requests).toBe(before);
  });

  it("lets the trusted origin through on the plain pool, and reads the body as it came", async () => {
    const origin = `http://127.0.0.1:${port}`;
    const pinned = createPinnedMediaRequest({ trustedOrigin: origin, resolve: async () => [] });
    const answer = await pinned(`${origin}/file.png`, signal);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Content-Length")).toBe("6");
    const chunks: Uint8Array[] = [];
    for await (const chunk of answer.body!) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe("inside");
  });
});

describe("publicLookup", () => {
  it("hands the socket the public addresses, one or all as net asks", async () => {
    const both = ["93.184.216.34", "2606:2800:220:1::"];
    expect((await lookupOnce(both, {})).result).toEqual({ address: "93.184.216.34", family: 4 });
    expect((await lookupOnce(both, { family: 6 })).result).toEqual({
      address: "2606:2800:220:1::",
      family: 6,
    });
    const all = (await lookupOnce(both, { all: true })).result as LookupAddress[];
    expect(all).toEqual([
      { address: "93.184.216.34", family: 4 },
      { address: "2606:2800:220:1::", family: 6 },
    ]);
  });

  it("fails when nothing is left or the resolver fails", async () => {
    expect((await lookupOnce([], {})).error?.code).toBe("EPRIVATEADDRESS");
    expect((await lookupOnce(["::ffff:127.0.0.1"], { all: true })).error?.code).toBe("EPRIVATEADDRESS");
    const failed = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      publicLookup(async () => {
        throw Object.assign(new Error("no such host"), { code: "ENOTFOUND" });
      })("gone.example", {} as never, (error) => resolve(error)),
    );
    expect(failed?.code).toBe("ENOTFOUND");
  });
});
