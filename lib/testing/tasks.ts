import { taskSchema, type Task } from "@/lib/mj/task";

/** A parsed Task for a test: a submitted imagine-sized record unless `fields` say otherwise. */
export function makeTask(fields: Record<string, unknown>): Task {
  return taskSchema.parse({
    id: "1723456789012345",
    status: "SUBMITTED",
    submitTime: 1_700_000_000_000,
    ...fields,
  });
}
