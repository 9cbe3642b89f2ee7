/**
 * The one readout format of the panels (docs/panel.md, "Numbers"): every number a panel shows as a
 * value — the summary, the charts' legends and keys, a sweep's values, the notices — is written by
 * `formatReadout`, so 10⁻³ never reads "1e-3" in one place, "0.001" in another and "1.0000e-3" in
 * a third. Axis ticks have their own format (src/core/figures/ticks.ts), and a number field shows
 * the file's value as typed.
 */
import { formatSignificant } from '../../src/core/mechanisms/explain';

/**
 * A number as the panel reads it out: an integer below 10¹⁵ exactly (a step, a width), anything
 * else with up to `digits` (6) significant digits and no trailing zeros — decimals for
 * 10⁻³ ≤ |x| < 10^digits, else mantissa and exponent (4.74299e-7) — `formatSignificant`'s one
 * rule; null and non-finite values print as "—".
 */
export function formatReadout(x: number | null | undefined, digits = 6): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  return formatSignificant(x, digits);
}
