import type en from "../en";
import common from "./common.json";

// Typed against the English catalogue, so a missing Chinese string fails the type check.
const zh: typeof en = { common };
export default zh;
