import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { taskSchema } from "@/lib/mj/task";
import { fetchJson } from "./fetch-json";

/** Query-option factories: each keeps its key and its fetcher together. */

export const healthSchema = z.object({ ok: z.boolean(), mode: z.enum(["demo", "upstream"]) });

export const taskPageSchema = z.object({
  items: z.array(taskSchema),
  nextCursor: z.string().nullable(),
});
export type TaskPageData = z.output<typeof taskPageSchema>;

export function healthQuery() {
  return queryOptions({
    queryKey: ["health"],
    queryFn: async () => healthSchema.parse(await fetchJson("/api/health")),
  });
}

export function recentTasksQuery(limit = 24) {
  return queryOptions({
    queryKey: ["tasks", "recent", limit],
    queryFn: async () => taskPageSchema.parse(await fetchJson(`/api/tasks?limit=${limit}`)),
  });
}
