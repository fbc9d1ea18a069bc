import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { createSqliteTaskStore } from "@/lib/store/sqlite-task-store";
import type { TaskStore } from "@/lib/store/task-store";

/**
 * A fresh data directory and SQLite path for every test, and everything opened on it closed
 * and removed afterwards. Call once at the top of a test file.
 */
export function tempStoreFixture(prefix: string, file = "mj-studio.sqlite") {
  const toClose: { close(): unknown }[] = [];
  const temp = {
    dir: "",
    dbPath: "",
    /** Closes `handle` after the test (unless the test already did). */
    track<T extends { close(): unknown }>(handle: T): T {
      toClose.push(handle);
      return handle;
    },
    openStore(): TaskStore {
      return temp.track(createSqliteTaskStore(temp.dbPath));
    },
  };
  beforeEach(() => {
    temp.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    temp.dbPath = path.join(temp.dir, file);
  });
  afterEach(async () => {
    for (const handle of toClose.splice(0)) {
      try {
        await handle.close();
      } catch {
        // Already closed by the test itself.
      }
    }
    fs.rmSync(temp.dir, { recursive: true, force: true });
  });
  return temp;
}
