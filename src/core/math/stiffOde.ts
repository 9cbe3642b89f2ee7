/**
 * A small adaptive integrator for the reduced weight-decay systems (docs/finite-rates.md): the
 * linearly implicit Euler method with polynomial extrapolation (the scheme of Deuflhard's LIMEX and
 * Hairer–Wanner's SEULEX, written from the textbook description). Why not an explicit Runge–Kutta:
 * with a small weight decay the flow has a fast scale (the tangent kernel K) and a slow one (ηρ),
 * and an explicit method would need ~K/(ηρ) steps to cross the slow one. The linearly implicit
 * steps are stable for any step size on decaying modes, so the step grows with the slow scale.
 * Dimension 12 here (the weight-decay plane with its residual): dense LU with partial pivoting.
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
   * Called after every accepted step of size h: may set components whose exact value is known (a
   * component that grows linearly within the step, which extrapolation would only round), and rescale
   * the state in place, exactly (by powers of two kept in components whose derivative is 0).
   */
  renormalise?(y: Float64Array, h: number): void;
  /**
   * Called before every step (and its retries) with the state it starts from: may set constants of F
   * for this step (an integrating factor that follows the state), as long as F stays smooth within it.
   */
  beginStep?(y: Float64Array): void;
}

/** Harmonic step-number sequence of the extrapolation tableau. */
const SEQUENCE = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/** Columns tried at least before a step may be accepted. */
const MIN_COLUMNS = 3;
/** Work of the rows 0…j (right-hand sides and one factorisation each, a factorisation counted as one evaluation). */
const WORK = SEQUENCE.map((_, j) => SEQUENCE.slice(0, j + 1).reduce((sum, nj) => sum + nj + 1, 1));
/** A run that needs more steps than this is refused rather than left to hang (about a second of work). */
export const MAX_ODE_STEPS = 50_000;

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
 * Throws OdeStepLimitError when more than `maxSteps` steps would be needed (not counting the steps cut
 * short to land on an output time: the grid's points cost no budget), or when the step size falls below
 * the resolution of t. `onStep(y, t)`, when given, sees the state after every accepted step (the
 * output times' included), for extremes that must not depend on the output grid; it must not change y.
 */
export function integrateAt(sys: OdeSystem, y0: Float64Array, times: readonly number[], firstStep: number, stats?: OdeStats, maxSteps = MAX_ODE_STEPS, onStep?: (y: Float64Array, t: number) => void): Float64Array[] {
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
  // The target row kc of the tableau (order kc + 1) and each row's proposed step, for the order and
  // step-size control of SEULEX (Hairer–Wanner): convergence is tested in rows kc − 1, kc, kc + 1 (so
  // kc − 2 ≥ MIN_COLUMNS − 1 has an error estimate too), and the next order is the one with the least
  // work per unit step.
  let kc = 4;
  const proposed = new Float64Array(kmax);
  let steps = 0;
  let rejected = 0;
  // The budget counts the steps accuracy asks for: every rejected step and every accepted one except
  // those cut short to land on an output time (one per time), so a fine grid never exhausts it.
  let budget = 0;
  for (const target of times) {
    while (t < target) {
      if (budget >= maxSteps) throw new OdeStepLimitError(`it needs more than ${maxSteps} steps of the integrator`, t);
      steps++;
      const last = t + H >= target;
      const h = last ? target - t : H;
      if (!last && !(t + h > t)) throw new OdeStepLimitError('its step size fell below the resolution of t (the solution leaves the range of 64-bit numbers, or changes faster than t can resolve)', t);
      sys.beginStep?.(y);
      sys.jacobian(y, J);
      sys.rhs(y, f);
      let accepted = -1;
      let tested = -1;
      const rows = Math.min(kc + 1, kmax - 1);
      // Tableau row j: n_j linearly implicit Euler steps (I − hJ)Δ = h F(y_i), then extrapolate.
      for (let j = 0; j <= rows; j++) {
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
          const errNorm = sys.errorNorm(err, T[j]);
          // T[j][j−1] has order j: its error scales as h^{j+1}.
          proposed[j] = h * (Number.isFinite(errNorm) ? (errNorm > 0 ? Math.min(4, Math.max(0.1, 0.8 * Math.pow(1 / errNorm, 1 / (j + 1)))) : 4) : 0.1);
          tested = j;
          if (errNorm <= 1 && j >= kc - 1) {
            accepted = j;
            break;
          }
        }
      }
      if (accepted >= 0) {
        if (!(last && h < H)) budget++;
        y.set(T[accepted]);
        sys.renormalise?.(y, h);
        t = last ? target : t + h;
        onStep?.(y, t);
        // The next order: one less if that is cheaper per unit step, one more if the current one was
        // cheaper than the one below it (its step scaled by the work ratio), else the same.
        const cost = (j: number) => WORK[j] / proposed[j];
        let next = accepted;
        let hNext = proposed[accepted];
        if (cost(accepted - 1) < 0.8 * cost(accepted)) {
          next = accepted - 1;
          hNext = proposed[next];
        } else if (accepted + 1 <= kmax - 2 && cost(accepted) < 0.9 * cost(accepted - 1)) {
          next = accepted + 1;
          hNext = (proposed[accepted] * WORK[next]) / WORK[accepted];
        }
        kc = Math.max(MIN_COLUMNS + 1, Math.min(kmax - 2, next));
        // A step clipped onto an output time must not shrink the proposal for the next one.
        if (!last || h >= H) H = hNext;
      } else {
        budget++;
        rejected++;
        kc = Math.max(MIN_COLUMNS + 1, Math.min(kc, tested >= MIN_COLUMNS - 1 ? tested : kc));
        H = tested >= MIN_COLUMNS - 1 ? Math.min(proposed[Math.min(tested, kc)], 0.5 * h) : 0.1 * h;
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
