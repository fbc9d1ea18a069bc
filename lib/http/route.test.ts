import { afterEach, describe, expect, it, vi } from "vitest";
import { testServer } from "@/lib/testing/server-env";
import { respond } from "./route";

testServer();

afterEach(() => vi.restoreAllMocks());

const request = (signal?: AbortSignal) =>
  new Request("http://localhost/api/health", { headers: { "sec-fetch-site": "same-origin" }, signal });

describe("respond()", () => {
  it("answers an AppError from another copy of the errors module with its own status", async () => {
    // What Next does when one route imports another's module: a second copy of every class.
    const { AppError } = await import("./errors");
    vi.resetModules();
    const copy = await import("./errors");
    expect(copy.AppError).not.toBe(AppError);
    const foreign = new copy.AppError("not_supported", "This upstream cannot retexture images.");
    expect(foreign).toBeInstanceOf(AppError);
    const answer = await respond(request(), async () => {
      throw foreign;
    });
    expect(answer.status).toBe(501);
    expect(await answer.json()).toMatchObject({ error: { code: "not_supported" } });
    expect(new Error("plain")).not.toBeInstanceOf(copy.AppError);
  });

  it("logs an unexpected error as a bug, but not one raised because the client went away", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const bug = await respond(request(), async () => {
      throw new Error("a bug");
    });
    expect(bug.status).toBe(500);
    expect(logged).toHaveBeenCalledTimes(1);

    const gone = new AbortController();
    gone.abort();
    const left = await respond(request(gone.signal), async () => {
      throw new Error("ResponseAborted");
    });
    expect(left.status).toBe(500);
    expect(logged).toHaveBeenCalledTimes(1);
  });
});
