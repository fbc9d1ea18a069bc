import { describe, expect, it } from "vitest";
import { openMedia } from "./fetch";

/** What openMedia reports of an upstream's answer, with a stand-in upstream and an open guard. */
function opened(headers: Record<string, string>) {
  const upstream = { fetchMedia: async () => new Response(new Uint8Array(64), { headers }) };
  return openMedia({ upstream, guard: async () => {} }, "https://cdn.example/a.png");
}

describe("openMedia's length", () => {
  it("is the upstream's Content-Length for a body sent as it is", async () => {
    expect((await opened({ "content-type": "image/png", "content-length": "64" })).length).toBe(64);
  });

  it("is unknown for a gzip or br body, which the download decodes to more bytes than that length", async () => {
    for (const encoding of ["gzip", "br"]) {
      const media = await opened({
        "content-type": "image/png",
        "content-length": "20",
        "content-encoding": encoding,
      });
      expect(media.length).toBeNull();
    }
  });
});
