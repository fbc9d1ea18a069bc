import { POST } from "@/app/api/mj/submit/edits/route";
import { laneRoute } from "@/lib/http/node-lane";

/** trueai's alias of `/mj/submit/edits` (§3.8), for drop-in clients that use it. */
export { POST };

// Also answered past Next's router (lib/http/node-lane.ts): pages and clients call it over and over.
laneRoute("/api/mj/submit/edit", { POST });
