/**
 * Gradient flow with weight decay ρ > 0 (docs/finite-rates.md §5): the objective
 * ½E[(f − y)²] + ½ρ(|u|² + ‖W‖_F²). The layers still stay in the plane of (ũ₀, ṽ₀) and W_⊥ decays as
 * e^{−η_W ρ t}; what is left has no closed form and is integrated adaptively, independent of the width:
 * ũ and ṽ as 2-vectors in an orthonormal frame of the plane (`PlaneInvariants.frame`),
 *
 *   ũ' = −λ r ṽ − η_uρ ũ,   ṽ' = −λ r ũ − η_Wρ ṽ,   r = λ ũ·ṽ − y_eff,
 *
 * (equivalently, in p = ũ + ṽ and q = ũ − ṽ: p' = −(λr + H)p − E q, q' = −E p + (λr − H)q with
 * H = ρ(η_u + η_W)/2, E = ρ(η_u − η_W)/2). Each layer is kept as 2^e times a vector of length about 1,
 * the exponent renormalised exactly after every step, and its error is measured relative to its own
 * length: so every series keeps its relative accuracy while the norms decay by any factor, whatever
 * the output grid.
 */
import { ExperimentError } from '../experiment/errors';
import { binaryExponent, ldexp, logAddExp, signedExp } from '../math/logDomain';
import { integrateAt, OdeStats, OdeStepLimitError, OdeSystem } from '../math/stiffOde';
import { logRatio, MechanismScores, scoresFromChanges } from '../mechanisms/classify';
import type { Series } from '../trajectory/trajectory';
import { clampUnit, FlowInput, LogPoint, lossLog, lossOf } from './plane';

/** Local error tolerance of one integration step; the reported series are accurate to ~1e-10 relative. */
export const WEIGHT_DECAY_STEP_TOLERANCE = 1e-12;

/** A layer passing through zero (parallel layers, G = 0) has its error measured against this fraction of the pair's length. */
const PAIR_FLOOR = 1e-10;

/** A reduced weight-decay flow: its ODE system and how a state becomes a drawn point. */
export interface DecayFlow {
  system: OdeSystem;
  /** [ũ₁, ũ₂, ṽ₁, ṽ₂, e_u, e_v]: ũ = 2^{e_u}(ũ₁, ũ₂), ṽ = 2^{e_v}(ṽ₁, ṽ₂). */
  initial: Float64Array;
  /** The point of a state at time t, with its sizes as logarithms; `lnDistance` is absolute. */
  point(y: Float64Array, t: number): LogPoint & { lnObjective: number };
  /** A first step size: a small fraction of the fastest initial time scale. */
  firstStep: number;
}

/** λ·2^e without overflow in the factor (∞ or 0 only when the product itself is). */
function lambdaTimes(lambda: number, lnLambda: number, e: number): number {
  if (Number.isFinite(lambda) && lambda >= 2 ** -1000) return ldexp(lambda, e);
  return Math.exp(lnLambda + e * Math.LN2);
}

/** The reduced system of the flow with weight decay `rho` > 0 for this plane input. */
export function decayFlow(input: FlowInput, rho: number): DecayFlow {
  const { plane, lambda, lnLambda, y: target, etaU, etaW } = input;
  const du = etaU * rho;
  const dw = etaW * rho;
  const parallel = plane.lnG === -Infinity;
  const k = plane.k;
  const [a1, a2, b1, b2] = plane.frame;
  // Coefficients of the current exponents, cached: λ·2^{eu+ev} (the output), λ·2^{ev−eu}, λ·2^{eu−ev} (the coupling).
  let cacheU = NaN;
  let cacheV = NaN;
  let cOut = 0;
  let cU = 0;
  let cV = 0;
  const coefficients = (eu: number, ev: number): void => {
    if (eu === cacheU && ev === cacheV) return;
    cacheU = eu;
    cacheV = ev;
    cOut = lambdaTimes(lambda, lnLambda, eu + ev);
    cU = lambdaTimes(lambda, lnLambda, ev - eu);
    cV = lambdaTimes(lambda, lnLambda, eu - ev);
  };
  const system: OdeSystem = {
    dim: 6,
    rhs(s, out) {
      coefficients(s[4], s[5]);
      const r = cOut * (s[0] * s[2] + s[1] * s[3]) - target;
      out[0] = -cU * r * s[2] - du * s[0];
      out[1] = -cU * r * s[3] - du * s[1];
      out[2] = -cV * r * s[0] - dw * s[2];
      out[3] = -cV * r * s[1] - dw * s[3];
      out[4] = 0;
      out[5] = 0;
    },
    jacobian(s, J) {
      coefficients(s[4], s[5]);
      J.fill(0);
      const r = cOut * (s[0] * s[2] + s[1] * s[3]) - target;
      // ∂r/∂(U₁, U₂, V₁, V₂) = cOut·(V₁, V₂, U₁, U₂); row i multiplies r by the other layer's component.
      const g = [cOut * s[2], cOut * s[3], cOut * s[0], cOut * s[1]];
      const rows: [number, number][] = [[cU, s[2]], [cU, s[3]], [cV, s[0]], [cV, s[1]]];
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) J[i * 6 + j] = -rows[i][0] * rows[i][1] * g[j];
      J[0 * 6 + 0] -= du;
      J[0 * 6 + 2] -= cU * r;
      J[1 * 6 + 1] -= du;
      J[1 * 6 + 3] -= cU * r;
      J[2 * 6 + 0] -= cV * r;
      J[2 * 6 + 2] -= dw;
      J[3 * 6 + 1] -= cV * r;
      J[3 * 6 + 3] -= dw;
    },
    // Each layer relative to its own length; parallel layers (which can pass through zero) floored at
    // PAIR_FLOOR of the pair's length. The exponents never change within a step (error 0).
    errorNorm(err, s) {
      const nu = Math.hypot(s[0], s[1]);
      const nv = Math.hypot(s[2], s[3]);
      const eu = Math.hypot(err[0], err[1]);
      const ev = Math.hypot(err[2], err[3]);
      let floorU = 0;
      let floorV = 0;
      if (parallel) {
        floorU = PAIR_FLOOR * (nu + ldexp(nv, s[5] - s[4]));
        floorV = PAIR_FLOOR * (nv + ldexp(nu, s[4] - s[5]));
      }
      const ru = eu === 0 ? 0 : eu / Math.max(nu, floorU);
      const rv = ev === 0 ? 0 : ev / Math.max(nv, floorV);
      return Math.max(ru, rv) / WEIGHT_DECAY_STEP_TOLERANCE;
    },
    renormalise(s) {
      for (const [i, e] of [[0, 4], [2, 5]]) {
        const shift = binaryExponent(Math.hypot(s[i], s[i + 1]));
        if (shift !== 0 && Math.hypot(s[i], s[i + 1]) > 0) {
          s[i] = ldexp(s[i], -shift);
          s[i + 1] = ldexp(s[i + 1], -shift);
          s[e] += shift;
        }
      }
    },
  };
  const lnEtaU = Math.log(etaU);
  const lnEtaW = Math.log(etaW);
  const point = (s: Float64Array, t: number): LogPoint & { lnObjective: number } => {
    coefficients(s[4], s[5]);
    const [u1, u2, v1, v2, eu, ev] = s;
    const dot = u1 * v1 + u2 * v2;
    const output = t === 0 ? (Number.isFinite(lambda) ? lambda * ldexp(plane.uv, 2 * k) : signedExp(plane.uv, lnLambda + 2 * k * Math.LN2 + Math.log(Math.abs(plane.uv)))) : Number.isFinite(cOut) ? cOut * dot : signedExp(dot, lnLambda + (eu + ev) * Math.LN2 + Math.log(Math.abs(dot)));
    const residual = output - target;
    const lnUU = 2 * Math.log(Math.hypot(u1, u2)) + 2 * eu * Math.LN2;
    const lnVV = 2 * Math.log(Math.hypot(v1, v2)) + 2 * ev * Math.LN2;
    const cross = Math.hypot(u1, u2) * Math.hypot(v1, v2);
    // W_⊥(t) = e^{−η_Wρt} W_⊥(0): its logarithm, and (1 − e^{−η_Wρt})² of it moved.
    const lnPerp = input.lnNormWPerp2 - 2 * dw * t;
    const lnPerpMoved = t === 0 ? -Infinity : input.lnNormWPerp2 + 2 * Math.log(-Math.expm1(-dw * t));
    const lnNormU = 0.5 * (lnEtaU + lnUU);
    const lnNormW = 0.5 * logAddExp(lnPerp, lnEtaW + lnVV);
    const lnLoss = lossLog(residual, input.irreducibleLoss);
    return {
      output,
      residual,
      lnLoss,
      zeta: t === 0 ? plane.zeta : cross > 0 ? clampUnit(dot / cross) : null,
      lnNormU,
      lnNormW,
      lnNtk: 2 * lnLambda + logAddExp(lnUU, lnVV),
      lnDistance: 0.5 * logAddExp(logAddExp(lnEtaU + lnMoved(u1, u2, eu, a1, a2, k), lnEtaW + lnMoved(v1, v2, ev, b1, b2, k)), lnPerpMoved),
      lnObjective: logAddExp(lnLoss, Math.log(0.5 * rho) + logAddExp(2 * lnNormU, 2 * lnNormW)),
    };
  };
  const ntk = Math.exp(2 * lnLambda + Math.log(plane.uu + plane.vv) + 2 * k * Math.LN2);
  const rate = ntk + Math.abs(lambda * target) + rho * Math.max(etaU, etaW);
  return { system, initial: Float64Array.from([a1, a2, b1, b2, k, k]), point, firstStep: rate > 0 && Number.isFinite(rate) ? 1e-3 / rate : 1e-3 };
}

/** ln|2^e·x − 2^k·x₀|² for 2-vectors, in the unit of the larger exponent (−∞ when equal). */
function lnMoved(x1: number, x2: number, e: number, y1: number, y2: number, k: number): number {
  const m = Math.max(e, k);
  const d = Math.hypot(ldexp(x1, e - m) - ldexp(y1, k - m), ldexp(x2, e - m) - ldexp(y2, k - m));
  return 2 * Math.log(d) + 2 * m * Math.LN2;
}

/** Points of the weight-decay flow at `times`, integrated adaptively; `where` locates a refusal (step limit). */
export function decayPoints(input: FlowInput, rho: number, times: readonly number[], where = 'weightDecay', stats?: OdeStats): (LogPoint & { lnObjective: number })[] {
  const flow = decayFlow(input, rho);
  let states: Float64Array[];
  try {
    states = integrateAt(flow.system, flow.initial, times, flow.firstStep, stats);
  } catch (err) {
    if (!(err instanceof OdeStepLimitError)) throw err;
    throw new ExperimentError(`the weight-decay flow was stopped at t = ${Number(err.t.toPrecision(4))} of ${Number(times[times.length - 1].toPrecision(4))}: it needs ${err.message} (a run this stiff over this long a time; docs/finite-rates.md §5). Shorten the time or change weightDecay`, where);
  }
  return states.map((y, k) => flow.point(y, times[k]));
}

/** The default horizon with weight decay: the flow's own, stretched to show the decay (ln 10³/(ρ·min η)), at most 100×. */
export function decayHorizon(input: FlowInput, rho: number, flowHorizon: number): number {
  const decayTime = Math.log(1e3) / (rho * Math.min(input.etaU, input.etaW));
  return Math.max(flowHorizon, Math.min(decayTime, 100 * flowHorizon));
}

/**
 * The columns of a weight-decay solve at `times` (distance relative to θ₀, objective included), and
 * the scores of the series, computed from the logarithms of its sizes (so a norm that decays below
 * the 64-bit range still has its log change).
 */
export function decaySeries(input: FlowInput, rho: number, times: number[], lnTheta0: number, where?: string): { series: Series & { objective: number[] }; scores: MechanismScores } {
  const points = decayPoints(input, rho, times, where);
  const relative = Number.isFinite(lnTheta0);
  const series = {
    t: times,
    output: points.map((p) => p.output),
    loss: points.map((p) => lossOf(p, input.irreducibleLoss)),
    zeta: points.map((p) => p.zeta),
    normU: points.map((p) => Math.exp(p.lnNormU)),
    normW: points.map((p) => Math.exp(p.lnNormW)),
    ntk: points.map((p) => Math.exp(p.lnNtk)),
    distance: points.map((p) => Math.exp(relative ? p.lnDistance - lnTheta0 : p.lnDistance)),
    objective: points.map((p) => Math.exp(p.lnObjective)),
  };
  const first = points[0];
  const last = points[points.length - 1];
  let kernelChange = 0;
  for (const p of points) kernelChange = Math.max(kernelChange, Math.abs(Math.expm1(p.lnNtk - first.lnNtk)));
  const zetaChange = first.zeta !== null && last.zeta !== null ? Math.abs(last.zeta) - Math.abs(first.zeta) : null;
  const change = (a: number, b: number): number | null => (Number.isFinite(a) && Number.isFinite(b) ? a - b : logRatio(Math.exp(a), Math.exp(b)));
  const scores = scoresFromChanges(kernelChange, zetaChange, change(last.lnNormU, first.lnNormU), change(last.lnNormW, first.lnNormW), series.distance[series.distance.length - 1], null);
  return { series, scores };
}
