/** The two ways of running an experiment: the exact gradient flow and plain gradient descent. */
import { ExperimentError } from './errors';
import { ExactFlow, FlowPoint } from './exact';
import { Experiment, inputDimension } from './experiment';
import { effectiveSample, EffectiveSample, initialLayers, planeInvariants } from './reduce';
import { timeGrid } from './timeGrid';
import { decayHorizon, decaySeries } from './weightDecay';
import { Limit, seriesEnds, Summary, Trajectory } from './trajectory';

import { simulate as simulateSteps, SimulateOptions } from './simulate';
import { classify, DEFAULT_THRESHOLDS, exactScores, seriesScores, ClassifyThresholds } from './classify';
import { PlaneInvariants } from './reduce';

/** Plain gradient descent (src/core/simulate.ts) with the mechanism label of its reported steps. */
export function simulate(e: Experiment, options?: SimulateOptions): Trajectory {
  const out = simulateSteps(e, options);
  const scores = out.summary.diverged ? null : seriesScores(out);
  out.summary.scores = scores;
  out.summary.label = scores ? classify(scores, thresholdsOf(e)) : null;
  return out;
}

/** The label's thresholds of an experiment: its `"classify"` values over the defaults. */
export function thresholdsOf(e: Experiment): ClassifyThresholds {
  return { ...DEFAULT_THRESHOLDS, ...e.classify };
}

/** The default horizon ends when the residual is this fraction of its initial distance from its limit. */
export const HORIZON_RESIDUAL_FRACTION = 1e-3;
/** A plateau is reported when the tangent kernel grows by at least this factor during training. */
export const PLATEAU_KERNEL_GROWTH = 10;

/** The exact flow of an experiment with linear activation, and its effective sample. */
export function exactFlowOf(e: Experiment): { flow: ExactFlow; sample: EffectiveSample; theta0: number; plane: PlaneInvariants } {
  if (e.model.activation !== 'linear') {
    throw new ExperimentError(`the exact solver needs model.activation "linear", got "${e.model.activation}": run it with \`flab simulate\` instead`, 'model.activation');
  }
  const sample = effectiveSample(e.data);
  const layers = initialLayers(e.init, e.model.width, sample.direction);
  const etaU = e.learningRates.u;
  const etaW = e.learningRates.W;
  const lambda = e.model.outputScale * sample.abar * Math.sqrt(etaU) * Math.sqrt(etaW);
  if (!Number.isFinite(lambda)) {
    throw new ExperimentError('model.outputScale × |x| × √(η_u η_W) overflows a 64-bit number: rescale the experiment', 'model.outputScale');
  }
  const plane = planeInvariants(layers.u, layers.v, etaU, etaW);
  let normU2 = 0;
  for (let i = 0; i < layers.u.length; i++) normU2 += layers.u[i] * layers.u[i];
  const flow = new ExactFlow({ plane, etaU, etaW, lambda, y: sample.y, irreducibleLoss: sample.irreducibleLoss, normWPerp2: layers.normWPerp2 });
  return { flow, sample, theta0: Math.sqrt(normU2 + layers.normW2), plane };
}

/** The exact gradient-flow trajectory of an experiment (linear activation), O(1) per time point. */
export function solve(e: Experiment): Trajectory {
  const { flow, sample, theta0, plane } = exactFlowOf(e);
  const limit = flow.limit();
  const rho = e.weightDecay ?? 0;
  if (rho > 0) return solveWithWeightDecay(e, flow, sample, limit, rho, theta0);
  const times = timeGrid(e.time, () => defaultHorizon(flow, limit));
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
  const scale = theta0 > 0 ? 1 / theta0 : 1;
  for (let k = 0; k < n; k++) {
    const p = flow.at(times[k]);
    out.output[k] = p.output;
    out.loss[k] = p.loss;
    out.zeta[k] = p.zeta;
    out.normU[k] = p.normU;
    out.normW[k] = p.normW;
    out.ntk![k] = p.ntk;
    out.distance[k] = p.distance * scale;
  }
  out.summary = {
    ...exactSummaryBase(e, flow, sample),
    omega: flow.omega,
    plateauTime: plateauTime(flow, limit),
    ...seriesEnds(out),
    limit: toLimit(limit),
    diverged: null,
  };
  const scores = exactScores(flow, plane, theta0);
  out.summary.scores = scores;
  out.summary.label = classify(scores, thresholdsOf(e));
  return out;
}

/**
 * The horizon that shows the whole story: the time at which the residual has come within
 * HORIZON_RESIDUAL_FRACTION of its initial distance from its limit (1 when nothing moves).
 */
export function defaultHorizon(flow: ExactFlow, limit: FlowPoint = flow.limit()): number {
  const start = flow.gap(0, limit);
  if (flow.still || start === 0) return 1;
  return timeWhenGapIs(flow, limit, HORIZON_RESIDUAL_FRACTION * start);
}

/** Time to halve the residual's distance from its limit, when the tangent kernel grows ≥ 10× (an escape from a plateau). */
export function plateauTime(flow: ExactFlow, limit: FlowPoint = flow.limit()): number | null {
  if (flow.still || !(limit.ntk >= PLATEAU_KERNEL_GROWTH * flow.ntkInitial)) return null;
  return timeWhenGapIs(flow, limit, 0.5 * flow.gap(0, limit));
}

/** The first time at which the (monotone) gap falls to `target`: doubling, then bisection in log t. */
function timeWhenGapIs(flow: ExactFlow, limit: FlowPoint, target: number): number {
  const rate = Math.max(flow.omega, flow.ntkInitial);
  let hi = rate > 0 ? Math.min(1 / rate, 1e300) : 1;
  let lo = 0;
  while (flow.gap(hi, limit) > target) {
    lo = hi;
    if (hi > 1e300) return hi;
    hi *= 2;
  }
  if (lo === 0) lo = hi / 2 ** 60;
  for (let i = 0; i < 200 && hi / lo > 1 + 1e-9; i++) {
    const mid = Math.sqrt(lo * hi);
    if (flow.gap(mid, limit) > target) lo = mid;
    else hi = mid;
  }
  return hi;
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

function toLimit(p: FlowPoint): Limit {
  return { output: p.output, loss: p.loss, zeta: p.zeta, normU: p.normU, normW: p.normW, ntk: p.ntk };
}

/**
 * Gradient flow with weight decay ρ > 0: the reduced system of docs/finite-rates.md integrated
 * adaptively (src/core/weightDecay.ts), O(1) per step at any width. `loss` is the data loss; the
 * `objective` column adds ½ρ(|u|² + ‖W‖_F²). No closed-form rate, plateau or limit: those are null.
 */
function solveWithWeightDecay(e: Experiment, flow: ExactFlow, sample: EffectiveSample, limit: FlowPoint, rho: number, theta0: number): Trajectory {
  const times = timeGrid(e.time, () => decayHorizon(flow.input, rho, defaultHorizon(flow, limit)));
  const series = decaySeries(flow.input, rho, times, theta0);
  const out: Trajectory = {
    ...series,
    summary: {
      ...exactSummaryBase(e, flow, sample),
      omega: null,
      plateauTime: null,
      ...seriesEnds(series),
      limit: null,
      diverged: null,
      weightDecay: rho,
    },
  };
  const scores = seriesScores(out);
  out.summary.scores = scores;
  out.summary.label = scores ? classify(scores, thresholdsOf(e)) : null;
  return out;
}
