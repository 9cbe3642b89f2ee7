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
import { formatNumber } from '../experiment/diagnostic';
import { binaryExponent, ldexp, logAddExp, logOneMinusExpNeg, signedExp } from '../math/logDomain';
import { integrateAt, OdeStats, OdeStepLimitError, OdeSystem } from '../math/stiffOde';
import { logRatio, MechanismScores, scoresFromChanges } from '../mechanisms/classify';
import type { InitialState, Series } from '../trajectory/trajectory';
import { clampUnit, FlowInput, LogPoint, lossOf } from './plane';

/** Local error tolerance of one integration step; the reported series are accurate to ~1e-10 relative. */
export const WEIGHT_DECAY_STEP_TOLERANCE = 1e-12;

/**
 * A layer's error is measured relative to its own length, or to this fraction of the other layer's
 * when it is smaller than that (it has decayed to nothing beside it, or passes through zero).
 */
const PAIR_FLOOR = 1e-10;
const LN_PAIR_FLOOR = Math.log(PAIR_FLOOR);

/**
 * The residual's error is measured relative to |r|, or to this fraction of the residual the decay
 * holds it at, (η_u + η_W)ρ|f|/(K + (η_u + η_W)ρ), where it passes through zero.
 */
const RESIDUAL_FLOOR = 1e-2;
/** An absolute floor of the (renormalised, ½ ≤ |R| < 1) residual's error scale, for R = 0. */
const RESIDUAL_TINY = 1e-300;

/** A layer whose coupling rate exceeds this many times every other rate takes the other layer's rate as its integrating factor. */
const UNBOUNDED = 1e4;

/**
 * A layer below PAIR_FLOOR of the other whose own rate is within this fraction of its decay of the
 * other's (times how far it is below the floor) takes the other's exactly: its own is noise there.
 */
const SLAVED = 1e-10;

/** The smallest normal 64-bit number, 2^-1022: below it a product keeps only its absolute accuracy, 2^-1074. */
const MIN_NORMAL = 2 ** -1022;

/** A point of the weight-decay flow: the drawn sizes as logarithms, the objective's, and how far the tangent features moved. */
export type DecayPoint = LogPoint & { lnObjective: number; lnTangentChange: number };

/** A reduced weight-decay flow: its ODE system and how a state becomes a drawn point. */
export interface DecayFlow {
  system: OdeSystem;
  /**
   * [U₁, U₂, V₁, V₂, e_u, e_v, s_u, δ, s_v, R, e_r, s_r]: ũ = 2^{e_u} e^{s_u} (U₁, U₂), ṽ = 2^{e_v} e^{s_v} (V₁, V₂),
   * each layer's logarithm s its own (so it is accurate to its own rate, however much faster the other
   * decays), and δ ≈ s_v − s_u (the couplings) accumulated apart from both (so that a large common
   * decay never rounds it); the residual r = f − y_eff = 2^{e_r} e^{s_r} R, integrated itself
   * (r' = −K r − (η_u + η_W)ρ(r + y_eff)) so that it keeps its relative accuracy however far below y it is.
   */
  initial: Float64Array;
  /**
   * The point of a state at time t, with its sizes as logarithms; `lnDistance` is absolute;
   * `lnTangentChange` = ln(‖∇f(t) − ∇f(0)‖/‖∇f(0)‖) in the metric of the learning rates,
   * ½ ln((|ũ − ũ₀|² + |ṽ − ṽ₀|²)/(|ũ₀|² + |ṽ₀|²)) (W_⊥ has no part in ∇f: its decay moves no tangent feature).
   */
  point(y: Float64Array, t: number): DecayPoint;
  /** A first step size: a small fraction of the fastest initial time scale. */
  firstStep: number;
}

/**
 * The reduced system of the flow with weight decay `rho` > 0 for this plane input. Each layer is
 * 2^e·e^{s}·(a vector of length about 1): the whole exponent e is renormalised exactly after every step,
 * and s follows the layer's own logarithmic rate, s' = −κ with κ set at the start of each step to the
 * rate at which that layer's length is then changing (an integrating factor, as in Lawson's methods).
 * What the stiff integrator sees is then nearly constant however fast a layer decays or grows, so the
 * steps follow the dynamics, not ρ, and each layer keeps its relative accuracy at any size. Any ρ > 0 is
 * taken, down to the subnormal 5e-324: the residual's forcing c·y/A (c = (η_u + η_W)ρ) is formed from
 * c's mantissa and exponent, never from a subnormal c or a reciprocal of A (docs/finite-rates.md §5,
 * "Subnormal decay").
 */
export function decayFlow(input: FlowInput, rho: number): DecayFlow {
  const { plane, lambda, lnLambda, y: target, etaU, etaW } = input;
  const du = etaU * rho;
  const dw = etaW * rho;
  const k = plane.k;
  const [a1, a2, b1, b2] = plane.frame;
  const N = 12;
  const decay = du + dw;
  // The rates du, dw and c = decay may be subnormal (ρ = 1e-310, or η = 1e-160 beside ρ = 1e-150) or
  // round to 0 (ρ = 5e-324): as rates that is harmless — a subnormal is a multiple of 2^-1074, so each
  // is off by at most 2^-1074, which moves e^{−κt} by at most 2^-50 relative for any t below 2^1024
  // (likewise K and the couplings when they are that small). Not so the residual's forcing c·y/A: A
  // follows r down to the residual the decay holds it at, r_∞ = −c y/(K + c), which is then as small as
  // c and printed through the loss. So c is also kept as cMant·2^{cExp} (one rounding at any size), and
  // c y/A is formed with A's power of two taken exactly — never as c·e^{−ln A}, whose 1/A overflowed
  // once A < 2^-1024 (ρ = 1e-310: "step size below the resolution of t"), docs/finite-rates.md §5.
  const [cMant, cExp] = decayRate(etaU, etaW, rho);
  const lnDecay = Math.log(cMant) + cExp * Math.LN2;
  const lnTarget = Math.log(Math.abs(target));
  // The step's constants: κ_u, κ_v, and the exponents' factors for the output and the coupling.
  let kappaU = 0;
  let kappaV = 0;
  let relaxU = du;
  let relaxV = dw;
  let su0 = 0;
  let sv0 = 0;
  let delta0 = 0;
  // κ_u − κ_v (0 exactly when one layer follows the other's rate).
  let kappaDiff = 0;
  // A layer following the other's rate is held to its own relative accuracy (it is a reported series,
  // and its size is the balance of its decay with the coupling, not noise).
  let slavedU = false;
  let slavedV = false;
  let kappaR = 0;
  let logR0 = 0;
  let lnOut = 0;
  let lnCU = 0;
  let lnCV = 0;
  const exponents = (s: Float64Array): void => {
    lnOut = lnLambda + (s[4] + s[5]) * Math.LN2;
    lnCU = lnLambda + (s[5] - s[4]) * Math.LN2;
    lnCV = lnLambda + (s[4] - s[5]) * Math.LN2;
  };
  /** f = λ ũ·ṽ = λ 2^{eu+ev} e^{s_u+s_v} U·V, without overflow in the factor. */
  const outputOf = (s: Float64Array): number => {
    const dot = s[0] * s[2] + s[1] * s[3];
    return dot === 0 ? 0 : signedExp(dot, lnOut + s[6] + s[8] + Math.log(Math.abs(dot)));
  };
  /** The kernel's two parts λ²|ũ|²/|U|² and λ²|ṽ|²/|V|² (K = kU|U|² + kV|V|²), each from its own layer's logarithm. */
  const kernelParts = (s: Float64Array): [number, number] => {
    const lnK = 2 * lnLambda;
    return [Math.exp(lnK + 2 * (s[4] * Math.LN2 + s[6])), Math.exp(lnK + 2 * (s[5] * Math.LN2 + s[8]))];
  };
  /** ln of the residual's unit A = 2^{e_r} e^{s_r}: r = A R. */
  const lnUnit = (s: Float64Array): number => s[10] * Math.LN2 + s[11];
  /** The couplings times the residual's unit (cU·A, cV·A): cU r = (cU·A) R without overflow in the factor. */
  const residualCouplings = (s: Float64Array): [number, number] => {
    const lnA = lnUnit(s);
    return [Math.exp(lnCU + s[7] + lnA), Math.exp(lnCV - s[7] + lnA)];
  };
  /** r = 2^{e_r} e^{s_r} R as a double. */
  const residualOf = (s: Float64Array): number => ldexp(s[9] * Math.exp(s[11]), s[10]);
  const kernelOf = (s: Float64Array): number => {
    const [kU, kV] = kernelParts(s);
    return kU * (s[0] * s[0] + s[1] * s[1]) + kV * (s[2] * s[2] + s[3] * s[3]);
  };
  const system: OdeSystem = {
    dim: N,
    beginStep(s) {
      exponents(s);
      su0 = s[6];
      delta0 = s[7];
      sv0 = s[8];
      const [aU, aV] = residualCouplings(s);
      const dot = s[0] * s[2] + s[1] * s[3];
      const uu = s[0] * s[0] + s[1] * s[1];
      const vv = s[2] * s[2] + s[3] * s[3];
      // κ = −d ln|ũ|/dt now, and what is left of the decay in U' after it, η_uρ − κ = −cU r (U·V)/|U|²
      // (computed as such: the difference of two near rates would cancel). Where that coupling part is
      // far beyond every other rate (a layer passing through zero, as parallel layers can), the layer
      // takes the other's rate instead: its own is unbounded there.
      relaxU = -(aU * s[9] * dot) / uu;
      relaxV = -(aV * s[9] * dot) / vv;
      const bound = UNBOUNDED * (du + dw + Math.min(Math.abs(relaxU), Math.abs(relaxV)));
      const wildU = !(Math.abs(relaxU) <= bound);
      const wildV = !(Math.abs(relaxV) <= bound);
      kappaU = du - relaxU;
      kappaV = dw - relaxV;
      let ku = kappaU;
      let kv = kappaV;
      if (wildU) ku = wildV ? du : kappaV;
      if (wildV) kv = wildU ? dw : kappaU;
      // A layer below PAIR_FLOOR of the other is held only to that absolute accuracy, so its own rate
      // may be noise: it stays between its decay rate and the other layer's rate (both meaningful:
      // decoupled, it decays at its own; slaved, at the other's).
      const lnRatio = 0.5 * (Math.log(uu) - Math.log(vv)) + (s[4] - s[5]) * Math.LN2 - s[7]; // ln(|ũ|/|ṽ|)
      // A layer slaved to the other (its decay beyond the other's rate, its size the balance of that
      // decay with the coupling) changes at the other's rate, and its own, η_uρ − relax, is then the
      // difference of two nearly equal rates, known only to their rounding and to the accuracy the
      // layer is held to (PAIR_FLOOR of the other, in the tolerance): with η_uρ = 1e200 beside
      // η_Wρ = 1e170 that noise is far beyond the other's rate. Within it, the layer takes exactly the
      // other's rate (any κ is exact: U absorbs the difference; this one keeps U constant and δ exact).
      const noise = (lnGap: number) => Math.exp(Math.min(700, lnGap));
      if (lnRatio < LN_PAIR_FLOOR) {
        ku = Math.min(Math.max(ku, Math.min(du, kv)), Math.max(du, kv));
        if (Math.abs(ku - kv) <= SLAVED * Math.abs(relaxU) * (1 + noise(LN_PAIR_FLOOR - lnRatio))) ku = kv;
      }
      if (-lnRatio < LN_PAIR_FLOOR) {
        kv = Math.min(Math.max(kv, Math.min(dw, ku)), Math.max(dw, ku));
        if (Math.abs(kv - ku) <= SLAVED * Math.abs(relaxV) * (1 + noise(LN_PAIR_FLOOR + lnRatio))) kv = ku;
      }
      // Where a rate was replaced, what is left of the decay follows (elsewhere relax keeps its own
      // value: η_uρ − κ would round it away when η_uρ is far larger).
      slavedU = ku === kv && lnRatio < LN_PAIR_FLOOR;
      slavedV = ku === kv && -lnRatio < LN_PAIR_FLOOR;
      if (ku !== kappaU) relaxU = du - (kappaU = ku);
      if (kv !== kappaV) relaxV = dw - (kappaV = kv);
      // δ' = κ_u − κ_v, without the common part: η_uρ − η_Wρ + (relax_v − relax_u) (exact for equal
      // rates however large), 0 when one layer follows the other's rate.
      kappaDiff = kappaU === kappaV ? 0 : du - dw + (relaxV - relaxU);
      // The residual's integrating factor: r' = −(K + c) r − c y (c = (η_u + η_W)ρ) is a decay at
      // K + c towards r_∞ = −c y/(K + c). Where r is beyond 2|r_∞| (y = 0 always: r decaying with the
      // layers by any factor, the decay exact in s_r) its rate is K + c; nearer r_∞ (r resting at −y
      // when the layers have decayed, or at the residual the decay holds, or passing through zero) r
      // changes little over a step, or as the relaxation itself, and has none.
      logR0 = s[11];
      const K = kernelOf(s);
      kappaR = K + decay;
      // (K + c)|r| > 2c|y|, in logarithms: |r| and c|y| may be far below the 64-bit range.
      if (!Number.isFinite(kappaR) || !(Math.log(kappaR) + Math.log(Math.abs(s[9])) + lnUnit(s) > Math.LN2 + lnDecay + lnTarget)) kappaR = 0;
    },
    rhs(s, out) {
      const [aU, aV] = residualCouplings(s);
      const cr = aU * s[9]; // cU r
      const vr = aV * s[9]; // cV r
      const K = kernelOf(s);
      // r' = λ(ũ'·ṽ + ũ·ṽ') = −K r − (η_u + η_W)ρ f with f = r + y: r is integrated itself, never
      // formed as f − y from the layers (which loses the digits of f that y cancels, and all of them
      // where ũ·ṽ cancels: y = 0 with large layers). Closed in r given K, it keeps r's relative
      // accuracy at any size; the layers' λũ·ṽ − y follows it, any difference decaying as
      // e^{−(η_u+η_W)ρt}. With r = 2^{e_r} e^{s_r} R and s_r' = −κ_r: R' = −(K + c − κ_r) R − c y/A.
      // c y/A = cMant·y·2^{cExp − e_r}·e^{−s_r}: A may be below 2^-1024 (1/A = ∞) and c subnormal
      // when r settles at r_∞ = −c y/(K + c) for a subnormal c.
      out[9] = -(K + decay - kappaR) * s[9] - (target === 0 ? 0 : ldexp(cMant * target, cExp - s[10]) * Math.exp(-s[11]));
      out[10] = 0;
      out[11] = -kappaR;
      out[0] = -cr * s[2] - relaxU * s[0];
      out[1] = -cr * s[3] - relaxU * s[1];
      out[2] = -vr * s[0] - relaxV * s[2];
      out[3] = -vr * s[1] - relaxV * s[3];
      out[4] = 0;
      out[5] = 0;
      out[6] = -kappaU;
      out[8] = -kappaV;
      out[7] = kappaDiff;
    },
    jacobian(s, J) {
      J.fill(0);
      const R = s[9];
      const [aU, aV] = residualCouplings(s);
      const [kU, kV] = kernelParts(s);
      // The dependence on s_u and s_v is left out of the Jacobian (it is not stiff, and s moves by κh
      // per step, which could be thousands: the products with it would bring rounding of that size into
      // the linear solve); the method stays consistent. The stiff coupling goes through r.
      for (let i = 0; i < 2; i++) {
        J[i * N + 9] = -aU * s[2 + i];
        J[(2 + i) * N + 9] = -aV * s[i];
        J[9 * N + i] = -2 * R * kU * s[i];
        J[9 * N + 2 + i] = -2 * R * kV * s[2 + i];
      }
      J[9 * N + 9] = -(kU * (s[0] * s[0] + s[1] * s[1]) + kV * (s[2] * s[2] + s[3] * s[3])) - decay + kappaR;
      J[0 * N + 0] -= relaxU;
      J[0 * N + 2] -= aU * R;
      J[1 * N + 1] -= relaxU;
      J[1 * N + 3] -= aU * R;
      J[2 * N + 0] -= aV * R;
      J[2 * N + 2] -= relaxV;
      J[3 * N + 1] -= aV * R;
      J[3 * N + 3] -= relaxV;
    },
    // Each layer relative to its own length, floored at PAIR_FLOOR of the other's: a layer that has
    // become negligible beside the other (or passes through zero, as parallel layers can) is held to
    // an absolute accuracy on that scale. The exponents never change within a step, and s is exact.
    errorNorm(err, s) {
      const nu = Math.hypot(s[0], s[1]);
      const nv = Math.hypot(s[2], s[3]);
      const eu = Math.hypot(err[0], err[1]);
      const ev = Math.hypot(err[2], err[3]);
      const lnRatio = (s[5] - s[4]) * Math.LN2 + s[7]; // ln of (|ṽ|/|V|)/(|ũ|/|U|)
      const floorU = PAIR_FLOOR * nv * Math.exp(lnRatio);
      const floorV = PAIR_FLOOR * nu * Math.exp(-lnRatio);
      const ru = eu === 0 ? 0 : eu / Math.max(nu, slavedU ? 0 : floorU);
      const rv = ev === 0 ? 0 : ev / Math.max(nv, slavedV ? 0 : floorV);
      // The residual relative to itself (the loss is ½r²), floored where it passes through zero at a
      // fraction of the size the decay holds it at, (η_u + η_W)ρ|r + y|/(K + (η_u + η_W)ρ) ≤ |r + y|.
      const er = Math.abs(err[9]);
      let rr = 0;
      if (er !== 0) {
        const [kU, kV] = kernelParts(s);
        const K = kU * nu * nu + kV * nv * nv;
        // In logarithms, like the forcing: c and A may be subnormal, 1/A beyond 64 bits.
        const lnF = target === 0 ? Math.log(Math.abs(s[9])) + lnUnit(s) : Math.log(Math.abs(residualOf(s) + target));
        const floorR = Math.exp(Math.log(RESIDUAL_FLOOR) + lnDecay + lnF - Math.log(K + decay) - lnUnit(s));
        rr = er / Math.max(Math.abs(s[9]), Number.isFinite(floorR) ? floorR : 0, RESIDUAL_TINY);
      }
      return Math.max(ru, rv, 10 * rr) / WEIGHT_DECAY_STEP_TOLERANCE;
    },
    // Then exact rescaling by powers of two: each layer to length in [½, 1), and the whole parts of its
    // logarithm s (while it is small enough to be split exactly) into its exponent.
    renormalise(s, h) {
      // s_u, s_v and δ move linearly within a step: their exact values, not the extrapolation's rounding
      // of them (which the Aitken–Neville differences amplify, and which no error estimate would see).
      // Each layer's own: s_u = −κ_u t is accurate to κ_u t, never to the other layer's far faster decay
      // (as s_u + s_v and s_v − s_u would both be, with η_uρ = 1e200 beside η_Wρ = 1e170).
      s[6] = su0 - kappaU * h;
      s[8] = sv0 - kappaV * h;
      s[7] = delta0 + kappaDiff * h;
      if (!(Math.abs(s[6]) < 1e300 && Math.abs(s[8]) < 1e300 && Math.abs(s[7]) < 1e300)) throw new OdeStepLimitError('the layers decay by more than e^{1e300}: the logarithms of their norms (normChangeU, normChangeW) are beyond 64-bit numbers', Number.NaN);
      const shiftR = binaryExponent(s[9]);
      if (shiftR !== 0) {
        s[9] = ldexp(s[9], -shiftR);
        s[10] += shiftR;
      }
      for (const [i, e] of [[0, 4], [2, 5]]) {
        const n = Math.hypot(s[i], s[i + 1]);
        const shift = binaryExponent(n);
        if (shift !== 0 && n > 0) {
          s[i] = ldexp(s[i], -shift);
          s[i + 1] = ldexp(s[i + 1], -shift);
          s[e] += shift;
        }
      }
      const movable = (x: number) => Math.abs(x) >= 2 && Math.abs(x) < 2 ** 40;
      // The residual's unit likewise: s_r exact, its whole powers of two into e_r.
      s[11] = logR0 - kappaR * h;
      if (movable(s[11])) {
        const k = Math.trunc(s[11] / Math.LN2);
        s[11] -= k * Math.LN2;
        s[10] += k;
      }
      // e^{s_u} = 2^k·e^{s_u − k ln 2}: k to e_u, and δ (the couplings' (e_v − e_u) ln 2 + δ) keeps its sum.
      if (movable(s[6])) {
        const k = Math.trunc(s[6] / Math.LN2);
        s[6] -= k * Math.LN2;
        s[4] += k;
        s[7] += k * Math.LN2;
      }
      if (movable(s[8])) {
        const k = Math.trunc(s[8] / Math.LN2);
        s[8] -= k * Math.LN2;
        s[5] += k;
        s[7] -= k * Math.LN2;
      }
    },
  };
  const lnEtaU = Math.log(etaU);
  const lnEtaW = Math.log(etaW);
  const lnRho = Math.log(rho);
  const output0 = input.output0 ?? (Number.isFinite(lambda) ? lambda * ldexp(plane.uv, 2 * k) : signedExp(plane.uv, lnLambda + 2 * k * Math.LN2 + Math.log(Math.abs(plane.uv))));
  const r0 = output0 - target;
  // ln(|ũ₀|² + |ṽ₀|²): the tangent features' initial size (‖∇f(0)‖² = K₀/λ²).
  const lnFeatures0 = Math.log(plane.uu + plane.vv) + 2 * k * Math.LN2;
  const point = (s: Float64Array, t: number): DecayPoint => {
    exponents(s);
    const [u1, u2, v1, v2, eu, ev, su, , sv] = s;
    const dot = u1 * v1 + u2 * v2;
    const output = t === 0 ? output0 : outputOf(s);
    // The integrated residual (at t = 0 it is output0 − y), not output − y.
    const residual = residualOf(s);
    const lnResidual = Math.log(Math.abs(s[9])) + lnUnit(s);
    const lnUU = 2 * Math.log(Math.hypot(u1, u2)) + 2 * (eu * Math.LN2 + su);
    const lnVV = 2 * Math.log(Math.hypot(v1, v2)) + 2 * (ev * Math.LN2 + sv);
    const cross = Math.hypot(u1, u2) * Math.hypot(v1, v2);
    // W_⊥(t) = e^{−η_Wρt} W_⊥(0): its logarithm, and (1 − e^{−η_Wρt})² of it moved.
    const lnPerp = input.lnNormWPerp2 - 2 * dw * t;
    const x = dw * t;
    const lnPerpMoved = t === 0 ? -Infinity : input.lnNormWPerp2 + 2 * (dw >= MIN_NORMAL && x >= MIN_NORMAL ? logOneMinusExpNeg(x) : lnDecayed(lnEtaW + lnRho + Math.log(t)));
    const lnNormU = 0.5 * (lnEtaU + lnUU);
    const lnNormW = 0.5 * logAddExp(lnPerp, lnEtaW + lnVV);
    const lnLoss = logAddExp(2 * lnResidual - Math.LN2, Math.log(input.irreducibleLoss));
    const lnMovedU = lnMoved(u1, u2, eu, su, a1, a2, k);
    const lnMovedV = lnMoved(v1, v2, ev, sv, b1, b2, k);
    return {
      output,
      residual,
      lnLoss,
      zeta: t === 0 ? plane.zeta : cross > 0 ? clampUnit(dot / cross) : null,
      lnNormU,
      lnNormW,
      lnNtk: 2 * lnLambda + logAddExp(lnUU, lnVV),
      lnDistance: 0.5 * logAddExp(logAddExp(lnEtaU + lnMovedU, lnEtaW + lnMovedV), lnPerpMoved),
      lnTangentChange: t === 0 ? -Infinity : 0.5 * (logAddExp(lnMovedU, lnMovedV) - lnFeatures0),
      // ln(½ρ), not ln(0.5·ρ): half of ρ = 5e-324 rounds to 0.
      lnObjective: logAddExp(lnLoss, lnRho - Math.LN2 + logAddExp(2 * lnNormU, 2 * lnNormW)),
    };
  };
  const ntk = Math.exp(2 * lnLambda + Math.log(plane.uu + plane.vv) + 2 * k * Math.LN2);
  const rate = ntk + Math.abs(lambda * target) + rho * Math.max(etaU, etaW);
  return { system, initial: Float64Array.from([a1, a2, b1, b2, k, k, 0, 0, 0, ldexp(r0, -binaryExponent(r0)), binaryExponent(r0), 0]), point, firstStep: rate > 0 && Number.isFinite(rate) ? 1e-3 / rate : 1e-3 };
}

/** ln|2^e e^{s} x − 2^k x₀|² for 2-vectors, in the unit of the larger of the two scales (−∞ when equal). */
function lnMoved(x1: number, x2: number, e: number, s: number, y1: number, y2: number, k: number): number {
  const lnX = e * Math.LN2 + s;
  const lnY = k * Math.LN2;
  const m = Math.max(lnX, lnY);
  const fx = Math.exp(lnX - m);
  const fy = Math.exp(lnY - m);
  const d = Math.hypot(fx * x1 - fy * y1, fx * x2 - fy * y2);
  return 2 * Math.log(d) + 2 * m;
}

/**
 * The decay rate of the residual, c = (η_u + η_W)ρ, as [m, e] with c = m·2^e, ¼ ≤ m < 1: the sum and ρ
 * each split into mantissa and exponent, so that m is their product to one rounding whatever the size
 * of c — a subnormal ρ (5e-324), or an η_u + η_W beyond 64 bits, included.
 */
function decayRate(etaU: number, etaW: number, rho: number): [number, number] {
  const sum = etaU + etaW;
  const [s, shift] = Number.isFinite(sum) ? [sum, 0] : [0.5 * etaU + 0.5 * etaW, 1];
  const es = binaryExponent(s);
  const er = binaryExponent(rho);
  return [ldexp(s, -es) * ldexp(rho, -er), es + er + shift];
}

/**
 * ln(1 − e^{−x}) from ln x: the share of W_⊥ that decay has removed by t (x = η_Wρt), where η_Wρ or x
 * is subnormal (or η_Wρ rounds to 0 while x does not) and x itself has lost its digits. Below
 * x = e^{−40} it is ln x to within x/2.
 */
function lnDecayed(lnX: number): number {
  return lnX < -40 ? lnX : logOneMinusExpNeg(Math.exp(lnX));
}

/**
 * Points of the weight-decay flow at `times`, integrated adaptively; `where` locates a refusal (step
 * limit). `onStep`, when given, sees the point after every accepted step of the integrator (the
 * output times' included), so that a score's extremes do not depend on the output grid.
 */
export function decayPoints(input: FlowInput, rho: number, times: readonly number[], where = 'weightDecay', stats?: OdeStats, onStep?: (p: DecayPoint) => void, onState?: (y: Float64Array, t: number, p: DecayPoint) => void): DecayPoint[] {
  const flow = decayFlow(input, rho);
  let states: Float64Array[];
  const see =
    onStep || onState
      ? (y: Float64Array, t: number): void => {
          const p = flow.point(y, t);
          onStep?.(p);
          onState?.(y, t, p);
        }
      : undefined;
  try {
    states = integrateAt(flow.system, flow.initial, times, flow.firstStep, stats, undefined, see);
  } catch (err) {
    if (!(err instanceof OdeStepLimitError)) throw err;
    const end = formatNumber(Number(times[times.length - 1].toPrecision(4)));
    if (Number.isNaN(err.t)) throw new ExperimentError(`weightDecay = ${formatNumber(rho)} over t ≤ ${end}: ${err.message} (docs/limits.md, "Representable ranges"). Shorten the time or lower weightDecay`, 'weightDecay');
    throw new ExperimentError(`the weight-decay flow was stopped at t = ${formatNumber(Number(err.t.toPrecision(4)))} of ${end}: ${err.message} (docs/finite-rates.md §5: a decay this much faster than the fit, or layers this far beyond the target's scale, over this long a time). Shorten the time or change weightDecay`, where);
  }
  return states.map((y, k) => flow.point(y, times[k]));
}

/** The default horizon with weight decay: the flow's own, stretched to show the decay (ln 10³/(ρ·min η)), at most 100×. */
export function decayHorizon(input: FlowInput, rho: number, flowHorizon: number): number {
  const decayTime = Math.log(1e3) / (rho * Math.min(input.etaU, input.etaW));
  return Math.max(flowHorizon, Math.min(decayTime, 100 * flowHorizon));
}

/**
 * The columns of a weight-decay solve at `times` (distance relative to θ₀, objective included), the
 * state at t = 0 (integrated from there whether `times` holds it or not: the summary's "*Initial"
 * values and the scores start there), and the scores from t = 0 to the last time, computed from the
 * logarithms of its sizes (so a norm that decays below the 64-bit range still has its log change).
 * kernelChange and tangentChange are the largest over every step of the integrator up to the last
 * time, not only over the reported ones (docs/mechanisms.md, "Scores").
 */
export function decaySeries(input: FlowInput, rho: number, times: number[], lnTheta0: number, where?: string): { series: Series & { objective: number[] }; scores: MechanismScores; initial: InitialState } {
  const fromZero = times[0] === 0;
  // The kernel's and the tangent features' largest changes over every step of the integrator (and the
  // reported times): neither is monotone with decay, and a peak between two reported times counts.
  let lnNtkMax = -Infinity;
  let lnNtkMin = Infinity;
  let lnTangentChange = -Infinity;
  const onStep = (p: DecayPoint): void => {
    lnNtkMax = Math.max(lnNtkMax, p.lnNtk);
    lnNtkMin = Math.min(lnNtkMin, p.lnNtk);
    lnTangentChange = Math.max(lnTangentChange, p.lnTangentChange);
  };
  // The accepted steps' times, states and ln K, for the refinement below.
  const stepT: number[] = [];
  const stepY: Float64Array[] = [];
  const stepLnK: number[] = [];
  const flow = decayFlow(input, rho);
  const all = decayPoints(input, rho, fromZero ? times : [0, ...times], where, undefined, onStep, (y, t, p) => {
    stepT.push(t);
    stepY.push(Float64Array.from(y));
    stepLnK.push(p.lnNtk);
  });
  // The kernel's extremes between accepted steps (docs/mechanisms.md, "Scores"): sampled at the steps
  // only, an interior minimum or maximum is under-read by up to ~(step)²·K''/8 — 6e-4 relative in the
  // breaker's case, which moved the score with time.points. Around the steps of the largest and the
  // smallest ln K, when interior, the flow is integrated again over the two steps either side on a
  // 64-interval grid, and the parabola through the three grid points about the extreme gives it.
  for (const sign of [1, -1]) {
    let k = -1;
    for (let i = 0; i < stepLnK.length; i++) if (Number.isFinite(stepLnK[i]) && (k < 0 || sign * stepLnK[i] > sign * stepLnK[k])) k = i;
    if (k <= 0 || k >= stepLnK.length - 1) continue;
    const t0 = stepT[k - 1];
    const span = stepT[k + 1] - t0;
    if (!(span > 0)) continue;
    const grid = Array.from({ length: 65 }, (_, j) => (span * j) / 64);
    let dense: number[];
    try {
      dense = integrateAt(flow.system, stepY[k - 1], grid, Math.min(flow.firstStep, span / 64)).map((y, j) => flow.point(y, t0 + grid[j]).lnNtk);
    } catch {
      continue;
    }
    let j = 0;
    for (let i = 1; i < dense.length; i++) if (sign * dense[i] > sign * dense[j]) j = i;
    let best = dense[j];
    if (j > 0 && j < dense.length - 1) {
      // Vertex of the parabola through (−1, a), (0, b), (1, c): b − (a − c)²/(8(a − 2b + c)).
      const [a, b, c] = [dense[j - 1], dense[j], dense[j + 1]];
      const curve = a - 2 * b + c;
      if (sign * curve < 0) best = b - ((a - c) * (a - c)) / (8 * curve);
    }
    if (sign > 0) lnNtkMax = Math.max(lnNtkMax, best);
    else lnNtkMin = Math.min(lnNtkMin, best);
  }
  const points = fromZero ? all : all.slice(1);
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
  const first = all[0];
  const last = points[points.length - 1];
  let kernelChange = 0;
  for (const lnNtk of [lnNtkMax, lnNtkMin]) if (Number.isFinite(lnNtk)) kernelChange = Math.max(kernelChange, Math.abs(Math.expm1(lnNtk - first.lnNtk)));
  const zetaChange = first.zeta !== null && last.zeta !== null ? Math.abs(last.zeta) - Math.abs(first.zeta) : null;
  const change = (a: number, b: number): number | null => (Number.isFinite(a) && Number.isFinite(b) ? a - b : logRatio(Math.exp(a), Math.exp(b)));
  const scores = scoresFromChanges(kernelChange, zetaChange, change(last.lnNormU, first.lnNormU), change(last.lnNormW, first.lnNormW), series.distance[series.distance.length - 1], Math.exp(lnTangentChange));
  const initial = { zeta: first.zeta, loss: lossOf(first, input.irreducibleLoss), ntk: Math.exp(first.lnNtk), normU: Math.exp(first.lnNormU), normW: Math.exp(first.lnNormW) };
  return { series, scores, initial };
}
