/** Number formatting for the summary: plain text, at least 6 significant digits. */

/** Formats a number for the summary; `null`/non-finite print as "—". */
export function formatReadout(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  return x.toPrecision(6);
}
