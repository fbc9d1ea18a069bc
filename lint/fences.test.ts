import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The fences of eslint.config.mjs, proven on small imports: each wrong-way import is reported by
 * the rule meant to catch it, and the right-way imports beside them are not. The probe files need
 * not exist: the import rules read the path being linted and the import's text. import/no-cycle
 * cannot lint a file that is not on disk (it crashes), so the probes run without it, and the
 * cycle cases write real files.
 */

const ROOT = path.resolve(import.meta.dirname, "..");
const FENCE_RULES = new Set(["no-restricted-imports", "no-restricted-syntax", "import/no-cycle"]);
const probes = new ESLint({ cwd: ROOT, overrideConfig: { rules: { "import/no-cycle": "off" } } });
// The probe folder is in eslint.config.mjs's ignores, so a run killed before it is removed leaves
// no cycle for `npx eslint .` to trip on; this instance lints it anyway.
const files = new ESLint({ cwd: ROOT, ignore: false });

async function fenceErrors(filePath: string, code: string, eslint = probes): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  if (!result) throw new Error(`ESLint returned nothing for ${filePath}`);
  const fatal = result.messages.filter((message) => message.fatal);
  if (fatal.length > 0) throw new Error(`${filePath} did not parse: ${fatal[0]!.message}`);
  return result.messages.flatMap((message) =>
    message.ruleId && FENCE_RULES.has(message.ruleId) ? [message.ruleId] : [],
  );
}

type Case = [what: string, filePath: string, code: string];

const WRONG_WAY: [...Case, rule: string][] = [
  [
    "lib/store imports lib/tasks",
    "lib/store/fence-probe.ts",
    `export * from "@/lib/tasks/service";`,
    "no-restricted-imports",
  ],
  [
    "lib/store imports lib/env",
    "lib/store/fence-probe.ts",
    `export { env } from "@/lib/env";`,
    "no-restricted-imports",
  ],
  [
    "lib/store climbs into lib/tasks with ../",
    "lib/store/fence-probe.ts",
    `export * from "../tasks/service";`,
    "no-restricted-imports",
  ],
  [
    "a lib/store test imports lib/tasks",
    "lib/store/fence-probe.test.ts",
    `import "@/lib/tasks";`,
    "no-restricted-imports",
  ],
  [
    "lib/media imports lib/tasks",
    "lib/media/fence-probe.ts",
    `export { tasks } from "@/lib/tasks";`,
    "no-restricted-imports",
  ],
  [
    "lib/media imports lib/upstream",
    "lib/media/fence-probe.ts",
    `import "@/lib/upstream/client";`,
    "no-restricted-imports",
  ],
  [
    "lib/media opens the task store",
    "lib/media/fence-probe.ts",
    `import "@/lib/store";`,
    "no-restricted-imports",
  ],
  [
    "lib/upstream imports the store",
    "lib/upstream/fence-probe.ts",
    `import "@/lib/store/task-store";`,
    "no-restricted-imports",
  ],
  ["lib/upstream reads env", "lib/upstream/fence-probe.ts", `import "@/lib/env";`, "no-restricted-imports"],
  [
    "lib/upstream builds the simulator",
    "lib/upstream/fence-probe.ts",
    `import "mj-simulator";`,
    "no-restricted-imports",
  ],
  [
    "lib/tasks imports the composition root",
    "lib/tasks/fence-probe.ts",
    `import "@/lib/server/services";`,
    "no-restricted-imports",
  ],
  [
    "lib/tasks imports a component",
    "lib/tasks/fence-probe.ts",
    `import "@/components/ui/button";`,
    "no-restricted-imports",
  ],
  [
    "a component imports lib/store",
    "components/task/fence-probe.tsx",
    `import "@/lib/store";`,
    "no-restricted-imports",
  ],
  [
    "a component imports lib/auth",
    "components/auth/fence-probe.tsx",
    `import "@/lib/auth/access";`,
    "no-restricted-imports",
  ],
  [
    "a component loads lib/tasks lazily",
    "components/task/fence-probe.tsx",
    `export const load = () => import("@/lib/tasks");`,
    "no-restricted-syntax",
  ],
  ["lib/api imports lib/tasks", "lib/api/fence-probe.ts", `import "@/lib/tasks";`, "no-restricted-imports"],
  [
    "lib/api imports lib/media",
    "lib/api/fence-probe.ts",
    `import "@/lib/media/urls";`,
    "no-restricted-imports",
  ],
  ["lib/mj imports @/messages", "lib/mj/fence-probe.ts", `import "@/messages";`, "no-restricted-imports"],
  [
    "a lib/mj test imports @/messages",
    "lib/mj/fence-probe.test.ts",
    `import "@/messages";`,
    "no-restricted-imports",
  ],
  ["lib/mj climbs out with ../", "lib/mj/fence-probe.ts", `import "../env";`, "no-restricted-imports"],
  [
    "an app route imports mj-simulator",
    "app/api/fence-probe/route.ts",
    `import { createSimulator } from "mj-simulator";\nexport const s = createSimulator;`,
    "no-restricted-imports",
  ],
  [
    "an app route imports the old lib/simulator",
    "app/api/fence-probe/route.ts",
    `import "@/lib/simulator";`,
    "no-restricted-imports",
  ],
  [
    "lib/tasks builds the SQLite store itself",
    "lib/tasks/fence-probe.ts",
    `import "@/lib/store/sqlite-task-store";`,
    "no-restricted-imports",
  ],
  [
    "lib/tasks builds the PostgreSQL store itself",
    "lib/tasks/fence-probe.ts",
    `import "@/lib/store/pg-task-store";`,
    "no-restricted-imports",
  ],
  [
    "an app route builds a PostgreSQL adapter of another room",
    "app/api/fence-probe/route.ts",
    `import "@/lib/auth/pg-sessions";`,
    "no-restricted-imports",
  ],
  [
    "an app route builds the filesystem blob store",
    "app/api/fence-probe/route.ts",
    `import "@/lib/media/fs-blob-store";`,
    "no-restricted-imports",
  ],
  [
    "the simulator package imports the app",
    "packages/mj-simulator/src/fence-probe.ts",
    `import "@/lib/mj/task";`,
    "no-restricted-imports",
  ],
  [
    "a module outside any room imports mj-simulator",
    "i18n/fence-probe.ts",
    `export * from "mj-simulator/http-server";`,
    "no-restricted-imports",
  ],
];

const RIGHT_WAY: Case[] = [
  [
    "lib/store imports lib/mj and lib/http/errors",
    "lib/store/fence-probe.ts",
    `export * from "@/lib/mj/task";\nexport * from "@/lib/http/errors";`,
  ],
  [
    "a lib/store test imports the test kit",
    "lib/store/fence-probe.test.ts",
    `import "@/lib/testing/server-only-noop";`,
  ],
  [
    "lib/tasks imports its ports and lib/media",
    "lib/tasks/fence-probe.ts",
    `import "@/lib/store/task-store";\nimport "@/lib/upstream/client";\nimport "@/lib/media/urls";`,
  ],
  [
    "lib/upstream imports lib/mj",
    "lib/upstream/fence-probe.ts",
    `import "@/lib/mj/envelope";\nimport "@/lib/http/errors";`,
  ],
  [
    "a component imports lib/api, lib/mj and lib/http/errors",
    "components/task/fence-probe.tsx",
    `import "@/lib/api/queries";\nimport "@/lib/mj/task";\nimport "@/lib/http/errors";`,
  ],
  ["lib/mj imports itself", "lib/mj/fence-probe.ts", `import "./task";\nimport "@/lib/mj/requests";`],
  ["the composition root imports mj-simulator", "lib/server/services.ts", `import "mj-simulator";`],
  [
    "the composition root builds the adapters",
    "lib/server/services.ts",
    `import "@/lib/store/sqlite-task-store";\nimport "@/lib/media/fs-blob-store";\nimport "@/lib/store/pg-task-store";`,
  ],
  [
    "a store's contract suite runs against the SQLite adapter",
    "lib/store/task-store.contract.ts",
    `import "@/lib/store/sqlite-task-store";`,
  ],
  ["a test imports mj-simulator", "app/api/fence-probe.test.ts", `import "mj-simulator";`],
  ["a script imports mj-simulator", "scripts/fence-probe.ts", `import "mj-simulator/http-server";`],
];

describe("ESLint fences", () => {
  it.each(WRONG_WAY)("reports: %s", async (_what, filePath, code, rule) => {
    expect(await fenceErrors(filePath, code)).toContain(rule);
  });

  it.each(RIGHT_WAY)("passes: %s", async (_what, filePath, code) => {
    expect(await fenceErrors(filePath, code)).toEqual([]);
  });

  describe("import cycles", () => {
    // Real files: import/no-cycle follows imports on disk, through tsconfig's `@/` paths.
    const dir = `lint/cycle-probe-${process.pid}`;
    afterAll(() => rmSync(path.join(ROOT, dir), { recursive: true, force: true }));

    it("reports a cycle of two modules joined by `@/` imports", async () => {
      mkdirSync(path.join(ROOT, dir), { recursive: true });
      const a = `import { b } from "@/${dir}/b";\nexport const a = () => b;\n`;
      writeFileSync(path.join(ROOT, dir, "a.ts"), a);
      writeFileSync(
        path.join(ROOT, dir, "b.ts"),
        `import { a } from "@/${dir}/a";\nexport const b = () => a;\n`,
      );
      expect(await fenceErrors(`${dir}/a.ts`, a, files)).toContain("import/no-cycle");
    });

    it("passes the same modules once the cycle is cut", async () => {
      const a = `import { b } from "@/${dir}/b";\nexport const a = () => b;\n`;
      writeFileSync(path.join(ROOT, dir, "b.ts"), `export const b = () => 1;\n`);
      expect(await fenceErrors(`${dir}/a.ts`, a, files)).toEqual([]);
    });
  });
});
