import { z } from "zod";

/**
 * The one error shape of the app's own HTTP errors: `{"error": {"code", "message"}}`. Upstream
 * business outcomes (code 1/21/22/3/4/9/24) are not errors here; they pass through as envelopes.
 */

export const ERROR_STATUS = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  not_supported: 501,
  upstream_error: 502,
  upstream_unauthorized: 502,
  upstream_bad_response: 502,
  upstream_unavailable: 503,
  upstream_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const apiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ApiErrorBody = z.output<typeof apiErrorSchema>;

const APP_ERROR = Symbol.for("mj-studio.AppError");

export class AppError extends Error {
  /**
   * Next may compile this module more than once into one server (a route that imports another
   * route's module gets its own copies), and the services are built by whichever copy ran first:
   * an error thrown by one copy must still be an AppError to another's `instanceof`, or a 501
   * leaves as a 500 (`/api/mj-relax/mj/submit/retexture` did). So the class is known by a brand.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // A subclass (MediaFetchError) keeps the ordinary check.
    if (this !== AppError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[APP_ERROR] === true
    );
  }

  readonly [APP_ERROR] = true;
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
  }
}

/** Turns a zod failure into one readable sentence; a size issue makes the whole error a 413. */
export function fromZodError(error: z.ZodError, what = "request"): AppError {
  const tooLarge = error.issues.some(
    (issue) =>
      issue.code === "custom" && (issue.params as { httpStatus?: number } | undefined)?.httpStatus === 413,
  );
  const message = error.issues
    .slice(0, 3)
    .map((issue) => {
      const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
      return `${where}${issue.message}`;
    })
    .join("; ");
  return new AppError(tooLarge ? "payload_too_large" : "invalid_input", `Invalid ${what}: ${message}`);
}
