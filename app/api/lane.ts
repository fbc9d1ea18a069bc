import type { LaneRoute } from "@/lib/http/node-lane";
import * as health from "./health/route";
import * as media from "./media/[taskId]/[slot]/route";
import * as action from "./mj/submit/action/route";
import * as blend from "./mj/submit/blend/route";
import * as change from "./mj/submit/change/route";
import * as describeRoute from "./mj/submit/describe/route";
import * as edit from "./mj/submit/edit/route";
import * as edits from "./mj/submit/edits/route";
import * as imagine from "./mj/submit/imagine/route";
import * as modal from "./mj/submit/modal/route";
import * as retexture from "./mj/submit/retexture/route";
import * as shorten from "./mj/submit/shorten/route";
import * as simpleChange from "./mj/submit/simple-change/route";
import * as uploadDiscordImages from "./mj/submit/upload-discord-images/route";
import * as video from "./mj/submit/video/route";
import * as taskFetch from "./mj/task/[id]/fetch/route";
import * as imageSeed from "./mj/task/[id]/image-seed/route";
import * as listByCondition from "./mj/task/list-by-condition/route";
import * as listByIds from "./mj/task/list-by-ids/route";
import * as tasks from "./tasks/route";

/**
 * The routes the fast lane answers past Next's router (lib/http/node-lane.ts): what an open
 * studio, a gallery and a drop-in client call over and over. Everything else (pages, archives,
 * folders, sign-in, the event stream, the speed-prefixed mirror) stays with Next. lane.test.ts proves
 * each pattern is its module's own path and that no other route would take its paths.
 */
export const LANE_ROUTES: readonly LaneRoute[] = [
  { pattern: "/api/health", module: health },
  { pattern: "/api/media/[taskId]/[slot]", module: media },
  { pattern: "/api/mj/submit/action", module: action },
  { pattern: "/api/mj/submit/blend", module: blend },
  { pattern: "/api/mj/submit/change", module: change },
  { pattern: "/api/mj/submit/describe", module: describeRoute },
  { pattern: "/api/mj/submit/edit", module: edit },
  { pattern: "/api/mj/submit/edits", module: edits },
  { pattern: "/api/mj/submit/imagine", module: imagine },
  { pattern: "/api/mj/submit/modal", module: modal },
  { pattern: "/api/mj/submit/retexture", module: retexture },
  { pattern: "/api/mj/submit/shorten", module: shorten },
  { pattern: "/api/mj/submit/simple-change", module: simpleChange },
  { pattern: "/api/mj/submit/upload-discord-images", module: uploadDiscordImages },
  { pattern: "/api/mj/submit/video", module: video },
  { pattern: "/api/mj/task/[id]/fetch", module: taskFetch },
  { pattern: "/api/mj/task/[id]/image-seed", module: imageSeed },
  { pattern: "/api/mj/task/list-by-condition", module: listByCondition },
  { pattern: "/api/mj/task/list-by-ids", module: listByIds },
  { pattern: "/api/tasks", module: tasks },
];
