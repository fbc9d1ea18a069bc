import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { createSqliteTaskStore } from "./sqlite-task-store";
import type { TaskStore } from "./task-store";

export { InvalidCursorError, type TaskPage, type TaskStore } from "./task-store";

// On globalThis rather than in a module variable: Next dev re-evaluates modules on every edit,
// and each evaluation would otherwise open another connection to the same file.
const holder = globalThis as typeof globalThis & { __mjStudioTaskStore?: TaskStore };

export function getTaskStore(): TaskStore {
  holder.__mjStudioTaskStore ??= createSqliteTaskStore(path.join(env().dataDir, "mj-studio.sqlite"));
  return holder.__mjStudioTaskStore;
}
