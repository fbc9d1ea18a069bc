import { describe, expect, it } from "vitest";
import { justifyRows, type JustifiedRow, type JustifyOptions } from "./justify";

const DESKTOP: JustifyOptions = { width: 1000, targetHeight: 220, gap: 8 };

/** The width a row takes: its pictures at the row's height, and the gaps between them. */
function rowWidth(ratios: readonly number[], row: JustifiedRow, gap: number): number {
  const pictures = ratios.slice(row.start, row.end);
  return pictures.reduce((sum, ratio) => sum + ratio * row.height, 0) + gap * (pictures.length - 1);
}

/** Deterministic ratios between 0.25 and 4, mostly the common ones. */
function ratiosOf(count: number): number[] {
  const common = [1, 3 / 2, 2 / 3, 16 / 9, 9 / 16, 4 / 3, 1, 1, 2, 0.25, 4];
  return Array.from({ length: count }, (_, i) => common[(i * 7 + (i % 5)) % common.length]!);
}

describe("justifyRows", () => {
  it("fills every row but the last to the width exactly, and covers every picture once, in order", () => {
    const ratios = ratiosOf(500);
    const rows = justifyRows(ratios, DESKTOP);
    expect(rows[0]!.start).toBe(0);
    expect(rows.at(-1)!.end).toBe(ratios.length);
    for (const [i, row] of rows.entries()) {
      expect(row.end).toBeGreaterThan(row.start);
      if (i > 0) expect(row.start).toBe(rows[i - 1]!.end);
      if (i < rows.length - 1) expect(rowWidth(ratios, row, DESKTOP.gap)).toBeCloseTo(DESKTOP.width, 6);
    }
  });

  it("keeps rows near the target height", () => {
    const rows = justifyRows(ratiosOf(500), DESKTOP).slice(0, -1);
    // A row is closed with or without its last picture, whichever is nearer: within a factor of
    // the widest common picture either way (single very wide pictures aside).
    const heights = rows.map((row) => row.height);
    const median = [...heights].sort((a, b) => a - b)[Math.floor(heights.length / 2)]!;
    expect(median).toBeGreaterThan(DESKTOP.targetHeight * 0.8);
    expect(median).toBeLessThan(DESKTOP.targetHeight * 1.25);
    for (const height of heights) expect(height).toBeLessThan(DESKTOP.targetHeight * 2);
  });

  it("does not stretch the last row: a lone picture at the end keeps the target height", () => {
    // Four squares fill 1,000 px at 244 px; a fifth would make the row 194 px, further from 220.
    const rows = justifyRows([1, 1, 1, 1, 1], DESKTOP);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.height).toBeCloseTo((1000 - 3 * 8) / 4, 6);
    expect(rows[1]).toEqual({ start: 4, end: 5, height: 220 });
  });

  it("closes a row before a picture when that leaves it nearer the target", () => {
    // With the wide picture the row would be 121 px high; without it, 244 px.
    const rows = justifyRows([1, 1, 1, 1, 4, 1], DESKTOP);
    expect(rows[0]).toMatchObject({ start: 0, end: 4 });
    expect(rows[1]!.start).toBe(4);
  });

  it("gives a picture wider than the page a row of its own, scaled down to fit", () => {
    const rows = justifyRows([4, 1], { width: 360, targetHeight: 160, gap: 6 });
    expect(rows[0]).toEqual({ start: 0, end: 1, height: 90 });
    expect(rows[1]).toEqual({ start: 1, end: 2, height: 160 });
  });

  it("puts about two squares or two 3:2 pictures in a row on a 360 px phone, never wider than the page", () => {
    const phone = { width: 358, targetHeight: 160, gap: 6 };
    for (const ratio of [1, 3 / 2]) {
      const ratios = Array.from({ length: 20 }, () => ratio);
      const rows = justifyRows(ratios, phone);
      for (const row of rows) {
        expect(row.end - row.start).toBe(2);
        expect(rowWidth(ratios, row, phone.gap)).toBeLessThanOrEqual(phone.width + 1e-6);
      }
    }
  });

  it("lays out nothing before the width is known, and nothing for no pictures", () => {
    expect(justifyRows([1, 2], { ...DESKTOP, width: 0 })).toEqual([]);
    expect(justifyRows([], DESKTOP)).toEqual([]);
  });

  it("packs a long history (40,000 pictures) into rows that never overflow the width", () => {
    const ratios = ratiosOf(40_000);
    const rows = justifyRows(ratios, DESKTOP);
    expect(rows.at(-1)!.end).toBe(40_000);
    for (const row of rows)
      expect(rowWidth(ratios, row, DESKTOP.gap)).toBeLessThanOrEqual(DESKTOP.width + 1e-6);
  });
});
