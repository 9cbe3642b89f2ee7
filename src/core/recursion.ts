/**
 * Exact gradient descent of the linear network in O(1) per step (docs/finite-rates.md, MODEL.md §8).
 *
 * With x_k = λ r_k, one step of gradient descent (weight decay ρ included) maps the rescaled layers
 * ũ' = (1 − η_uρ)ũ − x ṽ, ṽ' = (1 − η_Wρ)ṽ − x ũ, so p = ũ + ṽ and q = ũ − ṽ obey
 *
 *   p' = (h − x) p + e q,   q' = e p + (h + x) q,   h = 1 − ρ(η_u + η_W)/2,  e = ρ(η_W − η_u)/2.
 *
 * They stay in the plane of p₀ and q₀: p = 2^{e_p}(a₁p₀ + a₂q₀), q = 2^{e_q}(b₁p₀ + b₂q₀), and every
 * quantity is a quadratic form in the coefficients over the invariants P, Q, c, G. Without weight
 * decay (or with equal rates) e = 0 and the coefficients are the scalars α = a₁, β = b₂ of MODEL.md §8.
 * The binary exponents keep the coefficients representable however far a tiny initialisation grows.
 */
import type { FlowInput, FlowPoint } from './exact';
import { gramOf, PairGram, planePoint } from './plane';

/** Coefficient rows are renormalised when their largest entry leaves [2^−RENORM, 2^RENORM]. */
const RENORM = 200;
const BIG = 2 ** RENORM;
const SMALL = 2 ** -RENORM;

function pow2(n: number): number {
  return n === 0 ? 1 : Math.pow(2, n);
}

/** The state of the recursion after some number of steps (a plain record, cheap to copy). */
interface PlaneCoefficients {
  a1: number;
  a2: number;
  ep: number;
  b1: number;
  b2: number;
  eq: number;
  /** W_⊥ = s·W_⊥(0). */
  perpScale: number;
  /** f at the effective input, of this state. */
  output: number;
}

/** Gradient descent on the plane of (ũ₀, ṽ₀): one `advance()` is one step of the full network. */
export class PlaneDescent {
  /** Steps taken. */
  step = 0;
  private readonly s: PlaneCoefficients = { a1: 1, a2: 0, ep: 0, b1: 0, b2: 1, eq: 0, perpScale: 1, output: 0 };
  /** The state before the last `advance()`, for `stepBack()` (copied in place: no allocation per step). */
  private readonly before: PlaneCoefficients = { ...this.s };
  private readonly h: number;
  private readonly e: number;
  private readonly perpFactor: number;
  private readonly lambda: number;
  private readonly quarterLambda: number;

  /** `input` as for the exact flow; `rho` ≥ 0 is the weight decay. */
  constructor(private readonly input: FlowInput, rho = 0) {
    this.lambda = input.lambda;
    this.quarterLambda = input.lambda / 4;
    this.h = rho === 0 ? 1 : 1 - (rho * (input.etaU + input.etaW)) / 2;
    this.e = rho === 0 ? 0 : (rho * (input.etaW - input.etaU)) / 2;
    this.perpFactor = 1 - input.etaW * rho;
    // f₀ from ũ₀·ṽ₀ directly: the most accurate start.
    this.s.output = input.lambda * input.plane.uv;
  }

  /** r_k = f_k − y_eff of the current step. */
  get residual(): number {
    return this.s.output - this.input.y;
  }

  /** The data loss ½r² plus the irreducible part. */
  get loss(): number {
    const r = this.s.output - this.input.y;
    return 0.5 * r * r + this.input.irreducibleLoss;
  }

  /** The tangent kernel λ²(|p|² + |q|²)/2 of the current step. */
  get ntk(): number {
    const g = this.now();
    return (this.lambda * this.lambda * (g.pp + g.qq)) / 2;
  }

  /**
   * One gradient-descent step. Returns false, leaving the state as it was, when the next state would
   * not be finite (|p|², |q|² or r overflow): the run has diverged at step `step + 1`.
   */
  advance(): boolean {
    const s = this.s;
    const x = this.lambda * (s.output - this.input.y);
    const hp = this.h - x;
    const hq = this.h + x;
    let { a1, a2, ep, b1, b2, eq } = s;
    if (this.e === 0) {
      a1 *= hp;
      a2 *= hp;
      b1 *= hq;
      b2 *= hq;
    } else {
      const E = Math.max(ep, eq);
      const fp = pow2(ep - E);
      const fq = pow2(eq - E);
      const e = this.e;
      const na1 = hp * a1 * fp + e * b1 * fq;
      const na2 = hp * a2 * fp + e * b2 * fq;
      b1 = e * a1 * fp + hq * b1 * fq;
      b2 = e * a2 * fp + hq * b2 * fq;
      a1 = na1;
      a2 = na2;
      ep = E;
      eq = E;
    }
    // Exact power-of-two renormalisation keeps the coefficients far from overflow and underflow.
    const ma = Math.max(Math.abs(a1), Math.abs(a2));
    if (ma > BIG || (ma < SMALL && ma > 0)) {
      const k = Math.round(Math.log2(ma));
      const f = pow2(-k);
      a1 *= f;
      a2 *= f;
      ep += k;
    }
    const mb = Math.max(Math.abs(b1), Math.abs(b2));
    if (mb > BIG || (mb < SMALL && mb > 0)) {
      const k = Math.round(Math.log2(mb));
      const f = pow2(-k);
      b1 *= f;
      b2 *= f;
      eq += k;
    }
    const { P, Q, c } = this.input.plane;
    const pp = (a1 * a1 * P + 2 * a1 * a2 * c + a2 * a2 * Q) * pow2(2 * ep);
    const qq = (b1 * b1 * P + 2 * b1 * b2 * c + b2 * b2 * Q) * pow2(2 * eq);
    const output = this.quarterLambda * (pp - qq);
    if (!Number.isFinite(output) || !Number.isFinite(pp) || !Number.isFinite(qq)) return false;
    Object.assign(this.before, s);
    s.a1 = a1;
    s.a2 = a2;
    s.ep = ep;
    s.b1 = b1;
    s.b2 = b2;
    s.eq = eq;
    s.perpScale *= this.perpFactor;
    s.output = output;
    this.step++;
    return true;
  }

  /** Every drawn quantity of the current step; `distance` is absolute. */
  point(): FlowPoint {
    const s = this.s;
    const { P, Q, c, G } = this.input.plane;
    const sp = pow2(s.ep);
    const sq = pow2(s.eq);
    const moved = gramOf(P, Q, c, G, s.a1 * sp - 1, s.a2 * sp, s.b1 * sq, s.b2 * sq - 1);
    return planePoint(this.input, { now: this.now(), moved, output: s.output, residual: s.output - this.input.y, perpScale: s.perpScale });
  }

  /** Undoes the last successful `advance()` (once). */
  stepBack(): void {
    if (this.step === 0) return;
    Object.assign(this.s, this.before);
    this.step--;
  }

  private now(): PairGram {
    const s = this.s;
    const { P, Q, c, G } = this.input.plane;
    const g = gramOf(P, Q, c, G, s.a1, s.a2, s.b1, s.b2);
    const fp = pow2(2 * s.ep);
    const fq = pow2(2 * s.eq);
    const fpq = pow2(s.ep + s.eq);
    return { pp: g.pp * fp, qq: g.qq * fq, pq: g.pq * fpq, wedge: g.wedge * fpq * fpq };
  }
}
