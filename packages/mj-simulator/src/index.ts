export { createSimulator, DEFAULT_BASE_URL } from "./simulator";
export { BANNED_WORDS } from "./prompt";
export type { Simulator, SimulatorFamily, SimulatorFaults, SimulatorOptions, SimulatorStats } from "./types";
