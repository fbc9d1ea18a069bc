import { z } from "zod";

/** The submit envelope every `/mj/submit/*` endpoint (and image-seed) answers with (§2). */

export const SUBMIT_CODE = {
  success: 1,
  notFound: 3,
  validationError: 4,
  failure: 9,
  /** trueai/plus: "modal required"; novicezk: "task already exists". */
  existed: 21,
  inQueue: 22,
  queueRejected: 23,
  bannedPrompt: 24,
} as const;

/** `result` is usually a task id, but: numbers in some docs, an array of URLs for uploads. */
const resultSchema = z
  .union([
    z.string(),
    z.number().transform(String),
    z.array(z.union([z.string(), z.number().transform(String)])),
  ])
  .nullish()
  .transform((v) => v ?? null)
  .catch(null);

export const submitResultSchema = z.object({
  code: z.union([
    z.number().int(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ]),
  description: z
    .string()
    .nullish()
    .transform((v) => v ?? "")
    .catch(""),
  result: resultSchema,
  properties: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((v) => v ?? {})
    .catch({}),
});
export type SubmitResult = z.output<typeof submitResultSchema>;

/** Codes that mean the upstream accepted the work and a task id is in `result`. */
export function isAccepted(code: number): boolean {
  return code === SUBMIT_CODE.success || code === SUBMIT_CODE.existed || code === SUBMIT_CODE.inQueue;
}

/** "Imagine all" answers several ids joined by commas in one `result`. */
export function resultTaskIds(result: SubmitResult["result"]): string[] {
  if (result === null) return [];
  const parts = Array.isArray(result) ? result : result.split(",");
  return parts.map((id) => id.trim()).filter((id) => id.length > 0);
}
