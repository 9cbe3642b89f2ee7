/**
 * How a width power is written in labels (no dependency but number formatting, so the webviews may
 * import it): `γ = b·d^(−1/2)` — the number a user types under a `parameterisation` or as `base` is b,
 * not the value (docs/mechanisms.md, "Width scaling").
 */
import { formatNumber } from './diagnostic';

/**
 * An exponent of the width as written after `d^`: `(−1/2)`, `(−1)`, `2`, `(3/2)`, `(1/4)`, `0.3`,
 * with a true minus; halves, thirds and quarters as fractions; fractions and negative exponents in
 * parentheses.
 */
export function formatWidthExponent(e: number): string {
  const minus = e < 0 ? '−' : '';
  const a = Math.abs(e);
  let body = formatNumber(a);
  for (const q of [2, 3, 4]) {
    const p = Math.round(a * q);
    if (!Number.isInteger(a) && Math.abs(a * q - p) < 1e-12) {
      body = `${p}/${q}`;
      break;
    }
  }
  return minus || body.includes('/') ? `(${minus}${body})` : body;
}

/**
 * How a width-powered value is written from its base, in a symbol: `γ = b·d^(−1/2)` (`b` the base),
 * `η_u = b·d` for exponent 1. For labels that must say a number is the base, not the value.
 */
export function widthPowerFormula(symbol: string, exponent: number, base = 'b'): string {
  return `${symbol} = ${base}·d${exponent === 1 ? '' : `^${formatWidthExponent(exponent)}`}`;
}

/**
 * The name of a CSV column of values of the key `path` (a phase axis, a swept key): `path` itself, or
 * `path.base` (`model.outputScale.base`) where the values are the bases b of a width power b·d^e
 * (`power` not null, exponent not 0) — the JSON path of the number they are in a file that writes
 * `{ widthExponent, base }`, which `flab phase --x` and a sweep accept as the key's base. A header name,
 * not a comment line: every CSV reader keeps it (docs/phase-diagram.md, its `--csv`).
 */
export function csvValueColumn(path: string, power: { exponent: number } | null | undefined): string {
  return power && power.exponent !== 0 ? `${path}.base` : path;
}
