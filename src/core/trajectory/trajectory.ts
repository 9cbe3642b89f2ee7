import type { MechanismScores, ScoredOver } from '../mechanisms/classify';

/**
 * What a solve or a simulation returns: columns of equal length over the reported times, and a
 * summary. This is the shape printed by `flab … --json` and posted to the webview.
 */
export interface Series {
  /** Training time (gradient flow) or step number (gradient descent). */
  t: number[];
  /** f at the effective input x = ā·n. */
  output: number[];
  /** ½E[(f − y)²], including the irreducible part of a data set. */
  loss: number[];
  /** cos∠(u, W n); null where u = 0 or W n = 0. */
  zeta: (number | null)[];
  /** |u|. */
  normU: number[];
  /** ‖W‖_F. */
  normW: number[];
  /** Tangent kernel with the layer rates, K = γ²ā²(η_u|Wn|² + η_W|u|²) for the linear network. */
  ntk?: number[];
  /** ‖θ(t) − θ₀‖ / ‖θ₀‖ over θ = (u, W); the absolute distance when θ₀ = 0. */
  distance: number[];
  /** With weight decay ρ > 0 only: the objective ½E[(f − y)²] + ½ρ(|u|² + ‖W‖_F²) (docs/finite-rates.md). */
  objective?: number[];
}

/** The long-time limit of the gradient flow (t → ∞). */
export interface Limit {
  output: number;
  loss: number;
  zeta: number | null;
  normU: number;
  normW: number;
  ntk: number;
}

export interface Summary {
  solver: 'exact' | 'simulate';
  width: number;
  inputDimension: number;
  /** λ = γ ā √(η_u η_W), the one rate that the exact solution depends on. */
  lambda: number | null;
  /** Effective sample: ā = |x| = √E[a²] and y_eff = E[a y]/ā. */
  effectiveInput: number;
  effectiveTarget: number;
  /**
   * ½E[(y − βa)²], β = E[a y]/E[a²]: the least loss of a linear map of the input — the linear network's
   * floor (every loss of a linear run is at least this). A nonlinear network (ReLU) is not bound by it:
   * on samples of both signs it can fit what no linear map fits and end below it (docs/limits.md).
   */
  irreducibleLoss: number;
  /** Characteristic rate ω of the exact solution (null for nonlinear activations). */
  omega: number | null;
  /** Time to halve the residual when the run escapes a plateau (K grows ≥ 10×), else null; gradient descent: the step at which the loss has come ¾ of the way to its end, from every step (docs/model.md §5, §6). */
  plateauTime: number | null;
  /**
   * The horizon T of the reported grid (its last time). A diverged run's series end before it, at
   * the last finite step (`diverged.step` says where it blew up); so does a run a caller stopped early.
   */
  horizon: number;
  zetaInitial: number | null;
  zetaFinal: number | null;
  lossInitial: number;
  lossFinal: number;
  ntkInitial: number | null;
  ntkFinal: number | null;
  /** Gradient-flow fixed point reached as t → ∞ (linear network), else null. */
  limit: Limit | null;
  /** Gradient descent only: the step at which the run blew up, else null. */
  diverged: { step: number } | null;
  /**
   * Gradient descent of a `relu` network only: the run ends dead — every hidden unit inactive on every
   * sample (w_i·x_s < 0 for every unit i and sample s; src/core/descent/deadUnits.ts), its outputs and
   * its gradient 0 — and `step` is the first step from which it stayed so to its end (0: dead from θ₀).
   * Such a run has no label and no scores: a mechanism would be read from a dead network. Null (or
   * absent) otherwise, and for a run that diverged.
   */
  dead?: { step: number } | null;
  /**
   * Gradient descent only: the run is stuck at a stationary point at θ₀ — every weight exactly 0 under
   * an activation with σ(0) = 0, so every gradient is exactly 0 and nothing moves whatever the rates
   * (`reason` "zeroInit"; src/core/descent/gradientDescent.ts, `stationaryAt`). Such a run has no label
   * and no scores: a kernel test passed by nothing moving is no regime. Null (or absent) otherwise, and
   * for a run that diverged or is dead.
   */
  stationary?: { reason: 'zeroInit' } | null;
  /**
   * Gradient descent only: the first window in which the loss rose above its starting value
   * (`fromStep`, by more than 1e-9 relative) and later fell below it again (`toStep`), with the largest
   * loss in between; null when there is none or the run diverged.
   */
  catapult?: { fromStep: number; toStep: number; peakLoss: number } | null;
  /**
   * Gradient descent of the linear network without weight decay: the largest factor by which both
   * learning rates can be multiplied and the run still converges — the output comes within 1e-3 of
   * its initial distance from the gradient-flow limit with the tangent kernel below 2, on two
   * consecutive steps, within 20 flow horizons (1e3 … 2e5 steps) — found by bisection on the O(1)
   * recursion to a relative tolerance of 1e-3 (docs/finite-rates.md). Null otherwise.
   */
  maxStableRateScale?: number | null;
  /** The weight decay ρ of the run (0 when none). */
  weightDecay?: number;
  /** Mechanism label (docs/mechanisms.md): `kernel`, `alignment`, `disalignment`, `rescaling` or `mixed: a+b`; null for a diverged, dead (`dead`) or stationary (`stationary`) run. */
  label?: string | null;
  /** The classifier's scores (docs/mechanisms.md): exact runs over t ∈ [0, ∞), gradient descent over its steps; null for a diverged, dead or stationary run. */
  scores?: MechanismScores | null;
  /**
   * Where the scores were taken (docs/mechanisms.md, "Two conventions"): `infinity`, the exact flow
   * over t ∈ [0, ∞) (its default); `end`, over the reported run — the exact flow with `classify.at:
   * "end"`, weight decay, and gradient descent always.
   */
  scoredOver?: ScoredOver;
}

export interface Trajectory extends Series {
  summary: Summary;
}

/** The column names of a trajectory, in the order `--csv` prints them. */
export const SERIES_COLUMNS = ['t', 'output', 'loss', 'zeta', 'normU', 'normW', 'ntk', 'distance', 'objective'] as const;

/** The summary fields read off a run's start (t = 0, step 0) and its last reported point. */
export type SeriesEnds = Pick<Summary, 'horizon' | 'zetaInitial' | 'zetaFinal' | 'lossInitial' | 'lossFinal' | 'ntkInitial' | 'ntkFinal'>;

/**
 * The state at t = 0 (step 0 of gradient descent) that a summary's "*Initial" values and the scores
 * start from, whatever the printed grid: `time.at` [100] prints no point at 0, and the first printed
 * point made the scores of step 100 against itself (kernel, ζ change 0) and the "initial" loss that of
 * t = 100. `ntk` null for a series without a kernel.
 */
export interface InitialState {
  zeta: number | null;
  loss: number;
  ntk: number | null;
  normU: number;
  normW: number;
}

/** The summary's ends: "*Initial" from the run's own start `initial`, "*Final" and the horizon from the last reported point of a non-empty series. */
export function seriesEnds(s: Series, initial: InitialState): SeriesEnds {
  const last = s.t.length - 1;
  return {
    horizon: s.t[last],
    zetaInitial: initial.zeta,
    zetaFinal: s.zeta[last],
    lossInitial: initial.loss,
    lossFinal: s.loss[last],
    ntkInitial: s.ntk ? initial.ntk : null,
    ntkFinal: s.ntk ? s.ntk[last] : null,
  };
}
