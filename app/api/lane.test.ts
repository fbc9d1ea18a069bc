import { describe, expect, it } from "vitest";
import { LANE_ROUTES } from "./lane";

/**
 * The fast lane's table against the files: each pattern is the path of the very module it lists
 * (so its handlers get the params their `RouteContext` names), and no other route in app/api
 * would be Next's pick for a path the pattern matches (so the lane never answers for another route).
 */

const files = import.meta.glob<Record<string, unknown>>("./**/route.ts");
const ROUTE_PATTERNS = Object.keys(files).map((file) => `/api${file.slice(1, -"/route.ts".length)}`);

type Kind = "static" | "dynamic" | "catch-all";
const kind = (segment: string): Kind =>
  segment.startsWith("[...") || segment.startsWith("[[...")
    ? "catch-all"
    : segment.startsWith("[")
      ? "dynamic"
      : "static";

const RANK: Record<Kind, number> = { static: 0, dynamic: 1, "catch-all": 2 };

/**
 * Whether Next would route some path that `lane` matches to `other` instead. They overlap when
 * their static segments agree up to the end (or up to a catch-all of `other`); then Next prefers,
 * at the first segment where they differ in kind, a static segment to a dynamic one and both to
 * a catch-all. The same shape twice would be ambiguous: a clash too.
 */
function shadows(other: string, lane: string): boolean {
  const a = other.split("/").slice(1);
  const b = lane.split("/").slice(1);
  const catchAll = a.findIndex((segment) => kind(segment) === "catch-all");
  const compared = catchAll === -1 ? a.length : catchAll;
  if (catchAll === -1 ? a.length !== b.length : b.length <= catchAll) return false;
  for (let i = 0; i < compared; i++) {
    if (kind(a[i]!) === "static" && kind(b[i]!) === "static" && a[i] !== b[i]) return false;
  }
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const o = RANK[kind(a[i] ?? "[...]")];
    const l = RANK[kind(b[i] ?? "[...]")];
    if (o !== l) return o < l;
  }
  return true;
}

describe("the fast lane's routes", () => {
  it("lists each route once, and only routes without catch-alls", () => {
    const patterns = LANE_ROUTES.map((route) => route.pattern);
    expect(new Set(patterns).size).toBe(patterns.length);
    for (const pattern of patterns) expect(pattern).not.toContain("[...");
  });

  it.each(LANE_ROUTES.map((route) => [route.pattern, route] as const))(
    "%s is the module at its own path, with every handler it exports",
    async (pattern, route) => {
      const load = files[`.${pattern.slice("/api".length)}/route.ts`];
      expect(load, `no app${pattern}/route.ts`).toBeDefined();
      const loaded = await load!();
      const handlers = (source: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(source).filter(([name]) => /^[A-Z]+$/.test(name)));
      expect(Object.keys(handlers(loaded)).length).toBeGreaterThan(0);
      expect(handlers(route.module as Record<string, unknown>)).toEqual(handlers(loaded));
    },
  );

  it("takes no path that another route would take", () => {
    const clashes = LANE_ROUTES.flatMap(({ pattern }) =>
      ROUTE_PATTERNS.filter((other) => other !== pattern && shadows(other, pattern)).map(
        (other) => `${other} over ${pattern}`,
      ),
    );
    expect(clashes).toEqual([]);
  });

  it("sees a static sibling shadowing a dynamic segment (the check can fail)", () => {
    expect(ROUTE_PATTERNS).toContain("/api/tasks/events");
    expect(shadows("/api/tasks/events", "/api/tasks/[id]")).toBe(true);
    expect(shadows("/api/mj/[...rest]", "/api/mj/task/[id]/fetch")).toBe(false);
    expect(shadows("/api/[speed]/mj/[...path]", "/api/mj/submit/imagine")).toBe(false);
    expect(shadows("/api/tasks/[id]", "/api/tasks/events")).toBe(false);
    expect(shadows("/api/mj/task/list-by-ids", "/api/mj/task/[id]/fetch")).toBe(false);
    expect(shadows("/api/a/[...rest]", "/api/[x]/b")).toBe(true);
  });
});
