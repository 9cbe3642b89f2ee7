/**
 * An independent float64 reference for the layer metrics, shared by the tests: plain loops for norms
 * and products, Jacobi's method for singular vectors. Nothing here calls the code under test.
 */
import assert from 'node:assert/strict';
import type { WeightMatrix } from '../../../src/core/network/layerMetrics';
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function normal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

export function matrix(rows: number, cols: number, seed: number, wide = false): WeightMatrix {
  const next = random(seed);
  const data = wide ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = normal(next);
  return { rows, cols, data };
}

export function get(w: WeightMatrix, i: number, j: number): number {
  return w.data[i * w.cols + j];
}

export function refNorm(w: WeightMatrix): number {
  let s = 0;
  for (let i = 0; i < w.rows; i++) for (let j = 0; j < w.cols; j++) s += get(w, i, j) ** 2;
  return Math.sqrt(s);
}

export function refProduct(b: WeightMatrix, a: WeightMatrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < b.rows; i++) {
    out.push([]);
    for (let j = 0; j < a.cols; j++) {
      let s = 0;
      for (let k = 0; k < b.cols; k++) s += get(b, i, k) * get(a, k, j);
      out[i].push(s);
    }
  }
  return out;
}

export function refZeta(prev: WeightMatrix, next: WeightMatrix): number {
  const p = refProduct(next, prev);
  let s = 0;
  for (const row of p) for (const x of row) s += x * x;
  return Math.sqrt(s) / (refNorm(prev) * refNorm(next));
}

/** Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi rotations. */
export function jacobi(a: number[][]): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const m = a.map((row) => row.slice());
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (m[p][q] === 0) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k][p];
          const mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq;
          m[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p][k];
          const mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk;
          m[q][k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: m.map((row, i) => row[i]), vectors: v };
}

/** The top singular value, left and right vectors of W, and the relative gap σ₁² − σ₂² over σ₁². */
export function refTop(w: WeightMatrix): { sigma: number; left: number[]; right: number[]; gap: number } {
  const gram: number[][] = [];
  for (let i = 0; i < w.cols; i++) {
    gram.push([]);
    for (let j = 0; j < w.cols; j++) {
      let s = 0;
      for (let k = 0; k < w.rows; k++) s += get(w, k, i) * get(w, k, j);
      gram[i].push(s);
    }
  }
  const { values, vectors } = jacobi(gram);
  const order = values.map((_, i) => i).sort((x, y) => values[y] - values[x]);
  const top = order[0];
  const sigma = Math.sqrt(Math.max(0, values[top]));
  const right = vectors.map((row) => row[top]);
  const left: number[] = [];
  for (let i = 0; i < w.rows; i++) {
    let s = 0;
    for (let j = 0; j < w.cols; j++) s += get(w, i, j) * right[j];
    left.push(s / sigma);
  }
  const second = order.length > 1 ? Math.max(0, values[order[1]]) : 0;
  return { sigma, left, right, gap: (values[top] - second) / values[top] };
}

export function absCos(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return Math.abs(ab) / Math.sqrt(aa * bb);
}

export function close(actual: number | null, expected: number, tolerance: number, what: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

/** x (finite) as the integer x · 2¹⁰⁷⁴ exactly: every float64 is a multiple of 2⁻¹⁰⁷⁴. */
function exactUnits(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const e = Number(bits >> 52n);
  const m = bits & ((1n << 52n) - 1n);
  const units = e === 0 ? m : (m | (1n << 52n)) << BigInt(e - 1);
  return x < 0 ? -units : units;
}

/** ⌊√n⌋ of a non-negative BigInt, by Newton's method. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** A non-negative BigInt times 2^k as the nearest float64 (to a few ulps; ∞ beyond the range). */
function bigTimesPowerOfTwo(n: bigint, k: number): number {
  const bits = n.toString(2).length;
  const drop = Math.max(0, bits - 60);
  const top = Number(n >> BigInt(drop));
  const e = k + drop;
  const half = Math.trunc(e / 2);
  return top * 2 ** half * 2 ** (e - half);
}

/**
 * √Σ (a_i − b_i)² (b left out: √Σ a_i²) of float64 values, exactly in BigInt arithmetic and rounded
 * once at the end: a reference for any scale, 10⁻³⁰⁰ to 10³⁰⁰, where float64 sums of squares
 * overflow or underflow. Computed to 2⁻⁶⁰ relative (the square root's integer part carries 2²⁰⁰ more).
 */
export function exactNorm(a: ArrayLike<number>, b?: ArrayLike<number>): number {
  let sum = 0n;
  for (let i = 0; i < a.length; i++) {
    const d = exactUnits(a[i]) - (b ? exactUnits(b[i]) : 0n);
    sum += d * d;
  }
  // √(sum · 2⁻²¹⁴⁸) = √(sum · 2⁴⁰⁰) · 2⁻¹²⁷⁴.
  return bigTimesPowerOfTwo(isqrt(sum << 400n), -1274);
}
