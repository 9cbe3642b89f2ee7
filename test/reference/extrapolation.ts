/**
 * A reference ODE integrator for the tests, written independently of the solver's maths:
 * Gragg–Bulirsch–Stoer extrapolation of the modified midpoint rule (an explicit embedded
 * Runge–Kutta family of order 2K, here K = 8 → order 16) with adaptive step-size control.
 *
 * Why extrapolation rather than a tabulated pair (DOP853, Verner): its only "coefficients" are the
 * step numbers 2, 4, …, 2K, so there is no table to mistype, and at the tight tolerances the tests
 * need (≤ 1e-12 per step) a high-order method takes few, large steps. The error estimate is the
 * difference between the two highest orders of the extrapolation tableau (T_KK − T_K,K−1); the
 * step keeps T_KK (local extrapolation).
 */

/** Right-hand side: writes dy/dt at (t, y) into `out`. */
export type Rhs = (t: number, y: Float64Array, out: Float64Array) => void;

export interface IntegratorOptions {
  /** Componentwise relative tolerance per step (max norm). */
  rtol: number;
  /** Absolute floor of each component's error scale (0: purely relative). */
  atol: number;
  /** Columns of the extrapolation tableau; the order is 2K. */
  columns: number;
  /** Refuse to take more than this many steps in one call (guards the test suite against hangs). */
  maxSteps: number;
  /**
   * Error scale floor of each component as a fraction of the largest magnitude it has had: a
   * component that decays far below its own history (towards zero) is then held to an absolute
   * accuracy instead of an unreachable relative one, which would stall the step size on rounding.
   */
  floor: number;
}

export const DEFAULT_OPTIONS: IntegratorOptions = { rtol: 1e-13, atol: 0, columns: 8, maxSteps: 200_000, floor: 1e-3 };

export interface IntegratorStats {
  steps: number;
  rejected: number;
  evaluations: number;
}

/**
 * Integrates dy/dt = rhs(t, y) from `t0` with the state `y0` and returns the state at every time
 * of `times` (ascending, each ≥ t0). Steps are clipped to land on each reported time exactly.
 */
export function integrate(rhs: Rhs, t0: number, y0: Float64Array, times: readonly number[], options: Partial<IntegratorOptions> = {}, stats?: IntegratorStats): Float64Array[] {
  const opt = { ...DEFAULT_OPTIONS, ...options };
  const n = y0.length;
  const K = opt.columns;
  const y = Float64Array.from(y0);
  const history = Float64Array.from(y0, Math.abs);
  const f0 = new Float64Array(n);
  const fm = new Float64Array(n);
  const zPrev = new Float64Array(n);
  const zCur = new Float64Array(n);
  const zNext = new Float64Array(n);
  // Tableau rows: `row[k]` is T_{j,k} for the current j; `prev[k]` is T_{j−1,k}.
  let row: Float64Array[] = Array.from({ length: K }, () => new Float64Array(n));
  let prev: Float64Array[] = Array.from({ length: K }, () => new Float64Array(n));
  const steps = Array.from({ length: K }, (_, j) => 2 * (j + 1));
  const st = stats ?? { steps: 0, rejected: 0, evaluations: 0 };

  const out: Float64Array[] = [];
  let t = t0;
  let h = 0;
  for (const target of times) {
    if (target < t) throw new Error(`integrate: times must be ascending (${target} < ${t})`);
    while (t < target) {
      if (h === 0) h = initialStep(rhs, t, y, target - t, opt, st);
      const clipped = h >= target - t;
      const H = clipped ? target - t : h;
      rhs(t, y, f0);
      st.evaluations++;
      for (let j = 0; j < K; j++) {
        const m = steps[j];
        const hs = H / m;
        // Modified midpoint: z1 = z0 + h f(z0); z_{i+1} = z_{i−1} + 2h f(z_i); T = z_m (m even).
        zPrev.set(y);
        for (let i = 0; i < n; i++) zCur[i] = y[i] + hs * f0[i];
        for (let s = 1; s < m; s++) {
          rhs(t + s * hs, zCur, fm);
          st.evaluations++;
          for (let i = 0; i < n; i++) zNext[i] = zPrev[i] + 2 * hs * fm[i];
          zPrev.set(zCur);
          zCur.set(zNext);
        }
        row[0].set(zCur);
        // Aitken–Neville in h²: T_{j,k} = T_{j,k−1} + (T_{j,k−1} − T_{j−1,k−1}) / ((m_j/m_{j−k})² − 1).
        for (let k = 1; k <= j; k++) {
          const ratio = steps[j] / steps[j - k];
          const denom = ratio * ratio - 1;
          const a = row[k - 1];
          const b = prev[k - 1];
          const c = row[k];
          for (let i = 0; i < n; i++) c[i] = a[i] + (a[i] - b[i]) / denom;
        }
        const swap = prev;
        prev = row;
        row = swap;
      }
      // After the loop `prev` holds row K−1: the best value and the embedded lower-order one.
      const best = prev[K - 1];
      const lower = prev[K - 2];
      let err = 0;
      let finite = true;
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(best[i])) { finite = false; break; }
        const scale = opt.atol + opt.rtol * Math.max(Math.abs(y[i]), Math.abs(best[i]), opt.floor * history[i]);
        const e = Math.abs(best[i] - lower[i]);
        if (e === 0) continue;
        err = Math.max(err, scale > 0 ? e / scale : Infinity);
      }
      if (!finite) err = Infinity;
      const factor = err === 0 ? 4 : Math.min(4, Math.max(0.1, 0.9 * Math.pow(err, -1 / (2 * K - 1))));
      if (err <= 1) {
        t = clipped ? target : t + H;
        y.set(best);
        for (let i = 0; i < n; i++) history[i] = Math.max(history[i], Math.abs(best[i]));
        st.steps++;
        // A clipped step says nothing about the step the dynamics allow: keep the larger one.
        h = clipped ? Math.max(h, H * factor) : H * factor;
      } else {
        st.rejected++;
        h = H * factor;
      }
      if (st.steps + st.rejected > opt.maxSteps) throw new Error(`integrate: more than ${opt.maxSteps} steps (t = ${t}, h = ${h})`);
      if (t < target && !(t + h > t)) throw new Error(`integrate: step size underflow at t = ${t}`);
    }
    out.push(Float64Array.from(y));
  }
  return out;
}

/** A first step from the size of y and f: the time for y to change by a small fraction of itself. */
function initialStep(rhs: Rhs, t: number, y: Float64Array, span: number, opt: IntegratorOptions, st: IntegratorStats): number {
  const f = new Float64Array(y.length);
  rhs(t, y, f);
  st.evaluations++;
  let rate = 0;
  for (let i = 0; i < y.length; i++) {
    const scale = opt.atol + Math.abs(y[i]);
    if (f[i] !== 0) rate = Math.max(rate, scale > 0 ? Math.abs(f[i]) / scale : Infinity);
  }
  if (rate === 0) return span;
  if (!Number.isFinite(rate)) return span * 1e-6;
  return Math.min(span, 0.1 / rate);
}
