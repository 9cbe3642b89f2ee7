/**
 * The layer metrics' numeric loops as WebAssembly (kernels.wat; docs/networks.md, "Speed"): float64
 * dot products, matrix–vector products and Gram–Schmidt passes with 128-bit SIMD, on vectors copied
 * into the module's memory. WebAssembly is compiled before its first call, and optimised after a few
 * (a fresh process's first Lanczos run takes ≈ 3.5 ms against ≈ 1 later, where the JavaScript it
 * replaced took 9 against 3), and its SIMD float64 products run about six times faster than that
 * JavaScript warm (typed arrays of two element types made its loads polymorphic).
 *
 * One module instance serves the process (each worker thread has its own): `kernels()` compiles it
 * synchronously at the first call (about 3 KB: 1–2 ms in a fresh process, most of it V8's first
 * WebAssembly compilation; later modules compile in 0.03 ms), unless `compileKernels` compiled it
 * off the thread before. Callers are synchronous and never nest, so a caller owns the whole memory
 * between `reserve` and its return.
 */
import { KERNELS_BASE64 } from './kernelsBinary';

/** The module's exports (kernels.wat): addresses are byte offsets into `memory`, vectors float64. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  /** Σ a_i b_i over n entries. */
  dot(a: number, b: number, n: number): number;
  /** `dot` of n float32 entries at a and b (each taken to float64 exactly): the same sum, bit for bit, as on their float64 copies. */
  dotF32(a: number, b: number, n: number): number;
  /** y ← y + α x over n entries. */
  axpy(alpha: number, x: number, y: number, n: number): void;
  /** x ← x / d over n entries. */
  divide(x: number, n: number, d: number): void;
  /** out ← A x for A r × c (row-major), x c, out r (not overlapping A or x). */
  matvec(a: number, r: number, c: number, x: number, out: number): void;
  /** `matvec` with A float32 (4 bytes an entry, each taken to float64 exactly): the same sums, bit for bit, as on A's float64 copy. */
  matvecF32(a: number, r: number, c: number, x: number, out: number): void;
  /** out ← Aᵀ u for A r × c (row-major), u r, out c (not overlapping A or u). */
  matvecTransposed(a: number, r: number, c: number, u: number, out: number): void;
  /** x ← x − Σ_{i<k} (q_i·x) q_i for k vectors of m entries one after another at q; the coefficients go to `coefficients` (k). */
  orthogonalise(q: number, k: number, m: number, x: number, coefficients: number): void;
  /** out ← Σ_{i<k} y_i q_i for k vectors of m entries one after another at q. */
  combine(q: number, k: number, m: number, y: number, out: number): void;
  /**
   * The top eigenvalue λ ∈ [lo, hi] of the symmetric tridiagonal of k rows (diagonal at d, off-diagonal at
   * e, k − 1 entries) by bisection on Sturm counts to `tolerance` relative (4·10⁻¹⁶: float64's limit), and
   * its unit eigenvector by inverse iteration, into y (k); scratch: 2k entries. Returns the bisection's
   * upper end, within `tolerance` above λ.
   */
  tridiagonalTop(d: number, e: number, k: number, lo: number, hi: number, tolerance: number, y: number, scratch: number): number;
  /**
   * (λ₁ − λ₂)/λ₁ in [0, 1] for the symmetric tridiagonal of k ≥ 2 rows (d, e as for `tridiagonalTop`) whose
   * top eigenvalue λ₁ = `top` > 0 is known: λ₂ by bisection on Sturm counts to 10⁻¹⁵·λ₁ from Gershgorin's
   * lower bound (a zero pivot at x taken as −2⁻⁵²·(|x| + 1)).
   */
  tridiagonalGap(d: number, e: number, k: number, top: number): number;
  /**
   * One Lanczos step on the symmetric m × m matrix at g (float32 when `single` is 1): from the vectors
   * q_0 … q_j (m each, one after another at q) makes q_{j+1} after them — G q_j − α q_j − β_{j−1} q_{j−1},
   * orthogonalised against q_0 … q_j (coefficients: j + 1 entries), divided by β = its norm (0 when
   * `last` is 1) — and writes β to the float64 at `beta`. Returns α = q_j·G q_j (not finite: at once).
   */
  lanczosStep(g: number, single: number, m: number, q: number, j: number, betaPrevious: number, coefficients: number, last: number, beta: number): number;
  /** Σ a_i², Σ (a_i − b_i)², Σ b_i² over n float32 entries at a and b, summed in float64, to out (three float64). */
  squaredNormsF32(a: number, b: number, n: number, out: number): void;
  /** The same over n float64 entries. */
  squaredNormsF64(a: number, b: number, n: number, out: number): void;
}

const PAGE = 65536;

/** The module and its memory, with float64 views that follow the memory when it grows. */
export class Kernels {
  readonly exports: KernelExports;
  private view: Float64Array;
  private view32: Float32Array;

  constructor(module = new WebAssembly.Module(moduleBytes())) {
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
    this.view = new Float64Array(this.exports.memory.buffer);
    this.view32 = new Float32Array(this.exports.memory.buffer);
  }

  /**
   * Makes the memory hold at least `count` float64 entries (growing it, never shrinking) and returns
   * a float64 view of all of it: entry i is at byte address 8·i. Throws a RangeError when the
   * engine cannot grow it that far (WebAssembly's 32-bit memory holds at most 2²⁹ entries).
   */
  reserve(count: number): Float64Array {
    const bytes = 8 * count;
    const memory = this.exports.memory;
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
    if (this.view.buffer !== memory.buffer) {
      this.view = new Float64Array(memory.buffer);
      this.view32 = new Float32Array(memory.buffer);
    }
    return this.view;
  }

  /** A float32 view of the whole memory as the last `reserve` left it: entry i is at byte address 4·i. */
  float32(): Float32Array {
    return this.view32;
  }
}

/** The module's bytes. Node's decoder: Uint8Array.from(atob(…), c => c.charCodeAt(0)) took 1.4 ms of a fresh process's first record (a cold call per byte). */
function moduleBytes(): Buffer<ArrayBuffer> {
  return Buffer.from(KERNELS_BASE64, 'base64');
}

let instance: Kernels | null = null;
/** The module as `compileKernels` compiled it, until `kernels()` instantiates it. */
let compiled: WebAssembly.Module | null = null;
let compiling: Promise<void> | null = null;

/** The process's (or worker thread's) kernels, compiled at the first call unless `compileKernels` has compiled them. */
export function kernels(): Kernels {
  if (!instance) {
    instance = compiled ? new Kernels(compiled) : new Kernels();
    compiled = null;
  }
  return instance;
}

/**
 * Compiles the module on V8's background threads (`WebAssembly.compile`), for a caller that will
 * need the kernels after work of its own: the trainer starts it before building its step session, so
 * that the first record instantiates a compiled module (≈ 0.3 ms) instead of compiling it on the
 * training thread (1–1.5 ms in a fresh process; docs/networks.md, "Speed"). Resolves when compiled,
 * or at once when the kernels exist; never rejects — a module that fails to compile fails again, and
 * is reported, at `kernels()`.
 */
export function compileKernels(): Promise<void> {
  if (instance || compiled) return Promise.resolve();
  return (compiling ??= WebAssembly.compile(moduleBytes()).then(
    (module) => {
      if (!instance) compiled = module;
    },
    () => undefined,
  ));
}

/**
 * Entries copied into the kernels' memory at a time by the functions below: arrays of any length are
 * taken in pieces, so that the memory stays small whatever the layer — it never shrinks. 2¹⁵ (128 KB a
 * piece as float32, 256 KB as float64): a fresh page of memory costs 2–20 µs on the project's machines,
 * and with pieces of 2¹⁷ a fresh process's first record touched 1 MB of it; pieces of 2¹⁴ made the
 * products of 2048² layers up to 1.5 times slower (docs/networks.md, "Speed").
 */
export const KERNEL_CHUNK = 1 << 15;

/**
 * Σ a_i², Σ (a_i − b_i)² and Σ b_i² of two arrays of one length, in float64 (float32 entries taken to
 * float64 exactly first); `b` may be `a`. Throws when the lengths differ.
 */
export function squaredNorms(a: Float32Array | Float64Array, b: Float32Array | Float64Array): { a2: number; difference2: number; b2: number } {
  if (a.length !== b.length) throw new Error(`squaredNorms: arrays of ${a.length} and ${b.length} entries`);
  const k = kernels();
  const same = a === b;
  const f32 = a instanceof Float32Array && b instanceof Float32Array;
  const chunk = Math.min(KERNEL_CHUNK, a.length);
  // In bytes: a's piece at 0, then b's (unless b is a), then the three sums, at a multiple of 8.
  const size = f32 ? 4 : 8;
  const second = same ? 0 : size * chunk;
  const out = 8 * Math.ceil((second + size * chunk) / 8);
  const f64 = k.reserve(out / 8 + 3);
  const view = f32 ? k.float32() : f64;
  let a2 = 0;
  let difference2 = 0;
  let b2 = 0;
  for (let start = 0; start < a.length; start += chunk) {
    const end = Math.min(a.length, start + chunk);
    view.set(a.subarray(start, end), 0);
    if (!same) view.set(b.subarray(start, end), chunk);
    if (f32) k.exports.squaredNormsF32(0, second, end - start, out);
    else k.exports.squaredNormsF64(0, second, end - start, out);
    a2 += f64[out / 8];
    difference2 += f64[out / 8 + 1];
    b2 += f64[out / 8 + 2];
  }
  return { a2, difference2, b2 };
}

/**
 * `squaredNorms` with each sum as value · 2^exponent (`exponent` present only when one is not 0), so
 * that sums of squares beyond float64's range are still exact to float64's precision: a checkpoint's F64
 * layer of entries 10²⁰⁰ has ‖W‖² = 10⁴⁰⁰ (the plain sum overflowed to ∞), one of 10⁻¹⁶⁰ squares each
 * entry to 0 (the plain sum underflowed). The WebAssembly pass runs first, as always; only a sum that
 * came out ∞ with finite entries, or below 2⁻⁶⁰⁰ (where squares of small entries start losing digits,
 * and 0), is summed again in JavaScript over the entries scaled by the power of two that brings the
 * largest to [1, 2) — a second pass on that rare path only. Every exponent is even (the norm's is half
 * of it, exactly). NaN stays NaN, and ∞ from an infinite entry stays ∞, as in `squaredNorms`.
 */
export function scaledSquaredNorms(a: Float32Array | Float64Array, b: Float32Array | Float64Array): ScaledSquaredNorms {
  const plain = squaredNorms(a, b);
  const same = a === b;
  const rescue = (sum: number) => sum === Infinity || sum < RESCUE_BELOW;
  if (!rescue(plain.a2) && !rescue(plain.b2) && !rescue(plain.difference2)) return plain;
  const a2 = rescue(plain.a2) ? scaledSumOfSquares(a, null, plain.a2) : { value: plain.a2, exponent: 0 };
  const b2 = same ? a2 : rescue(plain.b2) ? scaledSumOfSquares(b, null, plain.b2) : { value: plain.b2, exponent: 0 };
  // a − a is 0 when a is finite; an entry ±∞ makes it NaN (∞ − ∞), as in `squaredNorms` — never 0,
  // which made a first checkpoint of +∞ weights 0 from itself (a NaN one came out NaN).
  const difference2 =
    same ? { value: Number.isFinite(a2.value) ? 0 : plain.difference2, exponent: 0 }
    : rescue(plain.difference2) ? scaledSumOfSquares(a, b, plain.difference2)
    : { value: plain.difference2, exponent: 0 };
  const out: ScaledSquaredNorms = { a2: a2.value, difference2: difference2.value, b2: b2.value };
  if (a2.exponent !== 0 || difference2.exponent !== 0 || b2.exponent !== 0) out.exponent = { a2: a2.exponent, difference2: difference2.exponent, b2: b2.exponent };
  return out;
}

/** Σa², Σ(a − b)², Σb² as `value · 2^exponent[key]` (an exponent left out is 0). */
export interface ScaledSquaredNorms {
  a2: number;
  difference2: number;
  b2: number;
  /** Even exponents of two, present when any is not 0. */
  exponent?: { a2: number; difference2: number; b2: number };
}

/** Below this a plain float64 sum of squares may have lost digits to underflow (2⁻⁶⁰⁰: the loss is at most n·2⁻¹⁰⁷⁵, 2⁻⁴⁴⁶ of it). */
const RESCUE_BELOW = 2 ** -600;

/** √(value · 2^exponent), for an even exponent: the norm, 0, ∞ (beyond float64) or NaN. */
export function scaledRoot(value: number, exponent = 0): number {
  const root = Math.sqrt(value);
  return exponent === 0 || root === 0 ? root : times2(root, exponent / 2);
}

/** x · 2^k in two factors (exact unless the result leaves float64's normal range; any k). */
function times2(x: number, k: number): number {
  const half = Math.trunc(k / 2);
  return x * 2 ** half * 2 ** (k - half);
}

/**
 * Σ x_i² (x = a, or a − b when `b` is given) as value · 2^exponent: one pass for the largest |x_i|,
 * one summing (2^k x_i)² with 2^k|x|max ∈ [1, 2). A difference is taken of halves when the entries
 * exceed 2¹⁰⁰⁰ (a − b of finite entries may overflow). `plain` is returned (exponent 0) when an entry
 * is not finite: NaN and ∞ stay as the plain sum has them.
 */
function scaledSumOfSquares(a: Float32Array | Float64Array, b: Float32Array | Float64Array | null, plain: number): { value: number; exponent: number } {
  const n = a.length;
  let largest = 0;
  let finite = true;
  for (let i = 0; i < n; i++) {
    const x = Math.abs(a[i]);
    if (x > largest) largest = x;
    else if (!(x <= largest)) finite = false;
    if (b) {
      const y = Math.abs(b[i]);
      if (y > largest) largest = y;
      else if (!(y <= largest)) finite = false;
    }
  }
  if (!finite || largest === Infinity) return { value: plain, exponent: 0 };
  if (largest === 0) return { value: 0, exponent: 0 };
  const half = b && largest > 2 ** 1000 ? 0.5 : 1;
  const entry = b ? (i: number) => half * a[i] - half * b[i] : (i: number) => a[i];
  let top = 0;
  if (b) for (let i = 0; i < n; i++) top = Math.max(top, Math.abs(entry(i)));
  else top = largest;
  if (top === 0) return { value: 0, exponent: 0 };
  const e = Math.floor(Math.log2(top));
  // 2^k·top ∈ [1, 2) (log2 may round at the edge: [0.5, 4) is as good).
  const k = -e;
  const k1 = Math.trunc(k / 2);
  const f1 = 2 ** k1;
  const f2 = 2 ** (k - k1);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = entry(i) * f1 * f2;
    sum += x * x;
  }
  // Σ x² = sum · 2^(−2k), and a halved difference's squares are a quarter of the difference's.
  return { value: sum, exponent: -2 * k + (half === 1 ? 0 : 2) };
}

/** Σ a_i b_i of two arrays of one length, in float64. Throws when the lengths differ. */
export function innerProduct(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  if (a.length !== b.length) throw new Error(`innerProduct: arrays of ${a.length} and ${b.length} entries`);
  const k = kernels();
  const chunk = Math.min(KERNEL_CHUNK, a.length);
  // Two float32 arrays (ONNX Runtime's Grams) are copied as they are, half the memory and no conversion.
  const single = a instanceof Float32Array && b instanceof Float32Array;
  const f64 = k.reserve(single ? chunk : 2 * chunk);
  const view = single ? k.float32() : f64;
  let sum = 0;
  for (let start = 0; start < a.length; start += chunk) {
    const end = Math.min(a.length, start + chunk);
    view.set(a.subarray(start, end), 0);
    view.set(b.subarray(start, end), chunk);
    sum += single ? k.exports.dotF32(0, 4 * chunk, end - start) : k.exports.dot(0, 8 * chunk, end - start);
  }
  return sum;
}

/**
 * W x (`transpose` false: x has c entries, the result r) or Wᵀ x (true: x has r entries, the result
 * c) for W r × c row-major, in float64: W is copied in pieces of whole rows. Throws when x's length
 * does not fit.
 */
export function matrixTimesVector(w: Float32Array | Float64Array, r: number, c: number, x: Float64Array, transpose = false): Float64Array {
  if (w.length !== r * c || x.length !== (transpose ? r : c)) throw new Error(`matrixTimesVector: a ${r} × ${c} matrix of ${w.length} entries${transpose ? ', transposed,' : ''} and a vector of ${x.length}`);
  const result = new Float64Array(transpose ? c : r);
  if (r === 0 || c === 0) return result;
  const k = kernels();
  const rows = Math.max(1, Math.min(r, Math.floor(KERNEL_CHUNK / c)));
  // In float64 entries: the rows' piece of W, then x, then the piece's product (W x: `rows` entries; Wᵀ x: c).
  const X = rows * c;
  const OUT = X + x.length;
  const f64 = k.reserve(OUT + (transpose ? c : rows));
  f64.set(x, X);
  for (let start = 0; start < r; start += rows) {
    const n = Math.min(rows, r - start);
    f64.set(w.subarray(start * c, (start + n) * c), 0);
    if (transpose) {
      k.exports.matvecTransposed(0, n, c, 8 * (X + start), 8 * OUT);
      for (let j = 0; j < c; j++) result[j] += f64[OUT + j];
    } else {
      k.exports.matvec(0, n, c, 8 * X, 8 * OUT);
      result.set(f64.subarray(OUT, OUT + n), start);
    }
  }
  return result;
}
