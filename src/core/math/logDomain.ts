/**
 * Small log-domain helpers: sums and differences of exponentials that neither overflow nor cancel,
 * and exact scaling by powers of two (docs/model.md §3.2).
 */

/** ln(e^a + e^b), exact for infinite arguments (ln 0 = −∞). */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  if (a === Infinity || b === Infinity) return Infinity;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** ln(e^a + e^b + e^c). */
export function logAddExp3(a: number, b: number, c: number): number {
  return logAddExp(logAddExp(a, b), c);
}

/** ln(e^a − e^b) for a ≥ b (−∞ when a = b), without cancellation. */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  return a + logOneMinusExpNeg(a - b);
}

/** ln|eˣ − 1| for any finite x (−∞ at x = 0). */
export function logAbsExpm1(x: number): number {
  if (x > 30) return x + Math.log1p(-Math.exp(-x));
  return Math.log(Math.abs(Math.expm1(x)));
}

/** ln(1 − e^{−x}) for x ≥ 0, accurate for small and large x (−∞ at x = 0, 0 at x = ∞). */
export function logOneMinusExpNeg(x: number): number {
  return x > Math.LN2 ? Math.log1p(-Math.exp(-x)) : Math.log(-Math.expm1(-x));
}

/** ln|x| (−∞ at 0). */
export function logAbs(x: number): number {
  return Math.log(Math.abs(x));
}

/** sign(s)·e^{lnMagnitude}: a signed number from its logarithm (0 when s = 0 or the log is −∞). */
export function signedExp(s: number, lnMagnitude: number): number {
  return s === 0 ? 0 : Math.sign(s) * Math.exp(lnMagnitude);
}

/**
 * x·2ⁿ for an integer n, exact unless the result overflows (±∞) or falls among the subnormal numbers
 * (then correctly rounded). The factor is applied in steps of at most 2^±1000, so no step overflows
 * while the result is representable.
 */
export function ldexp(x: number, n: number): number {
  let r = x;
  let k = n;
  while (k > 1000) {
    r *= 2 ** 1000;
    k -= 1000;
    if (!Number.isFinite(r) || r === 0) return r;
  }
  while (k < -1000) {
    r *= 2 ** -1000;
    k += 1000;
    if (r === 0 || !Number.isFinite(r)) return r;
  }
  // 2^k itself is a normal number here; split once more so that a subnormal result is rounded once.
  if (k < -1021) return r * 2 ** (k + 60) * 2 ** -60;
  return r * 2 ** k;
}

/** The integer e with 2^(e−1) ≤ |x| < 2^e (frexp's exponent); 0 for x = 0 or non-finite x. */
export function binaryExponent(x: number): number {
  const a = Math.abs(x);
  if (a === 0 || !Number.isFinite(a)) return 0;
  let e = Math.floor(Math.log2(a)) + 1;
  // Math.log2 may be off by one near powers of two: fix with exact comparisons.
  if (ldexp(1, e - 1) > a) e--;
  else if (ldexp(1, e) <= a) e++;
  return e;
}
