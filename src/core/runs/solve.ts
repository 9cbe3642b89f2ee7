/** An experiment's exact gradient flow, as a trajectory with its summary and label (docs/model.md §3–§5). */
import { Experiment, inputDimension } from '../experiment/experiment';
import { timeGrid } from '../experiment/timeGrid';
import { ExactFlow } from '../linearFlow/exactFlow';
import { exactScores } from '../linearFlow/exactScores';
import { defaultHorizonLn, plateauTimeLn } from '../linearFlow/horizon';
import { FlowPoint, fromLogPoint, lossOf, type LogPoint } from '../linearFlow/plane';
import { checkExactRanges } from '../linearFlow/ranges';
import { EffectiveSample, exactFlowOf } from '../linearFlow/reduce';
import { decayHorizon, decaySeries } from '../linearFlow/weightDecay';
import { classify, scoredOver, thresholdsOf } from '../mechanisms/classify';
import { InitialState, Limit, seriesEnds, Summary, Trajectory } from '../trajectory/trajectory';
import { assertFinite } from '../trajectory/finite';

/**
 * The exact gradient-flow trajectory of an experiment (linear activation), O(1) per time point. Its
 * scores and label are the whole flow's (t ∈ [0, ∞)), or the reported run's (t ∈ [0, T], T the last
 * reported time) with `"classify": { "at": "end" }` (docs/mechanisms.md, "Two conventions").
 * Refuses (ExperimentError, located) a run that would print a number beyond 64 bits (ranges.ts).
 */
export function solve(e: Experiment): Trajectory {
  const { flow, sample, lnTheta0, spec } = exactFlowOf(e);
  const rho = e.weightDecay ?? 0;
  // Scored at T with `classify.at: "end"`: the scores are the run's to T, and the summary has the limit t → ∞ besides.
  const options = { horizon: e.time.kind === 'grid' && e.time.end === undefined, weightDecay: rho, lnEnd: rho > 0 ? Infinity : scoringLnTime(e, flow), limit: true };
  checkExactRanges(e, spec, flow, lnTheta0, options);
  const limitLog = flow.limitLog();
  const limit = fromLogPoint(limitLog, sample.irreducibleLoss);
  if (rho > 0) return solveWithWeightDecay(e, flow, sample, limit, rho, lnTheta0);
  const times = timeGrid(e.time, () => Math.exp(defaultHorizonLn(flow, limit)));
  const n = times.length;
  const out: Trajectory = {
    t: times,
    output: new Array<number>(n),
    loss: new Array<number>(n),
    zeta: new Array<number | null>(n),
    normU: new Array<number>(n),
    normW: new Array<number>(n),
    ntk: new Array<number>(n),
    distance: new Array<number>(n),
    summary: undefined as unknown as Summary,
  };
  const relative = Number.isFinite(lnTheta0);
  for (let k = 0; k < n; k++) {
    const p = flow.logPointAt(Math.log(times[k]));
    out.output[k] = p.output;
    out.loss[k] = lossOf(p, sample.irreducibleLoss);
    out.zeta[k] = p.zeta;
    out.normU[k] = Math.exp(p.lnNormU);
    out.normW[k] = Math.exp(p.lnNormW);
    out.ntk![k] = Math.exp(p.lnNtk);
    out.distance[k] = Math.exp(relative ? p.lnDistance - lnTheta0 : p.lnDistance);
  }
  const plateau = plateauTimeLn(flow, limit, limitLog.lnNtk);
  out.summary = {
    ...exactSummaryBase(e, flow, sample),
    omega: flow.omega,
    plateauTime: plateau === null ? null : Math.exp(plateau),
    // "*Initial" at t = 0 whatever the grid (time.at [100] printed those of t = 100).
    ...seriesEnds(out, initialStateOf(flow.logPointAt(-Infinity), sample.irreducibleLoss)),
    limit: toLimit(limit),
    diverged: null,
  };
  const scores = exactScores(flow, lnTheta0, scoredOver(e) === 'end' ? Math.log(times[n - 1]) : Infinity);
  // θ₀ = 0 (u = W = 0): a stationary point of the flow, which never leaves it — no label, no scores, as
  // gradient descent from it has none (Summary, `stationary`; src/core/descent/gradientDescent.ts).
  const stationary = stationaryFlow(lnTheta0);
  if (stationary) out.summary.stationary = stationary;
  out.summary.scores = stationary ? null : scores;
  out.summary.scoredOver = scoredOver(e);
  out.summary.label = stationary ? null : classify(scores, thresholdsOf(e));
  assertFinite(out);
  return out;
}

/**
 * The exact flow's `stationary` (Summary): every weight 0 at θ₀ (ln‖θ₀‖ = −∞), where the linear
 * network's gradient — u's the input's image W x = 0, W's a product through u = 0 — and weight decay's
 * ρθ are all 0, so the flow never leaves it. Null otherwise.
 */
export function stationaryFlow(lnTheta0: number): { reason: 'zeroInit' } | null {
  return lnTheta0 === -Infinity ? { reason: 'zeroInit' } : null;
}

/**
 * ln T of the time up to which an experiment's exact flow is scored (docs/mechanisms.md, "Two
 * conventions"): ∞ by default; with `"classify": { "at": "end" }` the end of its reported run —
 * `time.end`, the last of `time.at`, or the default horizon (in ln t, O(1)).
 */
export function scoringLnTime(e: Experiment, flow: ExactFlow): number {
  if (scoredOver(e) === 'infinity') return Infinity;
  if (e.time.kind === 'at') return Math.log(e.time.at[e.time.at.length - 1]);
  return e.time.end !== undefined ? Math.log(e.time.end) : defaultHorizonLn(flow);
}

/** The summary fields every exact run shares: the network and its effective sample. */
function exactSummaryBase(e: Experiment, flow: ExactFlow, sample: EffectiveSample): Pick<Summary, 'solver' | 'width' | 'inputDimension' | 'lambda' | 'effectiveInput' | 'effectiveTarget' | 'irreducibleLoss'> {
  return {
    solver: 'exact',
    width: e.model.width,
    inputDimension: inputDimension(e),
    lambda: flow.lambda,
    effectiveInput: sample.abar,
    effectiveTarget: sample.y,
    irreducibleLoss: sample.irreducibleLoss,
  };
}

/** The summary's start from the flow's point at t = 0 (sizes from their logarithms). */
export function initialStateOf(p: LogPoint, irreducibleLoss: number): InitialState {
  return { zeta: p.zeta, loss: lossOf(p, irreducibleLoss), ntk: Math.exp(p.lnNtk), normU: Math.exp(p.lnNormU), normW: Math.exp(p.lnNormW) };
}

function toLimit(p: FlowPoint): Limit {
  return { output: p.output, loss: p.loss, zeta: p.zeta, normU: p.normU, normW: p.normW, ntk: p.ntk };
}

/**
 * Gradient flow with weight decay ρ > 0: the reduced system of docs/finite-rates.md integrated
 * adaptively (src/core/linearFlow/weightDecay.ts), O(1) per step at any width. `loss` is the data loss; the
 * `objective` column adds ½ρ(|u|² + ‖W‖_F²). No closed-form rate, plateau or limit: those are null.
 */
function solveWithWeightDecay(e: Experiment, flow: ExactFlow, sample: EffectiveSample, limit: FlowPoint, rho: number, lnTheta0: number): Trajectory {
  const times = timeGrid(e.time, () => decayHorizon(flow.input, rho, Math.exp(defaultHorizonLn(flow, limit))));
  const series = decaySeries(flow.input, rho, times, lnTheta0, e.time.kind === 'at' ? 'time.at' : e.time.end === undefined ? 'weightDecay' : 'time.end');
  const out: Trajectory = {
    ...series.series,
    summary: {
      ...exactSummaryBase(e, flow, sample),
      omega: null,
      plateauTime: null,
      ...seriesEnds(series.series, series.initial),
      limit: null,
      diverged: null,
      weightDecay: rho,
    },
  };
  const stationary = stationaryFlow(lnTheta0);
  if (stationary) out.summary.stationary = stationary;
  const scores = stationary ? null : series.scores;
  out.summary.scores = scores;
  out.summary.scoredOver = 'end';
  out.summary.label = scores ? classify(scores, thresholdsOf(e)) : null;
  assertFinite(out);
  return out;
}
