import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { taskSchema, type Task } from "@/lib/mj/task";
import { originalsZip, type OriginalsSources } from "./archive";

/**
 * The zip mechanics on their own (the orchestration's tests, with a real store, cache and task
 * service, are lib/tasks/archive.test.ts).
 */

async function read(stream: ReadableStream<Uint8Array>): Promise<Record<string, Uint8Array>> {
  return unzipSync(new Uint8Array(await new Response(stream).arrayBuffer()));
}

/** Nothing cached; every URL answers with its own bytes as a PNG. */
function upstreamOnly(log: string[] = []): OriginalsSources {
  return {
    cache: { get: async () => null, open: async () => null },
    download: async (url) => ({
      body: new Response(new TextEncoder().encode(url)).body!,
      contentType: "image/png",
      length: null,
    }),
    log: (message) => log.push(message),
  };
}

const task = (fields: Partial<Task> & { id: string }): Task =>
  taskSchema.parse({ status: "SUCCESS", imageUrl: `https://cdn.example/${fields.id}.png`, ...fields });

describe("the bulk download's zip", () => {
  it("names entries after the prompt in any script: a Chinese prompt survives, as in the lightbox", async () => {
    const entries = await read(
      originalsZip(
        [
          task({
            id: "1712345678901234",
            prompt: "一只红狐狸 在雪中 <https://x.example/a.png> --ar 2:3 --v 7",
          }),
        ],
        upstreamOnly(),
      ),
    );
    expect(Object.keys(entries)).toEqual(["一只红狐狸-在雪中-1712345678901234-image.png"]);
  });

  it("gives each entry its own name, and leaves out (and logs) what cannot be opened", async () => {
    const log: string[] = [];
    const sources = upstreamOnly(log);
    const download = sources.download;
    sources.download = async (url) => {
      if (url.includes("gone")) throw new Error("expired");
      return download(url);
    };
    const same = { prompt: "a fox" };
    const entries = await read(
      originalsZip(
        [
          task({ id: "111", ...same }),
          task({ id: "111", ...same, imageUrl: "https://cdn.example/111-again.png" }),
          task({ id: "222", ...same, imageUrl: "https://cdn.example/gone.png" }),
        ],
        sources,
      ),
    );
    expect(Object.keys(entries)).toEqual(["a-fox-111-image.png", "a-fox-111-image-2.png"]);
    expect(new TextDecoder().decode(entries["a-fox-111-image-2.png"])).toBe(
      "https://cdn.example/111-again.png",
    );
    expect(log).toEqual([expect.stringMatching(/skipping image of 222: Error: expired/)]);
  });
});
