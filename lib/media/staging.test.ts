import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it, vi } from "vitest";

/** What an import killed mid-way (SIGKILL, OOM) leaves in DATA_DIR/tmp goes at the next start. */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mj-staging-"));
process.env.DATA_DIR = dataDir;

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it("the server's start removes the staging folders of imports that never finished", async () => {
  const leftover = path.join(dataDir, "tmp", "import-3b9e7c1a");
  fs.mkdirSync(path.join(leftover, "media"), { recursive: true });
  fs.writeFileSync(path.join(leftover, "upload.zip"), new Uint8Array(1024 * 1024));
  fs.writeFileSync(path.join(leftover, "media", "0"), "half an entry");
  const unrelated = path.join(dataDir, "tmp", "keep-me.txt");
  fs.writeFileSync(unrelated, "not an import");

  const previous = process.env.NEXT_RUNTIME;
  process.env.NEXT_RUNTIME = "nodejs";
  try {
    const { register } = await import("@/instrumentation");
    await register();
  } finally {
    if (previous === undefined) delete process.env.NEXT_RUNTIME;
    else process.env.NEXT_RUNTIME = previous;
  }

  expect(fs.existsSync(leftover)).toBe(false);
  expect(fs.existsSync(unrelated)).toBe(true);
});

it("a start with no staging folder at all creates none and warns of nothing", async () => {
  const { removeLeftoverImports } = await import("./staging");
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  try {
    const missing = path.join(dataDir, "no-such-dir");
    await removeLeftoverImports(missing);
    expect(fs.existsSync(missing)).toBe(false);
    expect(warn).not.toHaveBeenCalled();
  } finally {
    warn.mockRestore();
  }
});
