/** The `/mj/...` routes of a midjourney-proxy (§3), optionally behind a `/<prefix>` segment (§1.1). */

export type RouteName =
  | "imagine"
  | "describe"
  | "blend"
  | "action"
  | "modal"
  | "shorten"
  | "upload"
  | "video"
  | "edits"
  | "edit"
  | "retexture"
  | "fetch"
  | "image-seed"
  | "cancel"
  | "list-by-ids"
  | "list-by-condition"
  | "list";

export interface RouteMatch {
  name: RouteName;
  /** The segment before `/mj/` (`mj-fast`, ...), or null for plain `/mj/...`. */
  prefix: string | null;
  taskId: string | null;
  /** False when the path exists but not for this HTTP method. */
  methodAllowed: boolean;
  /** The path with the task id replaced by `{id}`, for request statistics. */
  statsPath: string;
}

const TABLE: { pattern: RegExp; name: RouteName; method: "GET" | "POST" }[] = [
  { pattern: /^submit\/imagine$/, name: "imagine", method: "POST" },
  { pattern: /^submit\/describe$/, name: "describe", method: "POST" },
  { pattern: /^submit\/blend$/, name: "blend", method: "POST" },
  { pattern: /^submit\/action$/, name: "action", method: "POST" },
  { pattern: /^submit\/modal$/, name: "modal", method: "POST" },
  { pattern: /^submit\/shorten$/, name: "shorten", method: "POST" },
  { pattern: /^submit\/upload-discord-images$/, name: "upload", method: "POST" },
  { pattern: /^submit\/video$/, name: "video", method: "POST" },
  { pattern: /^submit\/edits$/, name: "edits", method: "POST" },
  { pattern: /^submit\/edit$/, name: "edit", method: "POST" },
  { pattern: /^submit\/retexture$/, name: "retexture", method: "POST" },
  { pattern: /^task\/list-by-ids$/, name: "list-by-ids", method: "POST" },
  { pattern: /^task\/list-by-condition$/, name: "list-by-condition", method: "POST" },
  { pattern: /^task\/list$/, name: "list", method: "GET" },
  { pattern: /^task\/([^/]+)\/fetch$/, name: "fetch", method: "GET" },
  { pattern: /^task\/([^/]+)\/image-seed$/, name: "image-seed", method: "GET" },
  { pattern: /^task\/([^/]+)\/cancel$/, name: "cancel", method: "POST" },
];

export function matchRoute(method: string, pathname: string): RouteMatch | null {
  const split = /^(?:\/([^/]+))?\/mj\/(.+)$/.exec(pathname);
  if (!split) return null;
  const prefix = split[1] ?? null;
  const rest = split[2]!;
  for (const route of TABLE) {
    const match = route.pattern.exec(rest);
    if (!match) continue;
    const taskId = match[1] === undefined ? null : decodeURIComponent(match[1]);
    return {
      name: route.name,
      prefix,
      taskId,
      methodAllowed: method === route.method,
      statsPath: `${prefix ? `/${prefix}` : ""}/mj/${taskId === null ? rest : rest.replace(/^task\/[^/]+\//, "task/{id}/")}`,
    };
  }
  return null;
}
