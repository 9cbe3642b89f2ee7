/**
 * A small adaptive integrator for the reduced weight-decay systems (docs/finite-rates.md): the
 * linearly implicit Euler method with polynomial extrapolation (the scheme of Deuflhard's LIMEX and
 * Hairer–Wanner's SEULEX, written from the textbook description). Why not an explicit Runge–Kutta:
 * with a small weight decay the flow has a fast scale (the tangent kernel K) and a slow one (ηρ),
 * and an explicit method would need ~K/(ηρ) steps to cross the slow one. The linearly implicit
 * steps are stable for any step size on decaying modes, so the step grows with the slow scale.
 * Dimension ≤ 4 here: dense LU with partial pivoting.
 */

/** An autonomous system y' = F(y) with its Jacobian and the norm in which errors are measured. */
export interface OdeSystem {
  dim: number;
  rhs(y: Float64Array, out: Float64Array): void;
  /** ∂F/∂y, row-major dim × dim. */
  jacobian(y: Float64Array, out: Float64Array): void;
  /** The size of an error `err` at the state `y`, in units of the wanted accuracy (≤ 1 is accepted). */
  errorNorm(err: Float64Array, y: Float64Array): number;
  /**
   * Called after every accepted step: may rescale the state in place, exactly (by powers of two kept
   * in components whose derivative is 0), so that it stays far from overflow and underflow.
   */
  renormalise?(y: Float64Array): void;
}

/** Harmonic step-number sequence of the extrapolation tableau. */
const SEQUENCE = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/** Columns tried at least before a step may be accepted. */
const MIN_COLUMNS = 3;
/** A run that needs more steps than this is refused rather than left to hang (about a second of work). */
export const MAX_ODE_STEPS = 200_000;

/** The integration was stopped: too many steps, or a step size below the resolution of t. */
export class OdeStepLimitError extends Error {
  constructor(
    message: string,
    /** The time reached. */
    readonly t: number,
  ) {
    super(message);
    this.name = 'OdeStepLimitError';
  }
}

/** Integration statistics, for tests and benchmarks. */
export interface OdeStats {
  steps: number;
  rejected: number;
}

/**
 * The states at `times` (ascending, ≥ 0) of y' = F(y), y(0) = y0, stepping exactly onto each time.
 * Throws OdeStepLimitError when more than `maxSteps` steps would be needed, or when the step size
 * falls below the resolution of t.
 */
export function integrateAt(sys: OdeSystem, y0: Float64Array, times: readonly number[], firstStep: number, stats?: OdeStats, maxSteps = MAX_ODE_STEPS): Float64Array[] {
  const n = sys.dim;
  const kmax = SEQUENCE.length;
  const y = Float64Array.from(y0);
  const f = new Float64Array(n);
  const J = new Float64Array(n * n);
  const M = new Float64Array(n * n);
  const piv = new Int32Array(n);
  const yi = new Float64Array(n);
  const delta = new Float64Array(n);
  const err = new Float64Array(n);
  const T: Float64Array[] = Array.from({ length: kmax }, () => new Float64Array(n));
  const prev: Float64Array[] = Array.from({ length: kmax }, () => new Float64Array(n));
  const out: Float64Array[] = [];
  let t = 0;
  let H = firstStep > 0 && Number.isFinite(firstStep) ? firstStep : 1;
  let columns = 5;
  let steps = 0;
  let rejected = 0;
  for (const target of times) {
    while (t < target) {
      if (++steps > maxSteps) throw new OdeStepLimitError(`more than ${maxSteps} steps of the integrator`, t);
      const last = t + H >= target;
      const h = last ? target - t : H;
      if (!last && !(t + h > t)) throw new OdeStepLimitError(`the step size fell below the resolution of t = ${t}`, t);
      sys.jacobian(y, J);
      sys.rhs(y, f);
      let accepted = -1;
      let errNorm = Infinity;
      // Tableau row j: n_j linearly implicit Euler steps (I − hJ)Δ = h F(y_i), then extrapolate.
      for (let j = 0; j < kmax; j++) {
        const nj = SEQUENCE[j];
        const hj = h / nj;
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) M[a * n + b] = (a === b ? 1 : 0) - hj * J[a * n + b];
        if (!luFactor(M, n, piv)) break;
        yi.set(y);
        let finite = true;
        for (let i = 0; i < nj; i++) {
          if (i === 0) delta.set(f);
          else sys.rhs(yi, delta);
          for (let a = 0; a < n; a++) delta[a] *= hj;
          luSolve(M, n, piv, delta);
          for (let a = 0; a < n; a++) yi[a] += delta[a];
          if (!yi.every(Number.isFinite)) {
            finite = false;
            break;
          }
        }
        if (!finite) break;
        // T[j][0] = yi; T[j][k] = T[j][k−1] + (T[j][k−1] − T[j−1][k−1]) / (n_j/n_{j−k} − 1).
        for (let k = 0; k < j; k++) prev[k].set(T[k]); // prev[k] = T[j−1][k]
        T[0].set(yi);
        for (let k = 1; k <= j; k++) {
          const ratio = nj / SEQUENCE[j - k] - 1;
          // T holds row j being built in place: T[k−1] is T[j][k−1]; prev[k−1] is T[j−1][k−1].
          for (let a = 0; a < n; a++) T[k][a] = T[k - 1][a] + (T[k - 1][a] - prev[k - 1][a]) / ratio;
        }
        if (j + 1 >= MIN_COLUMNS) {
          for (let a = 0; a < n; a++) err[a] = T[j][a] - T[j - 1][a];
          errNorm = sys.errorNorm(err, T[j]);
          if (errNorm <= 1) {
            accepted = j;
            break;
          }
          if (j + 1 >= columns + 2) break; // far beyond the expected order: give up on this step size
        }
      }
      // New step size from the last error estimate (order ≈ number of columns).
      const used = accepted >= 0 ? accepted : Math.min(columns + 1, kmax - 1);
      const factor = Number.isFinite(errNorm) && errNorm > 0 ? Math.min(4, Math.max(0.1, 0.8 * Math.pow(1 / errNorm, 1 / (used + 1)))) : errNorm === 0 ? 4 : 0.1;
      if (accepted >= 0) {
        y.set(T[accepted]);
        sys.renormalise?.(y);
        t = last ? target : t + h;
        columns = Math.max(MIN_COLUMNS, Math.min(kmax - 2, accepted + 1));
        // A step clipped onto an output time must not shrink the proposal for the next one.
        if (!last || h >= H) H = h * factor;
      } else {
        rejected++;
        H = h * Math.min(factor, 0.5);
      }
    }
    out.push(Float64Array.from(y));
  }
  if (stats) {
    stats.steps += steps;
    stats.rejected += rejected;
  }
  return out;
}

/** In-place LU factorisation with partial pivoting; false when singular. */
function luFactor(A: Float64Array, n: number, piv: Int32Array): boolean {
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i * n + k]) > Math.abs(A[p * n + k])) p = i;
    piv[k] = p;
    if (!(A[p * n + k] !== 0) || !Number.isFinite(A[p * n + k])) return false;
    if (p !== k) for (let j = 0; j < n; j++) [A[k * n + j], A[p * n + j]] = [A[p * n + j], A[k * n + j]];
    for (let i = k + 1; i < n; i++) {
      const l = (A[i * n + k] /= A[k * n + k]);
      for (let j = k + 1; j < n; j++) A[i * n + j] -= l * A[k * n + j];
    }
  }
  return true;
}

function luSolve(A: Float64Array, n: number, piv: Int32Array, b: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) [b[k], b[p]] = [b[p], b[k]];
    for (let i = k + 1; i < n; i++) b[i] -= A[i * n + k] * b[k];
  }
  for (let k = n - 1; k >= 0; k--) {
    for (let j = k + 1; j < n; j++) b[k] -= A[k * n + j] * b[j];
    b[k] /= A[k * n + k];
  }
}
