/**
 * From an experiment to the few numbers its exact solution depends on (docs/model.md §1–§3):
 * the effective sample (ā, y_eff, irreducible loss) and the initial layers seen along the data.
 * Every sum is taken in a unit that keeps it representable (a power of two per array), so inputs
 * anywhere in the 64-bit range reduce without overflow (docs/model.md §3.2).
 */
import { ExperimentError } from '../experiment/errors';
import { LinearData, Experiment, InitSpec } from '../experiment/experiment';
import { binaryExponent, ldexp, logAddExp } from '../math/logDomain';
import { Rng } from '../math/rng';
import { ExactFlow } from './exactFlow';
import { FlowInput, LayerSums, layerSums, lnScale, maxAbsWith, PlaneInvariants, planeFromSums, planeOfLayers, Scale } from './plane';

export interface EffectiveSample {
  /** Unit vector n of the data's line, oriented along the first nonzero input. */
  direction: number[];
  /** ā = |x| = √E[a²] for inputs x̃ = a·n (∞ beyond 64 bits), and its logarithm (always finite). */
  abar: number;
  lnAbar: number;
  /** y_eff = E[a·y] / ā (|y_eff| ≤ max |y|, so always finite). */
  y: number;
  /** ½(E[y²] − y_eff²) ≥ 0, the part of the loss no network can remove (∞ beyond 64 bits). */
  irreducibleLoss: number;
}

/** Largest |x| over arrays. */
function maxAbs(rows: readonly ArrayLike<number>[]): number {
  let m = 0;
  for (const r of rows) for (let i = 0; i < r.length; i++) m = maxAbsWith(m, r[i]);
  return m;
}

/** The unit vector along x, and ln|x|, computed in a power-of-two unit (no overflow or underflow). */
function direction(x: readonly number[]): { n: number[]; lnNorm: number } {
  const e = binaryExponent(maxAbs([x]));
  const scaled = x.map((v) => ldexp(v, -e));
  const norm = Math.hypot(...scaled);
  return { n: scaled.map((v) => v / norm), lnNorm: Math.log(norm) + e * Math.LN2 };
}

/** The single (x, y) pair whose gradient flow equals that of the data (docs/model.md §1, Proposition 1). */
export function effectiveSample(data: LinearData): EffectiveSample {
  if (data.kind === 'single') {
    const { n, lnNorm } = direction(data.x);
    return { direction: n, abar: Math.exp(lnNorm), lnAbar: lnNorm, y: data.y, irreducibleLoss: 0 };
  }
  const samples = data.samples;
  const first = samples.find((s) => s.x.some((v) => v !== 0));
  if (!first) throw new Error('effectiveSample: every input is zero'); // rejected by parseExperiment
  const n = direction(first.x).n;
  // a_s and y_s in units of 2^ex and 2^ey, so that E[a²] and E[ay] cannot overflow.
  const ex = binaryExponent(maxAbs(samples.map((s) => s.x)));
  const ey = binaryExponent(maxAbs([samples.map((s) => s.y)]));
  const a = samples.map((s) => {
    let v = 0;
    for (let j = 0; j < n.length; j++) v += ldexp(s.x[j], -ex) * n[j];
    return v;
  });
  const ys = samples.map((s) => ldexp(s.y, -ey));
  const count = samples.length;
  let m2 = 0;
  let may = 0;
  for (let i = 0; i < count; i++) {
    m2 += a[i] * a[i];
    may += a[i] * ys[i];
  }
  m2 /= count;
  may /= count;
  // Irreducible loss as the mean squared residual of the best fit y ≈ βa (two passes, no cancellation).
  const beta = may / m2;
  let residual = 0;
  for (let i = 0; i < count; i++) residual += (ys[i] - beta * a[i]) ** 2;
  const root = Math.sqrt(m2);
  return {
    direction: n,
    abar: ldexp(root, ex),
    lnAbar: Math.log(root) + ex * Math.LN2,
    y: ldexp(may / root, ey),
    irreducibleLoss: ldexp((0.5 * residual) / count, 2 * ey),
  };
}

/**
 * The initial weights in the order they are drawn: random initialisation draws u_1 … u_d first, then
 * W row by row (W_11 … W_1D, W_21 …), all from one `Rng(seed)`: u_i = σ_u·N(0,1), W_ij = σ_W·N(0,1);
 * an explicit one reads them. The constructor fills `u` (its own array, or the one given); `nextRow`
 * gives the rows of W in order. One object instead of a callback per neuron: at width 10⁶ the
 * callbacks took as long as the draws themselves.
 */
export class InitialDraws {
  /** u_1 … u_d. */
  readonly u: Float64Array;
  private readonly rng: Rng | null;
  private next = 0;

  constructor(
    private readonly init: InitSpec,
    private readonly width: number,
    private readonly inputDim: number,
    u: Float64Array = new Float64Array(width),
  ) {
    if (u.length !== width) throw new Error(`InitialDraws: an array of ${u.length} for ${width} units`);
    this.u = u;
    if (init.kind === 'explicit') {
      this.rng = null;
      u.set(init.u);
    } else {
      const rng = new Rng(init.seed);
      for (let i = 0; i < width; i++) u[i] = init.scaleU * rng.normal();
      this.rng = rng;
    }
  }

  /** Writes the next row of W (`inputDim` entries) into `row`; throws past the last one. */
  nextRow(row: Float64Array): void {
    if (this.next >= this.width) throw new Error(`InitialDraws: W has ${this.width} rows`);
    const init = this.init;
    if (init.kind === 'explicit') {
      row.set(init.W[this.next]);
    } else {
      const rng = this.rng!;
      for (let j = 0; j < this.inputDim; j++) row[j] = init.scaleW * rng.normal();
    }
    this.next++;
  }
}

/** Visits the initial weights neuron by neuron, in `InitialDraws`' order: `visit(i, u_i, W_i)`; the row buffer is reused between calls. */
export function forEachInitialNeuron(init: InitSpec, width: number, inputDim: number, visit: (i: number, u: number, row: Float64Array) => void): void {
  const draws = new InitialDraws(init, width, inputDim);
  const row = new Float64Array(inputDim);
  for (let i = 0; i < width; i++) {
    draws.nextRow(row);
    visit(i, draws.u[i], row);
  }
}

/**
 * The initial layers seen along the data, each as a scale times an array in [−1, 1]: u = sU·g and
 * v = W n = sW·h (for a random initialisation the arrays are the standard draws and the scales σ_u,
 * σ_W; for an explicit one, the weights in a power-of-two unit), and the parts of W that never move.
 */
export interface InitialLayers {
  g: Float64Array;
  h: Float64Array;
  sU: Scale;
  sW: Scale;
  /** The layer sums of u = sU·g and v = sW·h (`layerSums`). */
  sums: LayerSums;
  /** ln|u|², ln‖W‖_F², ln‖W_⊥‖_F² with W_⊥ = W − v nᵀ (−∞ for zero). */
  lnU2: number;
  lnW2: number;
  lnPerp2: number;
}

/** A scale σ ≥ 0 as m·2^e. */
function scaleOfNumber(x: number): Scale {
  return { m: x, e: 0 };
}

/** Draws or reads the initial weights and projects them on the data direction; O(d·D) time, O(d) memory. */
export function initialLayers(init: InitSpec, width: number, directionOfData: readonly number[]): InitialLayers {
  const D = directionOfData.length;
  const g = new Float64Array(width);
  const h = new Float64Array(width);
  const explicit = init.kind === 'explicit';
  // σ·N(0,1) as the plain loop draws it where that is a normal number (the same weights as an explicit
  // initialisation with those values, to the last bit); otherwise the standard draws, σ kept apart.
  const plain = (sigma: number) => sigma === 0 || (sigma >= 2 ** -900 && sigma <= 2 ** 900);
  const drawU = explicit || !plain(init.scaleU) ? 1 : init.scaleU;
  const drawW = explicit || !plain(init.scaleW) ? 1 : init.scaleW;
  const draws = new InitialDraws(explicit ? init : { ...init, scaleU: drawU, scaleW: drawW }, width, D, g);
  // Explicit rows are brought to the unit 2^unit of their largest entry (exactly: a power of two).
  const unit = explicit ? -binaryExponent(maxAbs(init.W)) : 0;
  const factor = 2 ** unit;
  const row = new Float64Array(D);
  // Plain locals, not variables a closure writes: those are boxed, and a double written there allocated
  // at every row (a scavenge every few milliseconds at width 10⁶).
  let ww = 0;
  let perp = 0;
  // The largest |g_i| and |h_i| for their normalisation, found here rather than by two more passes.
  let maxG = 0;
  let maxH = 0;
  for (let i = 0; i < width; i++) {
    draws.nextRow(row);
    if (unit !== 0) for (let j = 0; j < D; j++) row[j] = Math.abs(unit) <= 1000 ? row[j] * factor : ldexp(row[j], unit);
    let vi = 0;
    for (let j = 0; j < D; j++) vi += row[j] * directionOfData[j];
    h[i] = vi;
    maxG = maxAbsWith(maxG, g[i]);
    maxH = maxAbsWith(maxH, vi);
    for (let j = 0; j < D; j++) {
      const w = row[j];
      ww += w * w;
      const off = w - vi * directionOfData[j];
      perp += off * off;
    }
  }
  const sU: Scale = explicit ? { m: 1, e: 0 } : scaleOfNumber(init.scaleU / drawU || 0);
  const sW: Scale = explicit ? { m: 1, e: -unit } : scaleOfNumber(init.scaleW / drawW || 0);
  // g and h normalised and their sums in one pass; Σg_i² is |u|² in the unit of g.
  const sums = layerSums(g, h, sU, sW, { g: maxG, h: maxH });
  const eg = sums.sU.e - sU.e;
  const lnSU = lnScale(sU);
  const lnSW = lnScale(sW);
  return {
    g,
    h,
    sU: sums.sU,
    sW: sums.sV,
    sums,
    lnU2: Math.log(sums.gg) + 2 * (lnSU + eg * Math.LN2),
    lnW2: Math.log(ww) + 2 * lnSW,
    lnPerp2: Math.log(perp) + 2 * lnSW,
  };
}

/** s/√η as a scale: the plain double when it is comfortably normal, else from logarithms. */
export function divideBySqrt(s: Scale, eta: number): Scale {
  const plain = s.m / Math.sqrt(eta);
  if (plain === 0 || (plain >= 2 ** -1000 && plain <= 2 ** 1000)) return { m: plain, e: s.e };
  const ln = Math.log(s.m) - 0.5 * Math.log(eta);
  const e = Math.round(ln / Math.LN2);
  return { m: Math.exp(ln - e * Math.LN2), e: s.e + e };
}

/** λ = γ·ā·√η_u·√η_W and ln λ: the plain product where it is a normal number, else its logarithm. */
export function lambdaOf(gamma: number, sample: EffectiveSample, etaU: number, etaW: number): { lambda: number; lnLambda: number } {
  const plain = gamma * sample.abar * Math.sqrt(etaU) * Math.sqrt(etaW);
  if (plain >= 2 ** -1000 && plain <= 2 ** 1000) return { lambda: plain, lnLambda: Math.log(plain) };
  const lnLambda = Math.log(gamma) + sample.lnAbar + 0.5 * Math.log(etaU) + 0.5 * Math.log(etaW);
  return { lambda: Math.exp(lnLambda), lnLambda };
}

/** An exact flow with its effective sample, ln‖θ₀‖, and the spec it was built from (for the range checks). */
export interface ReducedFlow {
  flow: ExactFlow;
  sample: EffectiveSample;
  /** ln‖θ₀‖ over θ = (u, W) (−∞ for θ₀ = 0). */
  lnTheta0: number;
  plane: PlaneInvariants;
  spec: FlowSpec;
}

/** The exact flow of an experiment with linear activation, and its effective sample. O(d·D). */
/**
 * f(θ₀) = γ ā u₀·(W₀n) from the layer sums without the rates (u = sU·g, v = W n = sV·h), or undefined
 * where that product is not a normal number (the rate-scaled form then serves): the initial output,
 * and so the initial loss, of one θ₀ are the same bits whatever the learning rates.
 */
export function initialOutputOf(gamma: number, sample: EffectiveSample, sums: LayerSums): number | undefined {
  if (sums.gh === 0) return 0;
  const f = gamma * sample.abar * ldexp(sums.sU.m * sums.sV.m * sums.gh, sums.sU.e + sums.sV.e);
  return Number.isFinite(f) && Math.abs(f) >= 2 ** -1000 && Math.abs(f) <= 2 ** 1000 ? f : undefined;
}

export function exactFlowOf(e: Experiment): ReducedFlow {
  if (e.model.activation !== 'linear') {
    throw new ExperimentError(`the exact solver needs model.activation "linear", got "${e.model.activation}": run it with \`flab simulate\` instead`, 'model.activation');
  }
  const sample = effectiveSample(e.data);
  const layers = initialLayers(e.init, e.model.width, sample.direction);
  const sums = layers.sums;
  const etaU = e.learningRates.u;
  const etaW = e.learningRates.W;
  const spec: FlowSpec = { sums, lnU2: layers.lnU2, lnW2: layers.lnW2, lnPerp2: layers.lnPerp2, gamma: e.model.outputScale, sample, etaU, etaW };
  const plane = planeOfLayers(layers.g, layers.h, { ...sums, sU: divideBySqrt(sums.sU, etaU), sV: divideBySqrt(sums.sV, etaW) });
  const { lambda, lnLambda } = lambdaOf(e.model.outputScale, sample, etaU, etaW);
  const input: FlowInput = { plane, etaU, etaW, lambda, lnLambda, y: sample.y, irreducibleLoss: sample.irreducibleLoss, lnNormWPerp2: layers.lnPerp2, output0: initialOutputOf(e.model.outputScale, sample, sums) };
  return { flow: new ExactFlow(input), sample, lnTheta0: 0.5 * logAddExp(layers.lnU2, layers.lnW2), plane, spec };
}

/**
 * Everything the exact flow of a linear network depends on, with each hyperparameter kept apart from
 * the draws: the layer sums of u = sU·g and v = W n = sW·h (the scales without the rates), and the
 * scalars. Changing γ, ā, y, σ_u, σ_W, η_u or η_W is O(1) (`flowOfSpec`): the phase diagram's cells
 * and the range checks' "what if this value were different" are built this way.
 */
export interface FlowSpec {
  sums: LayerSums;
  /** ln|u|², ln‖W‖², ln‖W_⊥‖² at the scales sU, sW of `sums`. */
  lnU2: number;
  lnW2: number;
  lnPerp2: number;
  gamma: number;
  sample: EffectiveSample;
  etaU: number;
  etaW: number;
}

/** The exact flow of a spec, O(1); P, Q and c from the sums (planeFromSums). */
export function flowOfSpec(spec: FlowSpec): { flow: ExactFlow; lnTheta0: number } {
  const { sums, etaU, etaW, sample } = spec;
  const plane = planeFromSums({ ...sums, sU: divideBySqrt(sums.sU, etaU), sV: divideBySqrt(sums.sV, etaW) });
  const { lambda, lnLambda } = lambdaOf(spec.gamma, sample, etaU, etaW);
  const input: FlowInput = { plane, etaU, etaW, lambda, lnLambda, y: sample.y, irreducibleLoss: sample.irreducibleLoss, lnNormWPerp2: spec.lnPerp2, output0: initialOutputOf(spec.gamma, sample, sums) };
  return { flow: new ExactFlow(input), lnTheta0: 0.5 * logAddExp(spec.lnU2, spec.lnW2) };
}
