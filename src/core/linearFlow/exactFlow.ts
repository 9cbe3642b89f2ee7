/**
 * The exact gradient flow of the two-layer linear network on one effective sample
 * (docs/model.md §3). Every neuron follows from one scalar S(t) = λ∫r dτ; with z = e^{2S}
 *
 *   dz/dt = (λ²/2)(P − Q z²) − 2λ y z,
 *
 * a Riccati equation with constant coefficients. Its solution is written here as a ratio of sums
 * of non-negative terms, evaluated in the log domain, so that it stays finite and accurate for
 * Q → 0, P → 0, y → 0, λ → 0 or ∞ and t → ∞ (the derivation is in docs/model.md).
 */
import { logAbsExpm1, logAddExp, logOneMinusExpNeg } from '../math/logDomain';
import { FlowInput, FlowPoint, PairGram, planePoint } from './plane';

/** Unit roundoff of 64-bit floats. */
const EPS = 2 ** -53;

/** Closed-form gradient flow; O(1) work per time point. */
export class ExactFlow {
  /** Characteristic rate ω = λ√(4y² + λ²PQ); 0 when nothing moves. */
  readonly omega: number;
  /** Tangent kernel at t = 0. */
  readonly ntkInitial: number;
  /** True when the flow is at rest from the start (λ = 0, u = v = 0, or r₀ = 0). */
  readonly still: boolean;

  private readonly lnLambda: number;
  private readonly lnP: number;
  private readonly lnQ: number;
  /** W± = λ(R ∓ b) in the notation of docs/model.md, and their ratios to ρ = λR. */
  private readonly lnWPlus: number;
  private readonly lnWMinus: number;
  private readonly lnFracPlus: number;
  private readonly lnFracMinus: number;
  private readonly lnWPlusLambdaP: number;
  private readonly lnLambdaQWMinus: number;
  private readonly r0: number;

  /** λ = γ ā √(η_u η_W). */
  get lambda(): number {
    return this.input.lambda;
  }

  constructor(readonly input: FlowInput) {
    const { plane, lambda, y } = input;
    const { P, Q } = plane;
    this.r0 = lambda * plane.uv - y;
    this.ntkInitial = lambda * lambda * (plane.uu + plane.vv);
    this.still = lambda === 0 || (P === 0 && Q === 0) || this.r0 === 0;

    const rootPQ = lambda * Math.sqrt(P) * Math.sqrt(Q); // λ√(PQ)
    const rho = Math.hypot(2 * y, rootPQ); // ρ = λR = √(4y² + λ²PQ)
    // W₊ = ρ − 2y and W₋ = ρ + 2y, each in the form without cancellation (W₊W₋ = λ²PQ).
    const wPlus = y >= 0 ? (rho + 2 * y > 0 ? (rootPQ * rootPQ) / (rho + 2 * y) : 0) : rho - 2 * y;
    const wMinus = y <= 0 ? (rho - 2 * y > 0 ? (rootPQ * rootPQ) / (rho - 2 * y) : 0) : rho + 2 * y;
    this.omega = this.still ? 0 : lambda * rho;
    this.lnLambda = Math.log(lambda);
    this.lnP = Math.log(P);
    this.lnQ = Math.log(Q);
    this.lnWPlus = Math.log(wPlus);
    this.lnWMinus = Math.log(wMinus);
    // At ρ = 0 (y = 0 and PQ = 0) the ratios W±/ρ take their limits 1 and 1 (they always sum to 2).
    this.lnFracPlus = rho > 0 ? Math.log(wPlus / rho) : 0;
    this.lnFracMinus = rho > 0 ? Math.log(wMinus / rho) : 0;
    this.lnWPlusLambdaP = Math.log(wPlus + lambda * P);
    this.lnLambdaQWMinus = Math.log(lambda * Q + wMinus);
  }

  /**
   * ln z(t) = 2S(t) for t ≥ 0, with an estimate of its absolute rounding error, and the parts of
   * the solution's denominator D(t) that the residual needs.
   */
  private logZ(t: number): { lnZ: number; errLnZ: number; lnTau: number; lnSlow: number; omegaT: number } {
    const omegaT = this.omega * t;
    // τ = (1 − e^{−ωt})/ω → t as ω → 0.
    const lnTau = this.omega > 0 ? logOneMinusExpNeg(omegaT) - Math.log(this.omega) : Math.log(t);
    // D = λ²τQ + W₋/ρ + (W₊/ρ)e^{−ωt}: the first two terms ("slow") and the decaying one.
    const lnSlow = logAddExp(2 * this.lnLambda + lnTau + this.lnQ, this.lnFracMinus);
    const lnDen = logAddExp(lnSlow, this.lnFracPlus - omegaT);
    // N − D = 4λτ r₀, so z = 1 + 4λτr₀/D: while z is near 1 this keeps S accurate relative to itself
    // (ln N − ln D would subtract two numbers near ln 2).
    const lnX = this.lnLambda + lnTau + Math.log(4 * Math.abs(this.r0)) - lnDen;
    const x = Math.sign(this.r0) * Math.exp(lnX);
    if (Math.abs(x) <= 0.5) {
      const terms = Math.abs(this.lnLambda) + Math.abs(lnTau) + Math.abs(Math.log(4 * Math.abs(this.r0))) + Math.abs(lnDen);
      return { lnZ: Math.log1p(x), errLnZ: EPS * Math.abs(x) * (2 + terms), lnTau, lnSlow, omegaT };
    }
    const lnNum = logAddExp(this.lnLambda + lnTau + this.lnWPlusLambdaP, Math.LN2 - omegaT);
    return { lnZ: lnNum - lnDen, errLnZ: EPS * (2 + Math.abs(lnNum) + Math.abs(lnDen)), lnTau, lnSlow, omegaT };
  }

  /**
   * The residual r(t) = f − y_eff; it keeps the sign of r₀ and |r| never increases. From
   * r = r₀ (2e^{−ωt}/D)(W₊ + λP/z)/(W₊ + λP) and z = N/D,
   *
   *   r = r₀ (W₊·A + λP·B)/(W₊ + λP),  A = 2e^{−ωt}/D = 2/(W₊/ρ + (λ²τQ + W₋/ρ)e^{ωt}),
   *                                     B = 2e^{−ωt}/N = 2/(2 + λτ(W₊ + λP)e^{ωt}),
   *
   * (or r₀ (λQ·A + W₋·B)/(λQ + W₋) when W₊ + λP = 0): positive terms only, and no difference of
   * two large logarithms however large ωt is.
   */
  private residual(lnTau: number, lnSlow: number, omegaT: number): number {
    const lnA = Math.LN2 - logAddExp(this.lnFracPlus, lnSlow + omegaT);
    const lnB = Math.LN2 - logAddExp(Math.LN2, this.lnLambda + lnTau + this.lnWPlusLambdaP + omegaT);
    const lnRatio =
      this.lnWPlusLambdaP > -Infinity
        ? logAddExp(this.lnWPlus + lnA, this.lnLambda + this.lnP + lnB) - this.lnWPlusLambdaP
        : logAddExp(this.lnLambda + this.lnQ + lnA, this.lnWMinus + lnB) - this.lnLambdaQWMinus;
    return Math.sign(this.r0) * Math.exp(Math.log(Math.abs(this.r0)) + lnRatio);
  }

  /** The state at time t ≥ 0 (finite). */
  at(t: number): FlowPoint {
    if (this.still || t === 0) return this.point(0, 0, this.r0);
    const { lnZ, errLnZ, lnTau, lnSlow, omegaT } = this.logZ(t);
    return this.point(lnZ, errLnZ, this.residual(lnTau, lnSlow, omegaT));
  }

  /** The limit t → ∞: the fixed point the flow converges to. */
  limit(): FlowPoint {
    if (this.still) return this.point(0, 0, this.r0);
    const { P, Q } = this.input.plane;
    const y = this.input.y;
    // Regular case: z → z₊ > 0 and r → 0.
    if (Q > 0 && this.lnWPlus > -Infinity) return this.point(this.lnWPlus - this.lnLambda - this.lnQ, EPS * (Math.abs(this.lnWPlus) + Math.abs(this.lnLambda) + Math.abs(this.lnQ)), 0);
    if (Q === 0 && y > 0) return this.point(this.lnLambda + this.lnP - this.lnWMinus, EPS * (Math.abs(this.lnLambda) + Math.abs(this.lnP) + Math.abs(this.lnWMinus)), 0);
    // Degenerate: ũ = −ṽ (P = 0) cannot make f > 0, ũ = ṽ (Q = 0) cannot make f < 0, and with
    // y = 0 the decay is algebraic; the moving part of both layers shrinks to zero and f → 0.
    return this.restPoint(P === 0 ? -1 : 1);
  }

  /** The residual's distance from its limit, |r(t) − r(∞)|: monotone, for horizons and plateaus. */
  gap(t: number, limit: FlowPoint): number {
    const p = this.at(t);
    if (limit.residual === 0) return Math.abs(p.residual);
    return Math.abs(p.output - limit.output);
  }

  /** Every quantity from ln z (with its absolute error `errLnZ`) and the residual r. */
  private point(lnZ: number, errLnZ: number, r: number): FlowPoint {
    const { plane } = this.input;
    const { c, G } = plane;
    const pz = Math.exp(this.lnP - lnZ); // |p|² = P/z
    const qz = Math.exp(this.lnQ + lnZ); // |q|² = Q z
    const point = planePoint(this.input, { now: { pp: pz, qq: qz, pq: c, wedge: G }, moved: this.moved(lnZ / 2), output: this.output(lnZ, errLnZ, r, pz, qz), residual: r, perpScale: 1 });
    if (point.zeta === null && G === 0 && lnZ !== 0) {
      // Parallel layers too small for 64 bits (they shrink towards the saddle): ζ is still the sign
      // of ũ·ṽ = (P/z − Qz)/4, which the logarithms decide.
      const lnPz = this.lnP - lnZ;
      const lnQz = this.lnQ + lnZ;
      if (lnPz !== lnQz) point.zeta = lnPz > lnQz ? 1 : -1;
    }
    return point;
  }

  /**
   * f = λ ũ·ṽ from the best conditioned of three equal forms: y + r, (λ/4)(P/z − Qz), and
   * λ(ũ₀·ṽ₀ cosh 2S − ½(|ũ₀|² + |ṽ₀|²) sinh 2S) (from ũ = ũ₀ cosh S − ṽ₀ sinh S,
   * ṽ = ṽ₀ cosh S − ũ₀ sinh S), each judged by a bound on its rounding error: the size of the
   * terms it adds, and its sensitivity to the error of ln z.
   */
  private output(lnZ: number, errLnZ: number, r: number, pz: number, qz: number): number {
    const { plane, lambda, y } = this.input;
    if (lambda === 0) return y + r;
    let best = y + r;
    let bound = EPS * (Math.abs(y) + Math.abs(r));
    const sumPQ = (lambda * (pz + qz)) / 4;
    if (sumPQ * (EPS + errLnZ) < bound) {
      best = (lambda / 4) * (pz - qz);
      bound = sumPQ * (EPS + errLnZ);
    }
    if (Math.abs(lnZ) < 700) {
      const ch = Math.cosh(lnZ);
      const sh = Math.sinh(lnZ);
      const n2 = plane.uu + plane.vv;
      const boundHyp = lambda * (EPS * (Math.abs(plane.uv) * ch + (n2 * Math.abs(sh)) / 2) + errLnZ * Math.abs(plane.uv * sh - (n2 * ch) / 2));
      if (boundHyp < bound) best = lambda * (plane.uv * ch - (n2 * sh) / 2);
    }
    return best;
  }

  /** The limit of a degenerate flow: the moving parts of both layers vanish; ζ keeps its sign. */
  private restPoint(zeta: number): FlowPoint {
    const { y, irreducibleLoss, normWPerp2, etaU, etaW, plane } = this.input;
    const startNorm2 = etaU * plane.uu + etaW * plane.vv;
    return {
      output: 0,
      residual: -y,
      loss: 0.5 * y * y + irreducibleLoss,
      zeta,
      normU: 0,
      normW: Math.sqrt(normWPerp2),
      ntk: 0,
      distance: Math.sqrt(startNorm2),
    };
  }

  /** The displacement (p − p₀, q − q₀) = (A p₀, B q₀) with A = e^{−S} − 1, B = e^{S} − 1 (AB ≤ 0), in the log domain. */
  private moved(S: number): PairGram {
    const { c, G } = this.input.plane;
    if (S === 0) return { pp: 0, qq: 0, pq: 0, wedge: 0 };
    const lnA = logAbsExpm1(-S);
    const lnB = logAbsExpm1(S);
    const ab = Math.exp(lnA + lnB); // |AB|
    return { pp: Math.exp(this.lnP + 2 * lnA), qq: Math.exp(this.lnQ + 2 * lnB), pq: c === 0 ? 0 : -ab * c, wedge: G === 0 ? 0 : G * ab * ab };
  }
}
