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
import { layerPoint, physicalFrame } from './plane';
import { ldexp } from '../math/logDomain';

/** The state after some number of steps: ũ = (u1, u2), ṽ = (v1, v2), W_⊥ = s·W_⊥(0), and f. */
interface LayerCoordinates {
  u1: number;
  u2: number;
  v1: number;
  v2: number;
  perpScale: number;
  output: number;
}

/** Gradient descent on the plane of (ũ₀, ṽ₀): one `advance()` is one step of the full network. */
export class PlaneDescent {
  /** Steps taken. */
  step = 0;
  private readonly s: LayerCoordinates;
  /** The state before the last `advance()`, for `stepBack()` (copied in place: no allocation per step). */
  private readonly before: LayerCoordinates;
  private readonly start: readonly number[];
  private readonly hu: number;
  private readonly hv: number;
  private readonly perpFactor: number;
  private readonly lambda: number;
  /** ũ₀·ṽ₀ (physical). */
  private readonly uv0: number;

  /** `input` as for the exact flow; `rho` ≥ 0 is the weight decay. */
  constructor(private readonly input: FlowInput, rho = 0) {
    this.lambda = input.lambda;
    this.hu = 1 - input.etaU * rho;
    this.hv = 1 - input.etaW * rho;
    this.perpFactor = this.hv;
    const [u1, u2, v1, v2] = physicalFrame(input.plane);
    this.start = [u1, u2, v1, v2];
    this.uv0 = ldexp(input.plane.uv, 2 * input.plane.k);
    // f₀ from ũ₀·ṽ₀ as accumulated over the neurons: the most accurate start.
    this.s = { u1, u2, v1, v2, perpScale: 1, output: input.lambda * this.uv0 };
    this.before = { ...this.s };
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
    const { u1, u2, v1, v2 } = this.s;
    return this.lambda * this.lambda * (u1 * u1 + u2 * u2 + v1 * v1 + v2 * v2);
  }

  /**
   * One gradient-descent step. Returns false, leaving the state as it was, when the next state would
   * not be finite: the run has diverged at step `step + 1`.
   */
  advance(): boolean {
    const s = this.s;
    const x = this.lambda * (s.output - this.input.y);
    const u1 = this.hu * s.u1 - x * s.v1;
    const u2 = this.hu * s.u2 - x * s.v2;
    const v1 = this.hv * s.v1 - x * s.u1;
    const v2 = this.hv * s.v2 - x * s.u2;
    const output = this.lambda * (u1 * v1 + u2 * v2);
    if (!Number.isFinite(output) || !Number.isFinite(u1 * u1 + u2 * u2 + v1 * v1 + v2 * v2)) return false;
    Object.assign(this.before, s);
    s.u1 = u1;
    s.u2 = u2;
    s.v1 = v1;
    s.v2 = v2;
    s.perpScale *= this.perpFactor;
    s.output = output;
    this.step++;
    return true;
  }

  /** Every drawn quantity of the current step; `distance` is absolute. */
  point(): FlowPoint {
    const { u1, u2, v1, v2, output, perpScale } = this.s;
    const [a1, a2, b1, b2] = this.start;
    const uu = u1 * u1 + u2 * u2;
    const vv = v1 * v1 + v2 * v2;
    const uv = this.step === 0 ? this.uv0 : u1 * v1 + u2 * v2;
    return layerPoint(this.input, {
      k: 0,
      uu,
      vv,
      uv,
      n2: uu + vv,
      du2: (u1 - a1) ** 2 + (u2 - a2) ** 2,
      dv2: (v1 - b1) ** 2 + (v2 - b2) ** 2,
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
