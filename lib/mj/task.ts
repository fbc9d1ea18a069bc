import { z } from "zod";
import { LIMITS } from "./requests";

/**
 * The upstream Task object (docs/protocol.md §4), parsed tolerantly: the three server families
 * disagree on nulls, zero values, number-vs-string and enum spellings, and a task must never be
 * dropped because one field looks odd. Unknown fields are kept so the app can mirror whatever the
 * upstream sends. Text is bounded here, where every copy of a task passes (upstream answers, archive
 * imports, the stored record): a megabyte prompt would freeze every view that shows it.
 */

/**
 * Caps on stored text. A prompt may exceed what the app accepts (the upstream prepends uploaded
 * image URLs, a relay may add parameters), so it gets some room above LIMITS.promptChars.
 */
export const TASK_TEXT_LIMITS = {
  promptChars: LIMITS.promptChars + 2_000,
  textChars: 4_000,
} as const;

/**
 * Caps on stored lists: a real task has at most a few dozen buttons and a handful of images or
 * videos. Nested values of open-ended fields keep this many entries per list or object, this
 * deep; what lies deeper becomes null.
 */
export const TASK_LIST_LIMITS = {
  buttons: 50,
  mediaRefs: 100,
  nestedEntries: 100,
  nestedDepth: 4,
} as const;

/**
 * Cuts text longer than `max` UTF-16 units to `max`, ending in an ellipsis, without splitting a
 * surrogate pair. Text already within bounds is returned as it is, so re-parsing changes nothing.
 */
export function boundText(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max - 1;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${value.slice(0, end)}…`;
}

/**
 * A value of an open-ended object (properties, unknown fields) with every string in it bounded:
 * top-level strings like prompts (a relay's `finalPrompt`), nested ones like free text, and
 * nested lists and objects cut to their first entries.
 */
function boundedValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") {
    return boundText(value, depth === 0 ? TASK_TEXT_LIMITS.promptChars : TASK_TEXT_LIMITS.textChars);
  }
  if (typeof value !== "object" || value === null) return value;
  if (depth >= TASK_LIST_LIMITS.nestedDepth) return null;
  const keep = TASK_LIST_LIMITS.nestedEntries;
  if (Array.isArray(value)) return value.slice(0, keep).map((item) => boundedValue(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, keep)
      .map(([key, item]) => [key, boundedValue(item, depth + 1)]),
  );
}
const boundedUnknown = z.unknown().transform((value) => boundedValue(value));

/** Doc generators render enum members as TS source (`/** X *\/\r\nX = 'X'`); the value is X. */
function bareEnumName(value: string): string {
  const match = /(\w+)\s*=\s*['"](\w+)['"]/.exec(value);
  return match?.[2] ?? value.trim();
}

const wireText = z
  .union([z.string(), z.number().transform(String)])
  .nullish()
  .transform((v) => v ?? null)
  .catch(null);

/** URLs are not bounded: a cut one would point somewhere else. */
const url = wireText;
const boundedText = (max: number) => wireText.transform((v) => (v === null ? null : boundText(v, max)));
const text = boundedText(TASK_TEXT_LIMITS.textChars);
const promptText = boundedText(TASK_TEXT_LIMITS.promptChars);

const enumText = text.transform((v) => (v === null ? null : bareEnumName(v)));

/** Epoch milliseconds; relays send 0 for "not yet", some docs show numeric strings. */
const epochMs = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
  .nullish()
  .transform((v) => (v ? v : null))
  .catch(null);

const integer = z
  .number()
  .int()
  .nullish()
  .transform((v) => v ?? null)
  .catch(null);

/** `"NN%"` on the wire; a bare number is accepted and written back the same way. */
const progressText = z
  .union([z.string(), z.number().transform((n) => `${n}%`)])
  .nullish()
  .transform((v) => v ?? null)
  .catch(null);

/** `imageUrls`/`videoUrls` items are `{url, thumbnail}` objects; tolerate bare strings too. */
export const mediaRefSchema = z.union([
  z.string().transform((url) => ({ url, thumbnail: null as string | null })),
  z.looseObject({ url: z.string(), thumbnail: url }).catchall(boundedUnknown),
]);
export type MediaRef = z.output<typeof mediaRefSchema>;

/** The first `max` items that parse, each parsed on its own so a broken one drops only itself. */
function firstValid<T>(items: unknown[], schema: z.ZodType<T>, max: number): T[] {
  const kept: T[] = [];
  for (const item of items) {
    if (kept.length >= max) break;
    const parsed = schema.safeParse(item);
    if (parsed.success) kept.push(parsed.data);
  }
  return kept;
}

const mediaList = z
  .array(z.unknown())
  .nullish()
  .transform((items) =>
    items
      ? firstValid(
          items,
          mediaRefSchema.refine((ref) => ref.url !== ""),
          TASK_LIST_LIMITS.mediaRefs,
        )
      : null,
  )
  .catch(null);

/** A customId longer than the app would send back is dropped, not cut: a cut id is another id. */
export const buttonSchema = z
  .looseObject({
    customId: z.string().min(1).max(LIMITS.customIdChars),
    emoji: text.transform((v) => v ?? ""),
    label: text.transform((v) => v ?? ""),
    style: integer,
    type: integer,
  })
  .catchall(boundedUnknown);
export type Button = z.output<typeof buttonSchema>;

/** Buttons without a customId (Discord link buttons) are dropped, as the proxies do. */
const buttonList = z
  .array(z.unknown())
  .nullish()
  .transform((items) => firstValid(items ?? [], buttonSchema, TASK_LIST_LIMITS.buttons))
  .catch([]);

const propertiesSchema = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((v) =>
    v ? Object.fromEntries(Object.entries(v).map(([k, value]) => [k, boundedValue(value)])) : {},
  )
  .catch({});

/** Unknown fields are bounded like the rest (`catchall` on the loose object). */
export const taskSchema = z
  .looseObject({
    id: z.union([z.string().min(1), z.number().transform(String)]),
    action: enumText,
    /** Kept as a string: relays send `""` before their first poll, servers may add values. */
    status: enumText.transform((v) => v ?? ""),
    prompt: promptText,
    promptEn: promptText,
    description: text,
    state: text,
    submitTime: epochMs,
    startTime: epochMs,
    finishTime: epochMs,
    imageUrl: url,
    imageUrls: mediaList,
    thumbnailUrl: url,
    videoUrl: url,
    videoUrls: mediaList,
    progress: progressText,
    failReason: text,
    properties: propertiesSchema,
    buttons: buttonList,
    parentId: text,
    botType: enumText,
    mode: enumText,
    seed: text,
    width: integer,
    height: integer,
    contentType: text,
  })
  .catchall(boundedUnknown);
export type Task = z.output<typeof taskSchema>;

/** A list response: every item parsed on its own so one broken entry drops only itself. */
export const taskListSchema = z.array(z.unknown()).transform((items) =>
  items.flatMap((item) => {
    const parsed = taskSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  }),
);

export const TASK_STATUS = {
  notStart: "NOT_START",
  submitted: "SUBMITTED",
  modal: "MODAL",
  inProgress: "IN_PROGRESS",
  success: "SUCCESS",
  failure: "FAILURE",
  cancel: "CANCEL",
} as const;

/**
 * Every `action` the servers of §4.3 write: trueai's (with the deprecated ones old rows still
 * carry) and new-api's own labels. The history filters by these.
 */
export const TASK_ACTIONS = [
  "IMAGINE",
  "UPSCALE",
  "UPSCALE_HD",
  "VARIATION",
  "HIGH_VARIATION",
  "LOW_VARIATION",
  "REROLL",
  "ZOOM",
  "CUSTOM_ZOOM",
  "PAN",
  "DESCRIBE",
  "BLEND",
  "SHORTEN",
  "VIDEO",
  "VIDEO_EXTEND",
  "EDIT",
  "EDITS",
  "RETEXTURE",
  "INPAINT",
  "OUTPAINT",
  "MODAL",
  "SWAP_FACE",
  "SWAP_VIDEO_FACE",
  "UPLOAD",
  "ACTION",
  "SHOW",
  "PIC_READER",
] as const;

const TERMINAL = new Set<string>([TASK_STATUS.success, TASK_STATUS.failure, TASK_STATUS.cancel]);

export function isTerminalStatus(status: string): boolean {
  return TERMINAL.has(status);
}

/** `"45%"` -> 45; null when the task has no numeric progress yet. */
export function progressPercent(progress: string | null): number | null {
  if (!progress) return null;
  const n = Number.parseFloat(progress);
  return Number.isFinite(n) ? Math.min(100, Math.max(0, n)) : null;
}

/**
 * Orders the states a task passes through, the same way trueai orders its webhooks (§4.7):
 * NOT_START/MODAL 0 < SUBMITTED 1 < IN_PROGRESS 3 + progress/100 < FAILURE/CANCEL 4 < SUCCESS 5.
 * A relay's empty status (its copy has not been refreshed yet) ranks below everything, and an
 * unknown status ranks just above MODAL, so neither can undo something already seen.
 */
export function statusRank(task: Pick<Task, "status" | "progress">): number {
  switch (task.status) {
    case "":
      return -1;
    case TASK_STATUS.notStart:
    case TASK_STATUS.modal:
      return 0;
    case TASK_STATUS.submitted:
      return 1;
    case TASK_STATUS.inProgress:
      return 3 + (progressPercent(task.progress) ?? 0) / 100;
    case TASK_STATUS.failure:
    case TASK_STATUS.cancel:
      return 4;
    case TASK_STATUS.success:
      return 5;
    default:
      return 0.5;
  }
}
