import { apiErrorSchema } from "@/lib/http/errors";

/** An error the app's API answered in its one error shape, readable by a person. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Codes the server answers when the upstream itself is failing (not refusing): worth waiting out. */
const UPSTREAM_FAULTS = new Set([
  "upstream_error",
  "upstream_timeout",
  "upstream_bad_response",
  "upstream_unavailable",
]);

export function isUpstreamFault(error: unknown): boolean {
  return error instanceof ApiError && UPSTREAM_FAULTS.has(error.code);
}

/** A non-2xx answer as an ApiError with the server's own message. */
async function errorOf(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  const parsed = apiErrorSchema.safeParse(body);
  return parsed.success
    ? new ApiError(response.status, parsed.data.error.code, parsed.data.error.message)
    : new ApiError(response.status, "http_error", `The server answered HTTP ${response.status}.`);
}

/** Fetches app JSON; non-2xx answers become ApiError with the server's own message. */
export async function fetchJson(input: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(input, {
    ...init,
    headers: {
      accept: "application/json",
      ...(init?.body ? { "content-type": "application/json" } : {}),
      ...init?.headers,
    },
  });
  if (!response.ok) throw await errorOf(response);
  return response.json().catch(() => null);
}

/** Fetches one of the app's media or input files; a refusal is an ApiError like any other. */
export async function fetchBlob(input: string): Promise<Blob> {
  const response = await fetch(input);
  if (!response.ok) throw await errorOf(response);
  return response.blob();
}
