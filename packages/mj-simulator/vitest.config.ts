import { defineConfig } from "vitest/config";

// The same settings as the app's vitest.config.mts, which runs these tests in the repository's suite.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 20_000,
  },
});
