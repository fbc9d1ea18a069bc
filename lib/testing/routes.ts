/** Calls a route handler as Next does (a Request and a promised `params`), for the route tests. */

export type Method = "GET" | "HEAD" | "POST" | "PATCH" | "DELETE";
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface RouteCall {
  /** Default: POST with a body, GET without. */
  method?: Method;
  /** An object is sent as JSON; a string as it is (malformed JSON, say). */
  body?: string | object;
  params?: Record<string, string>;
  query?: string;
  /** The request's path (default `/api/test`): what handlers that read their URL see. */
  path?: string;
  /** Request headers besides the content type (Range, If-Range, If-None-Match...). */
  headers?: Record<string, string>;
}

export async function callRoute(
  load: () => Promise<unknown>,
  init: RouteCall = {},
): Promise<{ status: number; json: unknown; response: Response }> {
  const method = init.method ?? (init.body === undefined ? "GET" : "POST");
  const body =
    typeof init.body === "string" || init.body === undefined ? init.body : JSON.stringify(init.body);
  const handler = ((await load()) as Record<string, Handler | undefined>)[method];
  if (!handler) throw new Error(`the route has no ${method} handler`);
  const request = new Request(`http://localhost${init.path ?? "/api/test"}${init.query ?? ""}`, {
    method,
    body,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
  });
  const response = await handler(request, { params: Promise.resolve(init.params ?? {}) });
  const text = await response.clone().text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json, response };
}

export const errorCode = (json: unknown) => (json as { error?: { code?: string } }).error?.code;
