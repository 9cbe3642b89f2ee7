/**
 * The layer metrics of a network given as plain weight matrices (docs/networks.md, "Layer metrics"):
 * shared by the built-in trainer and by checkpoints of outside trainers, so both draw the same numbers.
 *
 * Conventions: a layer is its weight matrix W_l, row-major, rows = outputs, columns = inputs
 * (PyTorch's `nn.Linear.weight`; a convolution kernel out × in × k × k is read as out × (in·k·k)).
 * Layers are in network order, W_1 first; the pair (W_l, W_{l+1}) chains when W_{l+1}.cols = W_l.rows.
 * Norms are Frobenius norms accumulated in float64 whatever the storage.
 *
 * Costs (r × c a layer; a pair is A = W_l, m × n, then B = W_{l+1}, o × m):
 * - norm and distance: one pass over W and W(0), r·c.
 * - ζ: exact, ‖BA‖_F by a blocked product, o·m·n multiply-adds, when that is at most `exactLimit`
 *   (2²⁸ by default); above it, estimated by Hutch++ in (2s + g)(m·n + o·m) multiply-adds, with its
 *   standard error (`zetaError`).
 * - ζ_top: one Golub–Kahan–Lanczos run per layer (both top singular vectors at once), 2·r·c per step,
 *   at most `lanczosSteps(r, c)` steps once the top vector is resolved, fewer once converged, up to
 *   min(r, c, 64) until it is resolved (the trainer's cadence counts the steps taken); a previous run's
 *   triplet can start it.
 * Products run on `MeasureOptions.products`: plain JavaScript by default, TensorFlow.js on request.
 * Given the layers' Gram matrices (`grams`: the trainer's ONNX Runtime graph, each of the layer times
 * the power of two `unitShift` picks), ζ is their float64 inner product over the shifted norms and
 * ζ_top symmetric Lanczos on the smaller Gram (`topEigenpair`).
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { innerProduct, kernels, matrixTimesVector, scaledRoot, ScaledSquaredNorms, scaledSquaredNorms } from '../math/kernels';

/** A weight matrix, row-major: `data[i * cols + j]` is the weight from input j to output i. */
export interface WeightMatrix {
  rows: number;
  cols: number;
  data: Float32Array | Float64Array;
}

/** What is measured of one layer at one step. */
export interface LayerMeasure {
  /** ‖W_l‖_F. */
  norm: number;
  /** ‖W_l − W_l(0)‖_F / ‖W_l(0)‖_F; the absolute distance when W_l(0) = 0. */
  distance: number;
}

/** What is measured of one pair of consecutive layers (W_l, W_{l+1}) at one step. */
export interface PairMeasure {
  /**
   * ζ = ‖W_{l+1} W_l‖_F / (‖W_{l+1}‖_F ‖W_l‖_F) ∈ [0, 1]; for the two-layer linear model on 1-D
   * data (W_2 = uᵀ, W_1 = W with rank-one data) this is |cos∠(u, W n)| = |ζ| of docs/model.md.
   * Null when either layer is zero, or when not measured (`zeta: false`).
   */
  zeta: number | null;
  /**
   * |cos| between W_{l+1}'s top right singular vector and W_l's top left singular vector, ∈ [0, 1];
   * null when either layer is zero, when not measured (`zetaTop: false`), or when either layer's top
   * singular vector is not resolved (`tripletResolved`: its top singular values are too close to tell
   * their vectors apart in the steps allowed).
   */
  zetaTop: number | null;
  /** Standard error of `zeta` when it was estimated (a pair above the exact limit); 0 when exact or null. */
  zetaError: number;
}

/** Every metric of one step. */
export interface NetworkMeasure {
  layers: LayerMeasure[];
  /** One per consecutive pair whose shapes chain; `null` where they do not (see `chainProblem`). */
  alignment: (PairMeasure | null)[];
  /** ‖θ − θ₀‖ / ‖θ₀‖ over every layer together. */
  distance: number;
}

/**
 * Where the products behind ζ and ζ_top run. `jsProducts` (the default) is plain JavaScript with
 * float64 accumulation and no set-up; `tfjsProducts` runs them on a TensorFlow.js backend (float32
 * products; several times faster with the WebAssembly backend).
 */
export interface MatrixProducts {
  /** Makes W ready for repeated products (the backend's own copy); `release` it when done. */
  load(w: WeightMatrix): LoadedMatrix;
}

/** A weight matrix W (r × c) made ready by `MatrixProducts.load`. */
export interface LoadedMatrix {
  readonly rows: number;
  readonly cols: number;
  /** W·X for X (c × k), row-major: a new r × k matrix. */
  times(x: WeightMatrix): WeightMatrix;
  /** Wᵀ·U for U (r × k): a new c × k matrix. */
  transposeTimes(u: WeightMatrix): WeightMatrix;
  /** ‖W·A‖_F² for A loaded by the same products (A.rows = c), summed in float64. */
  productSquaredNorm(a: LoadedMatrix): number;
  /** Frees the backend's copy (nothing to do in plain JavaScript). */
  release(): void;
}

/**
 * Gram matrices of one layer W (r × c) times 2^shift, computed elsewhere (the trainer's ONNX Runtime
 * graph, onnx/measureGraph.ts), either or both: `outer` = 2^(2·shift) W Wᵀ (r × r), `inner` =
 * 2^(2·shift) Wᵀ W (c × c). The shift (`unitShift`, 0 when left out) keeps float32 Grams of a layer of
 * any finite scale in range: at 10¹⁹ W Wᵀ overflowed (ζ read 1; at 10³⁰ ζ_top 0), at 10⁻²⁵ it underflowed (0).
 */
export interface LayerGrams {
  outer?: WeightMatrix;
  inner?: WeightMatrix;
  /** The exponent k of the power of two the Grams' layer was multiplied by (docs/networks.md, "Layer metrics"). */
  shift?: number;
}

/** Options of `measureNetwork`, `pairAlignment` and `NetworkMeasurer`; every one may be left out. */
export interface MeasureOptions {
  /** Where the products run (default `jsProducts`). */
  products?: MatrixProducts;
  /**
   * The layers' Gram matrices, by layer index, where already computed (docs/networks.md, "Layer
   * metrics"): a pair whose W_l has `outer` and W_{l+1} `inner` takes ζ² = ⟨W_{l+1}ᵀW_{l+1}, W_l W_lᵀ⟩
   * from them, and a layer with either takes its top singular vectors from Lanczos on the smaller one,
   * instead of the products.
   */
  grams?: readonly LayerGrams[];
  /** Multiply-adds o·m·n of a pair above which ζ is estimated instead of computed exactly. */
  exactLimit?: number;
  /**
   * Top singular triplets of an earlier measurement, per layer index, to start Lanczos from (and
   * updated with this measurement's): pass the same map for successive steps of one run.
   */
  spectra?: Map<number, SingularTriplet>;
  /** False skips ζ_top (null) and its Lanczos runs, e.g. to measure it on every n-th record only. */
  zetaTop?: boolean;
  /** False skips ζ (null) and its products, likewise (docs/networks.md, "Cadence"). */
  zeta?: boolean;
  /**
   * ‖W_l‖², ‖W_l − W_l(0)‖² and ‖W_l(0)‖² by layer index (`scaledSquaredNorms` of math/kernels.ts,
   * or plain `squaredNorms` sums), where already computed: the layer's float64 pass is not made again.
   */
  squaredNorms?: readonly ScaledSquaredNorms[];
  /**
   * Where to add the wall time of ζ_top's top singular triplets, in ms (each layer's Lanczos run, with
   * its products' copy when ζ did not make it already): a diagnostic, e.g. the trainer's `timings()`.
   */
  lanczosTime?: { ms: number };
}

/** The top singular value of a layer and its singular vectors (unit length), as Lanczos found them. */
export interface SingularTriplet {
  sigma: number;
  /** Top left singular vector (length = rows): the output direction W amplifies most. */
  left: Float64Array;
  /** Top right singular vector (length = cols): the input direction W amplifies most. */
  right: Float64Array;
  /** The Ritz residual ‖Wᵀ·left − σ·right‖ of the last step (W·right = σ·left holds exactly). */
  residual: number;
  /**
   * (σ² − θ₂²)/σ² with θ₂ the second Ritz value of the last step (0 ≤ θ₂ ≤ σ₂; after a breakdown,
   * `LANCZOS_BREAKDOWN`, the run's second block makes a repeated top value θ₂ = σ; 1 after a single
   * step, which ends only on a 1-wide side or a caller's cap of 1): the relative gap the
   * angle bound of `tripletResolved` divides by. Exact once the run spans the smaller side, an
   * overestimate of the true gap before the second value has converged.
   */
  relativeGap: number;
  steps: number;
}

/**
 * Whether a triplet's top singular vectors are resolved: their angle bound (residual/σ)/relativeGap is at
 * most `RESOLVED_ANGLE` and the relative gap at least `RESOLVED_GAP` (a zero layer, σ = 0, is resolved:
 * it has no direction to find).
 */
export function tripletResolved(t: Pick<SingularTriplet, 'sigma' | 'residual' | 'relativeGap'>): boolean {
  return t.sigma === 0 || (t.relativeGap >= RESOLVED_GAP && t.residual <= RESOLVED_ANGLE * t.relativeGap * t.sigma);
}

/** Default `exactLimit`: 2²⁸ multiply-adds (e.g. 512 × 512 × 1024); the pairs of 784-256-256-256-10 are far below. */
export const EXACT_ZETA_LIMIT = 2 ** 28;
/** Hutch++ sketch size s: directions of B·A captured exactly. */
export const HUTCH_SKETCH = 8;
/** Hutch++ probe count g: the rest of ‖B·A‖², by Hutchinson. */
export const HUTCH_PROBES = 8;
/** Lanczos steps at most. */
export const LANCZOS_MAX_STEPS = 64;
/** Multiply-adds one Lanczos run may spend (2·r·c per step)… */
export const LANCZOS_BUDGET = 2 ** 26;
/** …but never fewer steps than this (when the layer allows). */
export const LANCZOS_MIN_STEPS = 8;
/** Lanczos stops once its Ritz residual is at most this × σ (float32 products allow about 10⁻⁷). */
export const LANCZOS_TOLERANCE = 1e-6;
/**
 * A top singular vector is *resolved* when the bound on its angle to the true top vector, the Ritz
 * residual over σ divided by the relative gap (σ₁² − σ₂²)/σ₁² (Davis–Kahan, σ₂ estimated by the second
 * Ritz value), is at most this (radians), and the relative gap is at least `RESOLVED_GAP`
 * (docs/networks.md, "How each is computed, and what it costs"). A run that reaches its budget's step
 * cap (`lanczosSteps`) unresolved goes on, up to `LANCZOS_MAX_STEPS`, until it is; ζ_top of a pair
 * with a layer still unresolved there is null, not the cosine of two vectors that are not the top ones.
 */
export const RESOLVED_ANGLE = 1e-2;
/**
 * A Lanczos step whose new coupling β is at most this × the top Ritz value (σ, or λ = σ² on a Gram) has
 * broken down: its vectors span an invariant subspace, to rounding. That subspace holds each eigenvalue
 * once, so a repeated top value would go unseen and its gap be taken to the next distinct one; the run
 * goes on from a new start orthogonal to it, once (`topEigenpair`, `topSingularTriplet`). A random layer
 * never breaks down before its space is full: its cost is unchanged.
 */
export const LANCZOS_BREAKDOWN = 1e-10;
/** Top singular values closer than this (relative, in σ²) leave the top vector undetermined: float32 weights hold about 10⁻⁷. */
export const RESOLVED_GAP = 1e-6;
/**
 * The products' (`lanczos`, Golub–Kahan on `LoadedMatrix` products) test of a coupling α that is 0 but
 * for rounding: at most this × σ. Float32 products (TensorFlow.js) leave about 10⁻⁷·σ where exact
 * arithmetic has 0, far above `LANCZOS_BREAKDOWN`.
 */
export const PRODUCTS_ROUNDING = 1e-6;
/**
 * The products' test of a Krylov space that is invariant but for rounding or a near-tie: a coupling β
 * at most this × σ. Float32 products leave β about 10⁻⁸·σ where exact arithmetic breaks down, and a
 * pair of top values closer than `RESOLVED_GAP` is seen as one until β falls to about their gap times
 * the spread of the rest (3·10⁻⁶·σ for a gap of 1.2·10⁻⁷ beside 0.5 and 0.25). Below this a second copy
 * of the top value may lie outside the space, unseen by the residual test: when the layer's mass
 * outside the space (‖W‖_F² − Σ‖A v_i‖²) could hold one, the run goes on with the computed next vector
 * and its coupling as a second block, until that block's own top has converged (as after a breakdown,
 * `LANCZOS_BREAKDOWN`) — a low-rank layer plus noise has no such mass left, and a layer with a dense
 * spectrum couples to it far above this (`lanczos`).
 */
export const PRODUCTS_BREAKDOWN = 1e-3;

/**
 * The step cap of one Lanczos run on an r × c layer by its budget: min(r, c, 64, max(8, ⌊2²⁶ / 2rc⌋)).
 * A run still unresolved there (`tripletResolved`) goes on up to min(r, c, 64) steps.
 */
export function lanczosSteps(rows: number, cols: number): number {
  return Math.min(rows, cols, LANCZOS_MAX_STEPS, Math.max(LANCZOS_MIN_STEPS, Math.floor(LANCZOS_BUDGET / (2 * rows * cols))));
}

/** ‖W‖_F, accumulated in float64. */
export function frobeniusNorm(w: WeightMatrix): number {
  const { a2, exponent } = scaledSquaredNorms(w.data, w.data);
  return scaledRoot(a2, exponent?.a2);
}

/**
 * Whether W_{l+1} can follow W_l (its inputs are W_l's outputs), and if not, why (only the shapes are
 * read; both out × in). When they would chain read transposed (next.rows = prev.cols), it says so: the
 * layers may be stored in × out (a JAX/Flax or Keras kernel) or listed in reverse order.
 */
export function chainProblem(prev: Pick<WeightMatrix, 'rows' | 'cols'>, next: Pick<WeightMatrix, 'rows' | 'cols'>): string | null {
  if (next.cols === prev.rows) return null;
  const problem = `its input size ${next.cols} is not the previous layer's output size ${prev.rows}`;
  if (next.rows !== prev.cols) return problem;
  return `${problem} (rows read as outputs), but read transposed, or in the other order, they chain (its ${next.rows} rows are the previous layer's ${prev.cols} columns)`;
}

/** ζ, its standard error and ζ_top of the pair (W_l = prev, W_{l+1} = next); the shapes must chain. */
export function pairAlignment(prev: WeightMatrix, next: WeightMatrix, options: MeasureOptions = {}): PairMeasure {
  const problem = chainProblem(prev, next);
  if (problem) throw new Error(`pairAlignment: ${problem}`);
  const a = new Layer(prev, frobeniusNorm(prev), -1, options);
  const b = new Layer(next, frobeniusNorm(next), -1, options);
  try {
    return alignmentOf(a, b, options);
  } finally {
    a.release();
    b.release();
  }
}

/**
 * Every metric of `layers` against the initial `layers0` (same shapes). Pairs whose shapes do not
 * chain get `null`.
 */
export function measureNetwork(layers: readonly WeightMatrix[], layers0: readonly WeightMatrix[], options: MeasureOptions = {}): NetworkMeasure {
  if (layers0.length !== layers.length) throw new Error(`measureNetwork: ${layers.length} layers but ${layers0.length} initial ones`);
  const measurer = new NetworkMeasurer(options);
  layers.forEach((w, l) => measurer.add(w, layers0[l]));
  return measurer.finish();
}

/**
 * `measureNetwork` one layer at a time, in network order, keeping only the latest layer: what a
 * reader that streams a checkpoint tensor by tensor needs. `add` each layer with its initial value,
 * then `finish` (which also frees what the products hold; so does an `add` that throws).
 */
export class NetworkMeasurer {
  private readonly layers: LayerMeasure[] = [];
  private readonly alignment: (PairMeasure | null)[] = [];
  /** Σ ‖W_l − W_l(0)‖² and Σ ‖W_l(0)‖² over the layers so far, as value · 2^exponent (a layer's may be beyond float64's range). */
  private readonly moved2 = new ScaledSum();
  private readonly start2 = new ScaledSum();
  private previous: Layer | null = null;

  constructor(private readonly options: MeasureOptions = {}) {}

  /** Measures the next layer `w` against its initial value `w0` (same shape); returns its measure. */
  add(w: WeightMatrix, w0: WeightMatrix): LayerMeasure {
    if (w.rows !== w0.rows || w.cols !== w0.cols || w.data.length !== w.rows * w.cols || w0.data.length !== w.data.length) {
      this.release();
      throw new Error(`NetworkMeasurer.add: layer ${this.layers.length + 1} is ${w.rows} × ${w.cols} (${w.data.length} values) but its initial value ${w0.rows} × ${w0.cols} (${w0.data.length} values)`);
    }
    // ‖W‖², ‖W − W₀‖² and ‖W₀‖² in one float64 pass (WebAssembly), scaled by powers of two where a
    // sum leaves float64's range (an F64 checkpoint layer of 10²⁰⁰ or 10⁻¹⁶⁰: scaledSquaredNorms).
    const sums = this.options.squaredNorms?.[this.layers.length] ?? scaledSquaredNorms(w.data, w0.data);
    const e = sums.exponent ?? { a2: 0, difference2: 0, b2: 0 };
    this.moved2.add(sums.difference2, e.difference2);
    this.start2.add(sums.b2, e.b2);
    const measure = { norm: scaledRoot(sums.a2, e.a2), distance: relativeRoot(sums.difference2, e.difference2, sums.b2, e.b2) };
    const layer = new Layer(w, measure.norm, this.layers.length, this.options);
    this.layers.push(measure);
    const prev = this.previous;
    this.previous = layer;
    if (prev) {
      try {
        this.alignment.push(chainProblem(prev.w, w) ? null : alignmentOf(prev, layer, this.options));
      } catch (err) {
        this.release();
        throw err;
      } finally {
        prev.release();
      }
    }
    return measure;
  }

  /** Every metric of the layers added so far. */
  finish(): NetworkMeasure {
    this.release();
    return { layers: this.layers.slice(), alignment: this.alignment.slice(), distance: relativeRoot(this.moved2.value, this.moved2.exponent, this.start2.value, this.start2.exponent) };
  }

  private release(): void {
    this.previous?.release();
  }
}

/**
 * √(d · 2^ed / (s · 2^es)) for even exponents — √(d/s), as before there were exponents, whenever
 * that quotient is a normal float64 — and √(d · 2^ed) when s = 0: a distance relative to the start, or
 * absolute from zero. Beyond float64's range it is ∞ or 0 only when the result itself is.
 */
function relativeRoot(d: number, ed: number, s: number, es: number): number {
  if (!(s > 0)) return scaledRoot(d, ed);
  const q = d / s;
  if ((ed === es && q >= 2 ** -1022 && q < Infinity) || d === 0 || !Number.isFinite(d) || !Number.isFinite(s)) return Math.sqrt(q);
  const [md, kd] = evenSplit(d);
  const [ms, ks] = evenSplit(s);
  return timesPowerOfTwo(Math.sqrt(md / ms), (ed + kd - es - ks) / 2);
}

/** x > 0 finite as m · 2^k with k even and m ∈ [1/2, 8]: exactly. */
function evenSplit(x: number): [number, number] {
  let k = Math.floor(Math.log2(x));
  if (k % 2 !== 0) k -= 1;
  return [timesPowerOfTwo(x, -k), k];
}

/** A sum of non-negative terms value · 2^exponent (even exponents), kept as one such; exponents of 0 add as plain float64. */
class ScaledSum {
  value = 0;
  exponent = 0;

  add(value: number, exponent = 0): void {
    if (value === 0) return;
    if (this.value === 0 || Number.isNaN(value) || !Number.isFinite(this.value)) {
      this.value += value; // the first term, or NaN and ∞ as plain sums carry them
      if (this.value === value) this.exponent = exponent;
      return;
    }
    if (exponent === this.exponent) {
      this.value += value;
      return;
    }
    const top = Math.max(exponent, this.exponent);
    this.value = timesPowerOfTwo(this.value, this.exponent - top) + timesPowerOfTwo(value, exponent - top);
    this.exponent = top;
  }
}

/**
 * Layers whose root-mean-square entry lies outside [2⁻¹⁶, 2¹⁶] are measured as a copy scaled by a power
 * of two into that range (exactly: a power of two changes no digit). The products may run in float32
 * (TensorFlow.js, and ONNX Runtime's Grams), where a checkpoint's F64 layer of 10⁻⁵⁰ underflows to 0 and
 * a product of entries of 10¹⁹ overflows: ζ came out 0 or null. ζ and the top singular vectors do not
 * depend on a layer's scale.
 */
const UNIT_RANGE = 16;

/**
 * The exponent k of the power of two a layer of Frobenius norm `norm` and `entries` entries is
 * multiplied by before float32 products: −round(log₂ RMS) when its root-mean-square entry RMS =
 * norm/√entries lies outside [2⁻¹⁶, 2¹⁶] (then 2^k·RMS ∈ [2^−½, 2^½]), else 0 (no copy); 0 for a zero
 * or non-finite norm. Within the range a float32 product of n entries stays below n·2⁵⁶ and, where
 * it matters beside the layer's norm, above 2⁻¹²⁶.
 */
export function unitShift(norm: number, entries: number): number {
  const rms = norm / Math.sqrt(Math.max(1, entries));
  const e = rms > 0 && Number.isFinite(rms) ? Math.round(Math.log2(rms)) : 0;
  return Math.abs(e) > UNIT_RANGE ? -e : 0;
}

/** One layer while it is measured: its products' copy and its top triplet, each made on first use. */
class Layer {
  private loaded: LoadedMatrix | null = null;
  private triplet: SingularTriplet | null = null;
  /** The power of two the products' copy is multiplied by, as its exponent (0 for most layers). */
  private readonly shift: number;

  constructor(
    readonly w: WeightMatrix,
    readonly norm: number,
    private readonly index: number,
    private readonly options: MeasureOptions,
  ) {
    this.shift = unitShift(norm, w.rows * w.cols);
  }

  /** The norm of the products' copy. */
  get loadedNorm(): number {
    return timesPowerOfTwo(this.norm, this.shift);
  }

  load(): LoadedMatrix {
    if (this.loaded) return this.loaded;
    const k = this.shift;
    const scaled = k === 0 ? this.w : { rows: this.w.rows, cols: this.w.cols, data: Float64Array.from(this.w.data, (x) => timesPowerOfTwo(x, k)) };
    return (this.loaded = (this.options.products ?? jsProducts).load(scaled));
  }

  /** The layer's Gram matrices given in the options (none for a layer measured on its own). */
  get grams(): LayerGrams | undefined {
    return this.index >= 0 ? this.options.grams?.[this.index] : undefined;
  }

  top(): SingularTriplet {
    if (!this.triplet) {
      const started = this.options.lanczosTime ? performance.now() : 0;
      const spectra = this.index >= 0 ? this.options.spectra : undefined;
      // An unresolved triplet is no start: from it, a run that finds the same near-tie can pass for
      // resolved (its second Ritz value not yet converged) where a fresh one is not (a breaker's finding).
      const previous = spectra?.get(this.index);
      const start = previous && tripletResolved(previous) ? previous : undefined;
      const grams = this.grams;
      const side = gramSide(this.w, grams);
      // A Gram that is not finite (given unscaled, out of float32's range) gives none: the layer's own products do.
      this.triplet = (side && tripletFromGram(this.w, grams![side]!, side, grams!.shift ?? 0, start)) || lanczos(this.load(), { start, squaredNorm: this.loadedNorm ** 2 });
      spectra?.set(this.index, this.triplet);
      if (this.options.lanczosTime) this.options.lanczosTime.ms += performance.now() - started;
    }
    return this.triplet;
  }

  release(): void {
    this.loaded?.release();
    this.loaded = null;
  }
}

function alignmentOf(prev: Layer, next: Layer, options: MeasureOptions): PairMeasure {
  if (prev.norm === 0 || next.norm === 0) return { zeta: null, zetaTop: null, zetaError: 0 };
  // The products run on the layers' copies (Layer.load), scaled into float32's comfortable range.
  const loadedScale = next.loadedNorm * prev.loadedNorm;
  // ‖BA‖² from the Grams, times 2^(2(k_A + k_B)) for Grams of 2^k W (LayerGrams.shift); not finite when
  // given Grams are out of float32's range, and then the products measure ζ instead.
  const pg = prev.grams;
  const ng = next.grams;
  const fromGrams = options.zeta !== false && pg?.outer && ng?.inner ? gramInner(ng.inner, pg.outer) : NaN;
  let zeta: number | null;
  let zetaError = 0;
  if (options.zeta === false) {
    zeta = null;
  } else if (Number.isFinite(fromGrams)) {
    zeta = Math.sqrt(Math.max(0, fromGrams)) / (timesPowerOfTwo(next.norm, ng?.shift ?? 0) * timesPowerOfTwo(prev.norm, pg?.shift ?? 0));
  } else if (next.w.rows * next.w.cols * prev.w.cols <= (options.exactLimit ?? EXACT_ZETA_LIMIT)) {
    zeta = Math.sqrt(next.load().productSquaredNorm(prev.load())) / loadedScale;
  } else {
    const { value, standardError } = estimateSquaredNorm(next.load(), prev.load());
    zeta = Math.sqrt(value) / loadedScale;
    // Delta method: sd(√X) ≈ sd(X) / (2√X).
    zetaError = value > 0 ? standardError / (2 * Math.sqrt(value) * loadedScale) : 0;
  }
  let zetaTop: number | null = null;
  if (options.zetaTop !== false) {
    const [a, b] = [prev.top(), next.top()];
    // An unresolved top vector (nearly equal top singular values, too close for the steps allowed) is
    // not the layer's top direction: its cosine would be a property of the method (docs/networks.md).
    if (tripletResolved(a) && tripletResolved(b)) zetaTop = Math.min(1, Math.abs(dot(b.right, a.left)));
  }
  return { zeta: zeta === null ? null : Math.min(1, zeta), zetaTop, zetaError };
}

/** x · 2^k, exactly (in two factors, each a float64, for |k| up to 2046) unless the result leaves float64's normal range. */
export function timesPowerOfTwo(x: number, k: number): number {
  const half = Math.trunc(k / 2);
  return x * 2 ** half * 2 ** (k - half);
}

/** ⟨A, B⟩ = Σ_ij A_ij B_ij of two matrices of one shape, in float64 on WebAssembly (‖W_{l+1}W_l‖² from the two Grams). */
function gramInner(a: WeightMatrix, b: WeightMatrix): number {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error(`measureNetwork: Gram matrices ${a.rows} × ${a.cols} and ${b.rows} × ${b.cols} of one pair differ in shape`);
  return innerProduct(a.data, b.data);
}

/** Which Gram of a layer its Lanczos runs on: the smaller of those given (null when none is). */
function gramSide(w: Pick<WeightMatrix, 'rows' | 'cols'>, grams: LayerGrams | undefined): 'outer' | 'inner' | null {
  return grams?.outer && (!grams.inner || w.rows <= w.cols) ? 'outer' : grams?.inner ? 'inner' : null;
}

/**
 * W's top singular triplet from its Gram G of 2^shift·W (`outer` 2^2k W Wᵀ or `inner` 2^2k WᵀW): G's
 * top eigenvector by Lanczos (`topEigenpair`) is W's top left (outer) or right (inner) singular vector,
 * whatever the shift; the other side follows by one product with W itself (float64), σ being its norm.
 * The residual is that of the side not made exact, ‖W·right − σ·left‖ (outer) or ‖Wᵀ·left − σ·right‖
 * (inner): G's Ritz residual times 2^−2k over σ, the Ritz value being 2^2k σ². Float32 Grams give the
 * vectors to about 10⁻⁷ over the relative gap (docs/networks.md). Null when G is not finite.
 */
function tripletFromGram(w: WeightMatrix, gram: WeightMatrix, side: 'outer' | 'inner', shift: number, start?: SingularTriplet): SingularTriplet | null {
  const { rows: r, cols: c } = w;
  const m = side === 'outer' ? r : c;
  if (gram.rows !== m || gram.cols !== m) throw new Error(`measureNetwork: the ${side} Gram of a ${r} × ${c} layer is ${gram.rows} × ${gram.cols}, not ${m} × ${m}`);
  const eigen = topEigenpair(gram, start && (side === 'outer' ? start.left : start.right));
  if (Number.isNaN(eigen.value)) return null;
  const known = eigen.vector;
  // The other side, Wᵀu (outer) or W v (inner), in float64 on WebAssembly.
  const other = matrixTimesVector(w.data, r, c, known, side === 'outer');
  const sigma = normalise(other);
  if (sigma === 0 || eigen.value === 0) return { sigma: 0, left: new Float64Array(r), right: new Float64Array(c), residual: 0, relativeGap: 1, steps: eigen.steps };
  // With other = Wᵀu/σ (outer), W·other − σu = (Gu − σ²u)/σ: G's Ritz residual over σ, as σ² is u's
  // Rayleigh quotient (likewise for inner).
  return { sigma, left: side === 'outer' ? known : other, right: side === 'outer' ? other : known, residual: timesPowerOfTwo(eigen.residual, -2 * shift) / sigma, relativeGap: eigen.relativeGap, steps: eigen.steps };
}

/** Σ d_i² in float64, on WebAssembly. */
function sumOfSquares(d: Float32Array | Float64Array): number {
  const { a2, exponent } = scaledSquaredNorms(d, d);
  return exponent ? timesPowerOfTwo(a2, exponent.a2) : a2;
}

// ---------------------------------------------------------------------------------------------
// Products

/**
 * The default products, in plain JavaScript with float64 accumulation and no copy of W. The exact
 * ‖B·A‖² pads B and Aᵀ to multiples of 3 rows and sums 3 × 3 blocks of dot products held in
 * registers (about 1.5–2 × 10⁹ multiply-adds per second here; a plain triple loop does 0.75).
 */
export const jsProducts: MatrixProducts = {
  load: (w) => new JsLoaded(w),
};

class JsLoaded implements LoadedMatrix {
  readonly rows: number;
  readonly cols: number;

  constructor(readonly w: WeightMatrix) {
    this.rows = w.rows;
    this.cols = w.cols;
  }

  times(x: WeightMatrix): WeightMatrix {
    const { rows: r, cols: c, data } = this.w;
    const k = x.cols;
    const out = new Float64Array(r * k);
    if (k === 1) multiplyVector(data, r, c, x.data, out);
    else {
      const xd = x.data;
      for (let i = 0; i < r; i++) {
        const o = i * k;
        for (let p = 0; p < c; p++) {
          const wip = data[i * c + p];
          if (wip === 0) continue;
          const xo = p * k;
          for (let t = 0; t < k; t++) out[o + t] += wip * xd[xo + t];
        }
      }
    }
    return { rows: r, cols: k, data: out };
  }

  transposeTimes(u: WeightMatrix): WeightMatrix {
    const { rows: r, cols: c, data } = this.w;
    const k = u.cols;
    const out = new Float64Array(c * k);
    if (k === 1) multiplyTransposedVector(data, r, c, u.data, out);
    else {
      const ud = u.data;
      for (let i = 0; i < r; i++) {
        const uo = i * k;
        for (let p = 0; p < c; p++) {
          const wip = data[i * c + p];
          if (wip === 0) continue;
          const o = p * k;
          for (let t = 0; t < k; t++) out[o + t] += wip * ud[uo + t];
        }
      }
    }
    return { rows: c, cols: k, data: out };
  }

  productSquaredNorm(other: LoadedMatrix): number {
    if (other instanceof TfjsLoaded) return squaredProduct(this.w, other.matrix); // this layer was too large for the backend
    if (!(other instanceof JsLoaded)) throw new Error('productSquaredNorm: both matrices must be loaded by the same products');
    return squaredProduct(this.w, other.w);
  }

  release(): void {}
}

/** ‖B·A‖²_F in float64, by blocked dot products of B's rows and A's columns (see jsProducts). */
function squaredProduct(b: WeightMatrix, a: WeightMatrix): number {
  const { rows: o, cols: m } = b;
  const n = a.cols;
  if (o === 0 || m === 0 || n === 0) return 0;
  const wide = b.data instanceof Float64Array || a.data instanceof Float64Array;
  // B padded to a multiple of 3 rows; Aᵀ (n × m, rows contiguous) padded likewise; zero rows add nothing.
  const bp = wide ? new Float64Array(roundUp3(o) * m) : new Float32Array(roundUp3(o) * m);
  bp.set(b.data);
  const at = wide ? new Float64Array(roundUp3(n) * m) : new Float32Array(roundUp3(n) * m);
  transposeInto(a.data, m, n, at);
  return blockedSquaredProduct(bp, roundUp3(o), at, roundUp3(n), m);
}

function roundUp3(x: number): number {
  return Math.ceil(x / 3) * 3;
}

/**
 * out (c × r) ← the transpose of a (r × c): eight rows at a time over strips of 256 columns, so that
 * each write of out fills eight consecutive entries (6 ms for 2048², ten times a 64 × 64 tiling here).
 */
function transposeInto(a: ArrayLike<number>, r: number, c: number, out: Float32Array | Float64Array): void {
  const T = 256;
  for (let j0 = 0; j0 < c; j0 += T) {
    const j1 = Math.min(c, j0 + T);
    let i = 0;
    for (; i + 7 < r; i += 8) {
      for (let j = j0; j < j1; j++) {
        const w = j * r + i;
        const s = i * c + j;
        out[w] = a[s];
        out[w + 1] = a[s + c];
        out[w + 2] = a[s + 2 * c];
        out[w + 3] = a[s + 3 * c];
        out[w + 4] = a[s + 4 * c];
        out[w + 5] = a[s + 5 * c];
        out[w + 6] = a[s + 6 * c];
        out[w + 7] = a[s + 7 * c];
      }
    }
    for (; i < r; i++) for (let j = j0; j < j1; j++) out[j * r + i] = a[i * c + j];
  }
}

/** Σ_ij (x_i · y_j)² over rows x_i of X (r × k) and y_j of Y (c × k); r and c multiples of 3. */
function blockedSquaredProduct(x: Float32Array | Float64Array, r: number, y: Float32Array | Float64Array, c: number, k: number): number {
  let total = 0;
  for (let i = 0; i < r; i += 3) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k; // prettier-ignore
    for (let j = 0; j < c; j += 3) {
      const b0 = j * k, b1 = b0 + k, b2 = b1 + k; // prettier-ignore
      let s00 = 0, s01 = 0, s02 = 0, s10 = 0, s11 = 0, s12 = 0, s20 = 0, s21 = 0, s22 = 0; // prettier-ignore
      for (let p = 0; p < k; p++) {
        const x0 = x[a0 + p], x1 = x[a1 + p], x2 = x[a2 + p]; // prettier-ignore
        const y0 = y[b0 + p], y1 = y[b1 + p], y2 = y[b2 + p]; // prettier-ignore
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
      }
      total += s00 * s00 + s01 * s01 + s02 * s02 + s10 * s10 + s11 * s11 + s12 * s12 + s20 * s20 + s21 * s21 + s22 * s22;
    }
  }
  return total;
}

/** Output entries of one TensorFlow.js product held at a time: larger ones are split by rows. */
const TFJS_PRODUCT_ENTRIES = 1 << 22;
/** Layers up to this many entries (4096²) also keep Wᵀ in the backend, so that Wᵀ·U too has the layer on the left. */
const TFJS_TRANSPOSE_ENTRIES = 1 << 24;
/**
 * Layers of at least this many entries (2²⁰) are on the left of their one-column products too: the
 * backend's packing of a 2048² layer at every product cost more than its slower single-column product
 * (a 784-256³-10 record's Lanczos runs were 25% slower with its small layers on the left).
 */
const LEFT_ENTRIES = 1 << 20;
/** Larger layers stay in JavaScript: the backend would hold W, Wᵀ and a packed copy of each (4 × 4 bytes per entry). */
const TFJS_MAX_ENTRIES = 1 << 26;

/**
 * Products on a TensorFlow.js backend that is already set and ready (e.g. `tf.setBackend('wasm')`,
 * `await tf.ready()`), in float32. Only plain products (the WebAssembly backend's transposed ones are
 * 10–15× slower), with the layer on the left: W·X, and Wᵀ·U with Wᵀ transposed once here (for layers up
 * to 4096²; above, as (Uᵀ·W)ᵀ) — the backend packs its right operand at every product, and a thin one
 * packs in no time where a 2048² layer took 36 ms a product (docs/networks.md, "Products"). Squares
 * are summed in float64 here. Layers above 2²⁶ entries are left to the JavaScript kernels. `release`
 * frees the tensors. `limits` changes the two sizes (tests).
 */
export function tfjsProducts(tf: typeof tfc, limits: { transposeEntries?: number; maxEntries?: number } = {}): MatrixProducts {
  const sizes = { transposeEntries: limits.transposeEntries ?? TFJS_TRANSPOSE_ENTRIES, maxEntries: limits.maxEntries ?? TFJS_MAX_ENTRIES };
  return { load: (w) => (w.rows * w.cols > sizes.maxEntries ? new JsLoaded(w) : new TfjsLoaded(tf, w, sizes.transposeEntries)) };
}

class TfjsLoaded implements LoadedMatrix {
  readonly rows: number;
  readonly cols: number;
  private readonly w: tfc.Tensor2D;
  private wt: tfc.Tensor2D | null = null;

  constructor(
    private readonly tf: typeof tfc,
    readonly matrix: WeightMatrix,
    private readonly transposeEntries: number,
  ) {
    this.rows = matrix.rows;
    this.cols = matrix.cols;
    this.w = tf.tensor2d(float32(matrix.data), [matrix.rows, matrix.cols]);
  }

  times(x: WeightMatrix): WeightMatrix {
    const { tf, rows: r, cols: c } = this;
    const k = x.cols;
    // The layer on the left (the backend packs its right operand at every product: here the thin X) —
    // but for one column of a layer below LEFT_ENTRIES, where its single-column product is the slower.
    if (k > 1 || r * c >= LEFT_ENTRIES || r * c > this.transposeEntries) return this.read(tf.tidy(() => tf.matMul(this.w, tf.tensor2d(float32(x.data), [c, k]))), r, k);
    // (xᵀ Wᵀ)ᵀ; Wᵀ made outside the tidy, which would dispose it.
    const wt = this.transposedW();
    return transposed(this.read(tf.tidy(() => tf.matMul(tf.tensor2d(transposedData(x), [k, c]), wt)), k, r));
  }

  transposeTimes(u: WeightMatrix): WeightMatrix {
    const { tf, rows: r, cols: c } = this;
    const k = u.cols;
    // Wᵀ on the left, as W in `times`; (Uᵀ W)ᵀ for one column of a small layer, and for layers too large to copy.
    if ((k > 1 || r * c >= LEFT_ENTRIES) && r * c <= this.transposeEntries) {
      const wt = this.transposedW();
      return this.read(tf.tidy(() => tf.matMul(wt, tf.tensor2d(float32(u.data), [r, k]))), c, k);
    }
    return transposed(this.read(tf.tidy(() => tf.matMul(tf.tensor2d(transposedData(u), [k, r]), this.w)), k, c));
  }

  /** Wᵀ in the backend, transposed once here (call it outside `tf.tidy`: the tensor is kept). */
  private transposedW(): tfc.Tensor2D {
    if (!this.wt) {
      const { rows: r, cols: c } = this;
      const t = new Float32Array(r * c);
      transposeInto(this.matrix.data, r, c, t);
      this.wt = this.tf.tensor2d(t, [c, r]);
    }
    return this.wt;
  }

  productSquaredNorm(other: LoadedMatrix): number {
    if (other instanceof JsLoaded) return squaredProduct(this.matrix, other.w); // a layer too large for the backend
    if (!(other instanceof TfjsLoaded)) throw new Error('productSquaredNorm: both matrices must be loaded by the same products');
    const { tf, rows: o, cols: m } = this;
    const n = other.cols;
    if (o === 0 || m === 0 || n === 0) return 0;
    const step = Math.max(1, Math.floor(TFJS_PRODUCT_ENTRIES / n));
    let total = 0;
    for (let from = 0; from < o; from += step) {
      const rows = Math.min(step, o - from);
      const product = tf.tidy(() => tf.matMul(rows === o ? this.w : tf.slice(this.w, [from, 0], [rows, m]), other.w));
      total += sumOfSquares(this.read(product, rows, n).data);
    }
    return total;
  }

  release(): void {
    this.w.dispose();
    this.wt?.dispose();
    this.wt = null;
  }

  /** The values of `t` (then disposed) as a rows × cols matrix. */
  private read(t: tfc.Tensor, rows: number, cols: number): WeightMatrix {
    try {
      return { rows, cols, data: t.dataSync() as Float32Array };
    } finally {
      t.dispose();
    }
  }
}

function float32(d: Float32Array | Float64Array): Float32Array {
  return d instanceof Float32Array ? d : Float32Array.from(d);
}

/** The data of Xᵀ (a k-column matrix: no copy when k = 1). */
function transposedData(x: WeightMatrix): Float32Array {
  if (x.cols === 1) return float32(x.data);
  const out = new Float32Array(x.rows * x.cols);
  transposeInto(x.data, x.rows, x.cols, out);
  return out;
}

function transposed(x: WeightMatrix): WeightMatrix {
  if (x.rows === 1 || x.cols === 1) return { rows: x.cols, cols: x.rows, data: x.data };
  const out = new Float32Array(x.rows * x.cols);
  transposeInto(x.data, x.rows, x.cols, out);
  return { rows: x.cols, cols: x.rows, data: out };
}

// ---------------------------------------------------------------------------------------------
// ζ of large pairs: Hutch++ (Meyer, Musco, Musco & Woodruff 2021) for ‖M‖_F² with M = B·A

/**
 * ‖B·A‖_F² estimated from s + g fixed Rademacher probes Ω = [S G] (docs/networks.md, "Layer
 * metrics"): with Q an orthonormal basis of M·S, ‖M‖² = ‖QᵀM‖² + ‖(I − QQᵀ)M‖², the first term exact,
 * the second by Hutchinson over M·G. The probes are the same for every call (seeded), so successive
 * steps of a run share their errors and curves stay smooth. Returns the estimate and its standard error
 * (the sample deviation of the g probe terms over √g). Cost (2s + g)(m·n + o·m) multiply-adds.
 */
export function estimateProductSquaredNorm(b: WeightMatrix, a: WeightMatrix, products: MatrixProducts = jsProducts): { value: number; standardError: number } {
  const lb = products.load(b);
  try {
    const la = products.load(a);
    try {
      return estimateSquaredNorm(lb, la);
    } finally {
      la.release();
    }
  } finally {
    lb.release();
  }
}

function estimateSquaredNorm(b: LoadedMatrix, a: LoadedMatrix): { value: number; standardError: number } {
  const n = a.cols;
  const o = b.rows;
  const s = Math.min(HUTCH_SKETCH, n, o);
  const g = HUTCH_PROBES;
  const omega = new Float32Array(n * (s + g));
  const random = seededUniform(0x5eed);
  for (let i = 0; i < omega.length; i++) omega[i] = random() < 0.5 ? -1 : 1;
  const y = b.times(a.times({ rows: n, cols: s + g, data: omega })); // o × (s + g)
  const basis = orthonormalColumns(y, 0, s); // Q, as o-vectors
  // ‖QᵀBA‖² = ‖Aᵀ(BᵀQ)‖².
  let exact = 0;
  if (basis.length > 0) {
    const q = new Float64Array(o * basis.length);
    basis.forEach((column, t) => column.forEach((v, i) => (q[i * basis.length + t] = v)));
    exact = sumOfSquares(a.transposeTimes(b.transposeTimes({ rows: o, cols: basis.length, data: q })).data);
  }
  // ‖(I − QQᵀ) M g‖² for each probe g.
  const terms: number[] = [];
  const z = new Float64Array(o);
  for (let t = s; t < s + g; t++) {
    for (let i = 0; i < o; i++) z[i] = y.data[i * (s + g) + t];
    for (let pass = 0; pass < 2; pass++) for (const column of basis) axpy(-dot(column, z), column, z);
    terms.push(dot(z, z));
  }
  const mean = terms.reduce((x, v) => x + v, 0) / g;
  const variance = terms.reduce((x, v) => x + (v - mean) * (v - mean), 0) / (g - 1);
  return { value: exact + mean, standardError: Math.sqrt(variance / g) };
}

/** An orthonormal basis of columns [from, from + count) of `y` (Gram–Schmidt, twice), dependent columns dropped. */
function orthonormalColumns(y: WeightMatrix, from: number, count: number): Float64Array[] {
  const basis: Float64Array[] = [];
  let largest = 0;
  for (let t = from; t < from + count; t++) {
    const v = new Float64Array(y.rows);
    for (let i = 0; i < y.rows; i++) v[i] = y.data[i * y.cols + t];
    largest = Math.max(largest, Math.sqrt(dot(v, v)));
    reorthogonalise(v, basis);
    const after = normalise(v);
    if (after > 1e-6 * largest) basis.push(v);
  }
  return basis;
}

// ---------------------------------------------------------------------------------------------
// Top singular triplet: Golub–Kahan–Lanczos bidiagonalisation with full reorthogonalisation

/**
 * The top singular triplet of W by k steps of Golub–Kahan–Lanczos (A V_k = U_k B_k with B_k upper
 * bidiagonal), full reorthogonalisation of both bases, stopping when the Ritz residual β_k |x_k| is at
 * most `tolerance`·σ, or after `maxSteps` when given; by default at `lanczosSteps` once resolved
 * (`tripletResolved`), else at min(rows, cols, `LANCZOS_MAX_STEPS`). A is W, or Wᵀ when W is wider than
 * tall, so that V lives on the smaller side: k = min(rows, cols) steps exhaust it and the result is
 * exact to rounding. Cost 2·rows·cols per step. `start` (an earlier triplet of a matrix of the same
 * shape, e.g. the previous step's) replaces the fixed pseudo-random start vector; as in `topEigenpair`,
 * 10⁻² of that is mixed into it, so that a start that is a lower singular vector still leads to the
 * top one. A zero matrix gives σ = 0 and zero vectors.
 */
export function topSingularTriplet(w: WeightMatrix, options: { start?: SingularTriplet; maxSteps?: number; tolerance?: number; products?: MatrixProducts } = {}): SingularTriplet {
  const loaded = (options.products ?? jsProducts).load(w);
  try {
    return lanczos(loaded, { ...options, squaredNorm: frobeniusNorm(w) ** 2 });
  } finally {
    loaded.release();
  }
}

/**
 * `topSingularTriplet` on a loaded matrix; `squaredNorm` is its ‖W‖_F² (of the loaded copy), which
 * bounds what a second copy of the top value outside a nearly invariant Krylov space can be (`PRODUCTS_BREAKDOWN`).
 */
function lanczos(w: LoadedMatrix, options: { start?: SingularTriplet; maxSteps?: number; tolerance?: number; squaredNorm: number }): SingularTriplet {
  const { rows: r, cols: c } = w;
  // The budget's cap, and how far an unresolved run may go past it (not past a cap given by the caller).
  const budgetSteps = Math.max(1, Math.min(r, c, options.maxSteps ?? lanczosSteps(r, c)));
  const maxSteps = options.maxSteps === undefined ? Math.max(budgetSteps, Math.min(r, c, LANCZOS_MAX_STEPS)) : budgetSteps;
  const tolerance = options.tolerance ?? LANCZOS_TOLERANCE;
  const zero = { sigma: 0, left: new Float64Array(r), right: new Float64Array(c), residual: 0, relativeGap: 1, steps: 0 };
  if (r === 0 || c === 0) return zero;
  // A = W (n = c inputs, m = r outputs) or Wᵀ, whichever has fewer inputs.
  const transposed = r < c;
  const n = transposed ? r : c;
  const m = transposed ? c : r;
  const apply = (x: Float64Array, out: Float64Array, adjoint: boolean) => {
    const vector = { rows: x.length, cols: 1, data: x };
    out.set((transposed !== adjoint ? w.transposeTimes(vector) : w.times(vector)).data);
  };
  const given = options.start && (transposed ? options.start.left : options.start.right);
  const us: Float64Array[] = [];
  const vs: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let v = startVector(n, given, WARM_START_MIX);
  vs.push(v);
  let top: { theta: number; x: Float64Array; y: Float64Array; gap: () => number } = { theta: 0, x: new Float64Array(0), y: new Float64Array(0), gap: () => 1 };
  let residual = 0;
  // After a breakdown (`LANCZOS_BREAKDOWN`): where the second block starts, and the coupling dropped there.
  let block = 0;
  let dropped = 0;
  let restarted = false;
  // What AᵀA's eigenvalues outside span(v_0 … v_j) sum to: ‖A‖_F² − Σ‖A v_i‖², ‖A v_i‖² = α_i² + β_{i−1}².
  // A second copy of the top value needs at least θ² of it, so a layer of low rank plus rounding noise
  // (nothing left) stops as before, without steps on the noise.
  const unseen = (j: number): number => {
    let t = options.squaredNorm;
    for (let i = 0; i <= j; i++) t -= alpha[i] ** 2 + (i > 0 ? beta[i - 1] ** 2 : 0);
    return t;
  };
  for (let j = 0; j < maxSteps; j++) {
    const p = new Float64Array(m);
    apply(v, p, false);
    if (j > 0) axpy(-beta[j - 1], us[j - 1], p);
    reorthogonalise(p, us);
    let a = normalise(p);
    if (a === 0 && j === 0) {
      // The start lies in A's null space: start from each input axis in turn until A keeps one.
      for (let axis = 0; axis < n && a === 0; axis++) {
        v.fill(0);
        v[axis] = 1;
        apply(v, p, false);
        a = normalise(p);
      }
      if (a === 0) return zero;
    } else if (a <= PRODUCTS_ROUNDING * top.theta) {
      // A v_j lies in span(u_1…u_{j−1}) (e.g. A of rank < j; to float32 products' accuracy, α_j 10⁻⁷·σ
      // where diag(3, 3, 0, 0) has 0): α_j = 0 and any new direction continues
      // the recurrence, so that B keeps the coupling β_{j−1} between v_j and u_{j−1}. v_0 … v_j then span
      // an invariant subspace of AᵀA (a breakdown, `LANCZOS_BREAKDOWN`): what follows is a second block,
      // from the new direction, which runs until its own top has converged.
      a = 0;
      if (block === 0) block = j;
      const random = seededUniform(0x3c6e + j);
      for (let i = 0; i < m; i++) p[i] = 2 * random() - 1;
      reorthogonalise(p, us);
      normalise(p);
    }
    us.push(p);
    alpha.push(a);
    const q = new Float64Array(n);
    apply(p, q, true);
    axpy(-a, v, q);
    reorthogonalise(q, vs);
    const b = j + 1 === n ? 0 : normalise(q); // once V spans R^n, what is left of q is rounding
    beta.push(b);
    top = topOfBidiagonal(alpha, beta);
    residual = b * Math.abs(top.x[top.x.length - 1]);
    if (block > 0) {
      // The second block runs until its own top Ritz pair has converged (or breaks down in turn), as in
      // `topEigenpair` — after two steps at least, as the first: one step's residual says nothing of a
      // value it barely holds (diag(1, 1, 0.999999) read its 1 and 0.9999995 apart, resolved).
      // A block begun on a near-breakdown (`PRODUCTS_BREAKDOWN`) that breaks down itself may still hide
      // a copy: the restart below, which no block before has used.
      const own = topOfBidiagonal(alpha.slice(block), beta.slice(block));
      const broke = b <= LANCZOS_BREAKDOWN * top.theta;
      if (!(broke && !restarted) && (broke || (own.theta > 0 && j > block && b * Math.abs(own.x[own.x.length - 1]) <= tolerance * top.theta) || j + 1 === maxSteps)) break;
      if (!broke) {
        v = q;
        vs.push(v);
        continue;
      }
    }
    if (b <= LANCZOS_BREAKDOWN * top.theta && j + 1 < maxSteps && top.theta > 0) {
      restarted = true;
      // Breakdown: v_0 … v_j span an invariant subspace of AᵀA, which sees a repeated top singular value
      // once; go on from a new start orthogonal to it, B block diagonal (β_j = 0), as in `topEigenpair`.
      const fresh = seededUniform(0x5b1d);
      for (let i = 0; i < n; i++) q[i] = 2 * fresh() - 1;
      reorthogonalise(q, vs);
      if (!(normalise(q) > 1e-8)) break; // the space is full to rounding
      dropped = b;
      beta[j] = 0;
      block = j + 1;
      v = q;
      vs.push(v);
      continue;
    }
    // At least two steps before the tolerance may stop the run: one step's residual says nothing of a
    // larger singular value the start barely holds (a warm start on what is now the second vector).
    // A space invariant but for rounding or a near-tie (`PRODUCTS_BREAKDOWN`), with mass outside it for a
    // second copy of the top value: not converged, whatever the residual says. The run goes on with the
    // computed q (rounding noise, or the near-tie's other vector) and its coupling, which explore what
    // lies outside; a second copy found there makes the gap small. Float32 products stopped here on
    // the residual (β 10⁻⁸·σ): diag(1, 1, 0.5) read a gap of 0.75 and ζ_top the start vector's value.
    // What follows is run as a second block (its coupling β_j kept) until its own top has converged: a
    // step or two into it, the whole B's top is still the first block's, its residual as small as β_j.
    const hidden = b <= PRODUCTS_BREAKDOWN * top.theta && b > 0 && unseen(j) >= (1 - 1e-3) * top.theta ** 2;
    if (hidden && j + 1 < maxSteps) {
      block = j + 1;
      v = q;
      vs.push(v);
      continue;
    }
    if (b === 0 || (j > 0 && residual <= tolerance * top.theta) || j + 1 === maxSteps) break;
    if (j + 1 >= budgetSteps && tripletResolved({ sigma: top.theta, residual, relativeGap: top.gap() })) break;
    v = q;
    vs.push(v);
  }
  const outputs = new Float64Array(m);
  const inputs = new Float64Array(n);
  for (let i = 0; i < alpha.length; i++) {
    axpy(top.x[i], us[i], outputs);
    axpy(top.y[i], vs[i], inputs);
  }
  normalise(outputs);
  normalise(inputs);
  if (block > 0) residual += dropped * Math.abs(top.x[block - 1]);
  return { sigma: top.theta, left: transposed ? inputs : outputs, right: transposed ? outputs : inputs, residual, relativeGap: top.gap(), steps: alpha.length };
}

/** The top eigenvalue of a symmetric matrix, its unit eigenvector, the Ritz residual, the relative gap to the second Ritz value and the Lanczos steps taken. */
export interface Eigenpair {
  value: number;
  vector: Float64Array;
  residual: number;
  /** (λ₁ − θ₂)/λ₁, θ₂ the tridiagonal's second eigenvalue (`SingularTriplet.relativeGap`). */
  relativeGap: number;
  steps: number;
}

/**
 * The top eigenpair of a symmetric positive semidefinite G (m × m, e.g. a Gram matrix) by symmetric
 * Lanczos with full reorthogonalisation (a second pass where the first cancelled much): one product G·q
 * per step (Golub–Kahan on G would take two for the same Krylov space of W Wᵀ), the tridiagonal's top
 * eigenpair by bisection and inverse iteration, stopping when the Ritz residual β_k |y_k| is at most
 * `tolerance`·λ or after min(m, 2·LANCZOS_MAX_STEPS) steps. `start` (e.g. the previous record's vector)
 * replaces the fixed pseudo-random start; 10⁻² of that is mixed into it, so that a start that is an
 * eigenvector of a lower eigenvalue still leads to the top one. A zero G gives λ = 0 and a zero vector;
 * a G with an entry that is not finite gives λ = NaN (its first product G·q is not finite). The
 * products and Gram–Schmidt passes run in float64 on WebAssembly (math/kernels.ts), on a copy of G
 * (float32 when G is: its entries are taken to float64 in the product) and the Lanczos vectors:
 * (m + min(m, 128) + 1)·m·8 bytes for a float64 G, 9 MB for m = 1024, and m²·4 bytes less for a float32
 * one; a G too large for WebAssembly's memory (m above about 23,000) is a RangeError.
 */
export function topEigenpair(g: WeightMatrix, start?: Float64Array, tolerance = LANCZOS_TOLERANCE): Eigenpair {
  const m = g.rows;
  if (g.cols !== m) throw new Error(`topEigenpair: a ${g.rows} × ${g.cols} matrix is not square`);
  const maxSteps = Math.min(m, 2 * LANCZOS_MAX_STEPS);
  // The kernels' memory (math/kernels.ts), in float64 entries: G, then the Lanczos vectors q_0 … q_maxSteps
  // one after another, the Gram–Schmidt coefficients (maxSteps, and a step's β after them), the
  // tridiagonal's eigenvector, the result, and the tridiagonal itself (LanczosTridiagonal, 5·maxSteps):
  // all reserved at once, so that the memory does not grow (and move) during the run.
  // A float32 G (ONNX Runtime's Grams) is kept as float32, half the memory (a fresh page costs up to 20 µs
  // here: docs/networks.md, "Speed"), and its product is the same to the bit (`matvecF32`).
  const k = kernels();
  const single = g.data instanceof Float32Array;
  const Q = single ? Math.ceil((m * m) / 2) : m * m;
  const C = Q + (maxSteps + 1) * m;
  const Y = C + maxSteps + 1;
  const V = Y + maxSteps;
  const T = V + m;
  const mem = k.reserve(T + 5 * maxSteps);
  const tridiagonal = new LanczosTridiagonal(mem, T, maxSteps);
  const { alpha, beta } = tridiagonal;
  const { dot, divide, orthogonalise, combine, lanczosStep } = k.exports;
  if (single) k.float32().set(g.data, 0);
  else mem.set(g.data, 0);
  mem.set(startVector(m, start, WARM_START_MIX), Q);
  const q = (j: number) => 8 * (Q + j * m);
  let top: { lambda: number; y: Float64Array } = { lambda: 0, y: new Float64Array(0) };
  let residual = 0;
  // After a breakdown (`LANCZOS_BREAKDOWN`): where the second block starts, and the coupling dropped there.
  let block = 0;
  let dropped = 0;
  // What G's eigenvalues outside the invariant subspace of steps 0 … j sum to, trace G − Σα (G ⪰ 0): a
  // second copy of the top value needs at least that much, so a run on a layer of low rank (rank one:
  // nothing left) stops at its breakdown, as before, without a step on the null space.
  const unseenTrace = (j: number): number => {
    let t = 0;
    for (let i = 0; i < m; i++) t += g.data[i * m + i];
    for (let i = 0; i <= j; i++) t -= alpha[i];
    return t;
  };
  for (let j = 0; j < maxSteps; j++) {
    // The next vector is made in place: w = G q_j − α_j q_j − β_{j−1} q_{j−1}, orthogonalised against
    // q_0 … q_j (a second pass only when the first removed more than 30% of w's norm: the
    // Daniel–Gragg–Kaufman–Stewart test; in a Lanczos step w is nearly orthogonal already), normalised —
    // in one call (kernels.wat's `lanczosStep`), β into the coefficients' spare last entry.
    const w = q(j + 1);
    const a = lanczosStep(0, single ? 1 : 0, m, q(0), j, j > 0 ? beta[j - 1] : 0, 8 * C, j + 1 === m ? 1 : 0, 8 * (C + maxSteps));
    if (!Number.isFinite(a)) return { value: NaN, vector: new Float64Array(m).fill(NaN), residual: NaN, relativeGap: 0, steps: j + 1 };
    const b = mem[C + maxSteps];
    tridiagonal.push(a, b);
    // λ_j lies in [λ_{j−1}, max(λ_{j−1}, α_j) + |β_{j−1}|] (interlacing, and Weyl's inequality for T_j as
    // T_{j−1} ⊕ α_j plus the coupling β_{j−1}); the search only needs λ_j and y's last entry roughly.
    const bracket = j > 0 ? { lo: top.lambda - RITZ_SEARCH * Math.abs(top.lambda), hi: Math.max(top.lambda, a) + Math.abs(beta[j - 1]) } : undefined;
    top = tridiagonal.top(RITZ_SEARCH, bracket);
    residual = b * Math.abs(top.y[top.y.length - 1]);
    if (block > 0) {
      // The second block runs until its own top Ritz pair has converged (or it breaks down in turn): the
      // whole T's top lies in the first block, whose last y entry makes `residual` 0 from the start.
      const own = tridiagonal.blockTop(block, RITZ_SEARCH);
      if (b <= LANCZOS_BREAKDOWN * top.lambda || (own.lambda > 0 && b * Math.abs(own.y[own.y.length - 1]) <= tolerance * top.lambda) || j + 1 === maxSteps) break;
      continue;
    }
    if (b <= LANCZOS_BREAKDOWN * top.lambda && j + 1 < maxSteps && top.lambda > 0 && unseenTrace(j) >= (1 - 1e-3) * top.lambda) {
      // Breakdown: q_0 … q_j span an invariant subspace, which holds each eigenvalue once, so a repeated
      // top value would go unseen (the gap taken to the next distinct one). Go on from a new start
      // orthogonal to it, T block diagonal (β_j = 0): a repeated top value is then the top of both blocks.
      const fresh = seededUniform(0x5b1d);
      for (let i = 0; i < m; i++) mem[(w >> 3) + i] = 2 * fresh() - 1;
      for (let pass = 0; pass < 2; pass++) orthogonalise(q(0), j + 1, m, w, 8 * C);
      const norm = Math.sqrt(dot(w, w, m));
      if (!(norm > 1e-8)) break; // the space is full to rounding
      divide(w, m, norm);
      dropped = b;
      tridiagonal.cut(j);
      block = j + 1;
      continue;
    }
    if (b === 0 || (j > 0 && residual <= tolerance * top.lambda) || j + 1 === maxSteps) break;
  }
  const steps = alpha.length;
  // The last step's λ (known within RITZ_SEARCH above it) and y, to float64's accuracy.
  top = tridiagonal.top(FLOAT64_BISECTION, { lo: top.lambda - 2 * RITZ_SEARCH * Math.abs(top.lambda), hi: top.lambda });
  residual = beta[steps - 1] * Math.abs(top.y[steps - 1]) + (block > 0 ? dropped * Math.abs(top.y[block - 1]) : 0);
  if (!(top.lambda > 0)) {
    // The start met only G's null space (or G = 0): start again from the axis of the largest diagonal entry.
    let best = -1;
    for (let i = 0; i < m; i++) if (g.data[i * m + i] > 0 && (best < 0 || g.data[i * m + i] > g.data[best * m + best])) best = i;
    if (best < 0 || start?.[best] === 1) return { value: 0, vector: new Float64Array(m), residual: 0, relativeGap: 1, steps };
    const axis = new Float64Array(m);
    axis[best] = 1;
    return topEigenpair(g, axis, tolerance);
  }
  mem.set(top.y, Y);
  combine(q(0), steps, m, 8 * Y, 8 * V);
  const vector = mem.slice(V, V + m);
  normalise(vector);
  return { value: top.lambda, vector, residual, relativeGap: tridiagonal.relativeGap(top.lambda), steps };
}

/** The bisection's relative width for float64's accuracy (λ known to about 2 units in the last place). */
const FLOAT64_BISECTION = 4e-16;
/**
 * The bisection's relative width while Lanczos runs: each step needs λ and y's last entry only for its
 * stopping test (y's error is about this over the relative gap), and the last step is refined to
 * FLOAT64_BISECTION. With the bracket of interlacing and Weyl's inequality (width about |β|), a step
 * takes about 30 halvings instead of 52 (a fresh epoch's tridiagonal work: 1.7 → 1.2 ms).
 */
const RITZ_SEARCH = 1e-9;

/**
 * The tridiagonal T of a `topEigenpair` run (diagonal α, off-diagonal β_0 … β_{k−2}; β_{k−1} is the
 * coupling to the next Lanczos vector, kept for the residual), held in the kernels' memory as it grows
 * — α from float64 entry `base` on, β from base + capacity, the eigenvector and scratch of
 * `tridiagonalTop` after them: 5·capacity entries — with its Gershgorin bound kept row by row. A step's
 * Ritz value then costs no pass over T in JavaScript, whose first calls in a process run in V8's
 * interpreter (docs/networks.md, "Speed"); the values are those of a pass over T, to the bit.
 */
class LanczosTridiagonal {
  /** α_0 … α_{k−1} and β_0 … β_{k−1}, as in the memory. */
  readonly alpha: number[] = [];
  readonly beta: number[] = [];
  /** max over the rows i < k − 1 of α_i + |β_{i−1}| + |β_i| (Gershgorin's upper bound of those rows), and max_i α_i. */
  private rowsBound = -Infinity;
  private largestAlpha = -Infinity;

  constructor(private readonly mem: Float64Array, private readonly base: number, private readonly capacity: number) {}

  /** Adds row k: α_k = a, and β_k = b, its coupling to the next vector (k < capacity). */
  push(a: number, b: number): void {
    const k = this.alpha.length;
    if (k >= this.capacity) throw new Error(`LanczosTridiagonal: more than ${this.capacity} rows`);
    // Row k − 1 is an inner row from now on: its bound gains |β_{k−1}|, final by now (`cut` comes before the next row).
    if (k > 0) this.rowsBound = Math.max(this.rowsBound, this.alpha[k - 1] + (k > 1 ? Math.abs(this.beta[k - 2]) : 0) + Math.abs(this.beta[k - 1]));
    this.largestAlpha = Math.max(this.largestAlpha, a);
    this.alpha.push(a);
    this.beta.push(b);
    this.mem[this.base + k] = a;
    this.mem[this.base + this.capacity + k] = b;
  }

  /** β_j = 0: T splits into two blocks after row j (a Lanczos breakdown). */
  cut(j: number): void {
    this.beta[j] = 0;
    this.mem[this.base + this.capacity + j] = 0;
  }

  /**
   * The top eigenvalue λ of T and its unit eigenvector y: bisection on Sturm counts to `tolerance`
   * relative, then inverse iteration (kernels.wat's `tridiagonalTop`), in Gershgorin's bounds and
   * max_i α_i ≤ λ, narrowed to `bracket` (an interval known to hold λ) when given.
   */
  top(tolerance: number, bracket?: { lo: number; hi: number }): { lambda: number; y: Float64Array } {
    const k = this.alpha.length;
    let hi = Math.max(this.rowsBound, this.alpha[k - 1] + (k > 1 ? Math.abs(this.beta[k - 2]) : 0) + 0);
    let lo = this.largestAlpha;
    if (!(hi > 0)) return { lambda: 0, y: new Float64Array(k) };
    if (bracket) {
      lo = Math.max(lo, bracket.lo);
      hi = Math.max(lo, Math.min(hi, bracket.hi));
    }
    return this.solve(0, k, Math.max(0, lo), hi, tolerance);
  }

  /** `top` of the block of rows `from` … k − 1 alone (the run's second block, after a `cut` at from − 1). */
  blockTop(from: number, tolerance: number): { lambda: number; y: Float64Array } {
    const k = this.alpha.length - from;
    let hi = -Infinity;
    let lo = -Infinity;
    for (let i = 0; i < k; i++) {
      hi = Math.max(hi, this.alpha[from + i] + (i > 0 ? Math.abs(this.beta[from + i - 1]) : 0) + (i + 1 < k ? Math.abs(this.beta[from + i]) : 0));
      lo = Math.max(lo, this.alpha[from + i]);
    }
    if (!(hi > 0)) return { lambda: 0, y: new Float64Array(k) };
    return this.solve(from, k, Math.max(0, lo), hi, tolerance);
  }

  /** (λ₁ − λ₂)/λ₁ for T, whose top eigenvalue λ₁ is given (kernels.wat's `tridiagonalGap`; 1 for one row or λ₁ ≤ 0). */
  relativeGap(top: number): number {
    const k = this.alpha.length;
    if (k < 2 || !(top > 0)) return 1;
    return kernels().exports.tridiagonalGap(8 * this.base, 8 * (this.base + this.capacity), k, top);
  }

  private solve(from: number, k: number, lo: number, hi: number, tolerance: number): { lambda: number; y: Float64Array } {
    const { base, capacity } = this;
    const Y = base + 2 * capacity;
    const lambda = kernels().exports.tridiagonalTop(8 * (base + from), 8 * (base + capacity + from), k, lo, hi, tolerance, 8 * Y, 8 * (Y + capacity));
    return { lambda, y: this.mem.slice(Y, Y + k) };
  }
}

/**
 * The top eigenvalue λ of the symmetric tridiagonal with diagonal `diag` (k entries) and off-diagonal
 * `off` (its first k − 1 entries), known to lie in [lo, hi], and its unit eigenvector y, on WebAssembly
 * (kernels.wat's `tridiagonalTop`): bisection on Sturm counts to `tolerance` of hi (FLOAT64_BISECTION by
 * default), then three steps of inverse iteration on T − λ(1 + 10⁻¹²)I (shifted just past λ so the
 * solve is well posed). Works in the kernels' memory from float64 entry `base` on (5k entries).
 */
function topByBisection(diag: ArrayLike<number>, off: ArrayLike<number>, lo: number, hi: number, base = 0, tolerance = FLOAT64_BISECTION): { lambda: number; y: Float64Array } {
  const k = diag.length;
  const kern = kernels();
  const [D, E, Y, S] = [base, base + k, base + 2 * k, base + 3 * k];
  const mem = kern.reserve(S + 2 * k);
  for (let i = 0; i < k; i++) mem[D + i] = diag[i];
  for (let i = 0; i + 1 < k; i++) mem[E + i] = off[i];
  const lambda = kern.exports.tridiagonalTop(8 * D, 8 * E, k, lo, hi, tolerance, 8 * Y, 8 * S);
  return { lambda, y: mem.slice(Y, Y + k) };
}

/**
 * How much of the fixed pseudo-random vector a given start is mixed with (relative to its length): enough
 * that a start on what is now a lower singular vector holds the new top one by about 10⁻²/√n, whose part
 * of the residual, that times the relative gap, keeps the run going past the 10⁻⁶ tolerance for gaps
 * above about 10⁻⁴·√n (docs/networks.md). At 10⁻⁵ (until 2026-12-03) a layer whose top two values swapped
 * between two checkpoints stopped after two steps on the old top vector: ζ_top 1 where the truth was 0.
 * A layer that moved by 10⁻⁴ of its scale takes 16 steps instead of 10 from it; one that moved 5 %, 23 either way.
 */
const WARM_START_MIX = 1e-2;

/**
 * A unit start vector: the given one if it is usable — with `mix` times the fixed pseudo-random vector
 * added, when asked — else fixed pseudo-random entries in [−1, 1).
 */
function startVector(n: number, given?: Float64Array, mix = 0): Float64Array {
  const v = new Float64Array(n);
  const random = seededUniform(0x1a2c);
  if (given && given.length === n) {
    v.set(given);
    if (v.every(Number.isFinite) && normalise(v) > 0) {
      if (mix > 0) {
        const scale = mix / Math.sqrt(n / 3); // the random entries' root mean square is 1/√3
        for (let i = 0; i < n; i++) v[i] += scale * (2 * random() - 1);
        normalise(v);
      }
      return v;
    }
  }
  for (let i = 0; i < n; i++) v[i] = 2 * random() - 1;
  normalise(v);
  return v;
}

/**
 * The top singular value θ of the k × k upper bidiagonal B (diagonal α, superdiagonal β_0…β_{k−2})
 * with B y = θ x: θ² is the top eigenvalue of the tridiagonal T = BᵀB, found by bisection on Sturm
 * counts, y by inverse iteration, x = B y / θ; `gap()` the relative gap of θ² to the second eigenvalue of T
 * (`relativeGapOfTridiagonal`), computed only when asked.
 */
function topOfBidiagonal(alpha: readonly number[], beta: readonly number[]): { theta: number; x: Float64Array; y: Float64Array; gap: () => number } {
  const k = alpha.length;
  const diag = new Float64Array(k);
  const off = new Float64Array(Math.max(0, k - 1)); // T_{i,i+1}
  for (let i = 0; i < k; i++) diag[i] = alpha[i] * alpha[i] + (i > 0 ? beta[i - 1] * beta[i - 1] : 0);
  for (let i = 0; i + 1 < k; i++) off[i] = alpha[i] * beta[i];
  // Gershgorin bounds, then bisection for the largest eigenvalue λ: count(λ) = #eigenvalues < λ.
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < k; i++) hi = Math.max(hi, diag[i] + (i > 0 ? Math.abs(off[i - 1]) : 0) + (i + 1 < k ? Math.abs(off[i]) : 0));
  if (hi === 0) return { theta: 0, x: new Float64Array(k), y: new Float64Array(k), gap: () => 1 };
  lo = Math.max(...Array.from(diag)); // λ_max ≥ max_i T_ii
  const { lambda, y } = topByBisection(diag, off, lo, hi);
  const theta = Math.sqrt(lambda);
  const x = new Float64Array(k);
  for (let i = 0; i < k; i++) x[i] = alpha[i] * y[i] + (i + 1 < k ? beta[i] * y[i + 1] : 0);
  normalise(x);
  return { theta, x, y, gap: () => relativeGapOfTridiagonal(diag, off, lambda) };
}

/**
 * (λ₁ − λ₂)/λ₁ for the k × k symmetric tridiagonal with diagonal `diag` and off-diagonal `off` (its first
 * k − 1 entries), whose top eigenvalue λ₁ > 0 is given: λ₂ by bisection on Sturm counts (kernels.wat's
 * `tridiagonalGap`; 1 for k = 1, where there is no λ₂). Works in the kernels' memory from float64 entry
 * `base` on (2k entries).
 */
function relativeGapOfTridiagonal(diag: ArrayLike<number>, off: ArrayLike<number>, top: number, base = 0): number {
  const k = diag.length;
  if (k < 2 || !(top > 0)) return 1;
  const kern = kernels();
  const mem = kern.reserve(base + 2 * k);
  for (let i = 0; i < k; i++) mem[base + i] = diag[i];
  for (let i = 0; i + 1 < k; i++) mem[base + k + i] = off[i];
  return kern.exports.tridiagonalGap(8 * base, 8 * (base + k), k, top);
}

/** out ← W x (r-vector) for W r × c: two rows at a time sharing the loads of x, two accumulators each. */
function multiplyVector(w: Float32Array | Float64Array, r: number, c: number, x: Float32Array | Float64Array, out: Float64Array): void {
  let i = 0;
  for (; i + 1 < r; i += 2) {
    const a = i * c;
    const b = a + c;
    let s0 = 0, s1 = 0, t0 = 0, t1 = 0; // prettier-ignore
    let j = 0;
    for (; j + 1 < c; j += 2) {
      const x0 = x[j];
      const x1 = x[j + 1];
      s0 += w[a + j] * x0;
      s1 += w[a + j + 1] * x1;
      t0 += w[b + j] * x0;
      t1 += w[b + j + 1] * x1;
    }
    if (j < c) {
      s0 += w[a + j] * x[j];
      t0 += w[b + j] * x[j];
    }
    out[i] = s0 + s1;
    out[i + 1] = t0 + t1;
  }
  if (i < r) {
    const a = i * c;
    let s0 = 0, s1 = 0; // prettier-ignore
    let j = 0;
    for (; j + 1 < c; j += 2) {
      s0 += w[a + j] * x[j];
      s1 += w[a + j + 1] * x[j + 1];
    }
    if (j < c) s0 += w[a + j] * x[j];
    out[i] = s0 + s1;
  }
}

/** out ← Wᵀ u (c-vector) for W r × c, four rows at a time. */
function multiplyTransposedVector(w: Float32Array | Float64Array, r: number, c: number, u: Float32Array | Float64Array, out: Float64Array): void {
  out.fill(0);
  let i = 0;
  for (; i + 3 < r; i += 4) {
    const u0 = u[i], u1 = u[i + 1], u2 = u[i + 2], u3 = u[i + 3]; // prettier-ignore
    const o0 = i * c, o1 = o0 + c, o2 = o1 + c, o3 = o2 + c; // prettier-ignore
    for (let j = 0; j < c; j++) out[j] += u0 * w[o0 + j] + u1 * w[o1 + j] + u2 * w[o2 + j] + u3 * w[o3 + j];
  }
  for (; i < r; i++) {
    const ui = u[i];
    const off = i * c;
    for (let j = 0; j < c; j++) out[j] += ui * w[off + j];
  }
}

/** Classical Gram–Schmidt of `x` against the orthonormal `basis`, twice ("twice is enough"). */
function reorthogonalise(x: Float64Array, basis: readonly Float64Array[]): void {
  orthogonaliseOnce(x, basis);
  orthogonaliseOnce(x, basis);
}

/** One classical Gram–Schmidt pass: x ← x − Σ_q (q·x) q, the coefficients taken before any update. */
function orthogonaliseOnce(x: Float64Array, basis: readonly Float64Array[]): void {
  const coefficients = new Float64Array(basis.length);
  for (let i = 0; i < basis.length; i++) coefficients[i] = dot(basis[i], x);
  for (let i = 0; i < basis.length; i++) axpy(-coefficients[i], basis[i], x);
}

// ---------------------------------------------------------------------------------------------
// Small vector helpers

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** y ← y + a x. */
function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

/** Scales `x` to unit length in place; returns its former norm. */
function normalise(x: Float64Array): number {
  const n = Math.sqrt(dot(x, x));
  if (n > 0) for (let i = 0; i < x.length; i++) x[i] /= n;
  return n;
}

/** A fixed-seed uniform generator on [0, 1) (mulberry32): probes and start vectors, identical on every call. */
function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
