import { z } from "zod";

/** `GET /api/tasks` query: newest first, opaque cursor, 1-100 per page. */
export const historyQuerySchema = z.object({
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be between 1 and 100" })
    .max(100, { error: "limit must be between 1 and 100" })
    .default(30),
  cursor: z
    .string()
    .max(512, { error: "cursor is not valid" })
    .optional()
    .transform((v) => v || null),
});
export type HistoryQuery = z.output<typeof historyQuerySchema>;
