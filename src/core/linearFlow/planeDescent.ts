/**
 * Exact gradient descent of the linear network in O(1) per step (docs/finite-rates.md §1).
 *
 * With x_k = λ r_k, one step of gradient descent (weight decay ρ included) maps the rescaled layers
 *
 *   ũ' = (1 − η_uρ) ũ − x ṽ,   ṽ' = (1 − η_Wρ) ṽ − x ũ,
 *
 * so they never leave the plane of ũ₀ and ṽ₀ (equivalently p = ũ + ṽ → (1 − x)p, q = ũ − ṽ → (1 + x)q
 * without decay: the α, β of docs/finite-rates.md §1). The recursion keeps ũ and ṽ as 2-vectors in an
 * orthonormal frame of that plane (src/core/linearFlow/plane.ts, `PlaneInvariants.startU/startV`),
 * each layer in its own power-of-two unit: the same arithmetic as the plain loop over (u, W), on 4
 * numbers instead of d(D + 1), however unbalanced or aligned the layers are (a form in p and q would
 * cancel when |ũ| ≫ |ṽ|; a unit shared by both layers would underflow the shorter when
 * η_u/η_W = 1e300 or η_W is subnormal).
 *
 * The residual is carried by its own multiplicative update (docs/finite-rates.md §1),
 *
 *   r' = r(1 − K_h + λ²r f) − f(1 − h_u h_v),  K_h = λ²(h_u|ũ|² + h_v|ṽ|²),  h = 1 − ηρ,
 *
 * whenever its rounding bound is below that of f' − y from the layers (|r| small beside |y|): the loss
 * then follows the run down to 1e-300 and below instead of stopping at the precision of y (≈ 1e-32).
 */
import type { FlowInput, FlowPoint, LayerVector, LogPoint } from './plane';
import { fromLogPoint, layerLogPointOfLogs } from './plane';
import { binaryExponent, ldexp } from '../math/logDomain';

/**
 * The state after some number of steps: ũ = 2^eu·(u1, u2), ṽ = 2^ev·(v1, v2), W_⊥ = s·W_⊥(0), f and
 * r = f − y_eff. Scaling by a power of two is exact, so the steps round as the plain loop's do wherever
 * that loop's numbers are normal; the units keep layers of 1e-200 (or 1e200), and layers 1e300 apart,
 * representable, squares included.
 */
interface LayerCoordinates {
  u1: number;
  u2: number;
  eu: number;
  v1: number;
  v2: number;
  ev: number;
  perpScale: number;
  output: number;
  residual: number;
}

/** The largest coordinate of a layer is kept within 2^±RESCALE of 1 (then its unit moves by whole powers of two). */
const RESCALE = 200;
const RESCALE_ABOVE = 2 ** RESCALE;
const RESCALE_BELOW = 2 ** -RESCALE;
/** A product below this is formed through logarithms (it may have lost bits to underflow). */
const SMALLEST_DIRECT = 2 ** -1000;
/** ln of the largest double: a weight norm beyond it is not finite. */
const LN_MAX = Math.log(Number.MAX_VALUE);

/** λ·2^n for the rate λ (and its logarithm): exact where both are normal numbers, else from logarithms. */
function lambdaTimesPow2(lambda: number, lnLambda: number, n: number): number {
  if (lambda >= SMALLEST_DIRECT && Number.isFinite(lambda)) {
    const v = ldexp(lambda, n);
    if (v >= SMALLEST_DIRECT && v <= 2 ** 1000) return v;
  }
  return Math.exp(lnLambda + n * Math.LN2);
}

/** A layer vector with its largest coordinate brought into [½, 1) by its unit. */
function normalised(l: LayerVector): [number, number, number] {
  const e = binaryExponent(Math.max(Math.abs(l.x[0]), Math.abs(l.x[1])));
  return [ldexp(l.x[0], -e), ldexp(l.x[1], -e), l.e + e];
}

/** ln|2^e·(x1, x2) − 2^e0·(a1, a2)|², the difference taken in the larger unit. */
function lnDifference2(x1: number, x2: number, e: number, a1: number, a2: number, e0: number): number {
  const m = Math.max(e, e0);
  const d1 = ldexp(x1, e - m) - ldexp(a1, e0 - m);
  const d2 = ldexp(x2, e - m) - ldexp(a2, e0 - m);
  return 2 * Math.log(Math.hypot(d1, d2)) + 2 * m * Math.LN2;
}

/**
 * ln(η·|2^e·x|²) for a layer of length `len` (in units of 2^e): from the double √η·len·2^e where that is
 * a normal number (exact to the last bits: |u| itself), else from logarithms.
 */
function lnPhysical2(len: number, e: number, eta: number, lnEta: number): number {
  const v = ldexp(len * Math.sqrt(eta), e);
  if (v >= SMALLEST_DIRECT && v <= 2 ** 1000) return 2 * Math.log(v);
  return lnEta + 2 * Math.log(len) + 2 * e * Math.LN2;
}

/** Gradient descent on the plane of (ũ₀, ṽ₀): one `advance()` is one step of the full network. */
export class PlaneDescent {
  /** Steps taken. */
  step = 0;
  private readonly s: LayerCoordinates;
  /** The state before the last `advance()`, for `stepBack()` (copied in place: no allocation per step). */
  private readonly before: LayerCoordinates;
  /** ũ₀ = 2^eu0·(a1, a2), ṽ₀ = 2^ev0·(b1, b2). */
  private readonly start: readonly [number, number, number, number, number, number];
  private readonly hu: number;
  private readonly hv: number;
  /** 1 − h_u h_v = ρ(η_u + η_W − η_u η_W ρ), without cancellation. */
  private readonly decayLoss: number;
  private readonly perpFactor: number;
  private readonly lnEtaU: number;
  private readonly lnEtaW: number;
  /** The rate in the layers' units: cu = λ2^{ev−eu}, cv = λ2^{eu−ev}, cf = λ2^{eu+ev} (for the units cachedU, cachedV). */
  private cu = NaN;
  private cv = NaN;
  private cf = NaN;
  private cachedU = NaN;
  private cachedV = NaN;

  /** `input` as for the exact flow; `rho` ≥ 0 is the weight decay. */
  constructor(private readonly input: FlowInput, rho = 0) {
    this.hu = 1 - input.etaU * rho;
    this.hv = 1 - input.etaW * rho;
    this.decayLoss = rho * (input.etaU + input.etaW - input.etaU * input.etaW * rho);
    this.perpFactor = this.hv;
    this.lnEtaU = Math.log(input.etaU);
    this.lnEtaW = Math.log(input.etaW);
    const [a1, a2, eu] = normalised(input.plane.startU);
    const [b1, b2, ev] = normalised(input.plane.startV);
    this.start = [a1, a2, eu, b1, b2, ev];
    this.units(eu, ev);
    // f₀ from ũ₀·ṽ₀ as accumulated over the neurons (the plane's uv, in units of 4^k): the most accurate start.
    const output = this.outputOf(input.plane.uv, 2 * input.plane.k, lambdaTimesPow2(input.lambda, input.lnLambda, 2 * input.plane.k));
    this.s = { u1: a1, u2: a2, eu, v1: b1, v2: b2, ev, perpScale: 1, output, residual: output - input.y };
    this.before = { ...this.s };
  }

  /** Sets the rate's factors for the units 2^eu, 2^ev. */
  private units(eu: number, ev: number): void {
    if (eu === this.cachedU && ev === this.cachedV) return;
    const { lambda, lnLambda } = this.input;
    this.cu = lambdaTimesPow2(lambda, lnLambda, ev - eu);
    this.cv = lambdaTimesPow2(lambda, lnLambda, eu - ev);
    this.cf = lambdaTimesPow2(lambda, lnLambda, eu + ev);
    this.cachedU = eu;
    this.cachedV = ev;
  }

  /** c·m for m = ũ·ṽ in units of 2^n and c = λ2^n given as `factor` (the log path where the product is not a normal number). */
  private outputOf(m: number, n: number, factor: number): number {
    const direct = factor * m;
    if (direct !== 0 && Math.abs(direct) >= SMALLEST_DIRECT && Number.isFinite(direct)) return direct;
    return m === 0 ? 0 : Math.sign(m) * Math.exp(this.input.lnLambda + Math.log(Math.abs(m)) + n * Math.LN2);
  }

  /** r_k = f_k − y_eff of the current step. */
  get residual(): number {
    return this.s.residual;
  }

  /** The data loss ½r² plus the irreducible part. */
  get loss(): number {
    const r = this.s.residual;
    return 0.5 * r * r + this.input.irreducibleLoss;
  }

  /** The tangent kernel λ²(|ũ|² + |ṽ|²) of the current step. */
  get ntk(): number {
    const { u1, u2, v1, v2 } = this.s;
    const kernel = this.cf * (this.cu * (v1 * v1 + v2 * v2) + this.cv * (u1 * u1 + u2 * u2));
    return kernel >= SMALLEST_DIRECT && kernel <= 2 ** 1000 ? kernel : Math.exp(this.lnNtk());
  }

  private lnNtk(): number {
    const { u1, u2, eu, v1, v2, ev } = this.s;
    const lnU = 2 * Math.log(Math.hypot(u1, u2)) + 2 * eu * Math.LN2;
    const lnV = 2 * Math.log(Math.hypot(v1, v2)) + 2 * ev * Math.LN2;
    const hi = Math.max(lnU, lnV);
    return 2 * this.input.lnLambda + (hi === -Infinity ? hi : hi + Math.log1p(Math.exp(Math.min(lnU, lnV) - hi)));
  }

  /**
   * One gradient-descent step. Returns false, leaving the state as it was, when the next state would
   * not be finite: the run has diverged at step `step + 1`.
   */
  advance(): boolean {
    const s = this.s;
    const { y } = this.input;
    const r = s.residual;
    const f = s.output;
    const a = r * this.cu;
    const b = r * this.cv;
    let u1 = this.hu * s.u1 - a * s.v1;
    let u2 = this.hu * s.u2 - a * s.v2;
    let v1 = this.hv * s.v1 - b * s.u1;
    let v2 = this.hv * s.v2 - b * s.u2;
    let eu = s.eu;
    let ev = s.ev;
    // r' as f' − y from the new layers, or from r by its multiplicative update: whichever has the smaller rounding bound.
    const p1 = u1 * v1;
    const p2 = u2 * v2;
    const fromLayers = this.outputOf(p1 + p2, eu + ev, this.cf);
    const boundLayers = Math.abs(this.cf) * (Math.abs(p1) + Math.abs(p2)) + Math.abs(y);
    const uu = s.u1 * s.u1 + s.u2 * s.u2;
    const vv = s.v1 * s.v1 + s.v2 * s.v2;
    const kernel = this.cf * (this.hv * this.cu * vv + this.hu * this.cv * uu); // K_h = λ²(h_u|ũ|² + h_v|ṽ|²)
    const lam2rf = a * (this.cv * f); // λ² r f
    const fromResidual = r * (1 - kernel + lam2rf) - f * this.decayLoss;
    const boundResidual = Math.abs(r) * (1 + Math.abs(kernel) + Math.abs(lam2rf)) + Math.abs(f * this.decayLoss);
    // f itself is always the layers' (y + r would lose f's own digits when |f| ≪ |y|).
    const output = fromLayers;
    const residual = boundResidual < boundLayers && Number.isFinite(fromResidual) ? fromResidual : fromLayers - y;
    // Diverged when the output, the residual or the weights themselves (|u|² = η_u|ũ|², ‖W n‖² = η_W|ṽ|²) are no longer finite.
    if (!Number.isFinite(output) || !Number.isFinite(residual)) return false;
    if (0.5 * this.lnEtaU + Math.log(Math.hypot(u1, u2)) + eu * Math.LN2 > LN_MAX) return false;
    if (0.5 * this.lnEtaW + Math.log(Math.hypot(v1, v2)) + ev * Math.LN2 > LN_MAX) return false;
    const bigU = Math.max(Math.abs(u1), Math.abs(u2));
    if (bigU > 0 && (bigU > RESCALE_ABOVE || bigU < RESCALE_BELOW)) {
      const shift = Math.round(Math.log2(bigU));
      u1 = ldexp(u1, -shift);
      u2 = ldexp(u2, -shift);
      eu += shift;
    }
    const bigV = Math.max(Math.abs(v1), Math.abs(v2));
    if (bigV > 0 && (bigV > RESCALE_ABOVE || bigV < RESCALE_BELOW)) {
      const shift = Math.round(Math.log2(bigV));
      v1 = ldexp(v1, -shift);
      v2 = ldexp(v2, -shift);
      ev += shift;
    }
    Object.assign(this.before, s);
    s.u1 = u1;
    s.u2 = u2;
    s.eu = eu;
    s.v1 = v1;
    s.v2 = v2;
    s.ev = ev;
    s.perpScale *= this.perpFactor;
    s.output = output;
    s.residual = residual;
    this.units(eu, ev);
    this.step++;
    return true;
  }

  /** Every drawn quantity of the current step; `distance` is absolute. */
  point(): FlowPoint {
    return fromLogPoint(this.logPoint(), this.input.irreducibleLoss);
  }

  /** Every drawn quantity of the current step with its sizes as logarithms; `lnDistance` is absolute. */
  logPoint(): LogPoint {
    const { u1, u2, eu, v1, v2, ev, output, residual, perpScale } = this.s;
    const [a1, a2, eu0, b1, b2, ev0] = this.start;
    const lenU = Math.hypot(u1, u2);
    const lenV = Math.hypot(v1, v2);
    // ζ is unit-free: ũ·ṽ/(|ũ||ṽ|) in the coordinates; at step 0 the plane's own (from the sums over the neurons).
    const zeta = this.step === 0 ? this.input.plane.zeta : lenU > 0 && lenV > 0 ? (u1 * v1 + u2 * v2) / lenU / lenV : null;
    const point = layerLogPointOfLogs(this.input, {
      lnUU: 2 * Math.log(lenU) + 2 * eu * Math.LN2,
      lnVV: 2 * Math.log(lenV) + 2 * ev * Math.LN2,
      zeta,
      lnDU2: lnDifference2(u1, u2, eu, a1, a2, eu0),
      lnDV2: lnDifference2(v1, v2, ev, b1, b2, ev0),
      output,
      residual,
      perpScale,
      lnU2: lnPhysical2(lenU, eu, this.input.etaU, this.lnEtaU),
      lnV2: lnPhysical2(lenV, ev, this.input.etaW, this.lnEtaW),
    });
    // K = λ²(|ũ|² + |ṽ|²) = cf·(cu|ṽ|² + cv|ũ|²) in the units, to the last bits where it is a normal number.
    const kernel = this.cf * (this.cu * lenV * lenV + this.cv * lenU * lenU);
    if (kernel >= SMALLEST_DIRECT && kernel <= 2 ** 1000) point.lnNtk = Math.log(kernel);
    return point;
  }

  /** Undoes the last successful `advance()` (once). */
  stepBack(): void {
    if (this.step === 0) return;
    Object.assign(this.s, this.before);
    this.units(this.s.eu, this.s.ev);
    this.step--;
  }
}
