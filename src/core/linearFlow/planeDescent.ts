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
import type { FlowInput, FlowPoint, LogPoint } from './plane';
import { fromLogPoint, layerLogPoint } from './plane';
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
const RESCALE_ABOVE = 2 ** RESCALE;
const RESCALE_BELOW = 2 ** -RESCALE;
/** λ·uv below this is formed through logarithms (it may have lost bits to underflow). */
const SMALLEST_DIRECT = 2 ** -1000;

/** 4^e as a plain factor while |2e| ≤ 1000, else NaN (then `ldexp` scales). */
function unitFactor(e: number): number {
  return Math.abs(2 * e) <= 1000 ? 2 ** (2 * e) : NaN;
}

/** x·4^e, exact (x a quadratic quantity in the unit 2^e), with `factor` = unitFactor(e). */
function physicalIn(x: number, e: number, factor: number): number {
  return factor === factor ? x * factor : ldexp(x, 2 * e);
}

/** λ·(ũ·ṽ) for ũ·ṽ given in units of 4^e (`factor` = unitFactor(e)): directly where λ·uv is a normal number, else from logarithms. */
function outputIn(lambda: number, lnLambda: number, uv: number, e: number, factor: number): number {
  const direct = lambda * uv;
  if (direct !== 0 && Math.abs(direct) >= SMALLEST_DIRECT && Number.isFinite(direct)) return physicalIn(direct, e, factor);
  return uv === 0 ? 0 : Math.sign(uv) * Math.exp(lnLambda + Math.log(Math.abs(uv)) + 2 * e * Math.LN2);
}

/**
 * Every drawn quantity of the pair (u1, u2), (v1, v2) in units of 2^e, with its sizes as logarithms;
 * `start` is ũ₀, ṽ₀ in units of 2^k0 (for the distance), `uv` the most accurate ũ·ṽ (at step 0, the
 * one accumulated over the neurons).
 */
function coordinatesLogPoint(input: FlowInput, start: readonly number[], k0: number, s: LayerCoordinates, uv: number): LogPoint {
  const { u1, u2, v1, v2, e, output, perpScale } = s;
  // The displacement from the start in the larger of the two units.
  const m = Math.max(e, k0);
  const [a1, a2, b1, b2] = start.map((x) => ldexp(x, k0 - m));
  const [c1, c2, d1, d2] = [u1, u2, v1, v2].map((x) => ldexp(x, e - m));
  const uu = u1 * u1 + u2 * u2;
  const vv = v1 * v1 + v2 * v2;
  return layerLogPoint(input, {
    k: e,
    uu,
    vv,
    uv,
    n2: uu + vv,
    du2: ldexp((c1 - a1) ** 2 + (c2 - a2) ** 2, 2 * (m - e)),
    dv2: ldexp((d1 - b1) ** 2 + (d2 - b2) ** 2, 2 * (m - e)),
    output,
    residual: output - input.y,
    perpScale,
  });
}

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
      this.unitFactor = unitFactor(e);
    }
    return this.unitFactor;
  }

  /** x·4^e, exact (x a quadratic quantity in the unit 2^e). */
  private physical(x: number, e: number): number {
    return physicalIn(x, e, this.factorOf(e));
  }

  /** λ·(ũ·ṽ) for ũ·ṽ given in units of 4^e. */
  private outputOf(uv: number, e: number): number {
    return outputIn(this.lambda, this.input.lnLambda, uv, e, this.factorOf(e));
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
    if (big > 0 && (big > RESCALE_ABOVE || big < RESCALE_BELOW)) {
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
    return fromLogPoint(this.logPoint(), this.input.irreducibleLoss);
  }

  /** Every drawn quantity of the current step with its sizes as logarithms; `lnDistance` is absolute. */
  logPoint(): LogPoint {
    const { u1, u2, v1, v2 } = this.s;
    return coordinatesLogPoint(this.input, this.start, this.k0, this.s, this.step === 0 ? this.uv0 : u1 * v1 + u2 * v2);
  }

  /** Undoes the last successful `advance()` (once). */
  stepBack(): void {
    if (this.step === 0) return;
    Object.assign(this.s, this.before);
    this.step--;
  }
}

/**
 * What one run of gradient descent says about its loss and its kernel, as a phase-diagram cell needs
 * it (docs/phase-diagram.md, "Gradient descent"): the loss's rise above its start and its fall back
 * below it, where it blew up, the kernel's largest change at the reported steps, and the first
 * reported and the last state. The outcome (converged, catapult, diverged) is decided from these by
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
  /** max over the reported steps run of |K/K(first reported) − 1| (docs/mechanisms.md: descent runs are scored over their reported steps). */
  kernelChange: number;
  /** The first reported state and the last finite one, with their sizes as logarithms (distance absolute). */
  first: LogPoint | null;
  end: LogPoint;
}

/**
 * Gradient descent of the linear network for `reported[reported.length − 1]` steps (or until it blows
 * up), with nothing but the facts above recorded: the same arithmetic as `PlaneDescent.advance` on
 * local variables, O(1) per step and no allocation, so a phase diagram's cell costs O(steps)
 * (about 4 ns a step). `reported` are the reported steps, ascending whole numbers; `rise` the relative
 * margin above the starting loss that counts as a rise; `blowUp` the factor over it that counts as
 * divergence. No weight decay (the phase diagram refuses it).
 */
export function planeDescentFacts(input: FlowInput, reported: ArrayLike<number>, rise: number, blowUp: number): DescentFacts {
  const { lambda, lnLambda, y, irreducibleLoss } = input;
  const start = input.plane.frame;
  const k0 = input.plane.k;
  let [u1, u2, v1, v2] = start;
  let e = k0;
  let factor = unitFactor(e);
  let output = outputIn(lambda, lnLambda, input.plane.uv, e, factor);
  const loss0 = 0.5 * (output - y) * (output - y) + irreducibleLoss;
  const riseAbove = loss0 * (1 + rise);
  const blowAbove = loss0 * blowUp;
  const last = reported.length > 0 ? reported[reported.length - 1] : 0;
  let riseStep = -1;
  let fallStep = -1;
  let blowUpStep = -1;
  let loss = loss0;
  let next = 0;
  let kernelRef = NaN;
  let kernelE = e;
  let kernelChange = 0;
  let first: LogPoint | null = null;
  let step = 0;
  for (;;) {
    if (next < reported.length && step === reported[next]) {
      // K/K(first reported) from n₂ in the unit: the kernel's exact ratio (λ² cancels).
      const n2 = u1 * u1 + u2 * u2 + v1 * v1 + v2 * v2;
      if (next === 0) {
        kernelRef = n2;
        kernelE = e;
        first = coordinatesLogPoint(input, start, k0, { u1, u2, v1, v2, e, output, perpScale: 1 }, step === 0 ? input.plane.uv : u1 * v1 + u2 * v2);
      } else {
        const de = 2 * (e - kernelE);
        const ratio = de === 0 ? n2 / kernelRef : Math.abs(de) <= 1000 ? (n2 / kernelRef) * 2 ** de : ldexp(n2 / kernelRef, de);
        const change = kernelRef > 0 ? Math.abs(ratio - 1) : n2 > 0 ? Infinity : 0;
        if (change > kernelChange) kernelChange = change;
      }
      next++;
    }
    if (step >= last) break;
    const x = lambda * (output - y);
    let n1 = u1 - x * v1;
    let n2 = u2 - x * v2;
    let m1 = v1 - x * u1;
    let m2 = v2 - x * u2;
    // outputIn and physicalIn, their common case inlined (x − x is 0 exactly when x is finite).
    const uv = n1 * m1 + n2 * m2;
    const direct = lambda * uv;
    const plain = factor === factor;
    const out = plain && (direct >= SMALLEST_DIRECT || direct <= -SMALLEST_DIRECT) && direct - direct === 0 ? direct * factor : outputIn(lambda, lnLambda, uv, e, factor);
    const sq = n1 * n1 + n2 * n2 + m1 * m1 + m2 * m2;
    const size = plain ? sq * factor : physicalIn(sq, e, factor);
    if (out - out !== 0 || size - size !== 0) {
      blowUpStep = step + 1;
      break;
    }
    const a1 = n1 < 0 ? -n1 : n1;
    const a2 = n2 < 0 ? -n2 : n2;
    const b1 = m1 < 0 ? -m1 : m1;
    const b2 = m2 < 0 ? -m2 : m2;
    const big = Math.max(a1, a2, b1, b2);
    if (big > 0 && (big > RESCALE_ABOVE || big < RESCALE_BELOW)) {
      const shift = Math.round(Math.log2(big));
      n1 = ldexp(n1, -shift);
      n2 = ldexp(n2, -shift);
      m1 = ldexp(m1, -shift);
      m2 = ldexp(m2, -shift);
      e += shift;
      factor = unitFactor(e);
    }
    u1 = n1;
    u2 = n2;
    v1 = m1;
    v2 = m2;
    output = out;
    step++;
    const r = output - y;
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
  const end = coordinatesLogPoint(input, start, k0, { u1, u2, v1, v2, e, output, perpScale: 1 }, step === 0 ? input.plane.uv : u1 * v1 + u2 * v2);
  return { loss0, lossEnd: loss, riseStep, fallStep, blowUpStep, steps: step, kernelChange, first, end };
}
