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
import { logAbsExpm1, logAddExp, logAddExp3, logOneMinusExpNeg } from './logmath';
import { PairGram, planePoint } from './plane';
import { PlaneInvariants } from './reduce';

/** Everything the panel and the CLI draw at one time (MODEL.md §4). */
export interface FlowPoint {
  output: number;
  /** r = f − y_eff. */
  residual: number;
  loss: number;
  zeta: number | null;
  normU: number;
  normW: number;
  ntk: number;
  /** ‖θ(t) − θ₀‖, absolute. */
  distance: number;
}

export interface FlowInput {
  plane: PlaneInvariants;
  etaU: number;
  etaW: number;
  /** λ = γ ā √(η_u η_W). */
  lambda: number;
  /** The effective target y_eff. */
  y: number;
  irreducibleLoss: number;
  /** ‖W_⊥‖_F², the part of W off the data direction (never moves). */
  normWPerp2: number;
}

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
   * ln z(t) = 2S(t) together with ln of the denominator D(t) of the solution, for t ≥ 0
   * (t = ∞ allowed when ω > 0).
   */
  private logZ(t: number): { lnZ: number; lnDen: number; lnE: number } {
    const omegaT = this.omega * t;
    const lnE = -omegaT; // ln e^{−ωt}
    // τ = (1 − e^{−ωt})/ω → t as ω → 0.
    const lnTau = this.omega > 0 ? (t === Infinity ? -Math.log(this.omega) : logOneMinusExpNeg(omegaT) - Math.log(this.omega)) : Math.log(t);
    const lnNum = logAddExp(this.lnLambda + lnTau + this.lnWPlusLambdaP, Math.LN2 + lnE);
    const lnDen = logAddExp3(2 * this.lnLambda + lnTau + this.lnQ, this.lnFracMinus, this.lnFracPlus + lnE);
    return { lnZ: lnNum - lnDen, lnDen, lnE };
  }

  /** The residual r(t) = f − y_eff; it keeps the sign of r₀ and |r| never increases. */
  private residual(lnZ: number, lnDen: number, lnE: number): number {
    // r(t) = r₀ · (2e^{−ωt}/D) · (W₊ + λP/z)/(W₊ + λP), or the equal form with (λQ + W₋/z)/(λQ + W₋).
    const lnFactor =
      this.lnWPlusLambdaP > -Infinity
        ? logAddExp(this.lnWPlus, this.lnLambda + this.lnP - lnZ) - this.lnWPlusLambdaP
        : logAddExp(this.lnLambda + this.lnQ, this.lnWMinus - lnZ) - this.lnLambdaQWMinus;
    const lnAbs = Math.log(Math.abs(this.r0)) + Math.LN2 + lnE - lnDen + lnFactor;
    return Math.sign(this.r0) * Math.exp(lnAbs);
  }

  /** The state at time t ≥ 0 (finite). */
  at(t: number): FlowPoint {
    if (this.still || t === 0) return this.point(0, this.r0);
    const { lnZ, lnDen, lnE } = this.logZ(t);
    return this.point(lnZ, this.residual(lnZ, lnDen, lnE));
  }

  /** The limit t → ∞: the fixed point the flow converges to. */
  limit(): FlowPoint {
    if (this.still) return this.point(0, this.r0);
    const { P, Q } = this.input.plane;
    const y = this.input.y;
    // Regular case: z → z₊ > 0 and r → 0.
    if (Q > 0 && this.lnWPlus > -Infinity) return this.point(this.lnWPlus - this.lnLambda - this.lnQ, 0);
    if (Q === 0 && y > 0) return this.point(this.lnLambda + this.lnP - this.lnWMinus, 0);
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

  private point(lnZ: number, r: number): FlowPoint {
    const { plane, lambda, y } = this.input;
    const { c, G } = plane;
    const pz = Math.exp(this.lnP - lnZ); // |p|² = P/z
    const qz = Math.exp(this.lnQ + lnZ); // |q|² = Q z
    // f from whichever form is better conditioned.
    const output = Math.abs(y) + Math.abs(r) <= (lambda * (pz + qz)) / 4 || lambda === 0 ? y + r : (lambda / 4) * (pz - qz);
    return planePoint(this.input, { now: { pp: pz, qq: qz, pq: c, wedge: G }, moved: this.moved(lnZ / 2), output, residual: r, perpScale: 1 });
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
