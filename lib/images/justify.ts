/**
 * Justified rows, as midjourney.com lays out its archive: pictures keep their aspect ratio, every
 * row but the last is scaled to fill the width exactly, and rows stay close to a target height.
 * Pure, so the gallery's virtualiser can know every row's height before anything is rendered.
 */

export interface JustifyOptions {
  /** The width to fill, in px. */
  width: number;
  /** The height a row aims at, in px. */
  targetHeight: number;
  /** Space between two pictures of a row, in px. */
  gap: number;
}

export interface JustifiedRow {
  /** Index of the row's first picture. */
  start: number;
  /** One past the row's last picture. */
  end: number;
  /** The row's height, in px: picture i of the row is `ratios[i] * height` wide. */
  height: number;
}

/** The height at which `count` pictures whose ratios add up to `ratioSum` fill the width. */
function fillHeight(ratioSum: number, count: number, { width, gap }: JustifyOptions): number {
  return (width - gap * (count - 1)) / ratioSum;
}

/**
 * Packs pictures (width/height ratios, in order) into rows. A row is closed at the picture that
 * takes it past the width at the target height, with or without that picture, whichever leaves
 * the row's height nearer the target (by ratio, so too tall and too short weigh alike). The last
 * row keeps the target height and is not stretched: a lone picture at the end stays its size.
 */
export function justifyRows(ratios: readonly number[], options: JustifyOptions): JustifiedRow[] {
  const { width, targetHeight } = options;
  if (width <= 0 || targetHeight <= 0) return [];
  const rows: JustifiedRow[] = [];
  let start = 0;
  let sum = 0;
  let i = 0;
  while (i < ratios.length) {
    const ratio = ratios[i] ?? 1;
    const count = i - start + 1;
    const height = fillHeight(sum + ratio, count, options);
    if (height > targetHeight) {
      // Still narrower than the width at the target height: keep adding.
      sum += ratio;
      i += 1;
      continue;
    }
    if (count > 1) {
      const without = fillHeight(sum, count - 1, options);
      if (without / targetHeight < targetHeight / height) {
        // Closing before this picture is nearer the target; it starts the next row.
        rows.push({ start, end: i, height: without });
        start = i;
        sum = 0;
        continue;
      }
    }
    rows.push({ start, end: i + 1, height });
    start = i + 1;
    sum = 0;
    i += 1;
  }
  if (start < ratios.length) rows.push({ start, end: ratios.length, height: targetHeight });
  return rows;
}
