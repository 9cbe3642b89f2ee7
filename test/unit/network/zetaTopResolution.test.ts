/**
 * ζ_top where the top singular values are close: the Lanczos runs go past their budget until the top
 * vectors are resolved, and a pair whose layer stays unresolved gets null, never the cosine of vectors
 * that are not the top ones (docs/networks.md, "How each is computed, and what it costs").
 *
 * Layers with a known spectrum and known singular vectors in O(n²): W = H_a · diag(s) · H_b with the
 * Householder reflections H_h = I − 2hhᵀ (|h| = 1), whose top left and right singular vectors are
 * H_a e₁ and H_b e₁ when s₁ is the largest (H_b symmetric), each chosen to be a given unit vector. A dense spectrum below s₁ (s_i from 1 down to 0.5) makes
 * Krylov methods slow to separate s₁ = 1 + gap from s₂ = 1, as in a trained layer whose learnt
 * direction barely stands out of the rest.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { jsProducts, lanczosSteps, measureNetwork, tfjsProducts, topEigenpair, topSingularTriplet, tripletResolved, WeightMatrix } from '../../../src/core/network/layerMetrics';
import { writeSafetensors } from '../../../src/core/checkpoints/writeSafetensors';
import { normal, random } from '../checkpoints/float64Reference';
import { cliFolder } from '../cli/cliFolder';

function unitVector(n: number, next: () => number): Float64Array {
  const h = Float64Array.from({ length: n }, () => normal(next));
  const norm = Math.hypot(...h);
  return h.map((x) => x / norm);
}

/** The unit h whose reflection H_h = I − 2hhᵀ takes e₁ to the unit vector t: h = (e₁ − t)/|e₁ − t|. */
function reflectorTo(t: Float64Array): Float64Array {
  const h = t.map((x) => -x);
  h[0] += 1;
  const norm = Math.hypot(...h);
  return h.map((x) => x / norm);
}

/** H_a diag(s) H_b, n × n: D − 2a(aᵀD) − 2(Db)bᵀ + 4(aᵀDb)·abᵀ, in float64. */
function reflectedDiagonal(a: Float64Array, s: Float64Array, b: Float64Array): WeightMatrix {
  const n = s.length;
  const aD = a.map((x, i) => x * s[i]);
  const Db = b.map((x, i) => x * s[i]);
  const aDb = aD.reduce((sum, x, i) => sum + x * b[i], 0);
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) data[i * n + j] = -2 * a[i] * aD[j] - 2 * Db[i] * b[j] + 4 * aDb * a[i] * b[j];
    data[i * n + i] += s[i];
  }
  return { rows: n, cols: n, data };
}

function spectrum(n: number, gap: number): Float64Array {
  const s = Float64Array.from({ length: n }, (_, i) => 1 - (0.5 * i) / (n - 1));
  s[0] = 1 + gap;
  return s;
}

/**
 * A pair (W_1, W_2) of n × n layers with W_1's top left singular vector u and W_2's top right one
 * cos(angle)·u + sin(angle)·r (r ⊥ u): the true ζ_top is |cos(angle)|.
 */
function pair(n: number, gap: number, seed: number, angle: number) {
  const next = random(seed);
  const u = unitVector(n, next);
  const r = unitVector(n, next);
  const along = r.reduce((sum, x, i) => sum + x * u[i], 0);
  r.forEach((x, i) => (r[i] = x - along * u[i]));
  const norm = Math.hypot(...r);
  const v = u.map((x, i) => Math.cos(angle) * x + (Math.sin(angle) * r[i]) / norm);
  const s = spectrum(n, gap);
  const [b, c] = [unitVector(n, next), unitVector(n, next)];
  return { w1: reflectedDiagonal(reflectorTo(u), s, b), w2: reflectedDiagonal(c, s, reflectorTo(v)), truth: Math.abs(Math.cos(angle)) };
}

test('a layer whose top singular value stands 0.2% above a dense spectrum: the run goes past its budget of 32 steps until resolved, and ζ_top is right', () => {
  const n = 1024;
  assert.equal(lanczosSteps(n, n), 32);
  const { w1, w2, truth } = pair(n, 2e-3, 5, 1);
  const t = topSingularTriplet(w1);
  assert.ok(t.steps > 32 && tripletResolved(t), `steps ${t.steps}, residual ${t.residual / t.sigma} σ, gap ${t.relativeGap}`);
  const zetaTop = measureNetwork([w1, w2], [w1, w2]).alignment[0]!.zetaTop;
  // Stopped at the budget's 32 steps it read 0.558 against the true 0.540.
  assert.ok(zetaTop !== null && Math.abs(zetaTop - truth) < 1e-3, `ζ_top ${zetaTop}, truth ${truth}`);
});

test('a layer whose two top singular values differ by 10⁻⁵: ζ_top is null where 64 steps do not resolve it (the products), and right where 128 do (the Grams)', () => {
  const n = 512;
  const { w1, w2, truth } = pair(n, 1e-5, 9, 0.7);
  const t = topSingularTriplet(w1);
  assert.equal(t.steps, 64);
  assert.ok(!tripletResolved(t));
  assert.equal(measureNetwork([w1, w2], [w1, w2]).alignment[0]!.zetaTop, null);
  // The trainer's path: symmetric Lanczos on W_1 W_1ᵀ and W_2ᵀ W_2 (at most 128 steps).
  const gram = (w: WeightMatrix, outer: boolean): WeightMatrix => {
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += outer ? w.data[i * n + k] * w.data[j * n + k] : w.data[k * n + i] * w.data[k * n + j];
        g[i * n + j] = g[j * n + i] = sum;
      }
    }
    return { rows: n, cols: n, data: g };
  };
  const grams = [{ outer: gram(w1, true) }, { inner: gram(w2, false) }];
  const measured = measureNetwork([w1, w2], [w1, w2], { grams });
  assert.notEqual(measured.alignment[0]!.zeta, null);
  // The Grams' runs may take 128 steps, which resolve this gap: their ζ_top is the true one.
  const zetaTop = measured.alignment[0]!.zetaTop;
  assert.ok(zetaTop !== null && Math.abs(zetaTop - truth) < 1e-4, `ζ_top on the Grams ${zetaTop}, truth ${truth}`);
});

test('over random pairs and gaps from 10⁻⁶ to 0.5, ζ_top is null or within 10⁻² of the truth', () => {
  const next = random(2026);
  for (let trial = 0; trial < 12; trial++) {
    const n = [256, 512, 1024][trial % 3];
    const gap = 10 ** (-6 + 5.7 * next());
    const angle = (Math.PI / 2) * next();
    const { w1, w2, truth } = pair(n, gap, 100 + trial, angle);
    const zetaTop = measureNetwork([w1, w2], [w1, w2]).alignment[0]!.zetaTop;
    const what = `n ${n}, gap ${gap.toExponential(2)}: ζ_top ${zetaTop}, truth ${truth}`;
    if (zetaTop !== null) assert.ok(Math.abs(zetaTop - truth) < 1e-2, what);
    // A gap of 1% or more is always resolved.
    if (gap >= 1e-2) assert.notEqual(zetaTop, null, what);
  }
});

test('a warm start on what is now the second singular vector (the top two values swapped between records) still finds the top one, or says null', () => {
  // A rank-2 layer A (50 × 40) plus float32-level noise: top values 1 and 0.99 at the first record,
  // 0.9 and 1 at the second (they swap); B reads A's first-record top direction. A breaker's case: the
  // warm start, a 10⁻⁵ mix away from A's old top vector, met the residual test after one step and
  // ζ_top read 0.99999999999929 where the truth is 5·10⁻¹⁰.
  const next = random(77);
  const [m, n, o] = [50, 40, 30];
  const orthonormal = (length: number, count: number): Float64Array[] => {
    const basis: Float64Array[] = [];
    while (basis.length < count) {
      const v = Float64Array.from({ length }, () => normal(next));
      for (const b of basis) {
        const along = v.reduce((s, x, i) => s + x * b[i], 0);
        b.forEach((x, i) => (v[i] -= along * x));
      }
      const norm = Math.hypot(...v);
      basis.push(v.map((x) => x / norm));
    }
    return basis;
  };
  const [ua, ub, uc] = orthonormal(m, 3);
  const [va, vb] = orthonormal(n, 2);
  const [wa, wb] = orthonormal(o, 2);
  const outer = (terms: [number, Float64Array, Float64Array][], rows: number, cols: number, noise: number): WeightMatrix => {
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = terms.reduce((s, [c, u, v]) => s + c * u[i] * v[j], 0) + noise * normal(next);
    return { rows, cols, data };
  };
  for (const noise of [0, 1e-7, 1e-6]) {
    const a0 = outer([[1, ua, va], [0.99, ub, vb]], m, n, noise);
    const a1 = outer([[0.9, ua, va], [1, ub, vb]], m, n, noise);
    const b = outer([[2, wa, ua], [0.3, wb, uc]], o, m, 0);
    const spectra = new Map();
    measureNetwork([a0, b], [a0, b], { spectra });
    const warm = measureNetwork([a1, b], [a0, b], { spectra }).alignment[0]!.zetaTop;
    const cold = measureNetwork([a1, b], [a0, b]).alignment[0]!.zetaTop;
    // A1's top left vector is ub, B's top right one ua: ζ_top = |⟨ua, ub⟩| = 0 up to the noise.
    assert.ok(cold !== null && cold < 1e-3, `noise ${noise}: cold ζ_top ${cold}`);
    assert.ok(warm === null || warm < 1e-3, `noise ${noise}: warm ζ_top ${warm}`);
  }
});

test('exactly tied top singular values (a breaker\'s diag(1, 1, 0.5)): ζ_top is null, on the products and on the Grams; a gap of 10⁻⁵ and distinct values keep their number', () => {
  // A Krylov space holds a repeated eigenvalue once: the run broke down after two steps with the gap
  // taken to 0.5, and ζ_top read 0.3759 where the top left vector is any unit vector of span(e₁, e₂).
  const diagonal = (d: number[], square = false): WeightMatrix => {
    const n = d.length;
    const data = new Float64Array(n * n);
    d.forEach((x, i) => (data[i * n + i] = square ? x * x : x));
    return { rows: n, cols: n, data };
  };
  const reader = (n: number): WeightMatrix => ({ rows: 1, cols: n, data: Float64Array.from({ length: n }, (_, i) => i + 1) });
  const measured = (d: number[]) => {
    const w1 = diagonal(d);
    const w2 = reader(d.length);
    const products = measureNetwork([w1, w2], [w1, w2]).alignment[0]!.zetaTop;
    const grams = measureNetwork([w1, w2], [w1, w2], { grams: [{ outer: diagonal(d, true) }, { inner: { rows: d.length, cols: d.length, data: Float64Array.from({ length: d.length ** 2 }, (_, k) => (Math.floor(k / d.length) + 1) * ((k % d.length) + 1)) } }] }).alignment[0]!.zetaTop;
    return { products, grams, what: `diag(${d.join(', ')}): ζ_top ${products} (products), ${grams} (Grams)` };
  };
  for (const d of [[1, 1, 0.5], [1, 1, 0.999999], [2, 2, 1], [1, 1, 1, 0.5], [3, 3, 0, 0]]) {
    const { products, grams, what } = measured(d);
    assert.equal(products, null, what);
    assert.equal(grams, null, what);
    assert.ok(topSingularTriplet(diagonal(d)).relativeGap < 1e-12, what);
    assert.ok(topEigenpair(diagonal(d, true)).relativeGap < 1e-12, what);
  }
  // Distinct top values: the top vector is e₁, ζ_top = 1/|(1, 2, …)|.
  for (const d of [[1, 0.99999, 0.5], [1, 0.5, 0.5], [1, 0, 0], [2, 1, 1, 1]]) {
    const { products, grams, what } = measured(d);
    const truth = 1 / Math.hypot(...d.map((_, i) => i + 1));
    assert.ok(products !== null && Math.abs(products - truth) < 1e-9, what);
    assert.ok(grams !== null && Math.abs(grams - truth) < 1e-9, what);
  }
});

/** diag(d) (float32 or float64 storage), and a reader 1 × n of (1, 2, …, n): ζ_top of the pair is 1/|(1, 2, …)| when d₁ is the one largest value. */
function diagonalPair(d: readonly number[], single: boolean): [WeightMatrix, WeightMatrix] {
  const n = d.length;
  const data = single ? new Float32Array(n * n) : new Float64Array(n * n);
  d.forEach((x, i) => (data[i * n + i] = x));
  return [{ rows: n, cols: n, data }, { rows: 1, cols: n, data: single ? Float32Array.from({ length: n }, (_, i) => i + 1) : Float64Array.from({ length: n }, (_, i) => i + 1) }];
}

/** Top values tied, or closer than RESOLVED_GAP (1.2·10⁻⁷ apart: 2.4·10⁻⁷ in σ²): no one top vector. */
const TIED = [[1, 1, 0.5], [1, 1, 0.999999], [2, 2, 1], [1, 1, 1, 0.5], [3, 3, 0, 0], [1, 1 + 1.2e-7, 0.5], [1 + 1.2e-7, 1, 0.5, 0.25]];
/** Top value alone (by 10⁻⁵ at least): ζ_top = 1/|(1, 2, …)|. */
const DISTINCT = [[1, 0.99999, 0.5], [1, 0.5, 0.5], [1, 0, 0], [2, 1, 1, 1]];

test('tied top singular values on float32 products (TensorFlow.js) and float32 layers: ζ_top is null, as on the Grams; distinct values keep their number', async () => {
  // Float32 products leave the Golub–Kahan coupling about 10⁻⁸·σ where exact arithmetic breaks down
  // (0), far above the float64 breakdown test (10⁻¹⁰·σ): the run stopped on its residual after two
  // steps with the gap taken to the next distinct value, and ζ_top read 0.3759 for diag(1, 1, 0.5) —
  // the start vector's component, as it did for a gap of 1.2·10⁻⁷ on any products.
  setWasmPaths(join(process.cwd(), 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'));
  await tf.setBackend('wasm');
  await tf.ready();
  for (const [name, products] of [['JavaScript', jsProducts], ['TensorFlow.js', tfjsProducts(tf)]] as const) {
    for (const single of [true, false]) {
      for (const d of TIED) {
        const [w1, w2] = diagonalPair(d, single);
        const what = `${name} products, ${single ? 'float32' : 'float64'} diag(${d.join(', ')})`;
        assert.equal(measureNetwork([w1, w2], [w1, w2], { products }).alignment[0]!.zetaTop, null, what);
        assert.ok(!tripletResolved(topSingularTriplet(w1, { products })), what);
      }
      for (const d of DISTINCT) {
        const [w1, w2] = diagonalPair(d, single);
        const zetaTop = measureNetwork([w1, w2], [w1, w2], { products }).alignment[0]!.zetaTop;
        const truth = 1 / Math.hypot(...d.map((_, i) => i + 1));
        // Float32 products leave the vector about their accuracy over the gap off (2·10⁻⁴ at a gap of 10⁻⁵).
        assert.ok(zetaTop !== null && Math.abs(zetaTop - truth) < (products === jsProducts ? 1e-9 : 1e-3), `${name} products, diag(${d.join(', ')}): ζ_top ${zetaTop}, truth ${truth}`);
      }
    }
  }
});

test('a rotated layer whose top value is tied above a few repeated lower ones (1, 1, 0.5 × 30, 0.25 × 32): ζ_top is null on both products; a top 1% above keeps its number', async () => {
  // The Krylov space is invariant after three steps (one vector per distinct value) to the products'
  // accuracy; a second block of one step still saw the first block's top alone (its residual as small as
  // the coupling), and read a number.
  setWasmPaths(join(process.cwd(), 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'));
  await tf.setBackend('wasm');
  await tf.ready();
  const n = 64;
  const next = random(64);
  const u = unitVector(n, next);
  const reader = unitVector(n, next);
  const b = unitVector(n, next);
  for (const top of [1, 1.01]) {
    const s = Float64Array.from({ length: n }, (_, i) => (i === 0 ? top : i < 2 ? 1 : i < 32 ? 0.5 : 0.25));
    const w = reflectedDiagonal(reflectorTo(u), s, b);
    const w1: WeightMatrix = { rows: n, cols: n, data: Float32Array.from(w.data) };
    const w2: WeightMatrix = { rows: 1, cols: n, data: Float32Array.from(reader) };
    const truth = Math.abs(u.reduce((sum, x, i) => sum + x * Math.fround(reader[i]), 0));
    for (const [name, products] of [['JavaScript', jsProducts], ['TensorFlow.js', tfjsProducts(tf)]] as const) {
      const zetaTop = measureNetwork([w1, w2], [w1, w2], { products }).alignment[0]!.zetaTop;
      if (top === 1) assert.equal(zetaTop, null, `${name} products: ζ_top ${zetaTop}`);
      else assert.ok(zetaTop !== null && Math.abs(zetaTop - truth) < 1e-4, `${name} products, top ${top}: ζ_top ${zetaTop}, truth ${truth}`);
    }
  }
});

test('flab checkpoints on safetensors checkpoints with a tied layer: ζ_top is null at those steps, a number at the one whose top value stands alone', async () => {
  const { dir, flab, write } = cliFolder('flab-zeta-top-ties-');
  const steps = [[1, 1, 0.5], [1, 1 + 1.2e-7, 0.5], [2, 2, 1], [3, 3, 0], [1, 0.5, 0.5]];
  for (const [k, d] of steps.entries()) {
    const [w1, w2] = diagonalPair(d, true);
    await writeSafetensors(join(dir, `step_${k * 10}.safetensors`), [
      { name: 'fc1.weight', dtype: 'F32', shape: [3, 3], data: w1.data },
      { name: 'fc2.weight', dtype: 'F32', shape: [1, 3], data: w2.data },
    ]);
  }
  const r = flab('checkpoints', write('read.flab.json', { checkpoints: { path: 'step_*.safetensors' } }), '--json');
  assert.equal(r.code, 0, r.stderr);
  const zetaTop = (JSON.parse(r.stdout) as { alignment: { zetaTop: (number | null)[] }[] }).alignment[0].zetaTop;
  assert.deepEqual(zetaTop.slice(0, 4), [null, null, null, null], `ζ_top ${JSON.stringify(zetaTop)}`);
  assert.ok(zetaTop[4] !== null && Math.abs(zetaTop[4] - 1 / Math.sqrt(14)) < 1e-6, `ζ_top ${JSON.stringify(zetaTop)}`);
});
