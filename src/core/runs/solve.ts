/** An experiment's exact gradient flow, as a trajectory with its summary and label (docs/model.md §3–§5). */
import { Experiment, inputDimension } from '../experiment/experiment';
import { timeGrid } from '../experiment/timeGrid';
import { ExactFlow } from '../linearFlow/exactFlow';
import { exactScores } from '../linearFlow/exactScores';
import { defaultHorizon, plateauTime } from '../linearFlow/horizon';
import { FlowPoint } from '../linearFlow/plane';
import { EffectiveSample, exactFlowOf } from '../linearFlow/reduce';
import { decayHorizon, decaySeries } from '../linearFlow/weightDecay';
import { classify, thresholdsOf } from '../mechanisms/classify';
import { seriesScores } from '../trajectory/seriesScores';
import { Limit, seriesEnds, Summary, Trajectory } from '../trajectory/trajectory';

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
 * adaptively (src/core/linearFlow/weightDecay.ts), O(1) per step at any width. `loss` is the data loss; the
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
