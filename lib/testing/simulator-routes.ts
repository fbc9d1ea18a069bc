import { createSimulator } from "mj-simulator";

/**
 * Whether this build's simulator answers `path` (POST) at all, for tests of routes its own branch
 * is adding: until it does, they are skipped (the scripted-upstream tests stand in); once it does,
 * they run. Remove a use once the simulator on main has the route.
 */
export async function simulatorHasRoute(path: string): Promise<boolean> {
  const simulator = createSimulator();
  try {
    const answer = await simulator.fetch(`http://simulator.invalid${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    return answer.status !== 404;
  } finally {
    simulator.close();
  }
}
