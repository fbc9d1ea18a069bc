import { describe, expect, it } from "vitest";
import { smartSearchSchema } from "@/lib/mj/folders";
import { taskListSearch } from "./client";
import {
  EMPTY_FILTERS,
  filtersFromSearch,
  filtersToSearch,
  historyParams,
  type GalleryFilters,
} from "./gallery-filters";

/** The `GET /api/tasks` query of a page of the view these filters stand for. */
const historySearch = (filters: GalleryFilters, limit: number, cursor: string | null) =>
  taskListSearch(historyParams(filters), limit, cursor);

describe("gallery filters in the URL", () => {
  it("round-trips every filter", () => {
    const filters = {
      q: "red fox",
      action: "UPSCALE",
      status: "failed",
      favorite: true,
      video: true,
      hidden: true,
      folder: "5f0e7a2c-1b2d-4c3e-8f9a-0b1c2d3e4f5a",
      model: "niji6",
      aspect: "16:9",
      speed: "relax",
      sref: "false",
      from: "2026-01-02",
      to: "2026-01-31",
      sort: "oldest",
    } as const;
    expect(filtersFromSearch(new URLSearchParams(filtersToSearch(filters)))).toEqual(filters);
  });

  it("keeps a plain gallery's URL plain", () => {
    expect(filtersToSearch(EMPTY_FILTERS)).toBe("");
  });

  it("drops values it does not know instead of failing", () => {
    const read = filtersFromSearch(
      new URLSearchParams(
        "action=DROP&status=x&from=yesterday&sort=random&favorite=1&media=audio&hidden=1&folder=../x&model=gpt&aspect=wide&speed=warp&sref=1",
      ),
    );
    expect(read).toEqual(EMPTY_FILTERS);
  });
});

describe("history API query", () => {
  it("maps a status choice to its protocol statuses and dates to a whole-day range", () => {
    const search = new URLSearchParams(
      historySearch({ ...EMPTY_FILTERS, status: "running", from: "2026-03-01", to: "2026-03-01" }, 60, "abc"),
    );
    expect(search.get("status")).toBe("NOT_START,SUBMITTED,IN_PROGRESS");
    expect(search.has("excludeStatus")).toBe(false);
    const from = Number(search.get("from"));
    const to = Number(search.get("to"));
    expect(new Date(from).getHours()).toBe(0);
    expect(to - from).toBe(24 * 60 * 60 * 1000 - 1);
    expect(search.get("cursor")).toBe("abc");
    expect(search.get("limit")).toBe("60");
    expect(search.has("sort")).toBe(false);
  });

  it("asks for tasks with a video as media=video, and keeps the view in the URL the same way", () => {
    const filters = { ...EMPTY_FILTERS, video: true };
    expect(filtersToSearch(filters)).toBe("media=video");
    expect(new URLSearchParams(historySearch(filters, 60, null)).get("media")).toBe("video");
    expect(new URLSearchParams(historySearch(EMPTY_FILTERS, 60, null)).has("media")).toBe(false);
  });

  it("asks for a relay's label of an action too", () => {
    const edits = new URLSearchParams(historySearch({ ...EMPTY_FILTERS, action: "EDIT" }, 60, null));
    expect(edits.get("action")).toBe("EDIT,EDITS");
    const upscales = new URLSearchParams(historySearch({ ...EMPTY_FILTERS, action: "UPSCALE" }, 60, null));
    expect(upscales.get("action")).toBe("UPSCALE");
  });

  it("leaves abandoned modal tasks out unless their status is picked", () => {
    const all = new URLSearchParams(historySearch(EMPTY_FILTERS, 60, null));
    expect(all.get("excludeStatus")).toBe("MODAL");
    expect(all.has("status")).toBe(false);
    const waiting = new URLSearchParams(historySearch({ ...EMPTY_FILTERS, status: "waiting" }, 60, null));
    expect(waiting.get("status")).toBe("MODAL");
    expect(waiting.has("excludeStatus")).toBe(false);
  });
});

describe("gallery filters as a history query", () => {
  it("sends the new filters as GET /api/tasks takes them, and a view's URL is a valid smart folder search", () => {
    const filters: GalleryFilters = {
      ...EMPTY_FILTERS,
      hidden: true,
      folder: "f-1",
      model: "v8.1",
      aspect: "2:3",
      speed: "turbo",
      sref: "true",
      status: "done",
      q: "fox",
    };
    const search = new URLSearchParams(historySearch(filters, 30, null));
    expect(Object.fromEntries(search)).toMatchObject({
      hidden: "true",
      folder: "f-1",
      model: "v8.1",
      aspect: "2:3",
      speed: "turbo",
      sref: "true",
      status: "SUCCESS",
      q: "fox",
    });
    expect(smartSearchSchema.safeParse(filtersToSearch(filters)).success).toBe(true);
    expect(
      new URLSearchParams(historySearch({ ...EMPTY_FILTERS, sref: "false" }, 30, null)).get("sref"),
    ).toBe("false");
  });
});
