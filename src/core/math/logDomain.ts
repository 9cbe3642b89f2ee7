/** Small log-domain helpers: sums and differences of exponentials that neither overflow nor cancel. */

/** ln(e^a + e^b), exact for infinite arguments (ln 0 = −∞). */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** ln(e^a + e^b + e^c). */
export function logAddExp3(a: number, b: number, c: number): number {
  return logAddExp(logAddExp(a, b), c);
}

/** ln|eˣ − 1| for any finite x (−∞ at x = 0). */
export function logAbsExpm1(x: number): number {
  if (x > 30) return x + Math.log1p(-Math.exp(-x));
  return Math.log(Math.abs(Math.expm1(x)));
}

/** ln(1 − e^{−x}) for x ≥ 0, accurate for small and large x (−∞ at x = 0). */
export function logOneMinusExpNeg(x: number): number {
  return x > Math.LN2 ? Math.log1p(-Math.exp(-x)) : Math.log(-Math.expm1(-x));
}
