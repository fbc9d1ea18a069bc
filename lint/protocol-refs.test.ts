import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every `§N` in the tree names a section of docs/protocol.md: one of its numbered headings
 * (`## 3.`, `### 3.12`, `#### 5.2.1`), or a numbered item of one (`§9.17` is item 17 of §9).
 */

const ROOT = path.resolve(import.meta.dirname, "..");
const SKIPPED = new Set([".git", ".next", ".data", "node_modules", "test-results", "playwright-report"]);
const TEXT = /\.(ts|tsx|mts|mjs|md|json|css)$/;

function sections(markdown: string): Set<string> {
  const found = new Set<string>();
  let section: string | null = null;
  for (const line of markdown.split("\n")) {
    const heading = /^#{2,6} (\d+(?:\.\d+)*)\.? /.exec(line);
    if (heading) found.add((section = heading[1]!));
    const item = /^(\d+)\. /.exec(line);
    if (item && section !== null) found.add(`${section}.${item[1]}`);
  }
  return found;
}

function textFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return textFiles(file);
    return TEXT.test(entry.name) && entry.name !== "package-lock.json" ? [file] : [];
  });
}

describe("§ references", () => {
  it("name sections that exist in docs/protocol.md", () => {
    const known = sections(readFileSync(path.join(ROOT, "docs/protocol.md"), "utf8"));
    const references = textFiles(ROOT).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/§(\d+(?:\.\d+)*)/g)].map(
        (match) => `${path.relative(ROOT, file)}: §${match[1]}`,
      ),
    );
    expect(references.length).toBeGreaterThan(100);
    expect(references.filter((reference) => !known.has(reference.split("§")[1]!))).toEqual([]);
  });
});
