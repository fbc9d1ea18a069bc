import type { z } from "zod";
import type { Engine, Outcome, RequestContext } from "./engine";
import type { Family, SnapshotAt } from "./families";
import { relayActionLabel, relayError, relayRewrite } from "./relay";
import type { RouteMatch } from "./routes";
import {
  actionBody,
  blendBody,
  describeBody,
  editBody,
  idsBody,
  imagineBody,
  modalBody,
  readBody,
  shortenBody,
  uploadBody,
  videoBody,
} from "./schemas";
import type { TaskStore } from "./store";

/**
 * Runs one matched `/mj/...` route: binds the body, asks the engine, and renders the outcome in
 * the family's dialect. The relay family (new-api) adds its own checks in front and rewrites
 * the answer behind (relay.ts).
 */

export interface DispatchDeps {
  engine: Engine;
  family: Family;
  store: TaskStore;
  apiKey: string | null;
  snapshotAt: SnapshotAt;
  /** The file storage behind `upload-discord-images` is down (a fault switch). */
  storageFails: () => boolean;
}

export type Dispatch = (
  request: Request,
  route: RouteMatch,
  ctx: RequestContext,
  pathname: string,
) => Promise<Response>;

/** trueai's cancel is admin-only; without a configured key everyone is an anonymous demo user (§3.14). */
const DEMO_CANCEL = "演示模式，禁止操作";

export function createDispatch({
  engine,
  family,
  store,
  apiKey,
  snapshotAt,
  storageFails,
}: DispatchDeps): Dispatch {
  const relay = family.isRelay;

  async function present(outcome: Outcome, now: number): Promise<Response> {
    switch (outcome.kind) {
      case "envelope":
        return Response.json(outcome.envelope, { status: outcome.status });
      case "json":
        return Response.json(outcome.body, { status: outcome.status });
      case "task":
        return Response.json(await family.taskJson(outcome.record, now, snapshotAt));
      case "tasks":
        return Response.json(
          await Promise.all(outcome.records.map((r) => family.taskJson(r, now, snapshotAt))),
        );
      case "unknown-task":
        return family.unknownTask();
      case "empty":
        return new Response(null, { status: outcome.status });
    }
  }

  /** A submit answer; behind the relay, 22 (and most 21s) read as 1. */
  function submitted(outcome: Outcome, label: string, now: number): Promise<Response> {
    return present(relay ? relayRewrite(outcome, label) : outcome, now);
  }

  const isKnown = (id: string | null | undefined) => !!id && store.get(id.trim()) !== undefined;

  return async function dispatch(request, route, ctx, pathname) {
    async function withBody<S extends z.ZodObject>(
      schema: S,
      run: (body: z.output<S>) => Promise<Response>,
    ): Promise<Response> {
      const body = await readBody(request, schema, family.caseInsensitiveFields);
      return body.ok ? run(body.data) : family.bindingError(pathname, body.message, ctx.now);
    }
    const taskId = route.taskId ?? "";

    switch (route.name) {
      case "imagine":
        return withBody(imagineBody, async (body) => {
          if (relay && !body.prompt) return relayError("prompt_is_required");
          return submitted(await engine.imagine(body, ctx), "IMAGINE", ctx.now);
        });
      case "describe":
        return withBody(describeBody, async (body) =>
          submitted(await engine.describe(body, ctx), "DESCRIBE", ctx.now),
        );
      case "blend":
        return withBody(blendBody, async (body) =>
          submitted(await engine.blend(body, ctx), "BLEND", ctx.now),
        );
      case "action":
        return withBody(actionBody, async (body) => {
          if (!relay) return present(await engine.action(body, ctx), ctx.now);
          // The relay classifies the button itself and refuses what it does not understand (§3.4).
          const customId = body.customId ?? "";
          if (!customId) return relayError("custom_id_is_required");
          const label = relayActionLabel(customId);
          if (!label) return relayError(`unknown_action:${customId}`);
          if (!isKnown(body.taskId)) return relayError("task_not_found");
          return submitted(await engine.action(body, ctx), label, ctx.now);
        });
      case "modal":
        return withBody(modalBody, async (body) => {
          if (relay && !isKnown(body.taskId)) return relayError("task_not_found");
          return submitted(await engine.modal(body, ctx), "MODAL", ctx.now);
        });
      case "shorten":
        return withBody(shortenBody, async (body) =>
          submitted(engine.shorten(body, ctx), "SHORTEN", ctx.now),
        );
      case "upload":
        // The relay passes the answer through and records an UPLOAD task of its own (§3.9).
        return withBody(uploadBody, async (body) =>
          present(await engine.upload(body, ctx, storageFails()), ctx.now),
        );
      case "video":
        return withBody(videoBody, async (body) => {
          // The relay sends an extend to the channel that owns the parent, which it must know (§3.7).
          if (relay && body.taskId && !isKnown(body.taskId)) return relayError("task_not_found");
          return submitted(await engine.video(body, ctx, storageFails()), "VIDEO", ctx.now);
        });
      case "edits":
      case "edit":
        return withBody(editBody, async (body) =>
          submitted(await engine.edit(body, ctx, "EDIT", storageFails()), "EDITS", ctx.now),
        );
      case "retexture":
        return withBody(editBody, async (body) =>
          submitted(await engine.edit(body, ctx, "RETEXTURE", storageFails()), "RETEXTURE", ctx.now),
        );
      case "fetch":
        return present(engine.fetch(taskId), ctx.now);
      case "image-seed":
        if (relay && !isKnown(taskId)) return relayError("task_no_found");
        return present(engine.imageSeed(taskId, ctx), ctx.now);
      case "cancel":
        if (apiKey === null) {
          return new Response(DEMO_CANCEL, {
            status: 400,
            headers: { "content-type": "text/plain; charset=utf-8" },
          });
        }
        return present(engine.cancel(taskId, ctx), ctx.now);
      case "list-by-ids":
      case "list-by-condition":
        return withBody(idsBody, async (body) => present(engine.list(body.ids), ctx.now));
      case "list":
        return present(engine.latest(), ctx.now);
    }
  };
}
