/**
 * Custom Zoom's `--zoom` (1.0-2.0). The prompt parser keeps it verbatim as an unmodelled
 * parameter; the Custom Zoom dialog reads and writes just this one value.
 */
export const ZOOM_RANGE = { min: 1, max: 2, step: 0.05, default: 1.5 } as const;

const ZOOM = /(^|\s)(?:--|—)zoom\s+(\S+)/i;

export function readZoom(text: string): number | null {
  const value = ZOOM.exec(text)?.[2];
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export function writeZoom(text: string, value: number): string {
  const formatted = String(Math.round(value * 100) / 100);
  if (ZOOM.test(text)) return text.replace(ZOOM, (_, lead: string) => `${lead}--zoom ${formatted}`);
  return `${text.trimEnd()} --zoom ${formatted}`.trimStart();
}

export function isValidZoom(value: number | null): value is number {
  return value !== null && value >= ZOOM_RANGE.min && value <= ZOOM_RANGE.max;
}
