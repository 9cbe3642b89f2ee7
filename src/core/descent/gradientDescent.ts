/**
 * Plain full-batch gradient descent on the samples themselves (docs/model.md §7):
 * f(x) = γ Σᵢ uᵢ σ(wᵢ·x), L = ½ mean_s (f(x_s) − y_s)², both layers updated from the same
 * gradient evaluation, step k reported at t = k. O(samples·d·D) per step.
 */
import { formatNumber } from '../experiment/diagnostic';
import { ExperimentError } from '../experiment/errors';
import { Experiment, inputDimension, Sample } from '../experiment/experiment';
import { MAX_SIMULATED_PARAMETERS, MAX_SIMULATION_WORK, MAX_STEPS } from '../experiment/limits';
import { timeGrid } from '../experiment/timeGrid';
import type { ExactFlow } from '../linearFlow/exactFlow';
import { defaultHorizon, PLATEAU_KERNEL_GROWTH } from '../linearFlow/horizon';
import { fromLogPoint, type FlowPoint, type LogPoint } from '../linearFlow/plane';
import { MAX_WINDOW_STEPS, PlaneDescent, type StepExtremes } from '../linearFlow/planeDescent';
import { effectiveSample, EffectiveSample, exactFlowOf, forEachInitialNeuron, type ReducedFlow } from '../linearFlow/reduce';
import { Catapult, CatapultWatch, descentSettling, LossSettling, divergenceThreshold, maxStableRateScale, STABILITY_HORIZONS, STABILITY_MIN_STEPS } from '../linearFlow/stability';
import { checkExactRanges, checkInitialRanges, descentRangeError, slowDescentError } from '../linearFlow/ranges';
import { decayHorizon } from '../linearFlow/weightDecay';
import { firstNonFinite } from '../trajectory/finite';
import { seriesScores, type LoggedChanges, type StepExtremeScores } from '../trajectory/seriesScores';
import { InitialState, seriesEnds, Trajectory } from '../trajectory/trajectory';
import { ACTIVATIONS } from '../mechanisms/activation';
import { everyUnitDead } from './deadUnits';
import { reluDeadAt, SIMULATOR_RELU_AT_ZERO } from '../mechanisms/reluAtZero';

/** Options of `gradientDescent`. */
export interface DescentOptions {
  /** Run the plain O(d·D)-per-step loop even for the linear network (the recursion's reference). */
  reference?: boolean;
  /**
   * Sees the loss of every step from step 0, in order (not only the reported ones); returning false
   * ends the run there (a phase diagram's cell stops at its blow-up). A run that ends early is cut at
   * that step, like a diverged one, but `summary.diverged` stays null unless it diverged.
   */
  observe?: (step: number, loss: number) => boolean;
}

/** One run of gradient descent before its summary: columns, divergence and catapult. */
interface Descent {
  out: Trajectory;
  diverged: { step: number } | null;
  /** A `relu` network dead at the end of the run (deadUnits.ts) and the first step of its dead stretch; else null. */
  dead: { step: number } | null;
  catapult: Catapult | null;
  /**
   * A reported step of a run that had not diverged whose point has a number beyond 64 bits (the
   * distance from 1e-300 weights grown 2^50-fold): the run stops there and is refused, never cut short
   * in silence. The step and the column.
   */
  escaped?: { step: number; column: string };
  /** The recursion: its scores' changes from logarithms (LogScores) and its extremes over every step; the plain loop: absent. */
  logged?: LoggedChanges;
  /** The plain loop: the kernel's and the tangent features' largest changes over every step (`PlainExtremes`); the recursion: absent. */
  extremes?: StepExtremeScores;
  /** The state at step 0, reported or not: where the summary's "*Initial" values and the scores start. */
  initial: InitialState;
  /** The smallest loss of every step between consecutive grid steps (for the plateau, `plateauStep`). */
  minima: LossMinima;
}

/**
 * Gradient descent at the experiment's rates; `time` counts steps. The linear network runs the
 * exact O(1)-per-step recursion of docs/finite-rates.md (src/core/linearFlow/planeDescent.ts) unless
 * `options.reference`; other activations, and `reference`, run the plain loop over (u, W).
 * Both end their arrays at the last finite step when the run diverges (see `Summary.diverged`).
 */
export function gradientDescent(e: Experiment, options: DescentOptions = {}): Trajectory {
  const d = e.model.width;
  const D = inputDimension(e);
  const samples: Sample[] = e.data.kind === 'single' ? [{ x: e.data.x, y: e.data.y }] : e.data.samples;
  const sample = effectiveSample(e.data);
  // The linear network's exact flow (one O(d·D) draw of the weights) serves the recursion, the horizon and the summary.
  const exact = e.model.activation === 'linear' ? exactFlowOf(e) : null;
  if (exact) checkInitialRanges(e, exact.spec, exact.flow, exact.lnTheta0);
  const rho = e.weightDecay ?? 0;
  // The largest stable factor of the rates (without weight decay), for the summary.
  const maxScale = exact && rho === 0 ? stableRateScaleOf(exact.flow) : null;
  const steps = reportedSteps(e, exact ? () => simulationHorizonOf(e, exact, rho) : undefined);
  const lastStep = steps[steps.length - 1];
  const byRecursion = e.model.activation === 'linear' && !options.reference;
  if (!byRecursion) {
    checkPlainRanges(e, sample);
    if (d * D > MAX_SIMULATED_PARAMETERS) {
      throw new ExperimentError(`model.width × input dimension = ${formatNumber(d * D)} exceeds the simulator's limit of ${formatNumber(MAX_SIMULATED_PARAMETERS)} weights (it keeps W and its initial value in memory, 16 bytes each)`, 'model.width');
    }
    const work = lastStep * samples.length * d * D;
    if (work > MAX_SIMULATION_WORK) {
      throw new ExperimentError(`${formatNumber(lastStep)} steps × ${samples.length} samples × ${formatNumber(d * D)} weights = ${formatNumber(work)} multiply-adds exceeds the simulator's limit of ${formatNumber(MAX_SIMULATION_WORK)} (minutes of computing): use fewer steps${e.init.kind === 'random' ? ' or a smaller width' : ' (its explicit init.u and init.W fix the width)'}${e.model.activation === 'linear' ? ', or drop --reference' : ''}`, e.time.kind === 'at' ? 'time.at' : 'time.end');
    }
  }
  // The same run again, as far as `upTo`, told every step's loss (a plateau's step between two grid steps).
  const rerun = (upTo: number, observe: (step: number, loss: number) => boolean): void => {
    if (byRecursion && exact) recursionDescent(exact, [0, upTo], rho, observe);
    else plainDescent(e, samples, sample, [0, upTo], rho, observe);
  };
  const { out, diverged, dead, catapult, logged, extremes, escaped, initial, minima } = byRecursion && exact ? recursionDescent(exact, steps, rho, options.observe) : plainDescent(e, samples, sample, steps, rho, options.observe);
  const m = out.t.length;
  if (m === 0) throw initialLossError(e, samples);
  let omega: number | null = null;
  let lambda: number | null = null;
  if (exact) {
    omega = exact.flow.omega;
    lambda = exact.flow.lambda;
  }
  out.summary = {
    solver: 'simulate',
    width: d,
    inputDimension: D,
    lambda,
    effectiveInput: sample.abar,
    effectiveTarget: sample.y,
    irreducibleLoss: sample.irreducibleLoss,
    omega,
    plateauTime: diverged ? null : plateauStep(out, initial, logged, minima, rerun),
    ...seriesEnds(out, initial),
    // The grid's horizon, not where a diverged run's series end (time.end 1e160-fold rates: horizon 1, diverged at step 1).
    horizon: lastStep,
    limit: null,
    diverged,
    dead,
    // A rise and fall on the way to blowing up is no catapult: training did not recover.
    catapult: diverged ? null : catapult,
    maxStableRateScale: maxScale,
    weightDecay: rho,
  };
  // The kernel's and the tangent features' extremes over every step, the rest at the last reported one
  // (the run's end): the same for any grid that ends there. None for a run that diverged, nor for a dead
  // ReLU network, whose scores would read a mechanism from a network with no gradient (docs/mechanisms.md, "Scores").
  // Nor for a run stuck at a stationary point at θ₀ (u = W = 0 with σ(0) = 0: every gradient is a product
  // through a zero): its kernel test would pass by nothing moving — "kernel" — where nothing was trained
  // (stationaryAt; the network trainer's `frozen`).
  const stationary = diverged || dead ? null : stationaryAt(e, initial, lastStep);
  out.summary.stationary = stationary;
  out.summary.scores = diverged || dead || stationary ? null : seriesScores(out, initial, logged, extremes);
  out.summary.scoredOver = 'end';
  // A printed number beyond 64 bits: refused at the field to blame where the flow over the same span is
  // beyond them too (a run of σ = 1e-300 to its default horizon); otherwise with the step and the column.
  const beyond = escaped?.column ?? firstNonFinite(out);
  const refusal = beyond !== null && exact && rho === 0 ? descentRangeError(e, exact.spec, exact.flow, exact.lnTheta0, lastStep, beyond) : null;
  if (refusal) throw refusal;
  if (escaped) {
    throw new ExperimentError(`the run's ${escaped.column} at step ${formatNumber(escaped.step)} is beyond the 64-bit range (the run is refused rather than cut short; docs/limits.md, "Representable ranges")`, e.time.kind === 'at' ? 'time.at' : 'time.end');
  }
  return out;
}

function emptyTrajectory(rho: number): Trajectory {
  const out: Trajectory = { t: [], output: [], loss: [], zeta: [], normU: [], normW: [], ntk: [], distance: [], summary: undefined as unknown as Trajectory['summary'] };
  if (rho > 0) out.objective = [];
  return out;
}

/** Steps of the first catapult window reported beside the time grid, at most (planeDescent.ts). */
export { MAX_WINDOW_STEPS };

/**
 * The objective ½(f − y)² + ½ρ(|u|² + ‖W‖_F²) of a step's point (docs/finite-rates.md §5). Without weight
 * decay it is the loss: 0·|u|² is NaN once |u|² overflows (|u| ≈ 1e225 is a fine run). The ½ is taken
 * of the sum of squares (exact), not of ρ: (0.5·ρ)·(…) made ρ = 5e-324 a penalty of 0 (half of it rounds
 * to 0), so a subnormal ρ's penalty is its product with ρ, rounded once.
 */
function objectiveOf(p: FlowPoint, rho: number): number {
  return rho > 0 ? p.loss + rho * (0.5 * (p.normU * p.normU + p.normW * p.normW)) : p.loss;
}

/** The first column of a step's point that is not a 64-bit number (as printed), or null. */
function unprintable(p: FlowPoint, theta0: number, rho: number): string | null {
  const objective = objectiveOf(p, rho);
  const distance = theta0 > 0 ? p.distance / theta0 : p.distance;
  const columns: [string, number][] = [['output', p.output], ['loss', p.loss], ['normU', p.normU], ['normW', p.normW], ['ntk', p.ntk], ['distance', distance], ['objective', objective]];
  return columns.find(([, v]) => !Number.isFinite(v))?.[0] ?? null;
}

/** The start of the scores and the summary from step 0's point, as `insertPoint` would print it (ζ within [−1, 1]). */
function initialOf(p: FlowPoint): InitialState {
  return { zeta: p.zeta === null ? null : Math.max(-1, Math.min(1, p.zeta)), loss: p.loss, ntk: p.ntk, normU: p.normU, normW: p.normW };
}

/** Appends one step's point unless some number of it is not finite; returns whether it did. */
function pushPoint(out: Trajectory, step: number, p: FlowPoint, theta0: number, rho: number): boolean {
  return insertPoint(out, out.t.length, step, p, theta0, rho);
}

/** Inserts one step's point at index `at` of the columns unless some number of it is not finite; returns whether it did. */
function insertPoint(out: Trajectory, at: number, step: number, p: FlowPoint, theta0: number, rho: number): boolean {
  if (unprintable(p, theta0, rho) !== null) return false;
  const objective = objectiveOf(p, rho);
  const distance = theta0 > 0 ? p.distance / theta0 : p.distance;
  out.t.splice(at, 0, step);
  out.output.splice(at, 0, p.output);
  out.loss.splice(at, 0, p.loss);
  out.zeta.splice(at, 0, p.zeta === null ? null : Math.max(-1, Math.min(1, p.zeta)));
  out.normU.splice(at, 0, p.normU);
  out.normW.splice(at, 0, p.normW);
  out.ntk!.splice(at, 0, p.ntk);
  out.distance.splice(at, 0, distance);
  if (out.objective) out.objective.splice(at, 0, objective);
  return true;
}

/**
 * Which steps a run reports: the time grid's, and those of the first catapult window (its first
 * MAX_WINDOW_STEPS steps, its peak and the step that closes it), whatever the grid. The peak of a
 * window longer than the budget is kept aside and put in its place at the end (`finish`).
 */
class ReportedSteps {
  private next = 0;
  private extra = 0;
  private peak: { step: number; point: FlowPoint } | null = null;
  readonly watch = new CatapultWatch();

  constructor(private readonly grid: readonly number[]) {}

  /**
   * Feeds the step's loss to the catapult watch; returns whether the step is reported. `point` is
   * called for a peak that is not (so its point is kept for `finish`).
   */
  observe(step: number, loss: number, point: () => FlowPoint): boolean {
    const kind = this.watch.observe(step, loss);
    const onGrid = step === this.grid[this.next];
    if (onGrid) this.next++;
    const closes = kind !== 'none' && this.watch.catapult !== null;
    if (onGrid || (kind !== 'none' && (this.extra < MAX_WINDOW_STEPS || closes))) {
      if (!onGrid) this.extra++;
      if (kind === 'peak') this.peak = null;
      return true;
    }
    if (kind === 'peak') this.peak = { step, point: point() };
    return false;
  }

  /** Puts a peak that was kept aside in its place among the reported steps; returns whether it did. */
  finish(out: Trajectory, theta0: number, rho: number): boolean {
    if (!this.peak) return false;
    const { step, point } = this.peak;
    let at = out.t.length;
    while (at > 0 && out.t[at - 1] > step) at--;
    return out.t[at - 1] !== step && insertPoint(out, at, step, point, theta0, rho);
  }
}

/** The linear network by the O(1)-per-step recursion on the plane of (ũ₀, ṽ₀). */
function recursionDescent({ flow, lnTheta0 }: { flow: ExactFlow; lnTheta0: number }, steps: number[], rho: number, observe?: DescentOptions['observe']): Descent {
  // The distance relative to ‖θ₀‖ from logarithms (both may be below 64 bits: subnormal weights),
  // so the points carry it already divided (θ₀ = 1 for pushPoint); the absolute distance when θ₀ = 0.
  const theta0 = Number.isFinite(lnTheta0) ? 1 : 0;
  const run = new PlaneDescent(flow.input, rho, true);
  const reported = new ReportedSteps(steps);
  const out = emptyTrajectory(rho);
  const lastStep = steps[steps.length - 1];
  const logs = new LogScores();
  const { irreducibleLoss } = flow.input;
  // Reports the current step; its logarithms count towards the scores when the point is reported.
  const toPoint = (p: LogPoint): FlowPoint => {
    const point = fromLogPoint(p, irreducibleLoss);
    if (theta0 === 1) point.distance = Math.exp(p.lnDistance - lnTheta0);
    return point;
  };
  const push = (step: number, p: LogPoint = run.logPoint()): boolean => pushPoint(out, step, toPoint(p), theta0, rho) && logs.see(step, p);
  let peak: { step: number; p: LogPoint } | null = null;
  const peakPoint = (): FlowPoint => {
    peak = { step: run.step, p: run.logPoint() };
    return toPoint(peak.p);
  };
  let diverged: { step: number } | null = null;
  let escaped: Descent['escaped'] = undefined;
  let recorded = -1;
  const threshold = divergenceThreshold(run.loss);
  // Step 0 starts the scores and the summary whether or not the grid reports it.
  const start = run.logPoint();
  logs.see(0, start);
  const initial = initialOf(toPoint(start));
  const minima = new LossMinima(steps);
  for (;;) {
    const step = run.step;
    const loss = run.loss;
    if (!(loss <= threshold)) {
      diverged = { step };
      // The arrays end at the last finite state: this one if it is, else the one before.
      if (!(Number.isFinite(loss) && push(step)) && step > 0 && recorded !== step - 1) {
        run.stepBack();
        push(step - 1);
      }
      break;
    }
    minima.see(step, loss);
    if (reported.observe(step, loss, peakPoint)) {
      const p = run.logPoint();
      if (!push(step, p)) {
        escaped = { step, column: unprintable(toPoint(p), theta0, rho) ?? 'output' };
        break;
      }
      recorded = step;
    }
    if (observe && !observe(step, loss)) {
      if (recorded !== step) push(step);
      break;
    }
    if (step === lastStep) break;
    if (!run.advance()) {
      diverged = { step: step + 1 };
      if (recorded !== step) push(step);
      break;
    }
  }
  const kept = peak as { step: number; p: LogPoint } | null;
  if (reported.finish(out, theta0, rho) && kept) logs.see(kept.step, kept.p);
  return { out, diverged, dead: null, catapult: reported.watch.catapult, logged: logs.changes(run.extremes!), initial, minima, ...(escaped ? { escaped } : {}) };
}

/**
 * The recursion's scores in the log domain (LoggedChanges): the norms' log changes from step 0 to the
 * last reported point, where they decay below 64 bits, and the kernel's and the tangent features'
 * largest changes over every step the run took (`StepExtremes`: exact where the ntk column underflows,
 * σ = 1e-300 giving K₀ ≈ 1e-600, printed 0; and the same for any grid, which a kernel excursion
 * between two reported steps escaped). The first point seen is the start; the last point in time, the end.
 */
class LogScores {
  private first: LogPoint | null = null;
  private last: { step: number; p: LogPoint } | null = null;

  /** Counts one reported point; returns true (so that it chains after a successful push). */
  see(step: number, p: LogPoint): true {
    this.first ??= p;
    if (this.last === null || step >= this.last.step) this.last = { step, p };
    return true;
  }

  /** The changes, with the extremes of every step the run took. */
  changes(extremes: StepExtremes): LoggedChanges | undefined {
    if (!this.first || !this.last) return undefined;
    const { first } = this;
    const last = this.last.p;
    return { kernelChange: extremes.kernelChange, tangentChange: extremes.tangentChange, lnNormU: [first.lnNormU, last.lnNormU], lnNormW: [first.lnNormW, last.lnNormW], lnNtk: [first.lnNtk, last.lnNtk] };
  }
}

/** The plain loop over (u, W) on the samples themselves, any activation; O(samples·d·D) per step. */
function plainDescent(e: Experiment, samples: Sample[], sample: EffectiveSample, steps: number[], rho: number, observe?: DescentOptions['observe']): Descent {
  const d = e.model.width;
  const D = inputDimension(e);
  const lastStep = steps[steps.length - 1];
  const sigma = ACTIVATIONS[e.model.activation];
  const gamma = e.model.outputScale;
  const etaU = e.learningRates.u;
  const etaW = e.learningRates.W;
  // Two buffers per layer: the gradient is accumulated in the spare one, which then receives the next
  // state; they are swapped only when that state is finite, so the last finite state is never lost.
  let u = new Float64Array(d);
  let W = new Float64Array(d * D);
  forEachInitialNeuron(e.init, d, D, (i, ui, row) => {
    u[i] = ui;
    W.set(row, i * D);
  });
  const u0 = u.slice();
  const W0 = W.slice();
  let theta0 = 0;
  for (let i = 0; i < d; i++) theta0 += u[i] * u[i];
  for (let k = 0; k < d * D; k++) theta0 += W[k] * W[k];
  theta0 = Math.sqrt(theta0);

  const n = samples.length;
  const X = new Float64Array(n * D);
  samples.forEach((s, i) => X.set(s.x, i * D));
  const residuals = new Float64Array(n);
  let gradU = new Float64Array(d);
  let gradW = new Float64Array(d * D);

  const out = emptyTrajectory(rho);
  const reported = new ReportedSteps(steps);
  let diverged: { step: number } | null = null;
  let escaped: Descent['escaped'] = undefined;
  let recorded = -1;
  let previousLoss = NaN;
  // A ReLU network's dead stretch: whether some w_i·x_s of the last forward pass passed a gradient
  // (not reluDeadAt with the simulator's relu′(0) = 1, as everyUnitDead takes it), and
  // the first step of the stretch of steps, up to the current one, at which none was (else null).
  const relu = e.model.activation === 'relu';
  let live = true;
  let deadSince: number | null = null;

  // With one sample (its input is the effective input), σ(w_i·x) and σ′(w_i·x) of the last forward pass.
  const single = n === 1;
  const hs = new Float64Array(single ? d : 0);
  const ds = new Float64Array(single ? d : 0);

  /** ½ mean residual², filling `residuals` (and `live`; with one sample, `hs` and `ds`). */
  const forward = (): number => {
    let loss = 0;
    live = false;
    for (let s = 0; s < n; s++) {
      let f = 0;
      for (let i = 0; i < d; i++) {
        let z = 0;
        for (let j = 0; j < D; j++) z += W[i * D + j] * X[s * D + j];
        if (relu && !reluDeadAt(z, SIMULATOR_RELU_AT_ZERO)) live = true;
        const h = sigma.value(z);
        if (single) {
          // One sample: σ and σ′ of its pre-activations serve the gradient and the scores' extremes too.
          hs[i] = h;
          ds[i] = sigma.derivative(z);
        }
        f += u[i] * h;
      }
      const r = gamma * f - samples[s].y;
      residuals[s] = r;
      loss += r * r;
    }
    return (0.5 * loss) / n;
  };

  /** Appends the state (uu, WW) = (u, W) or the previous one; returns whether it was finite. */
  const record = (step: number, loss: number, uu: Float64Array, WW: Float64Array): boolean => pushPoint(out, step, pointOf(loss, uu, WW), theta0, rho);

  /** Every drawn quantity of the state (uu, WW) with data loss `loss`; `distance` absolute. */
  const pointOf = (loss: number, uu: Float64Array, WW: Float64Array): FlowPoint => {
    let output = 0;
    let nu = 0;
    let vv = 0;
    let uv = 0;
    let ww = 0;
    let ntkU = 0;
    let ntkW = 0;
    let dist = 0;
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let j = 0; j < D; j++) {
        const w = WW[i * D + j];
        v += w * sample.direction[j];
        ww += w * w;
        const dw = w - W0[i * D + j];
        dist += dw * dw;
      }
      const du = uu[i] - u0[i];
      dist += du * du;
      const h = sigma.value(v * sample.abar);
      const dh = sigma.derivative(v * sample.abar);
      output += uu[i] * h;
      nu += uu[i] * uu[i];
      vv += v * v;
      uv += uu[i] * v;
      ntkU += h * h;
      ntkW += uu[i] * uu[i] * dh * dh;
    }
    const cross = Math.sqrt(nu) * Math.sqrt(vv);
    const p: FlowPoint = {
      output: gamma * output,
      residual: NaN,
      loss,
      zeta: cross > 0 ? uv / cross : null,
      normU: Math.sqrt(nu),
      normW: Math.sqrt(ww),
      ntk: gamma * gamma * (etaU * ntkU + etaW * ntkW * sample.abar * sample.abar),
      distance: Math.sqrt(dist),
    };
    return p;
  };

  // The scores' extremes over every step the run takes, whatever steps it reports (docs/mechanisms.md,
  // "Scores"), at the effective input as pointOf's kernel: the features ∇_{u_i} f = γ h_i and
  // ∇_{w_i} f = γ g_i ā n with h_i = σ(v_i ā), g_i = u_i σ'(v_i ā) (n the input's direction), so
  // K = γ²(η_u Σ h_i² + η_W ā² Σ g_i²) and ‖∇f − ∇f₀‖² in the metric of the rates is the same sum over
  // the changes of h and g (the exact flow's tangentChange for the linear network). γ² cancels. With one
  // sample, h and g come from the forward pass (no extra σ); else O(d·D) more per step.
  const h0 = new Float64Array(d);
  const g0 = new Float64Array(d);
  const weightW = etaW * sample.abar * sample.abar;
  let kernel0 = NaN;
  let kernelChange = 0;
  let tangent2 = 0;
  const seeExtremes = (first: boolean): void => {
    let kU = 0;
    let kW = 0;
    let dU = 0;
    let dW = 0;
    for (let i = 0; i < d; i++) {
      let h: number;
      let g: number;
      if (single) {
        h = hs[i];
        g = u[i] * ds[i];
      } else {
        let v = 0;
        for (let j = 0; j < D; j++) v += W[i * D + j] * sample.direction[j];
        h = sigma.value(v * sample.abar);
        g = u[i] * sigma.derivative(v * sample.abar);
      }
      kU += h * h;
      kW += g * g;
      if (first) {
        h0[i] = h;
        g0[i] = g;
      } else {
        dU += (h - h0[i]) * (h - h0[i]);
        dW += (g - g0[i]) * (g - g0[i]);
      }
    }
    const kernel = etaU * kU + weightW * kW;
    if (first) {
      kernel0 = kernel;
      return;
    }
    // K₀ = 0 (every unit inactive at the effective input ā·n, samples of both signs): no relative
    // change exists, whatever K does later — the scores are null (undefinedKernel below), never 0 or ∞.
    if (!(kernel0 > 0)) return;
    const k = Math.abs(kernel / kernel0 - 1);
    if (k > kernelChange) kernelChange = k;
    const t = (etaU * dU + weightW * dW) / kernel0;
    if (t > tangent2) tangent2 = t;
  };

  let threshold = NaN;
  let initial: InitialState | null = null;
  const minima = new LossMinima(steps);
  for (let step = 0; step <= lastStep; step++) {
    const loss = forward();
    deadSince = live ? null : (deadSince ?? step);
    if (step === 0) {
      threshold = divergenceThreshold(loss);
      // Step 0 starts the scores and the summary whether or not the grid reports it.
      initial = initialOf(pointOf(loss, u, W));
    }
    if (!(loss <= threshold)) {
      diverged = { step };
      // The arrays end at the last finite state: this one if it is, else the one before (in the spare buffers).
      if (!(Number.isFinite(loss) && record(step, loss, u, W)) && step > 0 && recorded !== step - 1) record(step - 1, previousLoss, gradU, gradW);
      break;
    }
    minima.see(step, loss);
    seeExtremes(step === 0);
    if (reported.observe(step, loss, () => pointOf(loss, u, W))) {
      if (!record(step, loss, u, W)) {
        escaped = { step, column: unprintable(pointOf(loss, u, W), theta0, rho) ?? 'output' };
        break;
      }
      recorded = step;
    }
    if (observe && !observe(step, loss)) {
      if (recorded !== step) record(step, loss, u, W);
      break;
    }
    if (step === lastStep) break;
    // Both layers from the same gradient evaluation (weight decay adds ρ·θ).
    gradU.fill(0);
    gradW.fill(0);
    for (let s = 0; s < n; s++) {
      const r = (gamma * residuals[s]) / n;
      if (r === 0) continue;
      for (let i = 0; i < d; i++) {
        if (single) {
          gradU[i] += r * hs[i];
          const g = r * u[i] * ds[i];
          for (let j = 0; j < D; j++) gradW[i * D + j] += g * X[j];
          continue;
        }
        let z = 0;
        for (let j = 0; j < D; j++) z += W[i * D + j] * X[s * D + j];
        gradU[i] += r * sigma.value(z);
        const g = r * u[i] * sigma.derivative(z);
        for (let j = 0; j < D; j++) gradW[i * D + j] += g * X[s * D + j];
      }
    }
    // The next state goes into the gradient buffers; NaN-propagation tells whether all of it is finite.
    let check = 0;
    for (let i = 0; i < d; i++) {
      const x = u[i] - etaU * (rho === 0 ? gradU[i] : gradU[i] + rho * u[i]);
      gradU[i] = x;
      check += x - x;
    }
    for (let k = 0; k < d * D; k++) {
      const x = W[k] - etaW * (rho === 0 ? gradW[k] : gradW[k] + rho * W[k]);
      gradW[k] = x;
      check += x - x;
    }
    if (check !== 0) {
      diverged = { step: step + 1 };
      if (recorded !== step) record(step, loss, u, W);
      break;
    }
    [u, gradU] = [gradU, u];
    [W, gradW] = [gradW, W];
    previousLoss = loss;
  }
  reported.finish(out, theta0, rho);
  // Dead at the end: the last state (u, W), whose forward pass the loop made, tells it (everyUnitDead,
  // the definition; `deadSince` the same test at every step, for the step it died at).
  const dead = relu && diverged === null && !escaped && everyUnitDead(W, X, d) ? { step: deadSince ?? lastStep } : null;
  return { out, diverged, dead, catapult: reported.watch.catapult, initial: initial!, minima, extremes: kernel0 > 0 ? { kernelChange, tangentChange: Math.sqrt(tangent2) } : { kernelChange: null, tangentChange: null }, ...(escaped ? { escaped } : {}) };
}

/**
 * The smallest weight scale the plain loop computes with: 2^-511 ≈ 1.5e-154, whose square 2^-1022 is the
 * smallest normal 64-bit number. Below it the loop's squares and products (|u|², u·v, the kernel)
 * lose their digits to underflow — norms printed 0, ζ null, a label from noise.
 */
export const PLAIN_LOOP_SMALLEST_SCALE = 2 ** -511;

/**
 * The largest weight scale the plain loop computes with: 2^500 ≈ 3.3e150, so that its sums of squares
 * over up to 10⁷ weights of a few σ each (|u|², ‖W‖², the kernel) stay below 2^1024. Above it they
 * overflow — norms printed ∞ — where the linear recursion, in its own units, computes the run.
 */
export const PLAIN_LOOP_LARGEST_SCALE = 2 ** 500;

/**
 * Refuses a run of the plain loop over (u, W) whose weights are too small for its 64-bit products
 * (docs/limits.md, "Representable ranges"), at the field to blame with the value that works: σ_u (or
 * the largest |u_i|), σ_W (the largest |W_ij|), and σ_W·|x| — the scale of the pre-activations w_i·x,
 * blamed on the smaller of the two. The linear network's recursion keeps its own units and has no such
 * limit; zero layers are exact and pass.
 */
function checkPlainRanges(e: Experiment, sample: EffectiveSample): void {
  const random = e.init.kind === 'random';
  const largest = (xs: readonly number[]): number => xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const sigmaU = e.init.kind === 'random' ? e.init.scaleU : largest(e.init.u);
  const sigmaW = e.init.kind === 'random' ? e.init.scaleW : largest(e.init.W.flat());
  const pathU = random ? 'init.scaleU' : 'init.u';
  const pathW = random ? 'init.scaleW' : 'init.W';
  const why = `the plain loop over (u, W)${e.model.activation === 'linear' ? ' (--reference)' : ` (activation ${e.model.activation})`} forms squares and products of the weights in 64 bits, which underflow below 2.2e-308: norms would print 0 and ζ null`;
  const refuse = (path: string, label: string, value: number, bound: number): never => {
    throw new ExperimentError(`${label} = ${formatNumber(value).replace('e+', 'e')}: ${why}; with the other values as they are, ${path} must be ≥ about ${formatNumber(Number(bound.toPrecision(2))).replace('e+', 'e')} (docs/limits.md, "Representable ranges")`, path);
  };
  // Rounded up so that the stated value itself passes.
  const atLeast = (x: number): number => Number((x * 1.05).toPrecision(2));
  if (sigmaU > 0 && sigmaU < PLAIN_LOOP_SMALLEST_SCALE) refuse(pathU, random ? pathU : `${pathU} (its largest |u_i|)`, sigmaU, atLeast(PLAIN_LOOP_SMALLEST_SCALE));
  // Rounded down so that the stated value itself passes.
  const atMost = (x: number): number => Number((x * 0.95).toPrecision(2));
  const tooLarge = (path: string, label: string, value: number): never => {
    throw new ExperimentError(`${label} = ${formatNumber(value).replace('e+', 'e')}: the plain loop over (u, W)${e.model.activation === 'linear' ? ' (--reference)' : ` (activation ${e.model.activation})`} forms squares of the weights in 64 bits, which overflow above 1.8e308: norms would print Infinity; with the other values as they are, ${path} must be ≤ about ${formatNumber(atMost(PLAIN_LOOP_LARGEST_SCALE)).replace('e+', 'e')} (docs/limits.md, "Representable ranges")`, path);
  };
  if (sigmaU > PLAIN_LOOP_LARGEST_SCALE) tooLarge(pathU, random ? pathU : `${pathU} (its largest |u_i|)`, sigmaU);
  if (sigmaW > PLAIN_LOOP_LARGEST_SCALE) tooLarge(pathW, random ? pathW : `${pathW} (its largest |W_ij|)`, sigmaW);
  if (sigmaW > 0 && sigmaW < PLAIN_LOOP_SMALLEST_SCALE) refuse(pathW, random ? pathW : `${pathW} (its largest |W_ij|)`, sigmaW, atLeast(PLAIN_LOOP_SMALLEST_SCALE));
  if (sigmaW > 0 && Math.log(sigmaW) + sample.lnAbar < Math.log(PLAIN_LOOP_SMALLEST_SCALE)) {
    const single = e.data.kind === 'single';
    // The pre-activations w_i·x: blame the smaller of σ_W and |x|.
    if (sample.lnAbar < Math.log(sigmaW)) {
      const path = single ? 'data.x' : 'data.samples';
      refuse(path, single ? 'data.x (its length |x|)' : 'the inputs of data.samples (their size ā)', Math.exp(sample.lnAbar), atLeast(PLAIN_LOOP_SMALLEST_SCALE / sigmaW));
    } else refuse(pathW, random ? pathW : `${pathW} (its largest |W_ij|)`, sigmaW, atLeast(Math.exp(Math.log(PLAIN_LOOP_SMALLEST_SCALE) - sample.lnAbar)));
  }
}

/** The time grid's steps: the grid rounded to whole steps, without repeats (a run adds the steps of its events, docs/finite-rates.md §3). */
export function reportedSteps(e: Experiment, horizon: () => number = () => simulationHorizon(e)): number[] {
  if (e.time.kind === 'grid' && e.time.end !== undefined && !Number.isInteger(e.time.end)) {
    throw new ExperimentError(`time.end counts gradient-descent steps: it must be a whole number, got ${formatNumber(e.time.end)}`, 'time.end');
  }
  // time.at too counts steps (the flow takes real times: this is simulate's rule only). A time that is
  // not a whole step was rounded to one ([0.5] ran 1 step), and a grid ending at step 0 ran nothing and
  // was labelled kernel from every score 0, where time.end 0 and 0.4 are refused.
  if (e.time.kind === 'at') {
    const at = e.time.at;
    const i = at.findIndex((t) => !Number.isInteger(t));
    if (i >= 0) throw new ExperimentError(`time.at counts gradient-descent steps: each time must be a whole number, got time.at[${i}] = ${formatNumber(at[i]).replace('e+', 'e')}`, `time.at[${i}]`);
    if (at.length > 0 && !(at[at.length - 1] > 0)) {
      throw new ExperimentError(`time.at counts gradient-descent steps: its last time must be > 0 (at least one step), got time.at[${at.length - 1}] = ${formatNumber(at[at.length - 1])}`, `time.at[${at.length - 1}]`);
    }
  }
  const times = timeGrid(e.time, () => Math.ceil(horizon()));
  // The run's own number of steps (its last time), checked before the grid is rounded: the first grid
  // point past the limit is not what the user asked for (time.end 1e15 was reported as 1.01e13 steps).
  const last = times.reduce((m, t) => Math.max(m, t), 0);
  if (Math.round(last) > MAX_STEPS) {
    throw new ExperimentError(`${formatNumber(last).replace('e+', 'e')} gradient-descent steps exceed the limit of ${formatNumber(MAX_STEPS)} (docs/limits.md)`, e.time.kind === 'at' ? 'time.at' : 'time.end');
  }
  const steps: number[] = [];
  for (const t of times) {
    const k = Math.round(t);
    if (steps.length === 0 || k > steps[steps.length - 1]) steps.push(k);
  }
  return steps;
}

/** Default number of steps: where gradient descent settles (`simulationHorizonOf`; a nonlinear network, `plainHorizon`). */
function simulationHorizon(e: Experiment): number {
  const linear: Experiment = { ...e, model: { ...e.model, activation: 'linear' } };
  const exact = exactFlowOf(linear);
  const rho = e.weightDecay ?? 0;
  return e.model.activation === 'linear' ? simulationHorizonOf(linear, exact, rho) : plainHorizon(e, linear, exact, rho);
}

/**
 * The default number of steps of a nonlinear network (docs/model.md §6, "Default horizon"): the plain
 * loop itself, run step by step at the experiment's rates until its losses have settled (`LossSettling`)
 * or it blows up — not the step count of the network made linear, which stopped a tanh catapult at step
 * 17 of 20 (loss 0.66 from 0.23, labelled alignment; it converges to 8e-30 and is rescaling). The
 * network made linear is checked first as a linear default run is (`simulationHorizonOf`): where it
 * cannot settle within the step limit neither can this one (a flat loss from tiny inputs or rates, where
 * every activation is near its linear part), and it is refused at the field to blame. The search runs
 * at most 20 horizons of that linear network's flow (≥ 10³, ≤ 10⁷ steps) and at most the steps the work
 * limit affords; a run not settled there is labelled as a linear one at its cap is (an oscillation at
 * the edge of stability), and refused where the work limit cut it short (it cannot be afforded).
 * Weight decay stretches the undecayed run's steps as for the linear network. The run itself repeats
 * the search's steps bit for bit, so a default run costs up to twice its steps.
 */
function plainHorizon(e: Experiment, linear: Experiment, exact: ReducedFlow, rho: number): number {
  simulationHorizonOf(linear, exact, 0);
  const d = e.model.width;
  const D = inputDimension(e);
  const samples: Sample[] = e.data.kind === 'single' ? [{ x: e.data.x, y: e.data.y }] : e.data.samples;
  const sample = effectiveSample(e.data);
  checkPlainRanges(e, sample);
  if (d * D > MAX_SIMULATED_PARAMETERS) return 1;
  const cap = settlingCap(exact.flow);
  const affordable = Math.floor(MAX_SIMULATION_WORK / (samples.length * d * D));
  const budget = Math.max(1, Math.min(cap, affordable));
  const settling = new LossSettling();
  let end = -1;
  const run = plainDescent(e, samples, sample, [0, budget], 0, (step, loss) => {
    if (!settling.observe(step, loss)) return true;
    end = step;
    return false;
  });
  if (end < 0 && run.diverged) end = run.diverged.step;
  if (end < 0 && run.escaped) end = run.escaped.step;
  if (end < 0) {
    if (budget < cap) {
      throw new ExperimentError(`gradient descent (activation ${e.model.activation}) has not settled within ${formatNumber(budget)} steps, the most that ${samples.length} samples × ${formatNumber(d * D)} weights afford within the simulator's limit of ${formatNumber(MAX_SIMULATION_WORK)} multiply-adds, so a default run would be labelled unsettled: give time.end, or use a smaller width (docs/model.md §6, "Default horizon")`, 'time.end');
    }
    end = budget;
  }
  const settled = Math.max(1, end);
  return rho > 0 ? Math.min(decayHorizon(exact.flow.input, rho, settled), MAX_STEPS) : settled;
}

/**
 * The default number of steps (docs/model.md §6, "Default horizon"): gradient descent itself, run by the
 * O(1) recursion at the experiment's rates until it has settled (`descentSettling`) — converged (the
 * residual within 10⁻³ of its initial distance from its limit, the flow horizon's criterion, with the
 * tangent kernel below 2 per step, so a catapult has come down), or blown up — or MAX_STEPS when it does
 * neither. Not the flow's horizon: a catapult (K₀ > 2) converges in some tens of steps where the flow's
 * horizon is three, and stopped at its peak; a plateau lasts longer in descent than in the flow.
 * With weight decay ρ, that number of steps of the undecayed run, stretched as `solve` stretches its
 * horizon (`decayHorizon`). At least 1.
 *
 * Where 20 flow horizons pass the step limit, the run the default promises (to its limit) is checked
 * first as `flab solve` checks its own default run (`checkExactRanges` with the horizon, scored at
 * t → ∞), and refused at the same field with the same message when that prints a size beyond 64 bits:
 * `data.x` [5e-324] ran 10⁷ steps of a flat loss, its kernel printed 0, where `solve` refuses `data.x`.
 */
function simulationHorizonOf(e: Experiment, exact: ReducedFlow, rho: number): number {
  const { flow } = exact;
  const cap = settlingCap(flow);
  if (cap === MAX_STEPS) checkExactRanges(e, exact.spec, flow, exact.lnTheta0, { horizon: true, weightDecay: rho });
  const settling = descentSettling(flow.input, flow.limit().residual, cap);
  // Not settled within the step limit, neither blown up nor at the edge of stability (whose cap is 20
  // flow horizons below the limit): a flat loss that would be labelled kernel as if it had settled.
  if (settling.settling === 'unsettled' && cap === MAX_STEPS) throw slowDescentError(e, exact.spec, flow, MAX_STEPS);
  const settled = Math.max(1, settling.step);
  return rho > 0 ? Math.min(decayHorizon(flow.input, rho, settled), MAX_STEPS) : settled;
}

/**
 * The most steps the default horizon waits for descent to settle: STABILITY_HORIZONS (20) flow horizons,
 * at least STABILITY_MIN_STEPS (10³), at most MAX_STEPS — the budget within which `maxStableRateScale`'s
 * trial at the experiment's rates counts a run as converging (without its 2·10⁵ cap, which bounds the
 * bisection's cost, not one run's). Descent that follows the flow settles within a few flow horizons (a
 * plateau lasts at most 1/ln 2 ≈ 1.44 times longer per step), a catapult within some tens of steps; a
 * run still unsettled there oscillates at or beyond the edge of stability (at K(∞) = 2 it would take 10⁷
 * steps and five seconds, where 10³ show it).
 */
function settlingCap(flow: ExactFlow): number {
  return Math.min(MAX_STEPS, Math.max(STABILITY_MIN_STEPS, Math.ceil(STABILITY_HORIZONS * defaultHorizon(flow))));
}

/** The largest factor of the rates with which descent still converges (`maxStableRateScale`), from the flow's facts. */
function stableRateScaleOf(flow: ExactFlow): number | null {
  return maxStableRateScale(flow.input, { limitOutput: flow.limit().output, horizon: defaultHorizon(flow), lnNtkLimit: flow.limitLog().lnNtk });
}

/**
 * The smallest loss of the steps in each stretch of the time grid: stretch j holds the steps after grid
 * step j − 1 up to grid step j (stretch 0: the steps up to the first grid step). O(1) per step, O(points) memory.
 */
class LossMinima {
  private readonly min: Float64Array;
  private at = 0;

  constructor(private readonly grid: readonly number[]) {
    this.min = new Float64Array(grid.length).fill(Infinity);
  }

  /** Feed the loss of every step, in order from step 0. */
  see(step: number, loss: number): void {
    while (this.at < this.grid.length - 1 && step > this.grid[this.at]) this.at++;
    if (loss < this.min[this.at]) this.min[this.at] = loss;
  }

  /** The first stretch in which some step's loss is at most `level`, as its first and last step; null if none. */
  firstAtOrBelow(level: number): { from: number; to: number } | null {
    for (let j = 0; j < this.grid.length; j++) {
      if (this.min[j] <= level) return { from: j === 0 ? 0 : this.grid[j - 1] + 1, to: this.grid[j] };
    }
    return null;
  }
}

/**
 * The plateau of a descent run (docs/model.md §6, "Plateau"), from the run itself — every step, not the
 * printed ones (it was rounded up to the next printed point: 250, 25000, 2500000 steps for one run
 * on grids of 5 points, where the run leaves its plateau at step 26): reported when the tangent kernel
 * at the last step is at least PLATEAU_KERNEL_GROWTH (10) times its value at step 0 — from ln K where
 * the recursion has it (a kernel of 1e-600 prints 0) — and the loss ends below its start; it is then
 * the first step at which the loss has come three quarters of the way from its start to its end,
 * L_k − L_end ≤ ¼(L₀ − L_end) (the residual halved, as the flow's plateau, when the end is the minimum).
 * Null otherwise: a run that never moves (σ = 0: K₀ = K_end = 0) has no plateau, as `flab solve` says.
 * The stretch of the grid holding that step is known from `minima`; within it the run is repeated as far
 * as that stretch (`rerun`, bit for bit the same steps) to find the step.
 */
function plateauStep(out: Trajectory, initial: InitialState, logged: LoggedChanges | undefined, minima: LossMinima, rerun: (upTo: number, observe: (step: number, loss: number) => boolean) => void): number | null {
  const m = out.t.length;
  // One printed point is enough: the start is step 0's state (`initial`, `logged`) and the steps come from `minima`.
  if (m < 1 || !out.ntk) return null;
  const lnGrowth = logged ? logged.lnNtk[1] - logged.lnNtk[0] : initial.ntk !== null && initial.ntk > 0 ? Math.log(out.ntk[m - 1] / initial.ntk) : NaN;
  if (!(lnGrowth >= Math.log(PLATEAU_KERNEL_GROWTH))) return null;
  const first = initial.loss;
  const last = out.loss[m - 1];
  if (!(last < first)) return null;
  const level = last + 0.25 * (first - last);
  const stretch = minima.firstAtOrBelow(level);
  if (!stretch) return null;
  if (stretch.from === stretch.to) return stretch.to;
  let found = stretch.to;
  rerun(stretch.to, (step, loss) => {
    if (step >= stretch.from && loss <= level) {
      found = step;
      return false;
    }
    return true;
  });
  return found;
}

/**
 * Why the first step of a plain run is not finite (nonlinear activations; the linear network is checked
 * before it runs): a target beyond √(2·1.8e308) ≈ 1.9e154 makes ½(f − y)² overflow whatever the
 * network; otherwise the initial output is too large, and the largest of its factors is named.
 */
function initialLossError(e: Experiment, samples: Sample[]): ExperimentError {
  const limit = Math.sqrt(Number.MAX_VALUE);
  let worst = 0;
  for (let s = 1; s < samples.length; s++) if (Math.abs(samples[s].y) > Math.abs(samples[worst].y)) worst = s;
  const y = samples[worst].y;
  if (Math.abs(y) >= limit / 2) {
    const path = e.data.kind === 'single' ? 'data.y' : `data.samples[${worst}].y`;
    return new ExperimentError(`${path} = ${formatNumber(y)}: the initial loss ½(f₀ − y)² overflows a 64-bit number; |y| must be below about ${formatNumber(Number((limit / 2).toPrecision(2)))} (docs/limits.md, "Representable ranges")`, path);
  }
  // The factors the output is proportional to: γ and u always; W and x only where σ grows linearly
  // (a saturating tanh or sigmoid bounds σ(w·x), so they cannot be to blame).
  const unbounded = e.model.activation !== 'tanh' && e.model.activation !== 'sigmoid';
  const sizes: [Factor, string, number][] = [
    ['gamma', 'model.outputScale', e.model.outputScale],
    ['u', e.init.kind === 'random' ? 'init.scaleU' : 'init.u', e.init.kind === 'random' ? e.init.scaleU : largestSize([e.init.u])],
    ...(unbounded
      ? ([
          ['W', e.init.kind === 'random' ? 'init.scaleW' : 'init.W', e.init.kind === 'random' ? e.init.scaleW : largestSize(e.init.W)],
          ['x', e.data.kind === 'single' ? 'data.x' : 'data.samples', largestSize(samples.map((s) => s.x))],
        ] as [Factor, string, number][])
      : []),
  ];
  const [factor, path, value] = sizes.reduce((a, b) => (Math.log(b[2]) > Math.log(a[2]) ? b : a));
  // The output is of degree one in the factor (exactly for γ and u; for large W·x, σ(z) ≈ z or ≈ 0.01z)
  // and the tangent kernel of degree at most two: with the factor divided out (`perUnit`), the value c
  // of the factor with |f₀| ≤ √MAX/4 and K ≤ MAX/16 — so that the loss, the kernel and their sums stay finite.
  const unit = perUnit(e, samples, factor, value);
  const bound = Math.min(Math.exp(Math.log(Math.sqrt(Number.MAX_VALUE) / 4) - unit.lnOutput), Math.exp(0.5 * (Math.log(Number.MAX_VALUE / 16) - unit.lnKernel)));
  const remedy = bound > 0 && bound < value ? `; with the other values as they are, ${path} must be ≤ about ${formatNumber(Number(bound.toPrecision(2))).replace('e+', 'e')}` : '';
  return new ExperimentError(`${path} = ${formatNumber(value).replace('e+', 'e')}: the initial output γ·Σᵢ uᵢ σ(wᵢ·x) is so large that the initial loss ½(f₀ − y)² overflows a 64-bit number${remedy} (docs/limits.md, "Representable ranges")`, path);
}

type Factor = 'gamma' | 'u' | 'W' | 'x';

/**
 * The initial output and tangent kernel with one factor divided by its size `value` (γ, the weights u
 * or W, or the inputs), so that they are finite: ln of the largest |f₀(x_s)| over the samples and ln of
 * the kernel at the effective input (docs/model.md §6), per unit of that factor. NaN when not finite
 * or zero. The kernel's terms have degree at most two in the factor, so K(c) ≤ c²·K(1) for c ≥ 1.
 */
function perUnit(e: Experiment, samples: Sample[], factor: Factor, value: number): { lnOutput: number; lnKernel: number } {
  const d = e.model.width;
  const D = inputDimension(e);
  const { value: sigma, derivative } = ACTIVATIONS[e.model.activation];
  const gamma = factor === 'gamma' ? 1 : e.model.outputScale;
  const su = factor === 'u' ? value : 1;
  const sw = factor === 'W' ? value : 1;
  const sx = factor === 'x' ? value : 1;
  const { abar, direction } = effectiveSample(e.data);
  const f = new Float64Array(samples.length);
  let kernelU = 0;
  let kernelW = 0;
  forEachInitialNeuron(e.init, d, D, (_i, ui, row) => {
    const u = ui / su;
    samples.forEach((s, k) => {
      let z = 0;
      for (let j = 0; j < D; j++) z += (row[j] / sw) * (s.x[j] / sx);
      f[k] += u * sigma(z);
    });
    let z = 0;
    for (let j = 0; j < D; j++) z += (row[j] / sw) * ((abar / sx) * direction[j]);
    kernelU += sigma(z) ** 2;
    kernelW += (u * derivative(z)) ** 2;
  });
  const ln = (v: number): number => (v > 0 && Number.isFinite(v) ? Math.log(v) : NaN);
  const largest = f.reduce((m, v) => Math.max(m, Math.abs(gamma * v)), 0);
  const kernel = gamma * gamma * (e.learningRates.u * kernelU + e.learningRates.W * (abar / sx) ** 2 * kernelW);
  return { lnOutput: ln(largest), lnKernel: ln(kernel) };
}

/** max |v| over rows of numbers, without spreading them into arguments (a file's explicit W can hold millions). */
function largestSize(rows: readonly (readonly number[])[]): number {
  let m = -Infinity;
  for (const row of rows) for (const v of row) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * A gradient-descent run stuck at a stationary point at θ₀ (Summary, `stationary`): every weight is
 * exactly 0 (u = 0, W = 0) under an activation with σ(0) = 0 (linear, tanh, relu, leaky_relu, swish),
 * so the gradient is exactly 0 — u's is a sum of σ(w_i·x) = σ(0) = 0, W's a product through u = 0, and
 * weight decay's ρθ = 0 — and no step of any rate moves it; with some learning rate above 0 and at least
 * one step (the linear model's rates are above 0; the test keeps to it should one be 0, where not
 * moving is what was asked). Null otherwise: weights that merely move less than float64 resolves
 * (γ = 10⁻³⁰⁰: the lazy limit) are a kernel regime, not a stationary point.
 */
export function stationaryAt(e: Experiment, initial: InitialState, lastStep: number): { reason: 'zeroInit' } | null {
  if (lastStep <= 0 || !(e.learningRates.u > 0 || e.learningRates.W > 0)) return null;
  return initial.normU === 0 && initial.normW === 0 && ACTIVATIONS[e.model.activation].value(0) === 0 ? { reason: 'zeroInit' } : null;
}
