import sharp from "sharp";
import { z } from "zod";
import { createSimulator } from "./simulator";
import type { Simulator, SimulatorOptions } from "./types";

/**
 * Test helpers for the simulator's own tests: a manual clock (so a job "takes" seconds without the
 * test waiting for them), request shorthands, and parsers that hold every answer to the wire
 * shapes of docs/protocol.md as this simulator writes them. (That the app reads them is checked on
 * the app's side, in lib/upstream/simulator-contract.test.ts.)
 */

/** The submit envelope (§2): the same four fields in every family. */
export const envelopeSchema = z.strictObject({
  code: z.number().int(),
  description: z.string(),
  result: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
});
export type Envelope = z.output<typeof envelopeSchema>;

const buttonSchema = z.strictObject({
  customId: z.string().min(1),
  emoji: z.string(),
  label: z.string(),
  style: z.number().int(),
  type: z.number().int(),
});

const mediaRefSchema = z.looseObject({ url: z.string().min(1), thumbnail: z.string().nullish() });

/**
 * The Task object (§4) as any of the three families writes it: the fields they share, and
 * trueai's extras where the tests read them. A relay's copy before its first poll has null
 * buttons and properties, read here as none.
 */
export const wireTaskSchema = z.looseObject({
  id: z.string().regex(/^\d{16}$/),
  action: z.string().min(1),
  status: z.enum(["", "NOT_START", "SUBMITTED", "MODAL", "IN_PROGRESS", "SUCCESS", "FAILURE"]),
  prompt: z.string(),
  promptEn: z.string(),
  description: z.string(),
  state: z.string().nullable(),
  submitTime: z.number().int(),
  startTime: z.number().int().nullable(),
  finishTime: z.number().int().nullable(),
  imageUrl: z.string().nullable(),
  progress: z.string().nullable(),
  failReason: z.string().nullable(),
  properties: z
    .record(z.string(), z.unknown())
    .nullable()
    .transform((v) => v ?? {}),
  buttons: z
    .array(buttonSchema)
    .nullable()
    .transform((v) => v ?? []),
  parentId: z.string().nullish(),
  mode: z.string().nullish(),
  seed: z.string().nullish(),
  width: z.number().int().nullish(),
  height: z.number().int().nullish(),
  contentType: z.string().nullish(),
  videoUrl: z.string().nullish(),
  videoUrls: z.array(mediaRefSchema).nullish(),
  baseImageUrl: z.string().nullish(),
  videoGenOriginImageUrl: z.string().nullish(),
  videoDuration: z.number().int().nullish(),
  frameCount: z.number().int().nullish(),
  videoType: z.string().nullish(),
  isHdVideo: z.boolean().nullish(),
});
export type Task = z.output<typeof wireTaskSchema>;

export const BASE = "http://simulator.invalid";
export const T0 = 1_700_000_000_000;

export interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

export interface Harness {
  sim: Simulator;
  /** Current simulated time; `advance` moves it. */
  now(): number;
  advance(ms: number): void;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  /** POST a submit and parse the envelope (fails the test on anything else). */
  submit(path: string, body: unknown, headers?: Record<string, string>): Promise<Envelope>;
  task(id: string, headers?: Record<string, string>): Promise<Task>;
  /** Moves the clock until the task leaves the running states; returns it. */
  settle(id: string, headers?: Record<string, string>): Promise<Task>;
}

const open: Simulator[] = [];

/** Closes every simulator the tests created (call from afterEach). */
export function closeAll(): void {
  while (open.length > 0) open.pop()!.close();
}

async function answer(response: Response): Promise<Answer> {
  return { status: response.status, text: await response.text(), headers: response.headers };
}

export function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

export function harness(options: SimulatorOptions = {}): Harness {
  let t = T0;
  const sim = createSimulator({ now: () => t, ...options });
  open.push(sim);
  const url = (path: string) => (path.startsWith("http") ? path : `${BASE}${path}`);
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) =>
    answer(
      await sim.fetch(url(path), {
        method: "POST",
        body: typeof body === "string" ? body : JSON.stringify(body),
        headers: { "content-type": "application/json", ...headers },
      }),
    );
  const get = async (path: string, headers: Record<string, string> = {}) =>
    answer(await sim.fetch(url(path), { headers }));
  const task = async (id: string, headers?: Record<string, string>) => {
    const res = await get(`/mj/task/${id}/fetch`, headers);
    if (res.status !== 200) throw new Error(`fetch ${id}: HTTP ${res.status} ${res.text}`);
    return wireTaskSchema.parse(parseJson(res.text));
  };
  return {
    sim,
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    post,
    get,
    submit: async (path, body, headers) =>
      envelopeSchema.parse(parseJson((await post(path, body, headers)).text)),
    task,
    settle: async (id, headers) => {
      for (let i = 0; i < 400; i++) {
        const current = await task(id, headers);
        if (["SUCCESS", "FAILURE", "MODAL"].includes(current.status)) return current;
        t += 500;
      }
      throw new Error(`task ${id} never settled`);
    },
  };
}

/** A solid-colour PNG. */
export function png(width: number, height: number, colour = { r: 200, g: 60, b: 40 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** A 16:9 PNG with shapes all over it, so any camera move or repaint shows. */
export function shapesPng(sky: string, shapes: string, width = 320): Promise<Buffer> {
  const discs = Array.from(
    { length: 12 },
    (_, i) =>
      `<circle cx="${30 + ((i * 53) % 260)}" cy="${20 + ((i * 37) % 140)}" r="${8 + (i % 4) * 5}" fill="${shapes}"/>`,
  ).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180">
    <rect width="320" height="180" fill="${sky}"/><rect y="120" width="320" height="60" fill="#203010"/>${discs}</svg>`;
  return sharp(Buffer.from(svg))
    .resize(width, Math.round((width * 9) / 16))
    .png()
    .toBuffer();
}

export const dataUrl = (image: Buffer) => `data:image/png;base64,${image.toString("base64")}`;

export function buttonId(task: Task, match: (customId: string) => boolean): string {
  const found = task.buttons.find((b) => match(b.customId));
  if (!found)
    throw new Error(`no matching button on ${task.id}: ${task.buttons.map((b) => b.customId).join(", ")}`);
  return found.customId;
}

export async function mediaOf(
  h: Harness,
  url: string | null | undefined,
): Promise<{ status: number; type: string | null; data: Buffer }> {
  if (!url) throw new Error("no media url");
  const res = await h.sim.fetch(url);
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    data: Buffer.from(await res.arrayBuffer()),
  };
}

/** Imagine → SUCCESS → press U`n` → SUCCESS: the single image most buttons live on. */
export async function upscaled(h: Harness, prompt: string, n = 1): Promise<Task> {
  const grid = await h.settle((await h.submit("/mj/submit/imagine", { prompt })).result as string);
  const child = await h.submit("/mj/submit/action", {
    taskId: grid.id,
    customId: buttonId(grid, (id) => id.startsWith(`MJ::JOB::upsample::${n}::`)),
  });
  return h.settle(child.result as string);
}

/** Where box `type` (e.g. `mvhd`) starts in an mp4: the offset of its four-letter type. */
function boxAt(mp4: Buffer, type: string): number {
  const at = mp4.indexOf(type, 0, "latin1");
  if (at < 4) throw new Error(`no ${type} box in this mp4`);
  return at;
}

/** An mp4's length in seconds, from its movie header (`mvhd`: time scale and duration). */
export function mp4Seconds(mp4: Buffer): number {
  const at = boxAt(mp4, "mvhd");
  // After the type: version (1 byte), flags (3), creation and modification times (4 or 8 each).
  return mp4[at + 4] === 1
    ? Number(mp4.readBigUInt64BE(at + 28)) / mp4.readUInt32BE(at + 24)
    : mp4.readUInt32BE(at + 20) / mp4.readUInt32BE(at + 16);
}

/** Number of frames in an mp4: the sample count of the video track's `stsz` box. */
export function mp4FrameCount(mp4: Buffer): number {
  return mp4.readUInt32BE(boxAt(mp4, "stsz") + 12);
}
