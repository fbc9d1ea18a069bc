import fs from "node:fs";
import path from "node:path";
import { expect, it, vi } from "vitest";
import { testServer } from "@/lib/testing/server-env";
import { createFsBlobStore } from "./fs-blob-store";

/** What an import killed mid-way (SIGKILL, OOM) leaves staged goes at the next start. */

const { dataDir } = testServer();

async function keys(prefix: string, root = dataDir): Promise<string[]> {
  const found: string[] = [];
  for await (const info of createFsBlobStore(root).list(prefix)) found.push(info.key);
  return found;
}

it("the server's start removes the staged uploads of imports that never finished", async () => {
  const blobs = createFsBlobStore(dataDir);
  const zip = { contentType: "application/zip" };
  await blobs.put("staging/3b9e7c1a.zip", new Uint8Array(1024 * 1024), zip);
  await blobs.put("staging/5d0f2e88.zip", new TextEncoder().encode("half an upload"), zip);
  await blobs.put("media/1234/image.png", new Uint8Array(8), { contentType: "image/png" });

  const previous = process.env.NEXT_RUNTIME;
  process.env.NEXT_RUNTIME = "nodejs";
  try {
    const { register } = await import("@/instrumentation");
    await register();
  } finally {
    if (previous === undefined) delete process.env.NEXT_RUNTIME;
    else process.env.NEXT_RUNTIME = previous;
  }

  expect(await keys("staging/")).toEqual([]);
  expect(await keys("")).toEqual(["media/1234/image.png"]);
});

it("in a shared bucket only old leftovers go: another instance's import in progress stays", async () => {
  const { removeLeftoverImports, SHARED_LEFTOVER_AGE_MS } = await import("./staging");
  const root = path.join(dataDir, "shared");
  const blobs = createFsBlobStore(root);
  const zip = { contentType: "application/zip" };
  await blobs.put("staging/old.zip", new Uint8Array(16), zip);
  await blobs.put("staging/in-progress.zip", new Uint8Array(16), zip);
  const longAgo = new Date(Date.now() - SHARED_LEFTOVER_AGE_MS - 60_000);
  fs.utimesSync(path.join(root, "staging", "old.zip"), longAgo, longAgo);
  await removeLeftoverImports(blobs, { olderThanMs: SHARED_LEFTOVER_AGE_MS });
  expect(await keys("staging/", root)).toEqual(["staging/in-progress.zip"]);
});

it("a start with nothing staged creates nothing and warns of nothing", async () => {
  const { removeLeftoverImports } = await import("./staging");
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  try {
    const empty = path.join(dataDir, "no-such-dir");
    const blobs = createFsBlobStore(empty);
    const before = fs.readdirSync(empty, { recursive: true });
    await removeLeftoverImports(blobs);
    expect(fs.readdirSync(empty, { recursive: true })).toEqual(before);
    expect(await keys("", empty)).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  } finally {
    warn.mockRestore();
  }
});
