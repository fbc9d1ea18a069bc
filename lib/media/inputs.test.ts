import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { readBlob } from "./blob-store";
import { createFsBlobStore } from "./fs-blob-store";
import { createRequestInputs } from "./inputs";

describe("request inputs", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  function inputs() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-inputs-"));
    dirs.push(dir);
    const blobs = createFsBlobStore(dir);
    return { dir, blobs, inputs: createRequestInputs(blobs) };
  }

  it("stores an image once under the hash of its bytes, from a data URL or bare base64", async () => {
    const { dir, blobs, inputs: store } = inputs();
    const jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#123" } })
      .jpeg()
      .toBuffer();
    const name = await store.save(`data:image/jpeg;base64,${jpeg.toString("base64")}`);
    expect(name).toBe(`${createHash("sha256").update(jpeg).digest("hex")}.jpg`);
    expect(await store.save(jpeg.toString("base64"))).toBe(name);
    expect(await store.head(name!)).toMatchObject({
      key: `inputs/${name}`,
      size: jpeg.length,
      contentType: "image/jpeg",
    });
    expect((await readBlob((await store.open(name!))!)).equals(jpeg)).toBe(true);
    // Where the task store always kept them: DATA_DIR/inputs.
    expect(fs.existsSync(path.join(dir, "inputs", name!))).toBe(true);
    const keys: string[] = [];
    for await (const info of blobs.list("inputs/")) keys.push(info.key);
    expect(keys).toEqual([`inputs/${name}`]);
  });

  it("refuses what is not a PNG, JPEG, GIF or WebP", async () => {
    const { inputs: store } = inputs();
    expect(await store.save(Buffer.from("<svg onload=alert(1)>").toString("base64"))).toBeNull();
    expect(await store.save("not base64 at all")).toBeNull();
  });

  it("reads and removes only input names", async () => {
    const { inputs: store } = inputs();
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#321" } })
      .png()
      .toBuffer();
    const name = (await store.save(png.toString("base64")))!;
    const part = await store.open(name, { range: { start: 0, end: 7 } });
    expect([...(await readBlob(part!))]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    for (const bad of ["../mj-studio.sqlite", `${"0".repeat(64)}.svg`, "x.png"]) {
      expect(await store.head(bad)).toBeNull();
      expect(await store.open(bad)).toBeNull();
    }
    await store.remove(["../x", name, `${"0".repeat(64)}.png`]);
    expect(await store.head(name)).toBeNull();
  });
});
