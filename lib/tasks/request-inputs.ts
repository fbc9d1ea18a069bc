import { REQUEST_IMAGE_FIELDS, type InputRef } from "@/lib/store/task-store";

/**
 * The images of a submitted request (references, blend sources, describe images, Vary Region
 * masks) are history too, but not base64 in a row: each is kept once, under a name derived from
 * its bytes, and the stored body refers to it. Where they are kept is the media room's business.
 */
export interface RequestInputs {
  /** Stores a base64 image (bare or data URL); its name, or null when it is not an image. */
  save(image: string): Promise<string | null>;
  /** Deleting a name that is not stored is not an error. */
  remove(names: readonly string[]): Promise<void>;
}

/** The app URL of a stored request image (served by `/api/inputs/[name]`). */
export function inputUrl(name: string): string {
  return `/api/inputs/${name}`;
}

/** Replaces each base64 image with a reference to its stored copy; an http(s) URL stays as it is. */
export async function withInputRefs(
  body: Record<string, unknown>,
  inputs: RequestInputs,
): Promise<{ body: Record<string, unknown>; inputs: string[] }> {
  const names: string[] = [];
  const toRef = async (value: unknown): Promise<unknown> => {
    if (typeof value !== "string" || /^https?:\/\//i.test(value)) return value;
    const name = await inputs.save(value);
    if (name === null) return null;
    names.push(name);
    return { input: name } satisfies InputRef;
  };
  const out: Record<string, unknown> = { ...body };
  for (const field of REQUEST_IMAGE_FIELDS) {
    const value = out[field];
    if (value === undefined) continue;
    out[field] = Array.isArray(value) ? await Promise.all(value.map(toRef)) : await toRef(value);
  }
  return { body: out, inputs: [...new Set(names)] };
}

/** A stored request body as the app hands it out: image references become app URLs. */
export function presentRequestBody(body: Record<string, unknown>): Record<string, unknown> {
  const toUrl = (value: unknown): unknown =>
    typeof value === "object" && value !== null && typeof (value as { input?: unknown }).input === "string"
      ? inputUrl((value as { input: string }).input)
      : value;
  const out: Record<string, unknown> = { ...body };
  for (const field of REQUEST_IMAGE_FIELDS) {
    const value = out[field];
    if (value !== undefined) out[field] = Array.isArray(value) ? value.map(toUrl) : toUrl(value);
  }
  return out;
}

/** The names of the stored images a stored request body refers to (what `saveRequest` takes as inputs). */
export function inputNamesOf(body: Record<string, unknown>): string[] {
  const names: string[] = [];
  const collect = (value: unknown) => {
    if (
      typeof value === "object" &&
      value !== null &&
      typeof (value as { input?: unknown }).input === "string"
    )
      names.push((value as InputRef).input);
  };
  for (const field of REQUEST_IMAGE_FIELDS) {
    const value = body[field];
    if (Array.isArray(value)) value.forEach(collect);
    else collect(value);
  }
  return [...new Set(names)];
}
