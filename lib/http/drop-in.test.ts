import { describe, expect, it } from "vitest";
import { taskSchema, type Task } from "@/lib/mj/task";
import { freezeShared } from "@/lib/store/parsed-tasks";
import { testServer } from "@/lib/testing/server-env";
import { forCaller } from "./drop-in";

testServer();

/** A task as the store and the service hand it out: one frozen object per row content. */
const task = (id: string, fields: Partial<Task> = {}): Task =>
  freezeShared(
    taskSchema.parse({
      id,
      status: "SUCCESS",
      action: "IMAGINE",
      imageUrl: `/api/media/${id}/image?v=abc`,
      ...fields,
    }),
  );

/** An API client (a token, so absolute links) that reached the app at `host`. */
const client = (host = "studio.example:3000") =>
  new Request("http://localhost/api/mj/task/list-by-ids", { headers: { authorization: "a token", host } });
const page = () =>
  new Request("http://localhost/api/mj/task/list-by-ids", { headers: { "sec-fetch-site": "same-origin" } });

const text = (body: { bytes: Uint8Array }) => Buffer.from(body.bytes).toString();

describe("drop-in answers made once per task", () => {
  it("are exactly what serializing the answer whole gives, for each kind of caller", () => {
    const tasks = [task("1"), task("2", { status: "IN_PROGRESS", progress: "40%" })];
    const forApi = text(forCaller(client(), tasks));
    expect(forApi).toBe(JSON.stringify(JSON.parse(forApi)));
    const parsed = JSON.parse(forApi) as Task[];
    expect(parsed.map((t) => t.imageUrl)).toEqual([
      "http://studio.example:3000/api/media/1/image?v=abc",
      "http://studio.example:3000/api/media/2/image?v=abc",
    ]);
    expect(parsed[1]?.displays).toMatchObject({ status: "IN_PROGRESS" });
    expect((JSON.parse(text(forCaller(page(), tasks))) as Task[])[0]?.imageUrl).toBe(
      "/api/media/1/image?v=abc",
    );
    expect(text(forCaller(client(), tasks[0]!))).toBe(JSON.stringify(parsed[0]));
  });

  it("are kept per task object and link form: a changed task is never answered from the old one", () => {
    const running = task("10", { status: "IN_PROGRESS", progress: "50%" });
    const first = forCaller(client(), running);
    expect(forCaller(client(), running).bytes).toBe(first.bytes);
    // The same task read again after it changed is another object (lib/store/parsed-tasks.ts).
    const done = task("10", { status: "SUCCESS", progress: "100%" });
    expect(JSON.parse(text(forCaller(client(), done)))).toMatchObject({
      status: "SUCCESS",
      progress: "100%",
    });
    expect(JSON.parse(text(forCaller(client(), [done])))).toMatchObject([{ status: "SUCCESS" }]);
    // Another origin is another link form.
    expect(text(forCaller(client("other.example"), running))).toContain("http://other.example/api/media/10/");
  });

  it("keep four link forms per task, the newest", () => {
    const one = task("20");
    const first = forCaller(client("a.example"), one);
    for (const host of ["b.example", "c.example", "d.example"]) forCaller(client(host), one);
    expect(forCaller(client("a.example"), one).bytes).toBe(first.bytes);
    forCaller(client("e.example"), one);
    const again = forCaller(client("a.example"), one);
    expect(again.bytes).not.toBe(first.bytes);
    expect(text(again)).toBe(text(first));
  });
});
