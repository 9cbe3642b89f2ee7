/**
 * Gradient flow with weight decay ρ > 0 (docs/finite-rates.md §1): the objective
 * ½E[(f − y)²] + ½ρ(|u|² + ‖W‖_F²). The layers still stay in the plane of (p₀, q₀) and W_⊥ decays as
 * e^{−η_W ρ t}; what is left has no closed form and is integrated adaptively, independent of the width:
 *
 * - equal rates η: p = p₀e^{−a}, q = q₀e^{−b} with a' = λr + ηρ, b' = −λr + ηρ — the scalar ODE of
 *   S = (a − b)/2 written as an autonomous pair (log-scale coordinates: no overflow at any init);
 * - unequal rates: ũ and ṽ as 2-vectors in an orthonormal frame of the plane (`planeFrame`), a
 *   4-dimensional system ũ' = −λr ṽ − η_uρ ũ, ṽ' = −λr ũ − η_Wρ ṽ (equivalently, in p = ũ + ṽ and
 *   q = ũ − ṽ: p' = −(λr + H)p − E q, q' = −E p + (λr − H)q, H = ρ(η_u + η_W)/2, E = ρ(η_u − η_W)/2).
 *
 * r = λ ũ·ṽ − y_eff = (λ/4)(|p|² − |q|²) − y_eff closes both systems.
 */
import type { FlowInput, FlowPoint } from './plane';
import { logAbsExpm1 } from '../math/logDomain';
import { layerPoint, PairGram, planeFrame, planePoint } from './plane';
import { integrateAt, OdeStats, OdeSystem } from '../math/stiffOde';
import type { Series } from '../trajectory/trajectory';

/** Local error tolerance of one integration step; the reported series are accurate to ~1e-10 relative. */
export const WEIGHT_DECAY_STEP_TOLERANCE = 1e-12;

/** A reduced weight-decay flow: its ODE system and how a state becomes a drawn point. */
export interface DecayFlow {
  system: OdeSystem;
  initial: Float64Array;
  /** The point of a state at time t. `distance` is absolute. */
  point(y: Float64Array, t: number): FlowPoint;
  /** A first step size: a small fraction of the fastest initial time scale. */
  firstStep: number;
}

/** The reduced system of the flow with weight decay `rho` > 0 for this plane input. */
export function decayFlow(input: FlowInput, rho: number): DecayFlow {
  return input.etaU === input.etaW ? equalRates(input, rho) : unequalRates(input, rho);
}

/** Points of the weight-decay flow at `times`, integrated adaptively. */
export function decayPoints(input: FlowInput, rho: number, times: readonly number[], stats?: OdeStats): FlowPoint[] {
  const flow = decayFlow(input, rho);
  const states = integrateAt(flow.system, flow.initial, times, flow.firstStep, stats);
  return states.map((y, k) => flow.point(y, times[k]));
}

function firstStepOf(input: FlowInput, rho: number): number {
  const { plane, lambda, y, etaU, etaW } = input;
  const ntk = lambda * lambda * (plane.uu + plane.vv);
  const rate = ntk + Math.abs(lambda * y) + rho * Math.max(etaU, etaW);
  return rate > 0 ? 1e-3 / rate : 1;
}

function equalRates(input: FlowInput, rho: number): DecayFlow {
  const { plane, lambda, y: target } = input;
  const { P, Q, c, G } = plane;
  const decay = input.etaU * rho; // ηρ
  const lnP = Math.log(P);
  const lnQ = Math.log(Q);
  const lnAbsC = Math.log(Math.abs(c));
  const lnG = Math.log(G);
  const quarter = lambda / 4;
  const pp = (a: number) => Math.exp(lnP - 2 * a);
  const qq = (b: number) => Math.exp(lnQ - 2 * b);
  // While e^{−a}, e^{−b} are representable, the layers are ũ = σũ₀ + δṽ₀, ṽ = δũ₀ + σṽ₀ with
  // σ, δ = (e^{−a} ± e^{−b})/2: taken in the orthonormal frame of (ũ₀, ṽ₀), ũ·ṽ has the plain
  // loop's rounding, whereas (|p|² − |q|²)/4 cancels when |ũ| ≫ |ṽ| (p₀ ≈ q₀).
  const [U1, U2, V1, V2] = planeFrame(plane);
  const FRAME_LIMIT = 600;
  const inFrame = (a: number, b: number) => Math.abs(a) <= FRAME_LIMIT && Math.abs(b) <= FRAME_LIMIT;
  /** σ − 1 and δ of (a, b), without cancellation near a = b = 0. */
  const coefficients = (a: number, b: number): [number, number] => [(Math.expm1(-a) + Math.expm1(-b)) / 2, (Math.exp(-b) * Math.expm1(b - a)) / 2];
  const layers = (a: number, b: number) => {
    const [sm1, d] = coefficients(a, b);
    const sg = (Math.exp(-a) + Math.exp(-b)) / 2; // not sm1 + 1: σ may be far below 1
    return { u1: sg * U1 + d * V1, u2: sg * U2 + d * V2, v1: d * U1 + sg * V1, v2: d * U2 + sg * V2, sm1, d };
  };
  const uvOf = (a: number, b: number): number => {
    if (a === 0 && b === 0) return plane.uv;
    if (!inFrame(a, b)) return (pp(a) - qq(b)) / 4;
    const l = layers(a, b);
    return l.u1 * l.v1 + l.u2 * l.v2;
  };
  const system: OdeSystem = {
    dim: 2,
    rhs(s, out) {
      const x = lambda * (lambda * uvOf(s[0], s[1]) - target);
      out[0] = x + decay;
      out[1] = -x + decay;
    },
    jacobian(s, J) {
      const da = -(lambda * lambda * pp(s[0])) / 2; // ∂(λr)/∂a
      const db = (lambda * lambda * qq(s[1])) / 2; // ∂(λr)/∂b
      J[0] = da;
      J[1] = db;
      J[2] = -da;
      J[3] = -db;
    },
    // a and b are logarithms of |p| and |q|: an absolute error is a relative error of the layers
    // (relative to |a| once it is large: q = q₀e^{−b} keeps shrinking with b → ∞ under decay). And
    // ũ·ṽ = (|p|² − |q|²)/4 moves by (|p|²δa + |q|²δb)/2, which is large against ũ·ṽ itself when
    // |ũ| ≫ |ṽ| (|p| ≈ |q|): that is measured relative to |ũ·ṽ| (floored at the target's y/λ and at
    // 1e-6 of (|ũ|² + |ṽ|²)/2), so the residual that drives the flow stays accurate.
    errorNorm(err, s) {
      const [a, b] = s;
      const p2 = pp(a);
      const q2 = qq(b);
      const logs = Math.max(Math.abs(err[0]) / Math.max(1, Math.abs(a)), Math.abs(err[1]) / Math.max(1, Math.abs(b)));
      const moved = (p2 * Math.abs(err[0]) + q2 * Math.abs(err[1])) / 2;
      const uv = moved === 0 ? 0 : moved / Math.max(Math.abs(uvOf(a, b)), Math.abs(target / lambda), (1e-6 * (p2 + q2)) / 4);
      return Math.max(logs, uv) / WEIGHT_DECAY_STEP_TOLERANCE;
    },
  };
  const point = (s: Float64Array, t: number): FlowPoint => {
    const [a, b] = s;
    if (inFrame(a, b)) {
      const l = layers(a, b);
      const uu = l.u1 * l.u1 + l.u2 * l.u2;
      const vv = l.v1 * l.v1 + l.v2 * l.v2;
      const uv = uvOf(a, b);
      // ũ − ũ₀ = (σ − 1)ũ₀ + δṽ₀, ṽ − ṽ₀ = δũ₀ + (σ − 1)ṽ₀.
      const du1 = l.sm1 * U1 + l.d * V1;
      const du2 = l.sm1 * U2 + l.d * V2;
      const dv1 = l.d * U1 + l.sm1 * V1;
      const dv2 = l.d * U2 + l.sm1 * V2;
      const output = lambda * uv;
      return layerPoint(input, {
        uu,
        vv,
        uv,
        cross: Math.sqrt(uu) * Math.sqrt(vv),
        n2: uu + vv,
        du2: du1 * du1 + du2 * du2,
        dv2: dv1 * dv1 + dv2 * dv2,
        output,
        residual: output - target,
        perpScale: Math.exp(-decay * t),
      });
    }
    const now: PairGram = {
      pp: pp(a),
      qq: qq(b),
      pq: c === 0 ? 0 : Math.sign(c) * Math.exp(lnAbsC - a - b),
      wedge: G === 0 ? 0 : Math.exp(lnG - 2 * a - 2 * b),
    };
    // Displacement (A p₀, B q₀) with A = e^{−a} − 1, B = e^{−b} − 1.
    const lnA = logAbsExpm1(-a);
    const lnB = logAbsExpm1(-b);
    const signAB = Math.sign(a) * Math.sign(b);
    const moved: PairGram = {
      pp: Math.exp(lnP + 2 * lnA),
      qq: Math.exp(lnQ + 2 * lnB),
      pq: c === 0 || signAB === 0 ? 0 : signAB * Math.sign(c) * Math.exp(lnA + lnB + lnAbsC),
      wedge: G === 0 ? 0 : Math.exp(2 * lnA + 2 * lnB + lnG),
    };
    const output = quarter * (now.pp - now.qq);
    return planePoint(input, { now, moved, output, residual: output - target, perpScale: Math.exp(-decay * t) });
  };
  return { system, initial: new Float64Array(2), point, firstStep: firstStepOf(input, rho) };
}

function unequalRates(input: FlowInput, rho: number): DecayFlow {
  const { plane, lambda, y: target, etaU, etaW } = input;
  const du = etaU * rho;
  const dw = etaW * rho;
  const l2 = lambda * lambda;
  const start = planeFrame(plane);
  // The largest size each layer has had: errors of a layer that has shrunk far below it are measured
  // against a thousandth of it (absolute), not against a vanishing size of its own.
  let seenU = Math.hypot(start[0], start[1]);
  let seenV = Math.hypot(start[2], start[3]);
  const system: OdeSystem = {
    dim: 4,
    rhs(s, out) {
      const x = lambda * (lambda * (s[0] * s[2] + s[1] * s[3]) - target);
      out[0] = -x * s[2] - du * s[0];
      out[1] = -x * s[3] - du * s[1];
      out[2] = -x * s[0] - dw * s[2];
      out[3] = -x * s[1] - dw * s[3];
    },
    jacobian(s, J) {
      const x = lambda * (lambda * (s[0] * s[2] + s[1] * s[3]) - target);
      // ∂x/∂(ũ₁, ũ₂, ṽ₁, ṽ₂) = λ²(ṽ₁, ṽ₂, ũ₁, ũ₂).
      const g = [l2 * s[2], l2 * s[3], l2 * s[0], l2 * s[1]];
      const owner = [2, 3, 0, 1]; // row i's equation multiplies x by component owner[i]
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) J[i * 4 + j] = -s[owner[i]] * g[j];
      J[0 * 4 + 0] -= du;
      J[0 * 4 + 2] -= x;
      J[1 * 4 + 1] -= du;
      J[1 * 4 + 3] -= x;
      J[2 * 4 + 0] -= x;
      J[2 * 4 + 2] -= dw;
      J[3 * 4 + 1] -= x;
      J[3 * 4 + 3] -= dw;
    },
    // Errors of ũ and of ṽ, each relative to its own size (floored, see above) and to a 1e-10 part of the pair's.
    errorNorm(err, s) {
      const nu = Math.hypot(s[0], s[1]);
      const nv = Math.hypot(s[2], s[3]);
      seenU = Math.max(seenU, nu);
      seenV = Math.max(seenV, nv);
      const pair = 1e-10 * (nu + nv);
      const eu = Math.hypot(err[0], err[1]);
      const ev = Math.hypot(err[2], err[3]);
      const ru = eu === 0 ? 0 : eu / Math.max(nu, 1e-3 * seenU, pair);
      const rv = ev === 0 ? 0 : ev / Math.max(nv, 1e-3 * seenV, pair);
      return Math.max(ru, rv) / WEIGHT_DECAY_STEP_TOLERANCE;
    },
  };
  const point = (s: Float64Array, t: number): FlowPoint => {
    const [u1, u2, v1, v2] = s;
    const uu = u1 * u1 + u2 * u2;
    const vv = v1 * v1 + v2 * v2;
    const uv = t === 0 ? plane.uv : u1 * v1 + u2 * v2;
    const output = lambda * uv;
    return layerPoint(input, {
      uu,
      vv,
      uv,
      cross: Math.sqrt(uu) * Math.sqrt(vv),
      n2: uu + vv,
      du2: (u1 - start[0]) ** 2 + (u2 - start[1]) ** 2,
      dv2: (v1 - start[2]) ** 2 + (v2 - start[3]) ** 2,
      output,
      residual: output - target,
      perpScale: Math.exp(-dw * t),
    });
  };
  return { system, initial: Float64Array.from(start), point, firstStep: firstStepOf(input, rho) };
}

/** The default horizon with weight decay: the flow's own, stretched to show the decay (ln 10³/(ρ·min η)), at most 100×. */
export function decayHorizon(input: FlowInput, rho: number, flowHorizon: number): number {
  const decayTime = Math.log(1e3) / (rho * Math.min(input.etaU, input.etaW));
  return Math.max(flowHorizon, Math.min(decayTime, 100 * flowHorizon));
}

/** The columns of a weight-decay solve at `times` (distance relative to θ₀, objective included). */
export function decaySeries(input: FlowInput, rho: number, times: number[], theta0: number): Series & { objective: number[] } {
  const points = decayPoints(input, rho, times);
  const scale = theta0 > 0 ? 1 / theta0 : 1;
  return {
    t: times,
    output: points.map((p) => p.output),
    loss: points.map((p) => p.loss),
    zeta: points.map((p) => (p.zeta === null ? null : Math.max(-1, Math.min(1, p.zeta)))),
    normU: points.map((p) => p.normU),
    normW: points.map((p) => p.normW),
    ntk: points.map((p) => p.ntk),
    distance: points.map((p) => p.distance * scale),
    objective: points.map((p) => p.loss + 0.5 * rho * (p.normU * p.normU + p.normW * p.normW)),
  };
}
