import type en from "../en";
import auth from "./auth.json";
import common from "./common.json";
import details from "./details.json";
import editor from "./editor.json";
import errors from "./errors.json";
import feed from "./feed.json";
import gallery from "./gallery.json";
import maskEditor from "./mask-editor.json";
import prompt from "./prompt.json";
import references from "./references.json";
import result from "./result.json";
import shortcuts from "./shortcuts.json";
import task from "./task.json";
import video from "./video.json";
import viewer from "./viewer.json";

// Typed against the English catalogue, so a missing Chinese string fails the type check.
const zh: typeof en = {
  auth,
  common,
  details,
  editor,
  errors,
  feed,
  gallery,
  maskEditor,
  prompt,
  references,
  result,
  shortcuts,
  task,
  video,
  viewer,
};
export default zh;
