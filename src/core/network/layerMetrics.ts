/**
 * The layer metrics of a network given as plain weight matrices (docs/networks.md, "Layer metrics"):
 * shared by the built-in trainer and by checkpoints of outside trainers, so both draw the same numbers.
 *
 * Conventions: a layer is its weight matrix W_l, row-major, rows = outputs, columns = inputs
 * (PyTorch's `nn.Linear.weight`; a convolution kernel out × in × k × k is read as out × (in·k·k)).
 * Layers are in network order, W_1 first; the pair (W_l, W_{l+1}) chains when W_{l+1}.cols = W_l.rows.
 * Norms are Frobenius norms accumulated in float64 whatever the storage.
 */

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
   * Null when either layer is zero.
   */
  zeta: number | null;
  /**
   * |cos| between W_{l+1}'s top right singular vector and W_l's top left singular vector, ∈ [0, 1];
   * null when either layer is zero.
   */
  zetaTop: number | null;
}

/** Every metric of one step. */
export interface NetworkMeasure {
  layers: LayerMeasure[];
  /** One per consecutive pair whose shapes chain; `null` where they do not (see `pairsThatChain`). */
  alignment: (PairMeasure | null)[];
  /** ‖θ − θ₀‖ / ‖θ₀‖ over every layer together. */
  distance: number;
}

/** ‖W‖_F, accumulated in float64. */
export function frobeniusNorm(w: WeightMatrix): number {
  const d = w.data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  return Math.sqrt(s);
}

/** ‖W − W₀‖_F² in float64 (shapes must agree). */
function squaredDistance(w: WeightMatrix, w0: WeightMatrix): number {
  const a = w.data;
  const b = w0.data;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const e = a[i] - b[i];
    s += e * e;
  }
  return s;
}

/** Whether W_{l+1} can follow W_l (its inputs are W_l's outputs), and if not, why. */
export function chainProblem(prev: WeightMatrix, next: WeightMatrix): string | null {
  return next.cols === prev.rows ? null : `its input size ${next.cols} is not the previous layer's output size ${prev.rows}`;
}

/**
 * ‖B A‖_F² for B (o × m) after A (m × n), exactly, in float64: row i of BA is Σ_k B_ik A_k·.
 * Cost o·m·n multiply-adds and O(n) memory.
 */
function squaredProductNorm(next: WeightMatrix, prev: WeightMatrix): number {
  const { rows: o, cols: m } = next;
  const n = prev.cols;
  const b = next.data;
  const a = prev.data;
  const row = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < o; i++) {
    row.fill(0);
    for (let k = 0; k < m; k++) {
      const bik = b[i * m + k];
      if (bik === 0) continue;
      const off = k * n;
      for (let j = 0; j < n; j++) row[j] += bik * a[off + j];
    }
    for (let j = 0; j < n; j++) s += row[j] * row[j];
  }
  return s;
}

/** Power iterations for a top singular vector: at most this many, fewer once the Rayleigh quotient settles. */
export const POWER_ITERATIONS = 300;
/** Relative change of the Rayleigh quotient below which the power iteration stops. */
const POWER_TOLERANCE = 1e-12;

/**
 * The top eigenvector of the m × m Gram matrix `gram` (applied as a function) by power iteration
 * from a fixed start, unit length. Deterministic: the start is the same for every call.
 */
function topEigenvector(m: number, apply: (x: Float64Array, out: Float64Array) => void): Float64Array {
  let x = new Float64Array(m);
  // A fixed start with no special alignment to coordinate axes.
  for (let i = 0; i < m; i++) x[i] = 1 + ((i * 0.6180339887498949) % 1);
  normalise(x);
  let y = new Float64Array(m);
  let previous = 0;
  for (let it = 0; it < POWER_ITERATIONS; it++) {
    apply(x, y);
    const rayleigh = dot(x, y);
    if (normalise(y) === 0) return y;
    [x, y] = [y, x];
    if (it > 0 && Math.abs(rayleigh - previous) <= POWER_TOLERANCE * Math.abs(rayleigh)) break;
    previous = rayleigh;
  }
  return x;
}

/** x ← Wᵀ W x (for the right singular vectors of W), through a temporary of W's row count. */
function gramRight(w: WeightMatrix): (x: Float64Array, out: Float64Array) => void {
  const { rows, cols, data } = w;
  const t = new Float64Array(rows);
  return (x, out) => {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      const off = i * cols;
      for (let j = 0; j < cols; j++) s += data[off + j] * x[j];
      t[i] = s;
    }
    out.fill(0);
    for (let i = 0; i < rows; i++) {
      const ti = t[i];
      const off = i * cols;
      for (let j = 0; j < cols; j++) out[j] += data[off + j] * ti;
    }
  };
}

/** x ← W Wᵀ x (for the left singular vectors of W), through a temporary of W's column count. */
function gramLeft(w: WeightMatrix): (x: Float64Array, out: Float64Array) => void {
  const { rows, cols, data } = w;
  const t = new Float64Array(cols);
  return (x, out) => {
    t.fill(0);
    for (let i = 0; i < rows; i++) {
      const xi = x[i];
      const off = i * cols;
      for (let j = 0; j < cols; j++) t[j] += data[off + j] * xi;
    }
    for (let i = 0; i < rows; i++) {
      let s = 0;
      const off = i * cols;
      for (let j = 0; j < cols; j++) s += data[off + j] * t[j];
      out[i] = s;
    }
  };
}

/** ζ and ζ_top of the pair (W_l = prev, W_{l+1} = next); the shapes must chain. */
export function pairAlignment(prev: WeightMatrix, next: WeightMatrix): PairMeasure {
  const problem = chainProblem(prev, next);
  if (problem) throw new Error(`pairAlignment: ${problem}`);
  const nPrev = frobeniusNorm(prev);
  const nNext = frobeniusNorm(next);
  if (nPrev === 0 || nNext === 0) return { zeta: null, zetaTop: null };
  const zeta = Math.min(1, Math.sqrt(squaredProductNorm(next, prev)) / (nNext * nPrev));
  const right = topEigenvector(next.cols, gramRight(next));
  const left = topEigenvector(prev.rows, gramLeft(prev));
  const zetaTop = Math.min(1, Math.abs(dot(right, left)));
  return { zeta, zetaTop };
}

/**
 * Every metric of `layers` against the initial `layers0` (same shapes). Pairs whose shapes do not
 * chain get `null`.
 */
export function measureNetwork(layers: readonly WeightMatrix[], layers0: readonly WeightMatrix[]): NetworkMeasure {
  let moved2 = 0;
  let start2 = 0;
  const measures: LayerMeasure[] = layers.map((w, l) => {
    const w0 = layers0[l];
    const d2 = squaredDistance(w, w0);
    const n0 = frobeniusNorm(w0);
    moved2 += d2;
    start2 += n0 * n0;
    return { norm: frobeniusNorm(w), distance: n0 > 0 ? Math.sqrt(d2) / n0 : Math.sqrt(d2) };
  });
  const alignment: (PairMeasure | null)[] = [];
  for (let l = 0; l + 1 < layers.length; l++) alignment.push(chainProblem(layers[l], layers[l + 1]) ? null : pairAlignment(layers[l], layers[l + 1]));
  return { layers: measures, alignment, distance: start2 > 0 ? Math.sqrt(moved2 / start2) : Math.sqrt(moved2) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Scales `x` to unit length in place; returns its former norm. */
function normalise(x: Float64Array): number {
  const n = Math.sqrt(dot(x, x));
  if (n > 0) for (let i = 0; i < x.length; i++) x[i] /= n;
  return n;
}
