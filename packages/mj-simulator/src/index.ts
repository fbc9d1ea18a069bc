export { createSimulator } from "./simulator";
export type { Simulator, SimulatorFamily, SimulatorFaults, SimulatorOptions, SimulatorStats } from "./types";
