/**
 * Exact gradient descent of the linear network in O(1) per step (docs/finite-rates.md §1).
 *
 * With x_k = λ r_k, one step of gradient descent (weight decay ρ included) maps the rescaled layers
 *
 *   ũ' = (1 − η_uρ) ũ − x ṽ,   ṽ' = (1 − η_Wρ) ṽ − x ũ,
 *
 * so they never leave the plane of ũ₀ and ṽ₀ (equivalently p = ũ + ṽ → (1 − x)p, q = ũ − ṽ → (1 + x)q
 * without decay: the α, β of docs/finite-rates.md §1). The recursion keeps ũ and ṽ as 2-vectors in an
 * orthonormal frame of that plane (src/core/linearFlow/plane.ts, `PlaneInvariants.frame`): the same arithmetic as the plain
 * loop over (u, W), on 4 numbers instead of d(D + 1), so it also rounds like the plain loop —
 * however unbalanced or aligned the layers are (a form in p and q would cancel when |ũ| ≫ |ṽ|).
 */
import type { FlowInput, FlowPoint } from './plane';
import { layerPoint } from './plane';
import { ldexp } from '../math/logDomain';

/**
 * The state after some number of steps: ũ = (u1, u2), ṽ = (v1, v2) in units of 2^e, W_⊥ = s·W_⊥(0),
 * and f. Scaling by a power of two is exact, so the steps round as the plain loop's do wherever that
 * loop's numbers are normal; the unit keeps layers of 1e-200 (or 1e200) representable, squares included.
 */
interface LayerCoordinates {
  u1: number;
  u2: number;
  v1: number;
  v2: number;
  e: number;
  perpScale: number;
  output: number;
}

/** The largest coordinate is kept within 2^±RESCALE of 1 (then the unit moves by whole powers of two). */
const RESCALE = 200;

/** Gradient descent on the plane of (ũ₀, ṽ₀): one `advance()` is one step of the full network. */
export class PlaneDescent {
  /** Steps taken. */
  step = 0;
  private readonly s: LayerCoordinates;
  /** The state before the last `advance()`, for `stepBack()` (copied in place: no allocation per step). */
  private readonly before: LayerCoordinates;
  /** ũ₀, ṽ₀ in units of 2^k (the plane's unit). */
  private readonly start: readonly number[];
  private readonly k0: number;
  private readonly hu: number;
  private readonly hv: number;
  private readonly perpFactor: number;
  private readonly lambda: number;
  /** ũ₀·ṽ₀ in units of 4^k. */
  private readonly uv0: number;

  /** `input` as for the exact flow; `rho` ≥ 0 is the weight decay. */
  constructor(private readonly input: FlowInput, rho = 0) {
    this.lambda = input.lambda;
    this.hu = 1 - input.etaU * rho;
    this.hv = 1 - input.etaW * rho;
    this.perpFactor = this.hv;
    const [u1, u2, v1, v2] = input.plane.frame;
    this.start = [u1, u2, v1, v2];
    this.k0 = input.plane.k;
    this.uv0 = input.plane.uv;
    // f₀ from ũ₀·ṽ₀ as accumulated over the neurons: the most accurate start.
    this.s = { u1, u2, v1, v2, e: this.k0, perpScale: 1, output: this.outputOf(this.uv0, this.k0) };
    this.before = { ...this.s };
  }

  /** 4^e for the current unit, cached (a plain factor while |2e| ≤ 1000, else NaN: ldexp). */
  private unitE = NaN;
  private unitFactor = NaN;
  private factorOf(e: number): number {
    if (e !== this.unitE) {
      this.unitE = e;
      this.unitFactor = Math.abs(2 * e) <= 1000 ? 2 ** (2 * e) : NaN;
    }
    return this.unitFactor;
  }

  /** x·4^e, exact (x a quadratic quantity in the unit 2^e). */
  private physical(x: number, e: number): number {
    const f = this.factorOf(e);
    return f === f ? x * f : ldexp(x, 2 * e);
  }

  /** λ·(ũ·ṽ) for ũ·ṽ given in units of 4^e. */
  private outputOf(uv: number, e: number): number {
    const direct = this.lambda * uv;
    if (direct !== 0 && Math.abs(direct) >= 2 ** -1000 && Number.isFinite(direct)) return this.physical(direct, e);
    return uv === 0 ? 0 : Math.sign(uv) * Math.exp(this.input.lnLambda + Math.log(Math.abs(uv)) + 2 * e * Math.LN2);
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

  /** The tangent kernel λ²(|ũ|² + |ṽ|²) of the current step. */
  get ntk(): number {
    const { u1, u2, v1, v2, e } = this.s;
    return Math.exp(2 * this.input.lnLambda + Math.log(u1 * u1 + u2 * u2 + v1 * v1 + v2 * v2) + 2 * e * Math.LN2);
  }

  /**
   * One gradient-descent step. Returns false, leaving the state as it was, when the next state would
   * not be finite: the run has diverged at step `step + 1`.
   */
  advance(): boolean {
    const s = this.s;
    const x = this.lambda * (s.output - this.input.y);
    let u1 = this.hu * s.u1 - x * s.v1;
    let u2 = this.hu * s.u2 - x * s.v2;
    let v1 = this.hv * s.v1 - x * s.u1;
    let v2 = this.hv * s.v2 - x * s.u2;
    let e = s.e;
    const output = this.outputOf(u1 * v1 + u2 * v2, e);
    // Diverged when the output or the weights themselves (in units of 1) are no longer finite.
    if (!Number.isFinite(output) || !Number.isFinite(this.physical(u1 * u1 + u2 * u2 + v1 * v1 + v2 * v2, e))) return false;
    const big = Math.max(Math.abs(u1), Math.abs(u2), Math.abs(v1), Math.abs(v2));
    if (big > 0 && (big > 2 ** RESCALE || big < 2 ** -RESCALE)) {
      const shift = Math.round(Math.log2(big));
      u1 = ldexp(u1, -shift);
      u2 = ldexp(u2, -shift);
      v1 = ldexp(v1, -shift);
      v2 = ldexp(v2, -shift);
      e += shift;
    }
    Object.assign(this.before, s);
    s.u1 = u1;
    s.u2 = u2;
    s.v1 = v1;
    s.v2 = v2;
    s.e = e;
    s.perpScale *= this.perpFactor;
    s.output = output;
    this.step++;
    return true;
  }

  /** Every drawn quantity of the current step; `distance` is absolute. */
  point(): FlowPoint {
    const { u1, u2, v1, v2, e, output, perpScale } = this.s;
    // The displacement from the start in the larger of the two units.
    const m = Math.max(e, this.k0);
    const [a1, a2, b1, b2] = this.start.map((x) => ldexp(x, this.k0 - m));
    const [c1, c2, d1, d2] = [u1, u2, v1, v2].map((x) => ldexp(x, e - m));
    const uu = u1 * u1 + u2 * u2;
    const vv = v1 * v1 + v2 * v2;
    const uv = this.step === 0 ? this.uv0 : u1 * v1 + u2 * v2;
    return layerPoint(this.input, {
      k: e,
      uu,
      vv,
      uv,
      n2: uu + vv,
      du2: ldexp((c1 - a1) ** 2 + (c2 - a2) ** 2, 2 * (m - e)),
      dv2: ldexp((d1 - b1) ** 2 + (d2 - b2) ** 2, 2 * (m - e)),
      output,
      residual: output - this.input.y,
      perpScale,
    });
  }

  /** Undoes the last successful `advance()` (once). */
  stepBack(): void {
    if (this.step === 0) return;
    Object.assign(this.s, this.before);
    this.step--;
  }
}
