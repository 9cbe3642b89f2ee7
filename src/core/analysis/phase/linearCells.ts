/**
 * The set-up the linear network's cells share (docs/phase-diagram.md, "Speed"): the initial weights
 * are drawn once, in units of σ. With u = σ_u g and v = W n = σ_W h for the standard draws g, h, every
 * plane invariant of ũ = u/√η_u, ṽ = v/√η_W is a quadratic form in the sums |g|², |h|², g·h and |g∧h|²,
 * so γ, σ_u, σ_W, η_u, η_W and the target change per cell at no cost: a cell rebuilds its flow spec
 * from these sums and its own scales, O(1).
 */
import { ExperimentError } from '../../experiment/errors';
import type { Experiment } from '../../experiment/experiment';
import { FlowInput, planeFromSums, scaleTimes } from '../../linearFlow/plane';
import { divideBySqrt, effectiveSample, FlowSpec, initialLayers, initialOutputOf, lambdaOf } from '../../linearFlow/reduce';
import { logAddExp } from '../../math/logDomain';
import { widthFactors } from './cellEvaluator';

/** The flow spec of an experiment (draws made once) and the values of the fast keys with their width factors. */
export interface LinearBase {
  experiment: Experiment;
  spec: FlowSpec;
  /** The experiment's resolved values and the factor d^exponent of each fast key. */
  values: Record<string, number>;
  factor: Record<string, number>;
  explicit: boolean;
  /** σ_u and σ_W of the draws in `spec` (the experiment's, or 1 where it is 0). */
  drawn: { u: number; w: number };
}

/**
 * Draws (or reads) the initial weights once, in units of σ: O(d·D). `what` names the diagram's method
 * in the refusal of weight decay (the cells have none).
 */
export function linearBase(e: Experiment, what: string): LinearBase {
  if (e.model.activation !== 'linear') {
    throw new ExperimentError(`the phase diagram's ${what} needs model.activation "linear", got "${e.model.activation}"`, 'model.activation');
  }
  if ((e.weightDecay ?? 0) > 0) {
    throw new ExperimentError(`the phase diagram's ${what} has no weight decay: set weightDecay to 0 (or leave it out) for a phase diagram`, 'weightDecay');
  }
  const sample = effectiveSample(e.data);
  const explicit = e.init.kind === 'explicit';
  // σ = 1 for the draws when the scale is 0, so that a cell with another σ still has the directions.
  const unitInit = e.init.kind === 'random' ? { ...e.init, scaleU: e.init.scaleU || 1, scaleW: e.init.scaleW || 1 } : e.init;
  const layers = initialLayers(unitInit, e.model.width, sample.direction);
  const spec: FlowSpec = { sums: layers.sums, lnU2: layers.lnU2, lnW2: layers.lnW2, lnPerp2: layers.lnPerp2, gamma: e.model.outputScale, sample, etaU: e.learningRates.u, etaW: e.learningRates.W };
  const values: Record<string, number> = {
    'model.outputScale': e.model.outputScale,
    'learningRates.u': e.learningRates.u,
    'learningRates.W': e.learningRates.W,
    'init.scaleU': e.init.kind === 'random' ? e.init.scaleU : 1,
    'init.scaleW': e.init.kind === 'random' ? e.init.scaleW : 1,
  };
  const drawn = unitInit.kind === 'random' ? { u: unitInit.scaleU, w: unitInit.scaleW } : { u: 1, w: 1 };
  return { experiment: e, spec, values, factor: widthFactors(e), explicit, drawn };
}

/** The flow spec of one cell: the base with the fast keys of `over` set (values as written, times their width factors). */
export function cellSpec(base: LinearBase, over: Readonly<Record<string, number>>): FlowSpec {
  const value = (path: string): number => (path in over ? over[path] * base.factor[path] : base.values[path]);
  const { spec } = base;
  const out: FlowSpec = {
    ...spec,
    gamma: value('model.outputScale'),
    etaU: value('learningRates.u'),
    etaW: value('learningRates.W'),
    sample: 'data.y' in over ? { ...spec.sample, y: over['data.y'] } : spec.sample,
  };
  if (!base.explicit) {
    const su = value('init.scaleU');
    const sw = value('init.scaleW');
    out.sums = { ...spec.sums, sU: scaleTimes(spec.sums.sU, su / base.drawn.u), sV: scaleTimes(spec.sums.sV, sw / base.drawn.w) };
    // ln|u|², ln‖W‖², ln‖W_⊥‖² scale with σ² from the experiment's own σ.
    out.lnU2 = spec.lnU2 + 2 * (Math.log(su) - Math.log(base.drawn.u));
    const dw = 2 * (Math.log(sw) - Math.log(base.drawn.w));
    out.lnW2 = spec.lnW2 + dw;
    out.lnPerp2 = spec.lnPerp2 + dw;
  }
  return out;
}

/**
 * The plane input of a spec and ln‖θ₀‖, O(1): what `flowOfSpec` builds before its exact flow, for the
 * methods that need only the plane (gradient descent's recursion).
 */
export function planeInputOf(spec: FlowSpec): { input: FlowInput; lnTheta0: number } {
  const { sums, etaU, etaW, sample } = spec;
  const plane = planeFromSums({ ...sums, sU: divideBySqrt(sums.sU, etaU), sV: divideBySqrt(sums.sV, etaW) });
  const { lambda, lnLambda } = lambdaOf(spec.gamma, sample, etaU, etaW);
  const input: FlowInput = { plane, etaU, etaW, lambda, lnLambda, y: sample.y, irreducibleLoss: sample.irreducibleLoss, lnNormWPerp2: spec.lnPerp2, output0: initialOutputOf(spec.gamma, sample, sums) };
  return { input, lnTheta0: 0.5 * logAddExp(spec.lnU2, spec.lnW2) };
}

/** ln K₀ of a plane input: the initial tangent kernel λ²(|ũ₀|² + |ṽ₀|²), with the layer rates. */
export function lnNtk0Of(input: FlowInput): number {
  return 2 * input.lnLambda + Math.log(input.plane.uu + input.plane.vv) + 2 * input.plane.k * Math.LN2;
}
