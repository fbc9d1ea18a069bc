/** trueai's alias of `/mj/submit/edits` (§3.8), for drop-in clients that use it. */
export { POST } from "@/app/api/mj/submit/edits/route";
