/**
 * The measurements of a record on ONNX Runtime (src/core/network/onnx/onnxMeasures.ts, measureGraph.ts)
 * and what measureNetwork makes of them (src/core/network/layerMetrics.ts, `grams`, `topEigenpair`):
 * - the Gram graph's W_l W_lᵀ and W_lᵀ W_l against float64 loops;
 * - ζ and ζ_top from those Grams against measureNetwork's own products (`jsProducts`), the singular
 *   values against `topSingularTriplet`, warm starts, `zeta: false`/`zetaTop: false` and zero layers;
 * - `topEigenpair` against matrices Q diag(λ) Qᵀ of known spectrum, and its edge cases;
 * - the kernel graph's kernel and tangent-feature changes against the float64 finite-difference
 *   reference (test/reference/deepNetwork.ts), as tangentKernel.test.ts checks TangentKernelProbe, and
 *   against TangentKernelProbe (TensorFlow.js) itself;
 * - `KernelChange` (the float64 change of given features) against answers worked out by hand.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useWasmBackend } from '../../../src/core/network/backend';
import { jsProducts, measureNetwork, SingularTriplet, topEigenpair, topSingularTriplet, WeightMatrix } from '../../../src/core/network/layerMetrics';
import { KernelGraphSpec } from '../../../src/core/network/onnx/measureGraph';
import { IDLE_SESSIONS, measurementSessions, OnnxMeasures } from '../../../src/core/network/onnx/onnxMeasures';
import { onnxRuntime } from '../../../src/core/network/onnx/onnxSteps';
import { KernelChange, TangentFeatures, TangentKernelProbe } from '../../../src/core/network/tangentKernel';
import { Rng } from '../../../src/core/math/rng';
import type { RefNetwork } from '../../reference/deepNetwork';
import { expectKernelChanges, KERNEL_CASES, kernelCase, perturbed, randomNetwork, toParameters } from './helpers';

type Ort = Exclude<ReturnType<typeof onnxRuntime>, Error>;

before(() => useWasmBackend());

/** onnxruntime-node, which has a build for this machine (linux x64): not loading it is a failure, not a skip. */
function ort(): Ort {
  const loaded = onnxRuntime();
  if (loaded instanceof Error) throw new Error(`onnxruntime-node does not load: ${loaded.message}`);
  return loaded;
}

// ---------------------------------------------------------------------------------------------
// Float64 helpers

function close(got: number | null, expected: number, tolerance: number, what: string): void {
  assert.ok(got !== null && Math.abs(got - expected) <= tolerance, `${what}: ${got} vs ${expected} (tolerance ${tolerance})`);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function absCos(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.abs(dot(a, b)) / Math.sqrt(dot(a, a) * dot(b, b));
}

/** W Wᵀ (outer, r × r) or Wᵀ W (inner, c × c) in float64 loops. */
function refGram(w: WeightMatrix, side: 'outer' | 'inner'): Float64Array {
  const { rows: r, cols: c, data } = w;
  const m = side === 'outer' ? r : c;
  const g = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      if (side === 'outer') for (let k = 0; k < c; k++) s += data[i * c + k] * data[j * c + k];
      else for (let k = 0; k < r; k++) s += data[k * c + i] * data[k * c + j];
      g[i * m + j] = g[j * m + i] = s;
    }
  }
  return g;
}

/** A float32 layer of N(0, scale²) entries. */
function randomLayer(rng: Rng, rows: number, cols: number, scale: number): WeightMatrix {
  return { rows, cols, data: Float32Array.from({ length: rows * cols }, () => scale * rng.normal()) };
}

function unit(rng: Rng, n: number): Float64Array {
  const v = Float64Array.from({ length: n }, () => rng.normal());
  const norm = Math.sqrt(dot(v, v));
  return v.map((x) => x / norm);
}

/**
 * A float32 layer with a planted top direction: noise of spectral norm about 1 plus 3 u vᵀ (u, v unit),
 * so its top singular value (≈ 3) is well separated and its top vectors are determined.
 */
function plantedLayer(rng: Rng, rows: number, cols: number): WeightMatrix {
  const w = randomLayer(rng, rows, cols, 1 / (Math.sqrt(rows) + Math.sqrt(cols)));
  const u = unit(rng, rows);
  const v = unit(rng, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) w.data[i * cols + j] = Math.fround(w.data[i * cols + j] + 3 * u[i] * v[j]);
  return w;
}

/** Every layer moved by ε·N(0, 1) per entry (float32). */
function moved(rng: Rng, layers: readonly WeightMatrix[], epsilon: number): WeightMatrix[] {
  return layers.map((w) => ({ ...w, data: Float32Array.from(w.data, (x) => x + epsilon * rng.normal()) }));
}

function probeOf(rng: Rng, samples: number, features: number): Float32Array {
  return Float32Array.from({ length: samples * features }, () => rng.normal());
}

/** The measures of a network of layer sizes `sizes` (the kernel part unused: relu, no bias, unit rates). */
function gramMeasures(sizes: number[], rng: Rng): OnnxMeasures {
  const spec: KernelGraphSpec = { sizes, activation: 'relu', outputScale: 1, bias: false, rates: sizes.slice(1).map(() => 1), samples: 2 };
  return new OnnxMeasures(ort(), spec, probeOf(rng, 2, sizes[0]));
}

// ---------------------------------------------------------------------------------------------
// Gram matrices

for (const sizes of [
  [7, 5, 9, 3],
  [4, 6, 6, 2, 3],
  [3, 1, 4, 2],
  [2, 3, 2],
  [784, 256, 256, 256, 10],
]) {
  test(`the Gram graph gives W_l W_lᵀ (l < L, or l = L narrower than its input) and W_lᵀ W_l (l > 1, or l = 1 wider than its input) to float32 accuracy, and nothing else (${sizes.join('-')})`, async () => {
    const rng = new Rng(sizes.reduce((a, b) => 31 * a + b, 7));
    const weights = sizes.slice(1).map((n, l) => randomLayer(rng, n, sizes[l], 1 / Math.sqrt(sizes[l])));
    const m = gramMeasures(sizes, rng);
    try {
      const grams = await m.grams(weights);
      const L = sizes.length - 1;
      assert.equal(grams.length, L);
      grams.forEach((g, k) => {
        const l = k + 1;
        // The Grams a pair meets on, and the first and last layers' smaller Gram (for their Lanczos runs).
        const sides = (['outer', 'inner'] as const).filter((side) => (side === 'outer' ? l < L || sizes[l] < sizes[l - 1] : l > 1 || sizes[l - 1] < sizes[l]));
        assert.deepEqual(Object.keys(g).sort(), [...sides, 'shift'].sort(), `the Grams of layer ${l}`);
        assert.equal(g.shift, 0, `layer ${l}'s entries are near unit size: its Grams are of W itself`);
        for (const side of sides) {
          const got = g[side]!;
          const size = side === 'outer' ? sizes[l] : sizes[l - 1];
          assert.equal(got.rows, size, `${side}:${l} rows`);
          assert.equal(got.cols, size, `${side}:${l} cols`);
          assert.equal(got.data.length, size * size, `${side}:${l} entries`);
          const ref = refGram(weights[k], side);
          let error = 0;
          let scale = 0;
          for (let i = 0; i < ref.length; i++) {
            error = Math.max(error, Math.abs(got.data[i] - ref[i]));
            scale = Math.max(scale, Math.abs(ref[i]));
          }
          assert.ok(scale > 0 && error <= 1e-5 * scale, `${side}:${l}: max error ${error} of max |G| ${scale}`);
        }
      });
    } finally {
      m.release();
    }
  });
}

test('the Gram graph writes every run into the same arrays (no fresh memory after the first run), each time the new weights\' Grams', async () => {
  const rng = new Rng(41);
  const sizes = [6, 8, 7, 3];
  const m = gramMeasures(sizes, rng);
  try {
    const first = await m.grams(sizes.slice(1).map((n, l) => randomLayer(rng, n, sizes[l], 1)));
    const arrays = first.map((g) => [g.outer?.data, g.inner?.data]);
    const weights = sizes.slice(1).map((n, l) => randomLayer(rng, n, sizes[l], 1));
    const second = await m.grams(weights);
    second.forEach((g, k) => {
      assert.equal(g.outer?.data, arrays[k][0], `outer:${k + 1} is the first run's array`);
      assert.equal(g.inner?.data, arrays[k][1], `inner:${k + 1} is the first run's array`);
      for (const side of ['outer', 'inner'] as const) {
        if (!g[side]) continue;
        const ref = refGram(weights[k], side);
        ref.forEach((x, i) => assert.ok(Math.abs(g[side]!.data[i] - x) <= 1e-5 * (1 + Math.abs(x)), `${side}:${k + 1}[${i}]: ${g[side]!.data[i]} against ${x}`));
      }
    });
  } finally {
    m.release();
  }
});

test('a network of one layer has no pair, hence no Grams: [{}]', async () => {
  const rng = new Rng(5);
  const m = gramMeasures([5, 3], rng);
  try {
    assert.deepEqual(await m.grams([randomLayer(rng, 3, 5, 1)]), [{}]);
  } finally {
    m.release();
  }
});

// ---------------------------------------------------------------------------------------------
// ζ and ζ_top from the Grams

for (const sizes of [
  [7, 5, 9, 3],
  [4, 6, 6, 2, 3],
  [30, 40, 20, 10],
]) {
  test(`ζ and ζ_top from ONNX Grams match measureNetwork's own products, and σ matches topSingularTriplet (planted layers ${sizes.join('-')})`, async () => {
    const rng = new Rng(sizes.reduce((a, b) => 17 * a + b, 3));
    const weights0 = sizes.slice(1).map((n, l) => plantedLayer(rng, n, sizes[l]));
    const weights = moved(rng, weights0, 0.05);
    const m = gramMeasures(sizes, rng);
    try {
      const grams = await m.grams(weights);
      const spectra = new Map<number, SingularTriplet>();
      const got = measureNetwork(weights, weights0, { grams, spectra });
      const ref = measureNetwork(weights, weights0, { products: jsProducts });
      assert.deepEqual(got.layers, ref.layers);
      assert.equal(got.distance, ref.distance);
      assert.equal(got.alignment.length, ref.alignment.length);
      got.alignment.forEach((p, l) => {
        const r = ref.alignment[l]!;
        close(p!.zeta, r.zeta!, 1e-5, `ζ of pair ${l}`);
        close(p!.zetaTop, r.zetaTop!, 1e-4, `ζ_top of pair ${l}`);
        assert.equal(p!.zetaError, 0);
      });
      // Every layer took its triplet from a Gram: σ = ‖Wᵀu‖ (outer) or ‖W v‖ (inner), and unit vectors.
      assert.equal(spectra.size, weights.length);
      weights.forEach((w, l) => {
        const t = spectra.get(l)!;
        const exact = topSingularTriplet(w, { tolerance: 0, maxSteps: Math.min(w.rows, w.cols) });
        close(t.sigma / exact.sigma, 1, 1e-5, `σ of layer ${l + 1}`);
        assert.equal(t.left.length, w.rows);
        assert.equal(t.right.length, w.cols);
        close(dot(t.left, t.left), 1, 1e-12, `|left| of layer ${l + 1}`);
        close(dot(t.right, t.right), 1, 1e-12, `|right| of layer ${l + 1}`);
        assert.ok(absCos(t.left, exact.left) > 1 - 1e-6, `left vector of layer ${l + 1}`);
        assert.ok(absCos(t.right, exact.right) > 1 - 1e-6, `right vector of layer ${l + 1}`);
      });
    } finally {
      m.release();
    }
  });
}

test("ζ from ONNX Grams of the 784-256-256-256-10 MLP at random weights matches the exact products; zetaTop: false gives null and runs no Lanczos; each layer's Lanczos runs on its smaller Gram", async () => {
  const rng = new Rng(784);
  const sizes = [784, 256, 256, 256, 10];
  const weights0 = sizes.slice(1).map((n, l) => randomLayer(rng, n, sizes[l], 1 / Math.sqrt(sizes[l])));
  const weights = moved(rng, weights0, 0.01);
  const m = gramMeasures(sizes, rng);
  try {
    const grams = await m.grams(weights);
    const spectra = new Map<number, SingularTriplet>();
    const got = measureNetwork(weights, weights0, { grams, spectra, zetaTop: false });
    const ref = measureNetwork(weights, weights0, { products: jsProducts, zetaTop: false });
    got.alignment.forEach((p, l) => {
      close(p!.zeta, ref.alignment[l]!.zeta!, 1e-5, `ζ of pair ${l}`);
      assert.equal(p!.zetaTop, null);
    });
    assert.equal(spectra.size, 0, 'no triplet was computed');
    // With ζ_top: each layer's Lanczos runs on its smaller Gram, so it takes at most min(rows, cols) steps
    // (the 10 × 256 last layer: its 10 × 10 outer Gram, not the 256 × 256 inner one, at random weights
    // whose top direction is barely determined).
    const top = measureNetwork(weights, weights0, { grams, spectra });
    weights.forEach((w, l) => {
      const t = spectra.get(l)!;
      assert.ok(t.steps <= Math.min(w.rows, w.cols), `layer ${l + 1} (${w.rows} × ${w.cols}): ${t.steps} steps`);
      close(t.sigma / topSingularTriplet(w).sigma, 1, 1e-5, `σ of layer ${l + 1}`);
    });
    top.alignment.forEach((p) => assert.ok(p!.zetaTop !== null && p!.zetaTop >= 0 && p!.zetaTop <= 1));
  } finally {
    m.release();
  }
});

test('with Grams, zeta: false gives null ζ and still ζ_top; a zero layer gives null ζ and ζ_top for both its pairs', async () => {
  const rng = new Rng(12);
  const sizes = [6, 8, 7, 5, 3];
  const weights = sizes.slice(1).map((n, l) => plantedLayer(rng, n, sizes[l]));
  const m = gramMeasures(sizes, rng);
  try {
    const grams = await m.grams(weights);
    const ref = measureNetwork(weights, weights, { products: jsProducts });
    const noZeta = measureNetwork(weights, weights, { grams, zeta: false });
    noZeta.alignment.forEach((p, l) => {
      assert.equal(p!.zeta, null);
      close(p!.zetaTop, ref.alignment[l]!.zetaTop!, 1e-4, `ζ_top of pair ${l}`);
    });
    const withZero = weights.map((w, l) => (l === 1 ? { ...w, data: new Float32Array(w.data.length) } : w));
    const zeroGrams = await m.grams(withZero);
    assert.ok(zeroGrams[1].outer!.data.every((x) => x === 0) && zeroGrams[1].inner!.data.every((x) => x === 0), 'the zero layer\'s Grams are zero');
    const z = measureNetwork(withZero, weights, { grams: zeroGrams });
    assert.deepEqual(z.alignment[0], { zeta: null, zetaTop: null, zetaError: 0 });
    assert.deepEqual(z.alignment[1], { zeta: null, zetaTop: null, zetaError: 0 });
    close(z.alignment[2]!.zeta, ref.alignment[2]!.zeta!, 1e-5, 'ζ of the pair without the zero layer');
    close(z.alignment[2]!.zetaTop, ref.alignment[2]!.zetaTop!, 1e-4, 'ζ_top of the pair without the zero layer');
  } finally {
    m.release();
  }
});

test('a shared spectra map warm-starts Lanczos on the Grams: fewer steps for slightly moved weights, the same ζ_top', async () => {
  const rng = new Rng(21);
  const sizes = [40, 60, 50, 30, 8];
  const weights0 = sizes.slice(1).map((n, l) => plantedLayer(rng, n, sizes[l]));
  const weights1 = moved(rng, weights0, 1e-3);
  const m = gramMeasures(sizes, rng);
  try {
    const spectra = new Map<number, SingularTriplet>();
    measureNetwork(weights0, weights0, { grams: await m.grams(weights0), spectra });
    const coldSteps = weights0.map((_, l) => spectra.get(l)!.steps);
    const grams1 = await m.grams(weights1);
    const warm = measureNetwork(weights1, weights0, { grams: grams1, spectra });
    const cold = new Map<number, SingularTriplet>();
    const again = measureNetwork(weights1, weights0, { grams: grams1, spectra: cold });
    weights0.forEach((_, l) => {
      const w = spectra.get(l)!.steps;
      const c = cold.get(l)!.steps;
      assert.ok(w < c, `layer ${l + 1}: warm ${w} < cold ${c} steps (first measurement ${coldSteps[l]})`);
    });
    warm.alignment.forEach((p, l) => close(p!.zetaTop, again.alignment[l]!.zetaTop!, 1e-6, `warm ζ_top of pair ${l}`));
  } finally {
    m.release();
  }
});

/** Each layer times k, as float32 (rounded once) or float64. */
function scaledLayers(layers: readonly WeightMatrix[], k: number, type: Float32ArrayConstructor | Float64ArrayConstructor = Float32Array): WeightMatrix[] {
  return layers.map((w) => {
    const data = new type(w.data.length);
    w.data.forEach((x, i) => (data[i] = x * k));
    return { ...w, data };
  });
}

test('ζ and ζ_top from ONNX Grams do not depend on the layers\' scale, float32 layers of 10⁻⁴⁰ to 10³⁸ and float64 ones of 10^±100 (float32 Grams of raw weights gave ζ = 1 at 10¹⁹, ζ_top = 0 at 10³⁰, 0 and 0 at 10⁻²⁵)', async () => {
  const rng = new Rng(1919);
  const sizes = [30, 40, 20, 10];
  const weights0 = sizes.slice(1).map((n, l) => plantedLayer(rng, n, sizes[l]));
  const weights = moved(rng, weights0, 0.05);
  const m = gramMeasures(sizes, rng);
  try {
    const unitSpectra = new Map<number, SingularTriplet>();
    const unit = measureNetwork(weights, weights0, { grams: await m.grams(weights), spectra: unitSpectra });
    const cases: [number, Float32ArrayConstructor | Float64ArrayConstructor][] = [
      [1e-40, Float32Array], [1e-30, Float32Array], [1e-25, Float32Array], [1e-19, Float32Array], [2 ** -80, Float32Array],
      [1e19, Float32Array], [1e30, Float32Array], [1e38, Float32Array], [1e-100, Float64Array], [1e100, Float64Array],
    ];
    for (const [k, type] of cases) {
      const what = `${type.name} layers × ${k}`;
      const w = scaledLayers(weights, k, type);
      const w0 = scaledLayers(weights0, k, type);
      const grams = await m.grams(w);
      const spectra = new Map<number, SingularTriplet>();
      const got = measureNetwork(w, w0, { grams, spectra });
      // The products' path on the same weights (exact powers of two into range, float64 sums).
      const js = measureNetwork(w, w0, { products: jsProducts });
      // Subnormal float32 entries (10⁻⁴⁰ × 0.1) keep about 12 bits: the layers themselves differ from the unit ones by 10⁻⁴.
      const tolerance = k < 1e-37 && type === Float32Array ? 1e-3 : 1e-5;
      got.alignment.forEach((p, l) => {
        close(p!.zeta, unit.alignment[l]!.zeta!, tolerance, `${what}: ζ of pair ${l}`);
        close(p!.zetaTop, unit.alignment[l]!.zetaTop!, 10 * tolerance, `${what}: ζ_top of pair ${l}`);
        close(p!.zeta, js.alignment[l]!.zeta!, 1e-5, `${what}: ζ of pair ${l} against the products`);
        close(p!.zetaTop, js.alignment[l]!.zetaTop!, 1e-4, `${what}: ζ_top of pair ${l} against the products`);
      });
      weights.forEach((_, l) => {
        const t = spectra.get(l)!;
        close(t.sigma / (k * unitSpectra.get(l)!.sigma), 1, tolerance, `${what}: σ of layer ${l + 1}`);
        assert.ok(t.residual <= 1e-4 * t.sigma, `${what}: layer ${l + 1}'s residual ${t.residual} against σ ${t.sigma}`);
      });
      // The Grams themselves, not a fallback, gave them.
      grams.forEach((g, l) => {
        for (const side of ['outer', 'inner'] as const) if (g[side]) assert.ok(g[side].data.every(Number.isFinite) && g[side].data.some((x) => x !== 0), `${what}: layer ${l + 1}'s ${side} Gram is in range (shift ${g.shift})`);
      });
    }
  } finally {
    m.release();
  }
});

test('measureNetwork does not trust Grams out of float32\'s range: an infinite Gram gives ζ and ζ_top from the products', async () => {
  const rng = new Rng(33);
  const sizes = [9, 8, 7, 5];
  const weights = sizes.slice(1).map((n, l) => plantedLayer(rng, n, sizes[l]));
  const m = gramMeasures(sizes, rng);
  try {
    const grams = await m.grams(weights);
    // What float32 Grams of raw weights of 10¹⁹ gave: W Wᵀ overflowed.
    grams[1] = { ...grams[1], outer: { ...grams[1].outer!, data: grams[1].outer!.data.map(() => Infinity) } };
    const got = measureNetwork(weights, weights, { grams });
    const ref = measureNetwork(weights, weights, { products: jsProducts });
    got.alignment.forEach((p, l) => {
      close(p!.zeta, ref.alignment[l]!.zeta!, 1e-5, `ζ of pair ${l}`);
      close(p!.zetaTop, ref.alignment[l]!.zetaTop!, 1e-4, `ζ_top of pair ${l}`);
    });
  } finally {
    m.release();
  }
});

// ---------------------------------------------------------------------------------------------
// topEigenpair

/** A random orthogonal m × m matrix, columns by Gram–Schmidt (twice) of normal vectors. */
function orthogonal(rng: Rng, m: number): Float64Array[] {
  const qs: Float64Array[] = [];
  while (qs.length < m) {
    const v = Float64Array.from({ length: m }, () => rng.normal());
    for (let pass = 0; pass < 2; pass++) for (const q of qs) {
      const c = dot(q, v);
      for (let i = 0; i < m; i++) v[i] -= c * q[i];
    }
    const n = Math.sqrt(dot(v, v));
    if (n > 1e-8) qs.push(v.map((x) => x / n));
  }
  return qs;
}

/** G = Σ_k λ_k q_k q_kᵀ (float64, m × m). */
function fromSpectrum(qs: Float64Array[], lambda: number[]): WeightMatrix {
  const m = qs[0].length;
  const g = new Float64Array(m * m);
  qs.forEach((q, k) => {
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) g[i * m + j] += lambda[k] * q[i] * q[j];
  });
  return { rows: m, cols: m, data: g };
}

test('topEigenpair finds the top eigenpair of Q diag(λ) Qᵀ of known spectrum (distinct top, clustered or zero rest)', () => {
  const rng = new Rng(99);
  for (const [m, kind] of [
    [2, 'spread'],
    [5, 'spread'],
    [20, 'spread'],
    [60, 'spread'],
    [30, 'clustered'],
    [25, 'low rank'],
    [150, 'spread'],
  ] as const) {
    const qs = orthogonal(rng, m);
    // λ₁ = 10, λ₂ = 9 (a relative gap of 10 %), the rest in [0, 8) — clustered near 8, or zero past rank 5.
    const lambda = qs.map((_, k) => (k === 0 ? 10 : k === 1 ? 9 : kind === 'clustered' ? 8 - 1e-3 * rng.uniform() : kind === 'low rank' && k >= 5 ? 0 : 8 * rng.uniform()));
    const g = fromSpectrum(qs, lambda);
    const e = topEigenpair(g, undefined, 1e-12);
    close(e.value / 10, 1, 1e-9, `λ of ${m} × ${m} (${kind})`);
    assert.ok(absCos(e.vector, qs[0]) >= 1 - 1e-10, `vector of ${m} × ${m} (${kind}): |cos| ${absCos(e.vector, qs[0])}`);
    close(dot(e.vector, e.vector), 1, 1e-12, `unit vector (${m} × ${m})`);
    assert.ok(e.steps >= 1 && e.steps <= m, `${e.steps} steps`);
    assert.ok(e.residual <= 1e-12 * e.value || e.steps === m, `residual ${e.residual}`);
  }
});

test('topEigenpair of a float32 G (kept as float32 in the kernels\' memory) is, to the bit, that of its float64 copy: value, vector, residual and steps', () => {
  const rng = new Rng(57);
  for (const m of [1, 3, 7, 33, 256]) {
    // A Gram W Wᵀ of a random m × (m + 5) W, rounded to float32 as ONNX Runtime gives it.
    const w = Float64Array.from({ length: m * (m + 5) }, () => rng.normal());
    const g32 = new Float32Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < m + 5; k++) s += w[i * (m + 5) + k] * w[j * (m + 5) + k];
      g32[i * m + j] = s;
    }
    for (const start of [undefined, Float64Array.from({ length: m }, () => rng.normal())]) {
      const single = topEigenpair({ rows: m, cols: m, data: g32 }, start);
      const double = topEigenpair({ rows: m, cols: m, data: Float64Array.from(g32) }, start);
      assert.ok(Object.is(single.value, double.value) && Object.is(single.residual, double.residual) && single.steps === double.steps, `m = ${m}: ${JSON.stringify([single.value, single.residual, single.steps])} vs ${JSON.stringify([double.value, double.residual, double.steps])}`);
      assert.deepEqual(single.vector, double.vector, `m = ${m}: the vectors`);
      assert.ok(single.value > 0 && single.steps >= 1);
    }
  }
});

test('topEigenpair: a 1 × 1 matrix, a rank-one matrix and the zero matrix', () => {
  const one = topEigenpair({ rows: 1, cols: 1, data: new Float64Array([4]) });
  assert.equal(one.value, 4);
  assert.equal(Math.abs(one.vector[0]), 1);
  const rng = new Rng(4);
  const v = Float64Array.from({ length: 9 }, () => rng.normal());
  const g: WeightMatrix = { rows: 9, cols: 9, data: Float64Array.from({ length: 81 }, (_, k) => v[Math.floor(k / 9)] * v[k % 9]) };
  const r = topEigenpair(g, undefined, 1e-12);
  close(r.value / dot(v, v), 1, 1e-12, 'λ of v vᵀ = |v|²');
  assert.ok(absCos(r.vector, v) >= 1 - 1e-12, 'its vector is ±v/|v|');
  assert.ok(r.steps <= 2, `rank one: ${r.steps} steps`);
  for (const data of [new Float64Array(16), new Float32Array(16)]) {
    const zero = topEigenpair({ rows: 4, cols: 4, data });
    assert.equal(zero.value, 0);
    assert.equal(zero.vector.length, 4);
    assert.ok(zero.vector.every((x) => x === 0), 'the zero vector');
  }
  assert.deepEqual(topEigenpair({ rows: 0, cols: 0, data: new Float64Array(0) }).vector, new Float64Array(0));
});

test('topEigenpair: a start in the null space (G = e₁e₁ᵀ from e₂) or on a lower eigenvector still finds the top one; the true eigenvector as start converges in fewer steps', () => {
  const e1e1: WeightMatrix = { rows: 3, cols: 3, data: new Float64Array([1, 0, 0, 0, 0, 0, 0, 0, 0]) };
  const found = topEigenpair(e1e1, new Float64Array([0, 1, 0]));
  close(found.value, 1, 1e-12, 'λ from a start in the null space');
  assert.ok(Math.abs(Math.abs(found.vector[0]) - 1) < 1e-12 && Math.abs(found.vector[1]) < 1e-12 && Math.abs(found.vector[2]) < 1e-12, `vector ${found.vector}`);
  // A start that is an eigenvector of a lower eigenvalue (a warm start whose direction was overtaken) still finds the top one.
  const overtaken = topEigenpair({ rows: 2, cols: 2, data: new Float64Array([3, 0, 0, 1]) }, new Float64Array([0, 1]));
  close(overtaken.value, 3, 1e-12, 'λ from a lower eigenvector');
  assert.ok(Math.abs(overtaken.vector[0]) > 1 - 1e-12, `vector ${overtaken.vector}`);
  const rng = new Rng(8);
  const qs = orthogonal(rng, 40);
  const lambda = qs.map((_, k) => (k === 0 ? 5 : 4 * rng.uniform()));
  const g = fromSpectrum(qs, lambda);
  const warm = topEigenpair(g, qs[0]);
  const cold = topEigenpair(g);
  // The start is mixed with 10⁻² of the pseudo-random one (WARM_START_MIX), which some steps remove: 10 against 18.
  assert.ok(warm.steps < cold.steps, `${warm.steps} steps from the eigenvector, ${cold.steps} from the pseudo-random start`);
  // Stopped at a Ritz residual of 10⁻⁶λ: λ to about its square, the vector to about 10⁻⁶ (1 − |cos| to 10⁻¹²).
  close(warm.value / 5, 1, 1e-10, 'λ from the eigenvector');
  assert.ok(absCos(warm.vector, qs[0]) >= 1 - 1e-10);
  // A start a little off the eigenvector still beats the fixed pseudo-random start.
  const near = qs[0].map((x, i) => x + 1e-4 * qs[1][i]);
  assert.ok(topEigenpair(g, near).steps < topEigenpair(g).steps, 'a nearby start saves steps');
});

test('topEigenpair refuses a matrix that is not square', () => {
  assert.throws(() => topEigenpair({ rows: 2, cols: 3, data: new Float64Array(6) }), /not square/);
});

// ---------------------------------------------------------------------------------------------
// The tangent kernel on ONNX Runtime


/** The reference network's weights (rows) and biases as OnnxMeasures takes them. */
function weightsOf(net: RefNetwork): WeightMatrix[] {
  return net.weights.map((w, l) => ({ rows: net.sizes[l + 1], cols: net.sizes[l], data: Float32Array.from(w) }));
}

function biasesOf(net: RefNetwork): Float32Array[] | null {
  return net.biases ? net.biases.map((b) => Float32Array.from(b)) : null;
}

function kernelMeasures(net: RefNetwork, rates: readonly number[], probe: Float32Array, samples: number): OnnxMeasures {
  return new OnnxMeasures(ort(), { sizes: net.sizes, activation: net.activation, outputScale: net.gamma, bias: net.biases !== null, rates, samples }, probe);
}

const cases = KERNEL_CASES;

for (const c of cases) {
  test(`ONNX kernel and tangent-feature changes match the finite-difference Jacobian (${c.activation}, ${c.bias ? 'bias' : 'no bias'}, ${c.outputs} outputs, rates ${c.rates})`, async () => {
    const k = kernelCase(c, cases.indexOf(c));
    const m = kernelMeasures(k.net0, c.rates, k.x, 3);
    try {
      await expectKernelChanges(c, k, (net) => m.kernelChange(weightsOf(net), biasesOf(net)));
      // The reference stays the first measurement's: θ₀ again gives no change.
      const back = await m.kernelChange(weightsOf(k.net0), biasesOf(k.net0));
      assert.ok(back.kernelChange < 1e-6 && back.tangentChange < 1e-6, `back at θ₀: ${JSON.stringify(back)}`);
    } finally {
      m.release();
    }
  });
}

test('kernelChange refuses biases for a network without them, and null biases for one with them', async () => {
  const rng = new Rng(77);
  const withBias = randomNetwork(rng, [3, 4, 2], 'tanh', 1, true);
  const without = randomNetwork(rng, [3, 4, 2], 'tanh', 1, false);
  const x = probeOf(rng, 2, 3);
  const a = kernelMeasures(without, [1, 1], x, 2);
  const b = kernelMeasures(withBias, [1, 1], x, 2);
  try {
    await assert.rejects(a.kernelChange(weightsOf(without), biasesOf(withBias)), /has no biases/);
    await assert.rejects(b.kernelChange(weightsOf(withBias), null), /has biases/);
    // Neither refusal set a reference.
    assert.deepEqual(await a.kernelChange(weightsOf(without), null), { kernelChange: 0, tangentChange: 0, featuresVanished: false });
    assert.deepEqual(await b.kernelChange(weightsOf(withBias), biasesOf(withBias)), { kernelChange: 0, tangentChange: 0, featuresVanished: false });
  } finally {
    a.release();
    b.release();
  }
  assert.throws(() => kernelMeasures(without, [1, 1], new Float32Array(5), 2), /5 values, not 2 × 3/);
});

for (const [activation, bias] of [
  ['tanh', true],
  ['relu', false],
  ['leaky_relu', true],
] as const) {
  test(`ONNX Runtime and TensorFlow.js measure the same kernel and tangent-feature changes (${activation}, ${bias ? 'bias' : 'no bias'})`, async () => {
    const rng = new Rng(activation.length + (bias ? 100 : 0));
    const sizes = [6, 10, 8, 3];
    const rates = [0.5, 0.2, 1];
    const samples = 5;
    const net0 = randomNetwork(rng, sizes, activation, 0.8, bias);
    const x = probeOf(rng, samples, sizes[0]);
    const m = kernelMeasures(net0, rates, x, samples);
    const kp = new TangentKernelProbe(x, samples, 3, activation, 0.8, rates, bias);
    const nets = [net0, perturbed(net0, rng, 0.3), perturbed(net0, rng, 0.1)];
    try {
      for (const net of nets) {
        const got = await m.kernelChange(weightsOf(net), biasesOf(net));
        const p = toParameters(net);
        const expected = kp.measure(p);
        tf.dispose([...p.wt, ...(p.b ?? [])]);
        if (net === net0) {
          assert.deepEqual(got, expected);
          continue;
        }
        assert.ok(expected.kernelChange > 1e-2 && expected.tangentChange > 1e-2, `a change worth testing (${JSON.stringify(expected)})`);
        close(got.kernelChange / expected.kernelChange, 1, 1e-4, 'kernelChange, ONNX / TensorFlow.js');
        close(got.tangentChange / expected.tangentChange, 1, 1e-4, 'tangentChange, ONNX / TensorFlow.js');
      }
    } finally {
      m.release();
      kp.dispose();
    }
  });
}

test('a kernel out of float32\'s range is not a number on either engine (NaN: not finite, never a wrong number): weights of 10¹⁹ and 10⁻¹²; at 10⁵ only ‖K‖² is out of range and the tangent change stays (rates with a 0 too); γ = 10⁻³⁰ with rates of 10⁻⁴⁵ is measured as γ = rate = 1', async () => {
  const rng = new Rng(1919);
  const sizes = [3, 5, 4, 2];
  const probe = probeOf(rng, 3, 3);
  const net0 = randomNetwork(rng, sizes, 'relu', 1, false);
  const net1 = perturbed(net0, rng, 0.3);
  const scaledNet = (net: RefNetwork, k: number): RefNetwork => ({ ...net, weights: net.weights.map((w) => Float64Array.from(w, (x) => Math.fround(x * k))) });
  const changes = async (gamma: number, rates: number[], k: number) => {
    const spec: KernelGraphSpec = { sizes, activation: 'relu', outputScale: gamma, bias: false, rates, samples: 3 };
    const m = new OnnxMeasures(ort(), spec, probe);
    const tfjs = new TangentKernelProbe(probe, 3, 2, 'relu', gamma, rates, false);
    try {
      const onnx = [await m.kernelChange(weightsOf(scaledNet(net0, k)), null), await m.kernelChange(weightsOf(scaledNet(net1, k)), null)];
      const params = [net0, net1].map((n) => toParameters(scaledNet(n, k)));
      const tf1 = params.map((p) => tfjs.measure(p));
      params.forEach((p) => tf.dispose([...p.wt, ...(p.b ?? [])]));
      return { onnx, tfjs: tf1 };
    } finally {
      m.release();
      tfjs.dispose();
    }
  };
  const unit = await changes(1, [1, 1, 1], 1);
  assert.ok(unit.onnx[1].kernelChange! > 0.01, `a change worth testing: ${JSON.stringify(unit)}`);
  // γ and a common factor of the rates cancel from both ratios: measured exactly as powers of two.
  const tiny = await changes(1e-30, [1e-45, 1e-45, 1e-45], 1);
  for (const engine of ['onnx', 'tfjs'] as const) {
    close(tiny[engine][1].kernelChange, unit[engine][1].kernelChange!, 1e-5 * unit[engine][1].kernelChange!, `${engine}: kernelChange at γ = 10⁻³⁰, rates 10⁻⁴⁵`);
    close(tiny[engine][1].tangentChange, unit[engine][1].tangentChange!, 1e-5 * unit[engine][1].tangentChange!, `${engine}: tangentChange at γ = 10⁻³⁰, rates 10⁻⁴⁵`);
  }
  for (const rates of [[1, 1, 1], [1, 0, 1], [0, 1, 1]]) {
    const base = rates.every((r) => r === 1) ? unit : await changes(1, rates, 1);
    for (const k of [1e19, 1e-12]) {
      const got = await changes(1, rates, k);
      // K (∝ k⁴ here) overflows or underflows float32: no number; TensorFlow.js's tangent change is float64 from the features, which hold.
      for (const engine of ['onnx', 'tfjs'] as const) for (const c of got[engine]) assert.ok(Number.isNaN(c.kernelChange), `${engine} × ${k}, rates ${rates}: ${JSON.stringify(got)}`);
      for (const c of got.onnx) assert.ok(Number.isNaN(c.tangentChange) || Number.isFinite(c.tangentChange), `onnx × ${k}, rates ${rates}: ${JSON.stringify(got.onnx)}`);
      if (!Number.isNaN(got.onnx[1].tangentChange)) close(got.onnx[1].tangentChange, base.onnx[1].tangentChange!, 1e-4, `onnx × ${k}, rates ${rates}: tangentChange`);
      close(got.tfjs[1].tangentChange, base.tfjs[1].tangentChange!, 1e-4, `tfjs × ${k}, rates ${rates}: tangentChange`);
    }
    // ‖K‖² beyond float32 but the features within it: the reference's float64 check reads the features
    // back layer by layer (a layer of rate 0 has none) and keeps the tangent change.
    const large = await changes(1, rates, 1e5);
    assert.ok(large.onnx.every((c) => Number.isNaN(c.kernelChange)), `onnx × 10⁵, rates ${rates}: ${JSON.stringify(large.onnx)}`);
    close(large.onnx[1].tangentChange, base.onnx[1].tangentChange!, 1e-4, `onnx × 10⁵, rates ${rates}: tangentChange`);
  }
});

test('with every rate 0 the kernel is zero: both changes are 0 after a move', async () => {
  const rng = new Rng(50);
  for (const bias of [false, true]) {
    const net0 = randomNetwork(rng, [4, 6, 5, 2], 'tanh', 1, bias);
    const net1 = perturbed(net0, rng, 0.5);
    const rates = [0, 0, 0];
    const m = kernelMeasures(net0, rates, probeOf(rng, 3, 4), 3);
    try {
      assert.deepEqual(await m.kernelChange(weightsOf(net0), biasesOf(net0)), { kernelChange: 0, tangentChange: 0, featuresVanished: false });
      assert.deepEqual(await m.kernelChange(weightsOf(net1), biasesOf(net1)), { kernelChange: 0, tangentChange: 0, featuresVanished: false });
    } finally {
      m.release();
    }
  }
});

// ---------------------------------------------------------------------------------------------
// KernelChange (float64, on given features)

test('KernelChange on hand-built features: one layer (P = C = 1)', () => {
  // f = γ w·x, x = (1, 2): δ = γ, the features δ xᵀ. γ = 2 then 3 (as if the output scale moved).
  // J₀ = (2, 4), K₀ = η |J₀|² = 20η; J₁ = (3, 6), K₁ = 45η.
  // kernelChange = |45 − 20| / 20 = 1.25; tangentChange = |J₁ − J₀| / |J₀| = √5 / √20 = 0.5.
  const eta = 0.25;
  const kc = new KernelChange(1, 1, [eta], false);
  const features = (gamma: number): TangentFeatures => ({ kernel: new Float32Array([eta * gamma * gamma * 5]), deltas: [new Float32Array([gamma])], inputs: [new Float32Array([1, 2])] });
  assert.deepEqual(kc.measure(features(2)), { kernelChange: 0, tangentChange: 0, featuresVanished: false });
  const got = kc.measure(features(3));
  close(got.kernelChange, 1.25, 1e-12, 'kernelChange');
  close(got.tangentChange, 0.5, 1e-12, 'tangentChange');
  // With a bias the row gains δ: J₀ = (2, 4, 2), J₁ = (3, 6, 3); K = η γ² · 6.
  const kb = new KernelChange(1, 1, [eta], true);
  const biased = (gamma: number): TangentFeatures => ({ ...features(gamma), kernel: new Float32Array([eta * gamma * gamma * 6]) });
  kb.measure(biased(2));
  const b = kb.measure(biased(3));
  close(b.kernelChange, 1.25, 1e-12, 'kernelChange with bias');
  close(b.tangentChange, Math.sqrt(6 / 24), 1e-12, 'tangentChange with bias');
});

test('KernelChange on hand-built features: two layers with biases, the hidden features moving too (P = C = 1)', () => {
  // Sizes 1-2-1, rates η₁ = 0.5, η₂ = 2. Per layer the row's features are δ_l ⊗ h_{l−1} and δ_l (bias).
  //   θ₀: x = 1, δ₁ = (1, −1), h₁ = (2, 0), δ₂ = 1:
  //     J₁ = (1, −1 | 1, −1), J₂ = (2, 0 | 1); ‖J₀‖²_η = 0.5·4 + 2·5 = 12 = K₀.
  //   θ₁: δ₁ = (1, 1), h₁ = (2, 1), δ₂ = 2:
  //     J₁ = (1, 1 | 1, 1), J₂ = (4, 2 | 2); K₁ = 0.5·4 + 2·24 = 50.
  //   J₁ − J₀: layer 1 (0, 2 | 0, 2), |·|² = 8; layer 2 (2, 2 | 1), |·|² = 9; ‖ΔJ‖²_η = 0.5·8 + 2·9 = 22.
  const kc = new KernelChange(1, 1, [0.5, 2], true);
  const f0: TangentFeatures = { kernel: new Float32Array([12]), deltas: [new Float32Array([1, -1]), new Float32Array([1])], inputs: [new Float32Array([1]), new Float32Array([2, 0])] };
  const f1: TangentFeatures = { kernel: new Float32Array([50]), deltas: [new Float32Array([1, 1]), new Float32Array([2])], inputs: [new Float32Array([1]), new Float32Array([2, 1])] };
  assert.deepEqual(kc.measure(f0), { kernelChange: 0, tangentChange: 0, featuresVanished: false });
  // The reference is a copy: changing the first features afterwards changes nothing.
  f0.kernel[0] = 1000;
  f0.deltas[0].fill(7);
  f0.inputs[1].fill(7);
  const got = kc.measure(f1);
  close(got.kernelChange, 38 / 12, 1e-12, 'kernelChange');
  close(got.tangentChange, Math.sqrt(22 / 12), 1e-12, 'tangentChange');
  // A layer of rate 0 counts in neither: with η₂ = 0, ‖J₀‖² = 2, ‖ΔJ‖² = 4 (the kernels as given).
  const k1 = new KernelChange(1, 1, [0.5, 0], true);
  k1.measure({ ...f1, kernel: new Float32Array([2]), deltas: [new Float32Array([1, -1]), new Float32Array([1])], inputs: [new Float32Array([1]), new Float32Array([2, 0])] });
  close(k1.measure(f1).tangentChange, Math.sqrt(4 / 2), 1e-12, 'tangentChange without layer 2');
  assert.throws(() => kc.measure({ ...f1, kernel: new Float32Array(4) }), /KernelChange: features of 4 kernel entries/);
  assert.throws(() => kc.measure({ ...f1, deltas: [f1.deltas[0]] }), /1 layers/);
});

// ---------------------------------------------------------------------------------------------
// Sessions

test('the sessions, built at first use, give the same measurements again, and float64 weights as their float32 values; release() twice does not throw', async () => {
  const rng = new Rng(60);
  const net0 = randomNetwork(rng, [5, 7, 6, 2], 'swish', 1, true);
  const net1 = perturbed(net0, rng, 0.2);
  const x = probeOf(rng, 4, 5);
  const rates = [1, 0.5, 0.25];
  const measures = kernelMeasures(net0, rates, x, 4);
  const again = kernelMeasures(net0, rates, x, 4);
  try {
    for (const net of [net0, net1]) {
      assert.deepEqual(await measures.grams(weightsOf(net)), await again.grams(weightsOf(net)));
      assert.deepEqual(await measures.kernelChange(weightsOf(net), biasesOf(net)), await again.kernelChange(weightsOf(net), biasesOf(net)));
    }
    const last = await measures.kernelChange(weightsOf(net1), biasesOf(net1));
    assert.ok(last.kernelChange > 0 && last.tangentChange > 0, 'the first measurement did not become the reference');
    // Float64 weights are taken as their float32 values.
    const wide = weightsOf(net1).map((w) => ({ ...w, data: Float64Array.from(w.data) }));
    assert.deepEqual(await measures.grams(wide), await measures.grams(weightsOf(net1)));
    assert.deepEqual(await measures.kernelChange(wide, biasesOf(net1)), last);
  } finally {
    measures.release();
    measures.release();
    again.release();
  }
  // A one-layer network: no Gram session, a kernel session.
  const single = randomNetwork(rng, [3, 2], 'linear', 1, false);
  const one = kernelMeasures(single, [1], probeOf(rng, 2, 3), 2);
  assert.deepEqual(await one.grams(weightsOf(single)), [{}]);
  assert.deepEqual(await one.kernelChange(weightsOf(single), null), { kernelChange: 0, tangentChange: 0, featuresVanished: false });
  one.release();
  one.release();
  // Released before any session was built.
  const never = kernelMeasures(single, [1], probeOf(rng, 2, 3), 2);
  never.release();
  never.release();
});

test('measurement sessions are kept between the runs of a thread: a second run of the same network builds none and measures the same; at most IDLE_SESSIONS stay idle', async () => {
  const rng = new Rng(61);
  const net0 = randomNetwork(rng, [6, 5, 4, 3], 'relu', 1, false);
  const net1 = perturbed(net0, rng, 0.2);
  const x = probeOf(rng, 3, 6);
  const rates = [1, 0.5, 1];
  // Giving back happens when the session's promise settles: after the microtasks of release().
  const settled = () => new Promise((resolve) => setImmediate(resolve));
  const run = async (net: RefNetwork) => {
    const m = kernelMeasures(net, rates, x, 3);
    try {
      const out: unknown[] = [];
      for (const at of net === net0 ? [net0, net1] : [net]) out.push(await m.grams(weightsOf(at)), await m.kernelChange(weightsOf(at), null));
      return out;
    } finally {
      m.release();
      await settled();
    }
  };
  const first = await run(net0);
  const built = measurementSessions().built;
  assert.deepEqual(await run(net0), first);
  assert.equal(measurementSessions().built, built, 'the second run of the same network built sessions');
  // Other networks build their own two each; the pool keeps the last IDLE_SESSIONS given back.
  for (let k = 0; k < IDLE_SESSIONS; k++) await run(randomNetwork(rng, [6, 6 + k, 4, 3], 'relu', 1, false));
  assert.equal(measurementSessions().built, built + 2 * IDLE_SESSIONS);
  assert.equal(measurementSessions().idle, IDLE_SESSIONS);
  // The first network's sessions were the oldest: released, so it builds again.
  await run(net0);
  assert.equal(measurementSessions().built, built + 2 * IDLE_SESSIONS + 2);
});
