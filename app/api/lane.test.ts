import { describe, expect, it } from "vitest";
import { laneRegistry } from "@/lib/http/node-lane";

/**
 * The fast lane's routes against the files: which routes put themselves in it (`laneRoute` in
 * their route.ts), that each pattern is the path of the very module whose handlers it holds (so
 * they get the params their `RouteContext` names), and that no other route in app/api would be
 * Next's pick for a path a pattern matches (so the lane never answers for another route).
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

/** What pages and clients call over and over: the routes that must be in the lane. */
const HOT = [
  "/api/health",
  "/api/media/[taskId]/[slot]",
  "/api/mj/submit/action",
  "/api/mj/submit/blend",
  "/api/mj/submit/change",
  "/api/mj/submit/describe",
  "/api/mj/submit/edit",
  "/api/mj/submit/edits",
  "/api/mj/submit/imagine",
  "/api/mj/submit/modal",
  "/api/mj/submit/retexture",
  "/api/mj/submit/shorten",
  "/api/mj/submit/simple-change",
  "/api/mj/submit/upload-discord-images",
  "/api/mj/submit/video",
  "/api/mj/task/[id]/fetch",
  "/api/mj/task/[id]/image-seed",
  "/api/mj/task/list-by-condition",
  "/api/mj/task/list-by-ids",
  "/api/tasks",
  "/api/tasks/events",
];

const loadAll = async () => {
  for (const load of Object.values(files)) await load();
  return laneRegistry();
};

describe("the fast lane's routes", () => {
  it("holds the hot routes, and only those", async () => {
    expect([...(await loadAll()).keys()].sort()).toEqual([...HOT].sort());
  });

  it.each(HOT)(
    "%s holds the handlers of the module at its own path, every one it exports",
    async (pattern) => {
      const entry = (await loadAll()).get(pattern)!;
      const loaded = await files[`.${pattern.slice("/api".length)}/route.ts`]!();
      const exported = Object.entries(loaded).filter(([name]) => /^[A-Z]+$/.test(name));
      expect(exported.length).toBeGreaterThan(0);
      expect(entry.handlers).toEqual(Object.fromEntries(exported));
    },
  );

  it("takes no path that another route would take", async () => {
    const clashes = [...(await loadAll()).keys()].flatMap((pattern) =>
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
