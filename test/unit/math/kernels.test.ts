/**
 * The WebAssembly kernels (src/core/math/kernels.wat, kernels.ts) against plain float64 loops: every
 * length class of the SIMD loops (the blocks of two and four and their tails), arrays across the
 * pieces `KERNEL_CHUNK` copies, float32 and float64 storage, non-finite entries, and the committed
 * binary against what scripts/kernels.mjs assembles from the .wat.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { innerProduct, KERNEL_CHUNK, kernels, matrixTimesVector, scaledSquaredNorms, squaredNorms } from '../../../src/core/math/kernels';
import { Rng } from '../../../src/core/math/rng';

const repo = resolve(__dirname, '..', '..', '..', '..');

const LENGTHS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 256, 1001, KERNEL_CHUNK - 1, KERNEL_CHUNK, KERNEL_CHUNK + 1, 2 * KERNEL_CHUNK + 3];

function normals(rng: Rng, n: number, scale = 1): number[] {
  return Array.from({ length: n }, () => scale * rng.normal());
}

/** The relative error allowed a float64 sum of n terms in another order: n·2⁻⁵² (the recursive-summation bound), at least 10⁻¹⁴. */
const sumTolerance = (n: number) => Math.max(1e-14, n * 2 ** -52);

/** |x − reference| within `relative` of `size` (the sum of the terms' magnitudes). */
function within(x: number, reference: number, size: number, relative = 1e-13, what = ''): void {
  assert.ok(Math.abs(x - reference) <= relative * size + 1e-300, `${what}: ${x} vs ${reference} (terms ${size})`);
}

test('squaredNorms gives Σa², Σ(a − b)² and Σb² of float32, float64 and mixed arrays of every length class as float64 loops do', () => {
  const rng = new Rng(11);
  for (const n of LENGTHS) {
    const a64 = Float64Array.from(normals(rng, n));
    const b64 = Float64Array.from(a64, (x) => x + 0.01 * rng.normal());
    const a32 = Float32Array.from(a64);
    const b32 = Float32Array.from(b64);
    for (const [a, b, kind] of [[a32, b32, 'float32'], [a64, b64, 'float64'], [a32, b64, 'mixed']] as const) {
      let a2 = 0, d2 = 0, b2 = 0; // prettier-ignore
      for (let i = 0; i < n; i++) {
        a2 += a[i] * a[i];
        b2 += b[i] * b[i];
        d2 += (a[i] - b[i]) ** 2;
      }
      const got = squaredNorms(a, b);
      const tolerance = sumTolerance(n);
      within(got.a2, a2, a2, tolerance, `${kind} n=${n} Σa²`);
      within(got.b2, b2, b2, tolerance, `${kind} n=${n} Σb²`);
      // The differences are taken in float64 from the exact float32 values: no cancellation to allow for.
      within(got.difference2, d2, d2, tolerance, `${kind} n=${n} Σ(a − b)²`);
      const same = squaredNorms(a, a);
      within(same.a2, a2, a2, tolerance, `${kind} n=${n} a with itself`);
      assert.equal(same.difference2, 0);
    }
  }
});

test('squaredNorms takes float32 entries to float64 before squaring: 3·10³⁸ squares to 9·10⁷⁶, 10⁻³⁰ to 10⁻⁶⁰', () => {
  const big = Float32Array.of(3e38, -3e38, 3e38);
  const x = Math.fround(3e38);
  assert.equal(squaredNorms(big, new Float32Array(3)).a2, 3 * x * x);
  const tiny = Float32Array.of(1e-30, 1e-30, 1e-30, 1e-30, 1e-30);
  const y = Math.fround(1e-30);
  within(squaredNorms(tiny, tiny).a2, 5 * y * y, 5 * y * y, 1e-15, 'tiny');
});

test('squaredNorms and innerProduct carry NaN and infinities as the loops do, wherever they fall', () => {
  for (const n of [1, 5, 9, KERNEL_CHUNK + 2]) {
    for (const at of [0, n - 1, n >> 1]) {
      const a = new Float32Array(n).fill(1);
      a[at] = NaN;
      assert.ok(Number.isNaN(squaredNorms(a, new Float32Array(n)).a2), `NaN at ${at} of ${n}`);
      assert.ok(Number.isNaN(innerProduct(a, new Float64Array(n).fill(1))));
      a[at] = Infinity;
      assert.equal(squaredNorms(a, new Float32Array(n)).a2, Infinity);
      assert.equal(innerProduct(a, new Float64Array(n).fill(1)), Infinity);
    }
  }
});

test('scaledSquaredNorms(a, a): Σ(a − a)² is 0 when a is finite, at any scale, and NaN when an entry is ±∞ or NaN — as squaredNorms has it', () => {
  for (const make of [(xs: number[]) => Float32Array.from(xs), (xs: number[]) => Float64Array.from(xs)]) {
    const finite = make([1, -2, 3]);
    assert.deepEqual(scaledSquaredNorms(finite, finite), { a2: 14, difference2: 0, b2: 14 });
    // Before, the sum of squares overflowing to ∞ took the rescaled path, which set Σ(a − a)² to 0:
    // a checkpoint of +∞ weights was 0 from itself, where one of NaN was NaN.
    for (const bad of [Infinity, -Infinity, NaN]) {
      const a = make([1, bad, 3]);
      const s = scaledSquaredNorms(a, a);
      assert.ok(Number.isNaN(s.difference2), `${bad}: Σ(a − a)² = ${s.difference2}`);
      assert.ok(Number.isNaN(squaredNorms(a, a).difference2), `${bad}, squaredNorms`);
    }
  }
  // Finite entries whose squares overflow float64 (the rescued path): a − a is still exactly 0.
  const big = Float64Array.of(1e300, -2e300, 3e300);
  const s = scaledSquaredNorms(big, big);
  assert.equal(s.difference2, 0);
  assert.ok(Number.isFinite(s.a2) && s.a2 > 0 && s.exponent !== undefined);
});

test('innerProduct of float32 and float64 arrays of every length class agrees with a float64 loop', () => {
  const rng = new Rng(12);
  for (const n of LENGTHS) {
    const a = Float32Array.from(normals(rng, n));
    const b = Float64Array.from(normals(rng, n));
    let s = 0;
    let size = 0;
    for (let i = 0; i < n; i++) {
      s += a[i] * b[i];
      size += Math.abs(a[i] * b[i]);
    }
    within(innerProduct(a, b), s, size, sumTolerance(n), `n=${n}`);
  }
  assert.throws(() => innerProduct(new Float32Array(3), new Float32Array(4)), /arrays of 3 and 4 entries/);
  assert.throws(() => squaredNorms(new Float32Array(3), new Float64Array(2)), /arrays of 3 and 2 entries/);
});

test('matvec sums each row exactly as dot does, four rows at a time and the rest alone', () => {
  const rng = new Rng(29);
  const k = kernels();
  for (const [r, c] of [[1, 5], [3, 8], [4, 4], [5, 7], [8, 1], [9, 13], [13, 256]] as const) {
    // A at 0, x after it, out after x (byte addresses).
    const mem = k.reserve(r * c + c + r);
    mem.set(normals(rng, r * c + c), 0);
    k.exports.matvec(0, r, c, 8 * r * c, 8 * (r * c + c));
    const view = k.reserve(r * c + c + r);
    for (let i = 0; i < r; i++) assert.equal(view[r * c + c + i], k.exports.dot(8 * i * c, 8 * r * c, c), `${r}×${c} row ${i}`);
  }
});

test('innerProduct of two float32 arrays (dotF32 on float32 copies) is, bit for bit, that of their float64 copies, at every length class and across pieces', () => {
  const rng = new Rng(37);
  for (const n of LENGTHS) {
    const a = Float32Array.from(normals(rng, n), (x, i) => (i % 7 === 3 ? x * 1e30 : x));
    const b = Float32Array.from(normals(rng, n));
    const single = innerProduct(a, b);
    const double = innerProduct(Float64Array.from(a), Float64Array.from(b));
    assert.ok(Object.is(single, double), `n = ${n}: ${single} vs ${double}`);
  }
});

test('matvecF32 on a float32 A gives, bit for bit, what matvec gives on its float64 copy: every row and column class, odd entries and large ones', () => {
  const rng = new Rng(31);
  const k = kernels();
  for (const [r, c] of [[1, 1], [1, 5], [3, 8], [4, 4], [5, 7], [7, 3], [8, 1], [9, 13], [13, 256], [256, 256]] as const) {
    const a32 = Float32Array.from(normals(rng, r * c), (x, i) => (i % 11 === 0 ? x * 3e30 : x));
    const x = Float64Array.from(normals(rng, c));
    // In float64 entries: A's float64 copy at 0, x, its product, then A as float32 and its product.
    const X = r * c;
    const OUT = X + c;
    const A32 = OUT + r;
    const OUT32 = A32 + Math.ceil((r * c) / 2);
    const mem = k.reserve(OUT32 + r);
    mem.set(a32, 0);
    mem.set(x, X);
    k.float32().set(a32, 2 * A32);
    k.exports.matvec(0, r, c, 8 * X, 8 * OUT);
    k.exports.matvecF32(8 * A32, r, c, 8 * X, 8 * OUT32);
    const view = k.reserve(OUT32 + r);
    for (let i = 0; i < r; i++) assert.ok(Object.is(view[OUT32 + i], view[OUT + i]), `${r}×${c} row ${i}: ${view[OUT32 + i]} vs ${view[OUT + i]}`);
    // and the rows are A x in float64 (a loop, to its rounding).
    for (let i = 0; i < r; i++) {
      let sum = 0;
      let size = 0;
      for (let j = 0; j < c; j++) {
        sum += a32[i * c + j] * x[j];
        size += Math.abs(a32[i * c + j] * x[j]);
      }
      within(view[OUT32 + i], sum, size, sumTolerance(c), `${r}×${c} row ${i} against a loop`);
    }
  }
});

test('matrixTimesVector gives W x and Wᵀ x for any shape, in pieces of whole rows, as float64 loops do', () => {
  const rng = new Rng(13);
  // Shapes across the kinds: single rows and columns, odd widths, several pieces of rows, a row wider than a piece.
  const shapes: [number, number][] = [[1, 1], [1, 7], [7, 1], [5, 3], [3, 4], [256, 784], [600, 300], [3, KERNEL_CHUNK + 5], [0, 4], [4, 0]];
  for (const [r, c] of shapes) {
    for (const storage of ['float32', 'float64'] as const) {
      const values = normals(rng, r * c);
      const w = storage === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
      const x = Float64Array.from(normals(rng, c));
      const u = Float64Array.from(normals(rng, r));
      const wx = matrixTimesVector(w, r, c, x);
      const wtu = matrixTimesVector(w, r, c, u, true);
      assert.equal(wx.length, r);
      assert.equal(wtu.length, c);
      for (let i = 0; i < r; i++) {
        let s = 0, size = 0; // prettier-ignore
        for (let j = 0; j < c; j++) {
          s += w[i * c + j] * x[j];
          size += Math.abs(w[i * c + j] * x[j]);
        }
        within(wx[i], s, size, sumTolerance(c), `${storage} ${r}×${c} (W x)_${i}`);
      }
      for (let j = 0; j < c; j++) {
        let s = 0, size = 0; // prettier-ignore
        for (let i = 0; i < r; i++) {
          s += w[i * c + j] * u[i];
          size += Math.abs(w[i * c + j] * u[i]);
        }
        within(wtu[j], s, size, sumTolerance(r), `${storage} ${r}×${c} (Wᵀ u)_${j}`);
      }
    }
  }
  assert.throws(() => matrixTimesVector(new Float32Array(6), 2, 3, new Float64Array(2)), /a 2 × 3 matrix of 6 entries and a vector of 2/);
  assert.throws(() => matrixTimesVector(new Float32Array(6), 2, 3, new Float64Array(3), true), /transposed/);
});

test('tridiagonalTop finds the top eigenpair of tridiagonal Toeplitz matrices (λ = a + 2|b| cos(π/(k + 1))), one row included', () => {
  const kern = kernels();
  for (const k of [1, 2, 3, 10, 64, 128]) {
    for (const [a, b] of [[2, -1], [1, 0.5], [3, 0]]) {
      const mem = kern.reserve(5 * k);
      mem.fill(a, 0, k);
      mem.fill(b, k, 2 * k - 1);
      const top = a + 2 * Math.abs(b) * Math.cos(Math.PI / (k + 1));
      const lambda = kern.exports.tridiagonalTop(0, 8 * k, k, a, a + 2 * Math.abs(b), 4e-16, 8 * 2 * k, 8 * 3 * k);
      within(lambda, top, Math.abs(top), 1e-14, `k=${k}, a=${a}, b=${b}`);
      if (b === 0) continue; // a multiple eigenvalue: any vector of its space
      // The eigenvector: sin(iπ/(k + 1)), alternating in sign when b < 0.
      const y = kern.reserve(5 * k).slice(2 * k, 3 * k);
      const expected = Array.from({ length: k }, (_, i) => Math.sin(((i + 1) * Math.PI) / (k + 1)) * (b < 0 ? (-1) ** i : 1));
      const n = Math.hypot(...expected);
      const sign = Math.sign(y[0]) * Math.sign(expected[0]);
      for (let i = 0; i < k; i++) within(y[i], (sign * expected[i]) / n, 1, 1e-10, `k=${k} y_${i}`);
    }
  }
});

/**
 * (λ₁ − λ₂)/λ₁ by the bisection that `tridiagonalGap` runs, written in JavaScript (it was layerMetrics.ts's
 * until 2026-12-03): the reference that the WebAssembly version must equal to the bit.
 */
function gapReference(diag: ArrayLike<number>, off: ArrayLike<number>, top: number): number {
  const k = diag.length;
  const below = (x: number): number => {
    let count = 0;
    let q = 1;
    for (let i = 0; i < k; i++) {
      q = diag[i] - x - (i > 0 ? (off[i - 1] * off[i - 1]) / q : 0);
      if (q === 0) q = -Number.EPSILON * (Math.abs(x) + 1);
      if (q < 0) count++;
    }
    return count;
  };
  let lo = Infinity;
  for (let i = 0; i < k; i++) lo = Math.min(lo, diag[i] - (i > 0 ? Math.abs(off[i - 1]) : 0) - (i + 1 < k ? Math.abs(off[i]) : 0));
  let hi = top;
  for (let step = 0; step < 100 && hi - lo > 1e-15 * top; step++) {
    const mid = 0.5 * (lo + hi);
    if (below(mid) <= k - 2) lo = mid;
    else hi = mid;
  }
  return Math.min(1, Math.max(0, (top - Math.max(0, lo)) / top));
}

test('tridiagonalGap is the relative gap of tridiagonal Toeplitz matrices, and the JavaScript bisection to the bit on random and degenerate ones', () => {
  const kern = kernels();
  const gap = (diag: number[], off: number[], top: number): number => {
    const k = diag.length;
    const mem = kern.reserve(2 * k);
    mem.set(diag, 0);
    mem.set(off.slice(0, k - 1), k);
    return kern.exports.tridiagonalGap(0, 8 * k, k, top);
  };
  // λ_j = a + 2|b| cos(jπ/(k + 1)): the gap is 2|b|(cos(π/(k+1)) − cos(2π/(k+1)))/λ₁.
  for (const k of [2, 3, 10, 64]) {
    for (const [a, b] of [[2, -1], [5, 0.5]]) {
      const l1 = a + 2 * Math.abs(b) * Math.cos(Math.PI / (k + 1));
      const l2 = a + 2 * Math.abs(b) * Math.cos((2 * Math.PI) / (k + 1));
      within(gap(new Array(k).fill(a), new Array(k - 1).fill(b), l1), (l1 - l2) / l1, 1, 1e-13, `Toeplitz k=${k}, a=${a}, b=${b}`);
    }
  }
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const cases: [number[], number[]][] = [
    [[1, 1], [0]], // a repeated top value: gap 0
    [[0, 0, 0], [1, 1]], // zero pivots on the way
    [[1, 0, 1], [0, 0]],
    [[3, 3, 3, 3], [0, 1e-300, 0]],
  ];
  for (let c = 0; c < 200; c++) {
    const k = 2 + Math.floor(random() * 40);
    const scale = 10 ** Math.floor(random() * 12 - 6);
    const diag = Array.from({ length: k }, () => scale * (random() < 0.2 ? 1 : random()));
    const off = Array.from({ length: k - 1 }, () => (random() < 0.1 ? 0 : scale * (random() - 0.5)));
    cases.push([diag, off]);
  }
  for (const [diag, off] of cases) {
    // λ₁ from the reference's own search: the top Gershgorin row is an upper bound, any value in range will do for the comparison.
    const top = Math.max(...diag.map((d, i) => d + (i > 0 ? Math.abs(off[i - 1]) : 0) + (i + 1 < diag.length ? Math.abs(off[i]) : 0)));
    if (!(top > 0)) continue;
    assert.equal(Object.is(gap(diag, off, top), gapReference(diag, off, top)), true, `k=${diag.length}: ${gap(diag, off, top)} against ${gapReference(diag, off, top)}`);
  }
});

test('lanczosStep is, to the bit, the calls it replaced (matvec, dot, axpy, orthogonalise with the DGKS test, divide), float32 and float64 G, the last step and a non-finite α', () => {
  const kern = kernels();
  const rng = new Rng(23);
  for (const single of [true, false]) {
    for (const m of [1, 2, 5, 33]) {
      const steps = Math.min(m, 6);
      // G (m × m, symmetric), then the vectors q_0 … q_steps, coefficients (steps + 1), twice: one copy per way.
      const Q = single ? Math.ceil((m * m) / 2) : m * m;
      const C = Q + (steps + 1) * m;
      const size = C + steps + 2;
      const mem = kern.reserve(2 * size);
      const g = new Float64Array(m * m);
      for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) g[i * m + j] = g[j * m + i] = rng.normal();
      const q0 = Float64Array.from({ length: m }, () => rng.normal());
      const n = Math.hypot(...q0);
      for (const at of [0, size]) {
        if (single) new Float32Array(kern.exports.memory.buffer, 8 * at, m * m).set(g);
        else mem.set(g, at);
        mem.set(q0.map((x) => x / n), at + Q);
      }
      const { dot, axpy, divide, orthogonalise, lanczosStep } = kern.exports;
      const matvec = single ? kern.exports.matvecF32 : kern.exports.matvec;
      let betaFused = 0;
      let betaCalls = 0;
      for (let j = 0; j < steps; j++) {
        const last = j + 1 === m;
        // The calls, in the second copy (as topEigenpair made them until 2026-12-03).
        const q = (k: number) => 8 * (size + Q + k * m);
        const w = q(j + 1);
        matvec(8 * size, m, m, q(j), w);
        const a = dot(q(j), w, m);
        axpy(-a, q(j), w, m);
        if (j > 0) axpy(-betaCalls, q(j - 1), w, m);
        for (let pass = 0; pass < 2; pass++) {
          const before = dot(w, w, m);
          orthogonalise(q(0), j + 1, m, w, 8 * (size + C));
          if (dot(w, w, m) >= 0.49 * before) break;
        }
        const b = last ? 0 : Math.sqrt(dot(w, w, m));
        if (b > 0) divide(w, m, b);
        betaCalls = b;
        // The fused step, in the first copy.
        const fused = lanczosStep(0, single ? 1 : 0, m, 8 * Q, j, betaFused, 8 * C, last ? 1 : 0, 8 * (C + steps + 1));
        betaFused = mem[C + steps + 1];
        assert.ok(Object.is(fused, a) && Object.is(betaFused, b), `${single ? 'float32' : 'float64'} m=${m} step ${j}: α ${fused} against ${a}, β ${betaFused} against ${b}`);
        for (let i = 0; i < m; i++) assert.ok(Object.is(mem[Q + (j + 1) * m + i], mem[size + Q + (j + 1) * m + i]), `m=${m} step ${j}: q_${j + 1}[${i}]`);
        if (last) break;
      }
    }
  }
  // α not finite: returned at once, w holding G q_0.
  const mem = kern.reserve(8);
  mem.set([Infinity, 0, 0, 0, 1, 0, 0, 0]);
  assert.equal(kern.exports.lanczosStep(0, 0, 2, 32, 0, 0, 48, 0, 56), Infinity);
});

test('the memory grows for a larger request and the views follow it; results after growing stay right', () => {
  const kern = kernels();
  const before = kern.exports.memory.buffer.byteLength;
  const n = Math.ceil(before / 8) + 3 * KERNEL_CHUNK;
  const view = kern.reserve(n);
  assert.ok(kern.exports.memory.buffer.byteLength >= 8 * n);
  assert.equal(view.buffer, kern.exports.memory.buffer);
  assert.equal(kern.float32().buffer, kern.exports.memory.buffer);
  assert.equal(squaredNorms(Float32Array.of(3, 4), Float32Array.of(0, 0)).a2, 25);
  assert.throws(() => kern.reserve(2 ** 40), RangeError);
});

test('src/core/math/kernelsBinary.ts is what scripts/kernels.mjs assembles from kernels.wat (run `node scripts/kernels.mjs` after editing the .wat)', async () => {
  const script = (await import(pathToFileURL(join(repo, 'scripts', 'kernels.mjs')).href)) as { kernelsModule(source: string): Promise<string>; SOURCE: string; TARGET: string };
  const expected = await script.kernelsModule(readFileSync(script.SOURCE, 'utf8'));
  assert.equal(readFileSync(script.TARGET, 'utf8'), expected);
});
