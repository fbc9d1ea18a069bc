import { z } from "zod";

/**
 * Request bodies as a midjourney-proxy binds them: lenient about what it does not use (unknown
 * fields ignored, nulls accepted), but a wrong JSON type or an unknown enum string is a model-binding
 * error, which trueai answers with its generic `Result` envelope (§2.2). Emptiness and business
 * rules are checked later, where the servers answer them with code 4.
 */

const text = z.string().nullish();

const base = {
  state: z.string().max(255).nullish(),
  notifyHook: z.string().max(2000).nullish(),
  accountFilter: z
    .looseObject({
      instanceId: text,
      modes: z.array(z.enum(["RELAX", "FAST", "TURBO"])).nullish(),
      remix: z.boolean().nullish(),
      remark: text,
    })
    .nullish(),
};

export const imagineBody = z.looseObject({
  prompt: text,
  botType: text,
  base64Array: z.array(z.string()).nullish(),
  /** novicezk's deprecated single reference image. */
  base64: text,
  ...base,
});

export const describeBody = z.looseObject({
  base64: text,
  link: text,
  botType: text,
  language: text,
  ...base,
});

const BLEND_DIMENSIONS = ["PORTRAIT", "SQUARE", "LANDSCAPE"] as const;

export const blendBody = z.looseObject({
  base64Array: z.array(z.string()).nullish(),
  /** Absent = SQUARE, explicit null = code 4, an unknown string = binding error (§3.3). */
  dimensions: z.enum(BLEND_DIMENSIONS).nullable().optional(),
  botType: text,
  ...base,
});

export const actionBody = z.looseObject({
  taskId: text,
  customId: text,
  enableRemix: z.boolean().nullish(),
  strong: z.boolean().nullish(),
  chooseSameChannel: z.boolean().nullish(),
  ...base,
});

export const modalBody = z.looseObject({
  taskId: text,
  prompt: text,
  maskBase64: text,
  ...base,
});

export const shortenBody = z.looseObject({
  prompt: text,
  botType: text,
  ...base,
});

export const uploadBody = z.looseObject({
  base64Array: z.array(z.string()).nullish(),
  accountFilter: base.accountFilter,
});

/** `SubmitVideoDTO` (§3.7): `motion` and `videoType` are free strings there, read by Midjourney. */
export const videoBody = z.looseObject({
  prompt: text,
  image: text,
  endImage: text,
  loop: z.boolean().nullish(),
  motion: text,
  batchSize: z.number().int().nullish(),
  videoType: text,
  action: text,
  taskId: text,
  index: z.number().int().nullish(),
  ...base,
});

/** `SubmitEditsDTO` (§3.8), for edits and retexture; a `maskBase64` is accepted and ignored. */
export const editBody = z.looseObject({
  prompt: text,
  image: text,
  ...base,
});

export const idsBody = z.looseObject({ ids: z.array(z.string()).nullish() });

export type ImagineBody = z.output<typeof imagineBody>;
export type DescribeBody = z.output<typeof describeBody>;
export type BlendBody = z.output<typeof blendBody>;
export type ActionBody = z.output<typeof actionBody>;
export type ModalBody = z.output<typeof modalBody>;
export type ShortenBody = z.output<typeof shortenBody>;
export type UploadBody = z.output<typeof uploadBody>;
export type VideoBody = z.output<typeof videoBody>;
export type EditBody = z.output<typeof editBody>;
export type AccountFilter = NonNullable<ImagineBody["accountFilter"]>;

export type BodyResult<T> = { ok: true; data: T } | { ok: false; message: string };

/** ASP.NET binds property names case-insensitively (§1.2): `Prompt` fills `prompt`. */
function canonicalKeys(value: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  const byLower = new Map(known.map((key) => [key.toLowerCase(), key]));
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [byLower.get(key.toLowerCase()) ?? key, v]),
  );
}

export async function readBody<S extends z.ZodObject>(
  request: Request,
  schema: S,
  caseInsensitive: boolean,
): Promise<BodyResult<z.output<S>>> {
  const raw = await request.text();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return {
      ok: false,
      message: raw.trim() === "" ? "A non-empty request body is required." : String(error),
    };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, message: "The JSON value could not be converted: a JSON object is required." };
  }
  const input = caseInsensitive
    ? canonicalKeys(json as Record<string, unknown>, Object.keys(schema.shape))
    : json;
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    message: `The JSON value could not be converted. Path: $.${issue?.path.join(".") ?? ""}: ${issue?.message ?? ""}`,
  };
}
