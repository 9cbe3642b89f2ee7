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
import { binaryExponent, ldexp, logAddExp } from '../math/logDomain';

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

/**
 * `to` ← `from`, field by field. Not Object.assign: its generic copy boxed the doubles it moved — 10⁵
 * `advance()` calls took 21 ms with 13 scavenges, 12 ms with 4 this way.
 */
function copyCoordinates(to: LayerCoordinates, from: LayerCoordinates): void {
  to.u1 = from.u1;
  to.u2 = from.u2;
  to.eu = from.eu;
  to.v1 = from.v1;
  to.v2 = from.v2;
  to.ev = from.ev;
  to.perpScale = from.perpScale;
  to.output = from.output;
  to.residual = from.residual;
}

/** The largest coordinate of a layer is kept within 2^±RESCALE of 1 (then its unit moves by whole powers of two). */
const RESCALE = 200;
const RESCALE_ABOVE = 2 ** RESCALE;
const RESCALE_BELOW = 2 ** -RESCALE;
/** A product below this is formed through logarithms (it may have lost bits to underflow). */
const SMALLEST_DIRECT = 2 ** -1000;
/**
 * Steps of the first catapult window reported beside the time grid, at most (docs/finite-rates.md §3):
 * the window's first steps up to this many, then its peak step and the step that closes it.
 */
export const MAX_WINDOW_STEPS = 2000;
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

/** The rate in the layers' units 2^eu, 2^ev: cu = λ2^{ev−eu}, cv = λ2^{eu−ev}, cf = λ2^{eu+ev} (the plain loop's γāη_u, γāη_W, γā up to powers of two). */
function rateFactors(input: FlowInput, eu: number, ev: number): { cu: number; cv: number; cf: number } {
  const { lambda, lnLambda } = input;
  return { cu: lambdaTimesPow2(lambda, lnLambda, ev - eu), cv: lambdaTimesPow2(lambda, lnLambda, eu - ev), cf: lambdaTimesPow2(lambda, lnLambda, eu + ev) };
}

/**
 * The largest |x|² of a layer in the unit 2^e whose weights are finite: |u| = √η·2^e·|x| ≤ MAX, i.e.
 * |x|² ≤ MAX²/(η·4^e) (∞ when every double is). Their squares need not be: |u| = 1e225 is a run to
 * compute (|u|² = 1e450 is not printed; the kernel and the norms are taken from logarithms).
 */
function finiteLimit(lnEta: number, e: number): number {
  return Math.exp(2 * LN_MAX - lnEta - 2 * e * Math.LN2);
}

/** c·m for m = ũ·ṽ in units of 2^n and c = λ2^n given as `factor` (the log path where the product is not a normal number). */
function outputIn(lnLambda: number, m: number, n: number, factor: number): number {
  const direct = factor * m;
  if (direct !== 0 && Math.abs(direct) >= SMALLEST_DIRECT && Number.isFinite(direct)) return direct;
  return m === 0 ? 0 : Math.sign(m) * Math.exp(lnLambda + Math.log(Math.abs(m)) + n * Math.LN2);
}

/** ln K = ln λ²(|ũ|² + |ṽ|²) of layers of lengths lenU·2^eu, lenV·2^ev: from the double cf(cu|ṽ|² + cv|ũ|²) where it is a normal number. */
function lnKernelOf(input: FlowInput, lenU: number, eu: number, lenV: number, ev: number, cu: number, cv: number, cf: number): number {
  const kernel = cf * (cu * lenV * lenV + cv * lenU * lenU);
  if (kernel >= SMALLEST_DIRECT && kernel <= 2 ** 1000) return Math.log(kernel);
  const lnU = 2 * Math.log(lenU) + 2 * eu * Math.LN2;
  const lnV = 2 * Math.log(lenV) + 2 * ev * Math.LN2;
  const hi = Math.max(lnU, lnV);
  return 2 * input.lnLambda + (hi === -Infinity ? hi : hi + Math.log1p(Math.exp(Math.min(lnU, lnV) - hi)));
}

/**
 * Every drawn quantity of the layers `s`, with its sizes as logarithms; `start` is ũ₀ = 2^eu0·(a1, a2),
 * ṽ₀ = 2^ev0·(b1, b2) (for the distance), `first` whether this is step 0 (then ζ is the plane's own,
 * from the sums over the neurons).
 */
function coordinatesLogPoint(input: FlowInput, start: readonly number[], s: LayerCoordinates, first: boolean, cu: number, cv: number, cf: number): LogPoint {
  const { u1, u2, eu, v1, v2, ev, output, residual, perpScale } = s;
  const [a1, a2, eu0, b1, b2, ev0] = start;
  const lenU = Math.hypot(u1, u2);
  const lenV = Math.hypot(v1, v2);
  // ζ is unit-free: ũ·ṽ/(|ũ||ṽ|) in the coordinates.
  const zeta = first ? input.plane.zeta : lenU > 0 && lenV > 0 ? (u1 * v1 + u2 * v2) / lenU / lenV : null;
  const point = layerLogPointOfLogs(input, {
    lnUU: 2 * Math.log(lenU) + 2 * eu * Math.LN2,
    lnVV: 2 * Math.log(lenV) + 2 * ev * Math.LN2,
    zeta,
    lnDU2: lnDifference2(u1, u2, eu, a1, a2, eu0),
    lnDV2: lnDifference2(v1, v2, ev, b1, b2, ev0),
    output,
    residual,
    perpScale,
    lnU2: lnPhysical2(lenU, eu, input.etaU, Math.log(input.etaU)),
    lnV2: lnPhysical2(lenV, ev, input.etaW, Math.log(input.etaW)),
  });
  point.lnNtk = lnKernelOf(input, lenU, eu, lenV, ev, cu, cv, cf);
  return point;
}

/** The starting layers of a plane, each normalised in its own unit: [a1, a2, eu0, b1, b2, ev0]. */
function startOf(input: FlowInput): [number, number, number, number, number, number] {
  const [a1, a2, eu] = normalised(input.plane.startU);
  const [b1, b2, ev] = normalised(input.plane.startV);
  return [a1, a2, eu, b1, b2, ev];
}

/** f₀ from ũ₀·ṽ₀ as accumulated over the neurons (the plane's uv, in units of 4^k): the most accurate start. */
function initialOutput(input: FlowInput): number {
  if (input.output0 !== undefined) return input.output0;
  const n = 2 * input.plane.k;
  return outputIn(input.lnLambda, input.plane.uv, n, lambdaTimesPow2(input.lambda, input.lnLambda, n));
}

/**
 * The extremes of the scores over every step a run visits, O(1) per step, whatever steps it reports
 * (docs/mechanisms.md, "Scores"; docs/finite-rates.md §1, the plane): the kernel's largest relative change
 * max_k |K_k/K₀ − 1| and the tangent features' largest change max_k ‖∇f_k − ∇f₀‖/‖∇f₀‖ in the metric of
 * the learning rates, √((|ũ_k − ũ₀|² + |ṽ_k − ṽ₀|²)/(|ũ₀|² + |ṽ₀|²)) — the exact flow's tangentChange
 * (exactScores.ts), taken at each step of descent instead of along the flow. W's part off the input
 * direction (W_⊥) is no feature of f at the input, so it does not enter. Both are 0 for a run that never
 * moves (ũ₀ = ṽ₀ = 0). Layers (u1, u2)·2^eu, (v1, v2)·2^ev as in `LayerCoordinates`.
 */
export class StepExtremes {
  /** max over the steps seen of |K/K₀ − 1|. */
  kernelChange = 0;
  /** max over the steps seen of (|ũ − ũ₀|² + |ṽ − ṽ₀|²)/(|ũ₀|² + |ṽ₀|²), as a double and (where the units moved) as a logarithm, which may pass 2^1024. */
  private tangent2 = 0;
  private lnTangent2 = -Infinity;
  private readonly kernelRef: number;
  private readonly lnKernelRef: number;
  /** ln(|ũ₀|² + |ṽ₀|²) and 4^eu0, 4^ev0 over it (0 where that is not a normal number: the logarithms are used then). */
  private readonly lnN0: number;
  private readonly wU: number;
  private readonly wV: number;
  /** ũ₀ = 2^eu0·(a1, a2), ṽ₀ = 2^ev0·(b1, b2), as fields (no array read per step). */
  private readonly a1: number;
  private readonly a2: number;
  private readonly eu0: number;
  private readonly b1: number;
  private readonly b2: number;
  private readonly ev0: number;

  /** `start` as `startOf(input)`; cu, cv, cf the rate factors in its units. */
  constructor(private readonly input: FlowInput, start: readonly number[], cu: number, cv: number, cf: number) {
    const [a1, a2, eu, b1, b2, ev] = start;
    this.a1 = a1;
    this.a2 = a2;
    this.eu0 = eu;
    this.b1 = b1;
    this.b2 = b2;
    this.ev0 = ev;
    const kernel0 = cf * (cu * (b1 * b1 + b2 * b2) + cv * (a1 * a1 + a2 * a2));
    this.kernelRef = kernel0 >= SMALLEST_DIRECT && kernel0 <= 2 ** 1000 ? kernel0 : 0;
    this.lnKernelRef = lnKernelOf(input, Math.hypot(a1, a2), eu, Math.hypot(b1, b2), ev, cu, cv, cf);
    this.lnN0 = logAddExp(2 * Math.log(Math.hypot(a1, a2)) + 2 * eu * Math.LN2, 2 * Math.log(Math.hypot(b1, b2)) + 2 * ev * Math.LN2);
    const weight = (e: number): number => {
      const w = Math.exp(2 * e * Math.LN2 - this.lnN0);
      return w >= SMALLEST_DIRECT && w <= 2 ** 1000 ? w : 0;
    };
    this.wU = weight(eu);
    this.wV = weight(ev);
  }

  /** Counts one step's layers. */
  see(u1: number, u2: number, eu: number, v1: number, v2: number, ev: number, cu: number, cv: number, cf: number): void {
    const k = kernelChangeOf(this.input, u1, u2, eu, v1, v2, ev, cu, cv, cf, this.kernelRef, this.lnKernelRef);
    if (k > this.kernelChange) this.kernelChange = k;
    if (this.lnN0 === -Infinity) return;
    const { a1, a2, eu0, b1, b2, ev0 } = this;
    if (eu === eu0 && ev === ev0 && this.wU > 0 && this.wV > 0) {
      // Both layers in their starting units: the differences are exact there (the common case).
      const du1 = u1 - a1;
      const du2 = u2 - a2;
      const dv1 = v1 - b1;
      const dv2 = v2 - b2;
      const t = this.wU * (du1 * du1 + du2 * du2) + this.wV * (dv1 * dv1 + dv2 * dv2);
      if (t > this.tangent2) this.tangent2 = t;
    } else {
      const lnT = logAddExp(lnDifference2(u1, u2, eu, a1, a2, eu0), lnDifference2(v1, v2, ev, b1, b2, ev0)) - this.lnN0;
      if (lnT > this.lnTangent2) this.lnTangent2 = lnT;
    }
  }

  /** max over the steps seen of ‖∇f − ∇f₀‖/‖∇f₀‖ (0 for a run that never moves). */
  get tangentChange(): number {
    return Math.max(Math.sqrt(this.tangent2), Math.exp(this.lnTangent2 / 2));
  }
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
  /** The rate in the layers' units (rateFactors) and the largest finite |ũ|², |ṽ|² there, for the units cachedU, cachedV. */
  private cu = NaN;
  private cv = NaN;
  private cf = NaN;
  private limitU = NaN;
  private limitV = NaN;
  private cachedU = NaN;
  private cachedV = NaN;

  /**
   * The scores' extremes over every step taken (`StepExtremes`), when asked for with `extremes`; else
   * null. `stepBack()` does not take its step out of them.
   */
  readonly extremes: StepExtremes | null;

  /** `input` as for the exact flow; `rho` ≥ 0 is the weight decay; `extremes` keeps the scores' extremes over every step (`StepExtremes`). */
  constructor(private readonly input: FlowInput, rho = 0, extremes = false) {
    this.hu = 1 - input.etaU * rho;
    this.hv = 1 - input.etaW * rho;
    this.decayLoss = rho * (input.etaU + input.etaW - input.etaU * input.etaW * rho);
    this.perpFactor = this.hv;
    this.lnEtaU = Math.log(input.etaU);
    this.lnEtaW = Math.log(input.etaW);
    this.start = startOf(input);
    const [a1, a2, eu, b1, b2, ev] = this.start;
    this.units(eu, ev);
    const output = initialOutput(input);
    this.s = { u1: a1, u2: a2, eu, v1: b1, v2: b2, ev, perpScale: 1, output, residual: output - input.y };
    this.before = { ...this.s };
    this.extremes = extremes ? new StepExtremes(input, this.start, this.cu, this.cv, this.cf) : null;
    this.extremes?.see(a1, a2, eu, b1, b2, ev, this.cu, this.cv, this.cf);
  }

  /** Sets the rate's factors for the units 2^eu, 2^ev. */
  private units(eu: number, ev: number): void {
    if (eu === this.cachedU && ev === this.cachedV) return;
    ({ cu: this.cu, cv: this.cv, cf: this.cf } = rateFactors(this.input, eu, ev));
    this.limitU = finiteLimit(this.lnEtaU, eu);
    this.limitV = finiteLimit(this.lnEtaW, ev);
    this.cachedU = eu;
    this.cachedV = ev;
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
    const { u1, u2, eu, v1, v2, ev } = this.s;
    return Math.exp(lnKernelOf(this.input, Math.hypot(u1, u2), eu, Math.hypot(v1, v2), ev, this.cu, this.cv, this.cf));
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
    const fromLayers = outputIn(this.input.lnLambda, p1 + p2, eu + ev, this.cf);
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
    if (!(u1 * u1 + u2 * u2 <= this.limitU) || !(v1 * v1 + v2 * v2 <= this.limitV)) return false;
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
    copyCoordinates(this.before, s);
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
    this.extremes?.see(u1, u2, eu, v1, v2, ev, this.cu, this.cv, this.cf);
    return true;
  }

  /** Every drawn quantity of the current step; `distance` is absolute. */
  point(): FlowPoint {
    return fromLogPoint(this.logPoint(), this.input.irreducibleLoss);
  }

  /** Every drawn quantity of the current step with its sizes as logarithms; `lnDistance` is absolute. */
  logPoint(): LogPoint {
    return coordinatesLogPoint(this.input, this.start, this.s, this.step === 0, this.cu, this.cv, this.cf);
  }

  /** Undoes the last successful `advance()` (once). */
  stepBack(): void {
    if (this.step === 0) return;
    copyCoordinates(this.s, this.before);
    this.units(this.s.eu, this.s.ev);
    this.step--;
  }
}

/**
 * What one run of gradient descent says about its loss and its kernel, as a phase-diagram cell needs
 * it (docs/phase-diagram.md, "Gradient descent"): the loss's rise above its start and its fall back
 * below it, where it blew up, the kernel's and the tangent features' largest changes over every step, and the state at
 * step 0 and the last one. The outcome (converged, catapult, diverged, unsettled) is decided from these by
 * stability.ts (`descentOutcome`).
 */
export interface DescentFacts {
  /** The loss at step 0 and at the last step run. */
  loss0: number;
  lossEnd: number;
  /** The first step whose loss exceeded loss0·(1 + rise), −1 if none. */
  riseStep: number;
  /** The first step after `riseStep` whose loss is below loss0, −1 if none. */
  fallStep: number;
  /** The first step whose loss is not finite or exceeds blowUp·loss0, or whose state would not be finite; −1 if none. The run stops there. */
  blowUpStep: number;
  /** Steps taken (the last finite state's step). */
  steps: number;
  /** max over every step run of |K/K₀ − 1|, K₀ at step 0 (docs/mechanisms.md: descent runs are scored over every step, whatever steps they report). */
  kernelChange: number;
  /** max over every step run of ‖∇f − ∇f₀‖/‖∇f₀‖ in the metric of the rates (`StepExtremes`). */
  tangentChange: number;
  /** The state at step 0 (the scores' start, whatever the reported steps) and the last finite one, with their sizes as logarithms (distance absolute). */
  first: LogPoint;
  end: LogPoint;
}

/**
 * Gradient descent of the linear network for `reported[reported.length − 1]` steps (or until it blows
 * up), with nothing but the facts above recorded: the same arithmetic as `PlaneDescent.advance` on
 * local variables (each layer in its own unit, the residual by its multiplicative update where that
 * rounds better), O(1) per step and no allocation, so a phase diagram's cell costs O(steps). `reported` are the reported steps, ascending whole numbers:
 * only the last matters, the scores' extremes are taken over every step (`StepExtremes`); `rise` the relative
 * margin above the starting loss that counts as a rise; `blowUp` the factor over it that counts as
 * divergence. No weight decay (the phase diagram refuses it).
 */
export function planeDescentFacts(input: FlowInput, reported: ArrayLike<number>, rise: number, blowUp: number): DescentFacts {
  const { lnLambda, y, irreducibleLoss } = input;
  const start = startOf(input);
  const lnEtaU = Math.log(input.etaU);
  const lnEtaW = Math.log(input.etaW);
  let [u1, u2, eu, v1, v2, ev] = start;
  let { cu, cv, cf } = rateFactors(input, eu, ev);
  let limitU = finiteLimit(lnEtaU, eu);
  let limitV = finiteLimit(lnEtaW, ev);
  let output = initialOutput(input);
  let r = output - y;
  const loss0 = 0.5 * r * r + irreducibleLoss;
  const riseAbove = loss0 * (1 + rise);
  const blowAbove = loss0 * blowUp;
  const absY = Math.abs(y);
  const last = reported.length > 0 ? reported[reported.length - 1] : 0;
  let riseStep = -1;
  let fallStep = -1;
  let blowUpStep = -1;
  let loss = loss0;
  // The scores' extremes over every step from step 0, whatever the reported steps (time.at [100] scored
  // step 100 against itself; a grid of every third step missed a kernel excursion at steps 1–2).
  const extremes = new StepExtremes(input, start, cu, cv, cf);
  const first = coordinatesLogPoint(input, start, { u1, u2, eu, v1, v2, ev, perpScale: 1, output, residual: r }, true, cu, cv, cf);
  let step = 0;
  // No closure over the loop's variables: V8 would keep every captured one in a heap context instead
  // of a register, which made each step about four times slower.
  for (;;) {
    extremes.see(u1, u2, eu, v1, v2, ev, cu, cv, cf);
    if (step >= last) break;
    const a = r * cu;
    const b = r * cv;
    let n1 = u1 - a * v1;
    let n2 = u2 - a * v2;
    let m1 = v1 - b * u1;
    let m2 = v2 - b * u2;
    const p1 = n1 * m1;
    const p2 = n2 * m2;
    // outputIn, its common case inlined (x − x is 0 exactly when x is finite).
    const direct = cf * (p1 + p2);
    const out = (direct >= SMALLEST_DIRECT || direct <= -SMALLEST_DIRECT) && direct - direct === 0 ? direct : outputIn(lnLambda, p1 + p2, eu + ev, cf);
    // r' = r(1 − K + λ²rf) where that rounds better than f' − y (PlaneDescent.advance).
    const kernel = cf * (cu * (v1 * v1 + v2 * v2) + cv * (u1 * u1 + u2 * u2));
    const lam2rf = a * (cv * output);
    const fromResidual = r * (1 - kernel + lam2rf);
    const boundResidual = (r < 0 ? -r : r) * (1 + (kernel < 0 ? -kernel : kernel) + (lam2rf < 0 ? -lam2rf : lam2rf));
    const boundLayers = (cf < 0 ? -cf : cf) * ((p1 < 0 ? -p1 : p1) + (p2 < 0 ? -p2 : p2)) + absY;
    const rNext = boundResidual < boundLayers && fromResidual - fromResidual === 0 ? fromResidual : out - y;
    if (out - out !== 0 || rNext - rNext !== 0 || !(n1 * n1 + n2 * n2 <= limitU) || !(m1 * m1 + m2 * m2 <= limitV)) {
      blowUpStep = step + 1;
      break;
    }
    let moved = false;
    const bigU = Math.max(n1 < 0 ? -n1 : n1, n2 < 0 ? -n2 : n2);
    if (bigU > 0 && (bigU > RESCALE_ABOVE || bigU < RESCALE_BELOW)) {
      const shift = Math.round(Math.log2(bigU));
      n1 = ldexp(n1, -shift);
      n2 = ldexp(n2, -shift);
      eu += shift;
      moved = true;
    }
    const bigV = Math.max(m1 < 0 ? -m1 : m1, m2 < 0 ? -m2 : m2);
    if (bigV > 0 && (bigV > RESCALE_ABOVE || bigV < RESCALE_BELOW)) {
      const shift = Math.round(Math.log2(bigV));
      m1 = ldexp(m1, -shift);
      m2 = ldexp(m2, -shift);
      ev += shift;
      moved = true;
    }
    if (moved) {
      ({ cu, cv, cf } = rateFactors(input, eu, ev));
      limitU = finiteLimit(lnEtaU, eu);
      limitV = finiteLimit(lnEtaW, ev);
    }
    u1 = n1;
    u2 = n2;
    v1 = m1;
    v2 = m2;
    output = out;
    r = rNext;
    step++;
    loss = 0.5 * r * r + irreducibleLoss;
    if (!(loss <= blowAbove)) {
      blowUpStep = step;
      break;
    }
    if (riseStep < 0) {
      if (loss > riseAbove) riseStep = step;
    } else if (fallStep < 0 && loss < loss0) {
      fallStep = step;
    }
  }
  const end = coordinatesLogPoint(input, start, { u1, u2, eu, v1, v2, ev, perpScale: 1, output, residual: r }, step === 0, cu, cv, cf);
  return { loss0, lossEnd: loss, riseStep, fallStep, blowUpStep, steps: step, kernelChange: extremes.kernelChange, tangentChange: extremes.tangentChange, first, end };
}

/**
 * |K/K_ref − 1| for the kernel of layers (u1, u2)·2^eu, (v1, v2)·2^ev: the ratio of the two doubles
 * where both are normal numbers (`kernelRef` > 0), else from the logarithms (∞ when the reference
 * kernel is 0 and this one is not). The coordinates are within 2^±RESCALE of 1, so their squares are
 * normal numbers (no hypot needed).
 */
function kernelChangeOf(input: FlowInput, u1: number, u2: number, eu: number, v1: number, v2: number, ev: number, cu: number, cv: number, cf: number, kernelRef: number, lnKernelRef: number): number {
  const kernel = cf * (cu * (v1 * v1 + v2 * v2) + cv * (u1 * u1 + u2 * u2));
  if (kernelRef > 0 && kernel >= SMALLEST_DIRECT && kernel <= 2 ** 1000) return Math.abs(kernel / kernelRef - 1);
  const lnK = lnKernelOf(input, Math.sqrt(u1 * u1 + u2 * u2), eu, Math.sqrt(v1 * v1 + v2 * v2), ev, cu, cv, cf);
  return lnKernelRef > -Infinity ? Math.abs(Math.expm1(lnK - lnKernelRef)) : lnK > -Infinity ? Infinity : 0;
}
