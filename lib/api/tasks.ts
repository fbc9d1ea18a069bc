import { z } from "zod";
import { submitResultSchema, type SubmitResult } from "@/lib/mj/envelope";
import type {
  ActionRequest,
  BlendRequest,
  DescribeRequest,
  ImagineRequest,
  ModalRequest,
} from "@/lib/mj/requests";
import { taskListSchema, taskSchema, type Task } from "@/lib/mj/task";
import { blendRequestSchema, describeRequestSchema, imagineRequestSchema, LIMITS } from "@/lib/mj/requests";
import { historyDetailSchema } from "@/lib/mj/history-query";
import { fetchJson } from "./fetch-json";

/** Browser calls to the app's mirror of the protocol and to its history. Every answer is parsed before use. */

const post = (path: string, body: unknown) => fetchJson(path, { method: "POST", body: JSON.stringify(body) });
const taskPath = (id: string) => `/api/tasks/${encodeURIComponent(id)}`;

async function submit(path: string, body: unknown): Promise<SubmitResult> {
  return submitResultSchema.parse(await post(path, body));
}

const countSchema = (key: string) =>
  z.object({ [key]: z.number() }).transform((value) => value[key] as number);

export const api = {
  imagine: (body: ImagineRequest) => submit("/api/mj/submit/imagine", body),
  describe: (body: DescribeRequest) => submit("/api/mj/submit/describe", body),
  blend: (body: BlendRequest) => submit("/api/mj/submit/blend", body),
  action: (body: ActionRequest) => submit("/api/mj/submit/action", body),
  modal: (body: ModalRequest) => submit("/api/mj/submit/modal", body),
  cancel: async (id: string) =>
    submitResultSchema.parse(await post(`/api/mj/task/${encodeURIComponent(id)}/cancel`, {})),

  /** One request per 200 ids (the API's bound); in practice one request per poll. */
  async listByIds(ids: string[]): Promise<Task[]> {
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += LIMITS.idsPerList) chunks.push(ids.slice(i, i + LIMITS.idsPerList));
    const lists = await Promise.all(
      chunks.map(async (chunk) =>
        taskListSchema.parse(await post("/api/mj/task/list-by-ids", { ids: chunk })),
      ),
    );
    return lists.flat();
  },

  setFavorite: async (id: string, favorite: boolean): Promise<Task> =>
    taskSchema.parse(await fetchJson(taskPath(id), { method: "PATCH", body: JSON.stringify({ favorite }) })),
  setFavoriteMany: async (ids: string[], favorite: boolean): Promise<number> =>
    countSchema("updated").parse(
      await fetchJson("/api/tasks", { method: "PATCH", body: JSON.stringify({ ids, favorite }) }),
    ),
  remove: async (id: string): Promise<void> => {
    await fetchJson(taskPath(id), { method: "DELETE" });
  },
  removeMany: async (ids: string[]): Promise<number> =>
    countSchema("deleted").parse(await post("/api/tasks/delete", { ids })),

  /**
   * What the app submitted for a task, ready to submit again: its stored images (app URLs the
   * upstream cannot reach) come back inline as data URLs. Null for tasks made elsewhere.
   */
  async originalRequest(id: string): Promise<OriginalRequest | null> {
    const { request } = historyDetailSchema.parse(await fetchJson(taskPath(id)));
    if (!request) return null;
    const body: Record<string, unknown> = { ...request.body };
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === "string") body[key] = await inlineInput(value);
      else if (Array.isArray(value))
        body[key] = await Promise.all(
          value.map((item) => (typeof item === "string" ? inlineInput(item) : item)),
        );
    }
    const parsed = originalRequestSchema.safeParse({ kind: request.kind, body });
    return parsed.success ? parsed.data : null;
  },
};

const originalRequestSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("imagine"), body: imagineRequestSchema }),
  z.object({ kind: z.literal("describe"), body: describeRequestSchema }),
  z.object({ kind: z.literal("blend"), body: blendRequestSchema }),
  z.object({ kind: z.literal("action"), body: z.unknown() }),
  z.object({ kind: z.literal("modal"), body: z.unknown() }),
]);
export type OriginalRequest = z.output<typeof originalRequestSchema>;

/** A stored request image (`/api/inputs/...`) as a data URL; anything else unchanged. */
async function inlineInput(value: string): Promise<string> {
  if (!value.startsWith("/api/inputs/")) return value;
  const response = await fetch(value);
  if (!response.ok) throw new Error(`The original image ${value} is gone (HTTP ${response.status}).`);
  const blob = await response.blob();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("The original image could not be read."));
    reader.readAsDataURL(blob);
  });
}
