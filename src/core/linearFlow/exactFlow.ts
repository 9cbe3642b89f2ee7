/**
 * The exact gradient flow of the two-layer linear network on one effective sample
 * (docs/model.md §3). Every neuron follows from one scalar S(t) = λ∫r dτ; with z = e^{2S}
 *
 *   dz/dt = (λ²/2)(P − Q z²) − 2λ y z,
 *
 * a Riccati equation with constant coefficients. Its solution is written here as a ratio of sums
 * of non-negative terms, evaluated in the log domain, so that it stays finite and accurate for
 * Q → 0, P → 0, y → 0, λ → 0 or ∞ and t → ∞ (the derivation is in docs/model.md).
 *
 * Scale (docs/model.md §3.2): the flow is computed in the pair's unit 4^k
 * (plane.ts), using the model's scale covariance: ũ → ũ/2^k, ṽ → ṽ/2^k, λ → λ·4^k, t → t/4^k leaves
 * f, r, the loss and ζ unchanged. Times enter as ln t, so horizons beyond 64 bits are still found
 * (and then refused by the caller, see ranges.ts).
 */
import { ldexp, logAbsExpm1, logAddExp, logOneMinusExpNeg, logSubExp, signedExp } from '../math/logDomain';
import { clampUnit, FlowInput, FlowPoint, fromLogPoint, LogPoint, lossLog } from './plane';

/** Unit roundoff of 64-bit floats. */
const EPS = 2 ** -53;
const LN4 = 2 * Math.LN2;

/** a + b for logarithms of factors, with ln 0 + anything = ln 0 (0·∞ = 0 for the factors). */
function lnMul(a: number, b: number): number {
  return a === -Infinity || b === -Infinity ? -Infinity : a + b;
}

/** The state of the flow at one time: ln z with its absolute rounding error, the residual, and the parts the residual needs. */
interface FlowState {
  lnZ: number;
  errLnZ: number;
  r: number;
}

/** Closed-form gradient flow; O(1) work per time point. */
export class ExactFlow {
  /** Characteristic rate ω = λ√(4y² + λ²PQ) and its logarithm; 0 (−∞) when nothing moves. */
  readonly omega: number;
  readonly lnOmega: number;
  /** Tangent kernel at t = 0 and its logarithm. */
  readonly ntkInitial: number;
  readonly lnNtkInitial: number;
  /** True when the flow is at rest from the start (λ = 0, u = v = 0, or r₀ = 0). */
  readonly still: boolean;
  /** f at t = 0 and r₀ = f₀ − y_eff. */
  readonly output0: number;
  readonly r0: number;

  /** ln of the unit 4^k of the plane. */
  private readonly shift: number;
  /** λ' = λ·4^k, the rate in the pair's unit, as a double (may be ∞) and as a logarithm. */
  private readonly lam: number;
  private readonly lnL: number;
  private readonly lnP: number;
  private readonly lnQ: number;
  private readonly lnOmegaC: number;
  /** W± = ρ ∓ 2y (ρ = λ'R) in the notation of docs/model.md, and their ratios to ρ. */
  private readonly lnWPlus: number;
  private readonly lnWMinus: number;
  private readonly lnFracPlus: number;
  private readonly lnFracMinus: number;
  private readonly lnWPlusLambdaP: number;
  private readonly lnLambdaQWMinus: number;
  private readonly ln4r0: number;
  private readonly lnEtaU: number;
  private readonly lnEtaW: number;

  /** λ = γ ā √(η_u η_W). */
  get lambda(): number {
    return this.input.lambda;
  }

  constructor(readonly input: FlowInput) {
    const { plane, y } = input;
    const { P, Q } = plane;
    this.shift = 2 * plane.k * Math.LN2;
    this.lnL = input.lnLambda + this.shift;
    const direct = Number.isFinite(input.lambda) && input.lambda >= 2 ** -1000 ? ldexp(input.lambda, 2 * plane.k) : NaN;
    this.lam = Number.isFinite(direct) && direct > 0 ? direct : Math.exp(this.lnL);
    this.lnP = Math.log(P);
    this.lnQ = Math.log(Q);
    this.lnEtaU = Math.log(input.etaU);
    this.lnEtaW = Math.log(input.etaW);
    this.output0 = input.output0 ?? (Number.isFinite(this.lam) ? this.lam * plane.uv : signedExp(plane.uv, this.lnL + Math.log(Math.abs(plane.uv))));
    this.r0 = this.output0 - y;
    this.ln4r0 = Math.log(4 * Math.abs(this.r0));
    this.lnNtkInitial = 2 * input.lnLambda + Math.log(plane.uu + plane.vv) + this.shift;
    this.ntkInitial = Math.exp(this.lnNtkInitial);
    this.still = this.lnL === -Infinity || (P === 0 && Q === 0) || this.r0 === 0;

    const lnRootPQ = lnMul(this.lnL, 0.5 * (this.lnP + this.lnQ)); // ln λ'√(PQ)
    const ln2y = Math.log(2 * Math.abs(y));
    const lnRho = 0.5 * logAddExp(2 * ln2y, 2 * lnRootPQ); // ρ = √(4y² + λ'²PQ)
    // W₊ = ρ − 2y and W₋ = ρ + 2y, each in the form without cancellation (W₊W₋ = λ'²PQ).
    const lnSum = logAddExp(lnRho, ln2y); // ln(ρ + 2|y|)
    const lnProduct = y === 0 ? lnRho : 2 * lnRootPQ - lnSum;
    this.lnWPlus = y > 0 ? lnProduct : y < 0 ? lnSum : lnRho;
    this.lnWMinus = y < 0 ? lnProduct : y > 0 ? lnSum : lnRho;
    this.lnOmegaC = this.still ? -Infinity : lnMul(this.lnL, lnRho);
    this.lnOmega = this.lnOmegaC - this.shift;
    this.omega = Math.exp(this.lnOmega);
    // At ρ = 0 (y = 0 and PQ = 0) the ratios W±/ρ take their limits 1 and 1 (they always sum to 2).
    this.lnFracPlus = lnRho > -Infinity ? this.lnWPlus - lnRho : 0;
    this.lnFracMinus = lnRho > -Infinity ? this.lnWMinus - lnRho : 0;
    this.lnWPlusLambdaP = logAddExp(this.lnWPlus, lnMul(this.lnL, this.lnP));
    this.lnLambdaQWMinus = logAddExp(lnMul(this.lnL, this.lnQ), this.lnWMinus);
  }

  /**
   * ln z = 2S and the residual at ln t (physical time; t = ∞ allowed), with an estimate of the
   * absolute rounding error of ln z.
   */
  private state(lnT: number): FlowState {
    const atInfinity = lnT === Infinity;
    const omegaT = atInfinity ? Infinity : Math.exp(this.lnOmega + lnT);
    // τ' = (1 − e^{−ωt})/ω' in the pair's unit (→ t' as ωt → 0).
    const lnTau = !(omegaT > 1e-300) ? lnT - this.shift : logOneMinusExpNeg(omegaT) - this.lnOmegaC;
    // D = λ'²τ'Q + W₋/ρ + (W₊/ρ)e^{−ωt}: the first two terms ("slow") and the decaying one.
    const lnSlow = logAddExp(lnMul(2 * this.lnL + lnTau, this.lnQ), this.lnFracMinus);
    const lnDen = logAddExp(lnSlow, this.lnFracPlus - omegaT);
    // N − D = 4λ'τ' r₀, so z = 1 + 4λ'τ'r₀/D: while z is near 1 this keeps S accurate relative to itself
    // (ln N − ln D would subtract two numbers near ln 2) — at every t, t = ∞ included, so the limit
    // is the series' own limit.
    const lnX = this.lnL + lnTau + this.ln4r0 - lnDen;
    const x = Math.sign(this.r0) * Math.exp(lnX);
    let lnZ: number;
    let errLnZ: number;
    if (Math.abs(x) <= 0.5) {
      const terms = Math.abs(this.lnL) + Math.abs(lnTau) + Math.abs(this.ln4r0) + Math.abs(lnDen);
      lnZ = Math.log1p(x);
      errLnZ = EPS * Math.abs(x) * (2 + terms);
    } else {
      const lnNum = logAddExp(lnMul(this.lnL + lnTau, this.lnWPlusLambdaP), Math.LN2 - omegaT);
      lnZ = lnNum - lnDen;
      errLnZ = EPS * (2 + Math.abs(lnNum) + Math.abs(lnDen));
    }
    return { lnZ, errLnZ, r: this.residual(lnTau, lnSlow, omegaT) };
  }

  /**
   * The residual r(t) = f − y_eff; it keeps the sign of r₀ and |r| never increases. From
   * r = r₀ (2e^{−ωt}/D)(W₊ + λ'P/z)/(W₊ + λ'P) and z = N/D,
   *
   *   r = r₀ (W₊·A + λ'P·B)/(W₊ + λ'P),  A = 2e^{−ωt}/D = 2/(W₊/ρ + (λ'²τ'Q + W₋/ρ)e^{ωt}),
   *                                       B = 2e^{−ωt}/N = 2/(2 + λ'τ'(W₊ + λ'P)e^{ωt}),
   *
   * (or r₀ (λ'Q·A + W₋·B)/(λ'Q + W₋) when W₊ + λ'P = 0): positive terms only, and no difference of
   * two large logarithms however large ωt is.
   */
  private residual(lnTau: number, lnSlow: number, omegaT: number): number {
    const lnA = Math.LN2 - logAddExp(this.lnFracPlus, lnMul(lnSlow, omegaT));
    const lnB = Math.LN2 - logAddExp(Math.LN2, lnMul(lnMul(this.lnL + lnTau, this.lnWPlusLambdaP), omegaT));
    const lnRatio =
      this.lnWPlusLambdaP > -Infinity
        ? logAddExp(lnMul(this.lnWPlus, lnA), lnMul(this.lnL + this.lnP, lnB)) - this.lnWPlusLambdaP
        : logAddExp(lnMul(this.lnL + this.lnQ, lnA), lnMul(this.lnWMinus, lnB)) - this.lnLambdaQWMinus;
    return signedExp(this.r0, Math.log(Math.abs(this.r0)) + lnRatio);
  }

  /** The state at time t ≥ 0. */
  at(t: number): FlowPoint {
    return fromLogPoint(this.logPointAt(Math.log(t)), this.input.irreducibleLoss);
  }

  /** The state at ln t (t = 0 at −∞), with its sizes as logarithms. */
  logPointAt(lnT: number): LogPoint {
    if (this.still || lnT === -Infinity) return this.initialPoint();
    const s = this.state(lnT);
    return this.point(s.lnZ, s.errLnZ, s.r);
  }

  /** f and r at ln t (cheaper than a whole point: for horizons and plateaus). */
  outputAt(lnT: number): { output: number; residual: number } {
    if (this.still || lnT === -Infinity) return { output: this.output0, residual: this.r0 };
    const s = this.state(lnT);
    return { output: this.bestOutput(s.lnZ, s.errLnZ, s.r).f, residual: s.r };
  }

  /** The limit t → ∞: the fixed point the flow converges to. */
  limit(): FlowPoint {
    return fromLogPoint(this.limitLog(), this.input.irreducibleLoss);
  }

  /** The limit t → ∞ with its sizes as logarithms (computed once). */
  limitLog(): LogPoint {
    if (this.limitCache) return this.limitCache;
    let p: LogPoint;
    const lnZ = this.limitLnZ();
    if (this.still) p = this.initialPoint();
    // Degenerate: ũ = −ṽ (P = 0) cannot make f > 0, ũ = ṽ (Q = 0) cannot make f < 0, and y = 0 with
    // PQ = 0 decays algebraically; the moving part of both layers shrinks to zero and f → 0 (z → 0 or ∞).
    else if (!Number.isFinite(lnZ)) p = this.restPoint(this.input.plane.P === 0 ? -1 : 1);
    else {
      const s = this.state(Infinity);
      p = this.point(s.lnZ, s.errLnZ, s.r);
    }
    this.limitCache = p;
    return p;
  }

  private limitCache: LogPoint | null = null;
  private lnZCache: number | null = null;

  /** ln z(t) = 2S(t) at ln t (t = 0 at −∞, t = ∞ at ∞): the series' own value (0 when still). */
  lnZAt(lnT: number): number {
    if (lnT === Infinity) return this.limitLnZ();
    if (this.still || lnT === -Infinity) return 0;
    return this.state(lnT).lnZ;
  }

  /** ln z(∞) = 2S(∞), the same expression as the series at t = ∞ (±∞ for the degenerate limits, 0 when still). */
  limitLnZ(): number {
    if (this.lnZCache === null) {
      if (this.still) this.lnZCache = 0;
      else if (this.lnOmega === -Infinity) this.lnZCache = this.input.plane.P === 0 ? -Infinity : Infinity;
      else this.lnZCache = this.state(Infinity).lnZ;
    }
    return this.lnZCache;
  }

  /** The residual's distance from its limit, |r(t) − r(∞)| (or |f(t) − f(∞)|), at ln t: monotone, for horizons and plateaus. */
  gapAt(lnT: number, limit: { output: number; residual: number }): number {
    const p = this.outputAt(lnT);
    if (limit.residual === 0) return Math.abs(p.residual);
    return Math.abs(p.output - limit.output);
  }

  private initialPoint(): LogPoint {
    const { plane, irreducibleLoss, lnNormWPerp2 } = this.input;
    return {
      output: this.output0,
      residual: this.r0,
      lnLoss: lossLog(this.r0, irreducibleLoss),
      zeta: plane.zeta,
      lnNormU: 0.5 * (this.lnEtaU + plane.lnUU + this.shift),
      lnNormW: 0.5 * logAddExp(lnNormWPerp2, this.lnEtaW + plane.lnVV + this.shift),
      lnNtk: this.lnNtkInitial,
      lnDistance: -Infinity,
    };
  }

  /**
   * ũ·ṽ in the pair's unit, and f = λ ũ·ṽ, from the best conditioned of three equal forms: (y + r)/λ',
   * (P/z − Qz)/4, and ũ₀·ṽ₀ cosh 2S − ½(|ũ₀|² + |ṽ₀|²) sinh 2S (from ũ = ũ₀ cosh S − ṽ₀ sinh S,
   * ṽ = ṽ₀ cosh S − ũ₀ sinh S), each judged by a bound on its rounding error: the size of the terms
   * it adds, and its sensitivity to the error of ln z.
   */
  private bestOutput(lnZ: number, errLnZ: number, r: number): { f: number; m: number } {
    const { plane, y } = this.input;
    const f1 = y + r;
    // (y + r)/λ' and its bound, through logarithms where λ' is not a comfortable normal number.
    const plainLam = this.lam >= 2 ** -1000 && Number.isFinite(this.lam);
    let m = plainLam ? f1 / this.lam : signedExp(f1, Math.log(Math.abs(f1)) - this.lnL);
    let bound = Math.exp(Math.log(EPS * (Math.abs(y) + Math.abs(r))) - this.lnL);
    let fromResidual = true;
    if (!Number.isFinite(m)) bound = Infinity;
    const pz = Math.exp(this.lnP - lnZ);
    const qz = Math.exp(this.lnQ + lnZ);
    const sum = (pz + qz) / 4;
    if (Number.isFinite(sum) && sum * (EPS + errLnZ) < bound) {
      m = (pz - qz) / 4;
      bound = sum * (EPS + errLnZ);
      fromResidual = false;
    }
    if (Math.abs(lnZ) < 700) {
      const ch = Math.cosh(lnZ);
      const sh = Math.sinh(lnZ);
      const n2 = plane.uu + plane.vv;
      const boundHyp = EPS * (Math.abs(plane.uv) * ch + (n2 * Math.abs(sh)) / 2) + errLnZ * Math.abs(plane.uv * sh - (n2 * ch) / 2);
      if (boundHyp < bound) {
        m = plane.uv * ch - (n2 * sh) / 2;
        fromResidual = false;
      }
    }
    const f = fromResidual ? f1 : plainLam ? this.lam * m : signedExp(m, this.lnL + Math.log(Math.abs(m)));
    return { f, m };
  }

  /** Every quantity from ln z (with its absolute error `errLnZ`) and the residual r. */
  private point(lnZ: number, errLnZ: number, r: number): LogPoint {
    const { plane, irreducibleLoss, lnNormWPerp2 } = this.input;
    const { c, lnG } = plane;
    const lnPz = this.lnP - lnZ; // ln|p|² = ln(P/z)
    const lnQz = this.lnQ + lnZ; // ln|q|² = ln(Qz)
    const { f, m } = this.bestOutput(lnZ, errLnZ, r);
    // ũ·ṽ from the logarithms where the double has underflowed or overflowed: (P/z − Qz)/4.
    const plain = m !== 0 && Number.isFinite(m);
    const lnM = plain ? Math.log(Math.abs(m)) : lnPz === lnQz ? -Infinity : logSubExp(Math.max(lnPz, lnQz), Math.min(lnPz, lnQz)) - LN4;
    const signM = plain ? Math.sign(m) : Math.sign(lnPz - lnQz);
    // ζ = m/√(m² + G/4) as sign(m)·(1 + G/(4m²))^{−½}; parallel layers (G = 0) have ζ = ±1.
    let zeta: number | null;
    if (lnG === -Infinity) zeta = signM === 0 ? null : signM;
    else zeta = lnM === -Infinity ? 0 : signM * Math.exp(-0.5 * logAddExp(0, lnG - LN4 - 2 * lnM));
    // |ũ|², |ṽ|²: the larger is (n₂ + |c|)/2, the smaller (m² + G/4) over the larger (no cancellation).
    const lnN2 = logAddExp(lnPz, lnQz) - Math.LN2; // |ũ|² + |ṽ|²
    const lnBig = logAddExp(lnN2, Math.log(Math.abs(c))) - Math.LN2;
    const lnSmall = logAddExp(2 * lnM, lnG - LN4) - lnBig;
    const [lnUU, lnVV] = c >= 0 ? [lnBig, lnSmall] : [lnSmall, lnBig];
    const moved = this.moved(lnZ / 2);
    return {
      output: f,
      residual: r,
      lnLoss: lossLog(r, irreducibleLoss),
      zeta: zeta === null ? null : clampUnit(zeta),
      lnNormU: 0.5 * (this.lnEtaU + lnUU + this.shift),
      lnNormW: 0.5 * logAddExp(lnNormWPerp2, this.lnEtaW + lnVV + this.shift),
      lnNtk: 2 * this.input.lnLambda + lnN2 + this.shift,
      lnDistance: 0.5 * (logAddExp(this.lnEtaU + moved.lnDU, this.lnEtaW + moved.lnDV) + this.shift),
    };
  }

  /**
   * ln|ũ − ũ₀|² and ln|ṽ − ṽ₀|² (pair's unit) at S. While e^{|S|} is representable, each layer's
   * displacement from whichever of two equal forms has the smaller rounding bound:
   *   the frame form ũ − ũ₀ = (cosh S − 1)ũ₀ − sinh S ṽ₀, with cosh S − 1 = 2sinh²(S/2) (accurate for the
   *   smallest moves; bound ε((cosh S − 1)|ũ₀| + |sinh S||ṽ₀|)), and
   *   the (p, q) form ũ − ũ₀ = (A p₀ + B q₀)/2, ṽ − ṽ₀ = (A p₀ − B q₀)/2, A = e^{−S} − 1, B = e^S − 1, with
   *   p₀, q₀ in a frame built from P, Q, c and G (each accurate to its last bits, however aligned the
   *   layers are; bound ε(|A|√P + |B|√Q)).
   * The frame form loses everything once |S| ≫ 1 with the layers (anti-)aligned: cosh S − 1 and sinh S
   * then cancel to e^{−|S|} (docs/model.md §4). Beyond, from the Gram data of (A p₀, B q₀) in the log
   * domain: the larger of the two as (PA² + QB² + 2|AB c|)/4, the smaller through the product
   * |Δũ|²|Δṽ|² = (Δũ·Δṽ)² + G A²B²/4.
   */
  moved(S: number): { lnDU: number; lnDV: number } {
    if (S === 0) return { lnDU: -Infinity, lnDV: -Infinity };
    const { plane } = this.input;
    if (Math.abs(S) < 350) {
      const [u1, u2, v1, v2] = plane.frame;
      const half = Math.sinh(S / 2);
      const chm1 = 2 * half * half;
      const sh = Math.sinh(S);
      const lenU = Math.sqrt(plane.uu);
      const lenV = Math.sqrt(plane.vv);
      const boundFrameU = chm1 * lenU + Math.abs(sh) * lenV;
      const boundFrameV = chm1 * lenV + Math.abs(sh) * lenU;
      const A = Math.expm1(-S);
      const B = Math.expm1(S);
      const boundPQ = Math.abs(A) * Math.sqrt(plane.P) + Math.abs(B) * Math.sqrt(plane.Q);
      const [p1, p2, q1, q2] = pqFrame(plane.P, plane.Q, plane.c, plane.lnG);
      const du = boundFrameU <= boundPQ ? Math.hypot(chm1 * u1 - sh * v1, chm1 * u2 - sh * v2) : 0.5 * Math.hypot(A * p1 + B * q1, A * p2 + B * q2);
      const dv = boundFrameV <= boundPQ ? Math.hypot(chm1 * v1 - sh * u1, chm1 * v2 - sh * u2) : 0.5 * Math.hypot(A * p1 - B * q1, A * p2 - B * q2);
      return { lnDU: 2 * Math.log(du), lnDV: 2 * Math.log(dv) };
    }
    const lnA = logAbsExpm1(-S);
    const lnB = logAbsExpm1(S);
    const lnPP = this.lnP + 2 * lnA;
    const lnQQ = this.lnQ + 2 * lnB;
    const lnPQ = Math.log(Math.abs(plane.c)) + lnA + lnB;
    const lnBig = logAddExp(logAddExp(lnPP, lnQQ), Math.LN2 + lnPQ) - LN4;
    const lnXY = lnPP === lnQQ ? -Infinity : logSubExp(Math.max(lnPP, lnQQ), Math.min(lnPP, lnQQ)) - LN4;
    const lnSmall = logAddExp(2 * lnXY, plane.lnG + 2 * lnA + 2 * lnB - LN4) - lnBig;
    // |Δũ|² − |Δṽ|² = AB·c with AB ≤ 0: Δũ is the larger when c ≤ 0.
    return plane.c <= 0 ? { lnDU: lnBig, lnDV: lnSmall } : { lnDU: lnSmall, lnDV: lnBig };
  }

  /** The limit of a degenerate flow: the moving parts of both layers vanish; ζ keeps its sign. */
  private restPoint(zeta: number): LogPoint {
    const { y, irreducibleLoss, lnNormWPerp2, plane } = this.input;
    return {
      output: 0,
      residual: -y,
      lnLoss: lossLog(y, irreducibleLoss),
      zeta,
      lnNormU: -Infinity,
      lnNormW: 0.5 * lnNormWPerp2,
      lnNtk: -Infinity,
      lnDistance: 0.5 * (logAddExp(this.lnEtaU + plane.lnUU, this.lnEtaW + plane.lnVV) + this.shift),
    };
  }
}

/**
 * p₀ = ũ₀ + ṽ₀ and q₀ = ũ₀ − ṽ₀ in an orthonormal frame of their plane, the longer along the first axis:
 * [p₁, p₂, q₁, q₂] from |p₀|² = P, |q₀|² = Q, p₀·q₀ = c and |p₀ ∧ q₀|² = PQ − c² = G (given as ln G). Each of P, Q, c, G is
 * summed without cancellation (plane.ts), so q₀ keeps its relative accuracy when the layers are nearly
 * aligned (and p₀ when anti-aligned), which ũ₀ − ṽ₀ formed from frame coordinates would not.
 */
function pqFrame(P: number, Q: number, c: number, lnG: number): [number, number, number, number] {
  if (P >= Q) {
    const rootP = Math.sqrt(P);
    return rootP > 0 ? [rootP, 0, c / rootP, Math.exp(0.5 * (lnG - Math.log(P)))] : [0, 0, 0, 0];
  }
  const rootQ = Math.sqrt(Q);
  return [c / rootQ, Math.exp(0.5 * (lnG - Math.log(Q))), rootQ, 0];
}
