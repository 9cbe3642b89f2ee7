import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  chainProblem,
  estimateProductSquaredNorm,
  frobeniusNorm,
  jsProducts,
  lanczosSteps,
  measureNetwork,
  NetworkMeasurer,
  pairAlignment,
  SingularTriplet,
  tfjsProducts,
  topSingularTriplet,
  WeightMatrix,
} from '../../../src/core/network/layerMetrics';
import { absCos, close, exactNorm, get, matrix, normal, random, refNorm, refTop, refZeta } from '../checkpoints/float64Reference';

test('norms, distances and ζ of random networks agree with float64 loops, for float32 and float64 storage', () => {
  const next = random(11);
  // Random shapes, then fixed ones with square layers (whose left and right singular vectors have one length).
  const fixed = [
    [6, 6, 6, 4],
    [5, 5, 1],
    [1, 7, 7],
  ];
  for (let trial = 0; trial < 25 + fixed.length; trial++) {
    const sizes = trial < 25 ? Array.from({ length: 2 + Math.floor(next() * 4) }, () => 1 + Math.floor(next() * 9)) : fixed[trial - 25];
    const depth = sizes.length - 1;
    const wide = trial % 2 === 1;
    const layers0 = sizes.slice(1).map((o, l) => matrix(o, sizes[l], 100 * trial + l, wide));
    const layers = sizes.slice(1).map((o, l) => matrix(o, sizes[l], 100 * trial + l + 50, wide));
    const m = measureNetwork(layers, layers0);
    let moved = 0;
    let start = 0;
    layers.forEach((w, l) => {
      const diff: WeightMatrix = { rows: w.rows, cols: w.cols, data: Float64Array.from(w.data, (x, i) => x - layers0[l].data[i]) };
      close(m.layers[l].norm, refNorm(w), 1e-12, `norm of layer ${l}`);
      close(m.layers[l].distance, refNorm(diff) / refNorm(layers0[l]), 1e-12, `distance of layer ${l}`);
      moved += refNorm(diff) ** 2;
      start += refNorm(layers0[l]) ** 2;
    });
    close(m.distance, Math.sqrt(moved / start), 1e-12, 'network distance');
    assert.equal(m.alignment.length, depth - 1);
    for (let l = 0; l + 1 < depth; l++) {
      const pair = m.alignment[l]!;
      close(pair.zeta, refZeta(layers[l], layers[l + 1]), 1e-12, `ζ of pair ${l}`);
      assert.equal(pair.zetaError, 0);
      const a = refTop(layers[l]);
      const b = refTop(layers[l + 1]);
      // The singular vectors are determined when the top singular value is simple.
      if (a.gap > 1e-6 && b.gap > 1e-6) close(pair.zetaTop, absCos(b.right, a.left), 1e-7, `ζ_top of pair ${l}`);
    }
  }
});

test('Lanczos finds the top singular triplet of tall, wide, square and one-row matrices (exact once it spans the smaller side)', () => {
  for (const [rows, cols, seed] of [
    [7, 5, 1],
    [5, 7, 2],
    [12, 12, 3],
    [1, 9, 4],
    [9, 1, 5],
    [1, 1, 6],
    [40, 30, 7],
  ]) {
    const w = matrix(rows, cols, seed, true);
    const ref = refTop(w);
    const t = topSingularTriplet(w, { maxSteps: Math.min(rows, cols), tolerance: 0 });
    close(t.sigma, ref.sigma, 1e-11, `σ of ${rows}×${cols}`);
    assert.ok(absCos(t.left, ref.left) > 1 - 1e-10, `left vector of ${rows}×${cols}`);
    assert.ok(absCos(t.right, ref.right) > 1 - 1e-10, `right vector of ${rows}×${cols}`);
    assert.equal(t.left.length, rows);
    assert.equal(t.right.length, cols);
    assert.ok(t.steps <= Math.min(rows, cols));
  }
});

test('Lanczos converges within its step cap on a large layer with a planted top direction, and a warm start saves steps', () => {
  // W = 3 a bᵀ + noise of spectral norm about 1: a clear gap, as in a layer that has learnt a feature.
  const rows = 300;
  const cols = 200;
  const w = matrix(rows, cols, 9, true);
  const a = matrix(rows, 1, 10, true).data;
  const b = matrix(cols, 1, 11, true).data;
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  const scale = 1 / (Math.sqrt(rows) + Math.sqrt(cols));
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) w.data[i * cols + j] = w.data[i * cols + j] * scale + (3 * a[i] * b[j]) / (na * nb);
  const ref = refTop(w);
  const cold = topSingularTriplet(w);
  assert.ok(cold.steps < lanczosSteps(rows, cols), `converged before the cap (${cold.steps} steps)`);
  close(cold.sigma, ref.sigma, 1e-10, 'σ');
  assert.ok(absCos(cold.right, ref.right) > 1 - 1e-9);
  assert.ok(absCos(cold.left, ref.left) > 1 - 1e-9);
  // A slightly moved layer, started from the previous triplet.
  const moved: WeightMatrix = { rows, cols, data: Float64Array.from(w.data, (x, i) => x + 1e-3 * Math.sin(i)) };
  const warm = topSingularTriplet(moved, { start: cold });
  const again = topSingularTriplet(moved);
  assert.ok(warm.steps < again.steps, `warm ${warm.steps} < cold ${again.steps} steps`);
  assert.ok(absCos(warm.right, again.right) > 1 - 1e-9);
});

test('zero layers give null ζ and ζ_top, and the absolute distance from a zero start', () => {
  const zero: WeightMatrix = { rows: 3, cols: 4, data: new Float32Array(12) };
  const w = matrix(2, 3, 5);
  const m = measureNetwork([zero, w], [zero, w]);
  assert.deepEqual(m.alignment[0], { zeta: null, zetaTop: null, zetaError: 0 });
  assert.equal(m.layers[0].norm, 0);
  const t = topSingularTriplet(zero);
  assert.equal(t.sigma, 0);
  assert.ok(t.left.every((x) => x === 0) && t.right.every((x) => x === 0));
  const grown = matrix(3, 4, 6);
  const m2 = measureNetwork([grown, w], [zero, w]);
  close(m2.layers[0].distance, refNorm(grown), 1e-12, 'absolute distance from zero');
  close(m2.distance, Math.sqrt(refNorm(grown) ** 2 / refNorm(w) ** 2), 1e-12, 'network distance');
});

test('rank-one layers: ζ = ζ_top = |cos| between the next layer\'s input direction and the previous layer\'s output direction', () => {
  const outer = (u: number[], v: number[]): WeightMatrix => ({ rows: u.length, cols: v.length, data: Float64Array.from(u.flatMap((x) => v.map((y) => x * y))) });
  const a = [1, -2, 0.5];
  const b = [0.3, 1, 2, -1];
  const c = [2, 1];
  const d = [0.5, 0.25, -3];
  const prev = outer(a, b); // output direction a
  const next = outer(c, d); // input direction d
  const p = pairAlignment(prev, next);
  const expected = absCos(a, d);
  close(p.zeta, expected, 1e-12, 'ζ');
  close(p.zetaTop, expected, 1e-12, 'ζ_top');
  // A start vector in the null space of the rank-one layer still finds its direction.
  const t = topSingularTriplet(outer([1, 0], [1, 0, 0]), { start: { sigma: 1, left: new Float64Array([0, 1]), right: new Float64Array([0, 1, 0]), residual: 0, relativeGap: 1, steps: 1 } });
  close(t.sigma, 1, 1e-15, 'σ of e₁e₁ᵀ');
  close(Math.abs(t.right[0]), 1, 1e-15, 'its right vector');
  // A start that is exactly a lower singular vector (a warm start whose direction was overtaken) still
  // finds the top one: diag(3, 1) from its second right and left singular vectors.
  const lower = topSingularTriplet({ rows: 2, cols: 2, data: new Float64Array([3, 0, 0, 1]) }, { start: { sigma: 1, left: new Float64Array([0, 1]), right: new Float64Array([0, 1]), residual: 0, relativeGap: 1, steps: 1 } });
  close(lower.sigma, 3, 1e-12, 'σ from a lower singular vector');
  assert.ok(Math.abs(lower.right[0]) > 1 - 1e-12 && Math.abs(lower.left[0]) > 1 - 1e-12, `vectors ${lower.left} ${lower.right}`);
});

test('the two-layer linear network on 1-D data: ζ = |cos∠(u, W n)| (docs/model.md)', () => {
  const next = random(3);
  for (let trial = 0; trial < 10; trial++) {
    const d = 2 + Math.floor(next() * 30);
    const D = 1 + Math.floor(next() * 6);
    const u = Array.from({ length: d }, () => normal(next));
    const n = Array.from({ length: D }, () => normal(next));
    const nn = Math.hypot(...n);
    const W = matrix(d, D, 200 + trial, true);
    const Wn = Array.from({ length: d }, (_, i) => n.reduce((s, x, j) => s + get(W, i, j) * (x / nn), 0));
    const expected = absCos(u, Wn);
    const second: WeightMatrix = { rows: 1, cols: d, data: Float64Array.from(u) };
    // The network seen by the data: the first layer restricted to n (d × 1), then uᵀ.
    const restricted: WeightMatrix = { rows: d, cols: 1, data: Float64Array.from(Wn) };
    const p = pairAlignment(restricted, second);
    close(p.zeta, expected, 1e-12, 'ζ with W n');
    close(p.zetaTop, expected, 1e-12, 'ζ_top with W n');
    // A first layer that has moved only along n (W = v nᵀ, as gradient flow on 1-D data moves it) gives the same.
    const rankOne: WeightMatrix = { rows: d, cols: D, data: Float64Array.from(Wn.flatMap((x) => n.map((y) => (x * y) / nn))) };
    close(pairAlignment(rankOne, second).zeta, expected, 1e-12, 'ζ with W = (W n) nᵀ');
  }
});

test('pairs that do not chain are left out with the reason; a mismatched initial layer is refused', () => {
  const a = matrix(4, 3, 1);
  const b = matrix(5, 2, 2); // expects 2 inputs, a gives 4
  const c = matrix(1, 5, 3);
  const m = measureNetwork([a, b, c], [a, b, c]);
  assert.equal(m.alignment[0], null);
  assert.ok(m.alignment[1] !== null);
  assert.equal(chainProblem(a, b), "its input size 2 is not the previous layer's output size 4");
  assert.throws(() => pairAlignment(a, b), /input size 2/);
  assert.throws(() => measureNetwork([a], [b]), /layer 1 is 4 × 3/);
  assert.throws(() => measureNetwork([a, b], [a]), /2 layers but 1 initial/);
});

test('the streaming measurer gives what measureNetwork gives; warm starts and zetaTop: false behave', () => {
  const sizes = [20, 15, 12, 6];
  const layers0 = sizes.slice(1).map((o, l) => matrix(o, sizes[l], 30 + l));
  const layers = layers0.map((w, l) => ({ ...w, data: Float32Array.from(w.data, (x, i) => x + 0.05 * Math.cos(i + l)) }));
  const whole = measureNetwork(layers, layers0);
  const measurer = new NetworkMeasurer();
  layers.forEach((w, l) => measurer.add(w, layers0[l]));
  assert.deepEqual(measurer.finish(), whole);
  const spectra = new Map<number, SingularTriplet>();
  measureNetwork(layers0, layers0, { spectra });
  assert.equal(spectra.size, 3);
  const warm = measureNetwork(layers, layers0, { spectra });
  warm.alignment.forEach((p, l) => close(p!.zetaTop, whole.alignment[l]!.zetaTop!, 1e-6, `warm ζ_top of pair ${l}`));
  const without = measureNetwork(layers, layers0, { zetaTop: false });
  without.alignment.forEach((p, l) => {
    assert.equal(p!.zetaTop, null);
    assert.equal(p!.zeta, whole.alignment[l]!.zeta);
  });
});

test('Hutch++ is exact for a product of rank ≤ s and within its stated error otherwise', () => {
  // Rank 3 < s = 8: the sketch captures all of B·A.
  const low = { rows: 50, cols: 40, data: new Float64Array(2000) };
  for (let r = 0; r < 3; r++) {
    const u = matrix(50, 1, 60 + r, true).data;
    const v = matrix(40, 1, 70 + r, true).data;
    for (let i = 0; i < 50; i++) for (let j = 0; j < 40; j++) low.data[i * 40 + j] += u[i] * v[j];
  }
  const b = matrix(30, 50, 80, true);
  const exact = refZeta(low, b) ** 2 * refNorm(low) ** 2 * refNorm(b) ** 2;
  const e = estimateProductSquaredNorm(b, low);
  close(e.value, exact, 1e-9, 'rank-3 estimate');
  assert.ok(e.standardError <= 1e-9 * exact);
  // Full rank: the error is within a few standard errors, and the standard error is honest.
  let squaredZ = 0;
  const trials = 30;
  for (let t = 0; t < trials; t++) {
    const a = matrix(60, 70, 300 + t, true);
    const bb = matrix(40, 60, 400 + t, true);
    const truth = refZeta(a, bb) ** 2 * refNorm(a) ** 2 * refNorm(bb) ** 2;
    const est = estimateProductSquaredNorm(bb, a);
    const z = (est.value - truth) / est.standardError;
    assert.ok(Math.abs(z) < 5, `trial ${t}: z = ${z}`);
    assert.ok(est.standardError < 0.2 * truth, `trial ${t}: relative standard error ${est.standardError / truth}`);
    squaredZ += z * z;
  }
  // The mean squared z-score of an honest standard error is about 1 (wide bounds: t-distributed, 7 degrees of freedom).
  assert.ok(squaredZ / trials > 0.2 && squaredZ / trials < 4, `mean z² ${squaredZ / trials}`);
  // Through measureNetwork: a pair above exactLimit is estimated and says so.
  const a = matrix(60, 70, 900, true);
  const bb = matrix(40, 60, 901, true);
  const p = measureNetwork([a, bb], [a, bb], { exactLimit: 0 }).alignment[0]!;
  assert.ok(p.zetaError > 0);
  assert.ok(Math.abs(p.zeta! - refZeta(a, bb)) < 5 * p.zetaError, `ζ ${p.zeta} ± ${p.zetaError} vs ${refZeta(a, bb)}`);
});

test('frobeniusNorm accumulates in float64', () => {
  const w: WeightMatrix = { rows: 1, cols: 3, data: new Float32Array([3, 4, 12]) };
  assert.equal(frobeniusNorm(w), 13);
  const tiny: WeightMatrix = { rows: 2, cols: 1, data: new Float32Array([1e-30, 1e-30]) };
  close(frobeniusNorm(tiny), Math.SQRT2 * Math.fround(1e-30), 1e-12, 'tiny values');
});

test('TensorFlow.js (WebAssembly) products give the plain products to float32 accuracy, and free their tensors', async () => {
  setWasmPaths(join(process.cwd(), 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'));
  await tf.setBackend('wasm');
  await tf.ready();
  const products = tfjsProducts(tf);
  const sizes = [30, 25, 20, 5];
  const layers0 = sizes.slice(1).map((o, l) => matrix(o, sizes[l], 500 + l));
  const layers = layers0.map((w, l) => ({ ...w, data: Float32Array.from(w.data, (x, i) => x + 0.3 * Math.sin(i * (l + 1))) }));
  const before = tf.memory().numTensors;
  const js = measureNetwork(layers, layers0);
  const wasm = measureNetwork(layers, layers0, { products });
  wasm.alignment.forEach((p, l) => {
    close(p!.zeta, js.alignment[l]!.zeta!, 1e-5, `ζ of pair ${l}`);
    close(p!.zetaTop, js.alignment[l]!.zetaTop!, 1e-4, `ζ_top of pair ${l}`);
  });
  // The estimator and the transposed products through the backend.
  const a = matrix(60, 70, 700);
  const b = matrix(40, 60, 701);
  const e1 = estimateProductSquaredNorm(b, a, jsProducts);
  const e2 = estimateProductSquaredNorm(b, a, products);
  close(e2.value, e1.value, 1e-5, 'estimate on the backend');
  // Layers above the size that keeps Wᵀ (W·x as a column product), and above the size the backend
  // takes (left to JavaScript, mixed with layers on the backend).
  for (const limits of [{ transposeEntries: 100 }, { maxEntries: 700 }, { maxEntries: 100 }]) {
    const mixed = measureNetwork(layers, layers0, { products: tfjsProducts(tf, limits) });
    mixed.alignment.forEach((p, l) => {
      close(p!.zeta, js.alignment[l]!.zeta!, 1e-5, `ζ of pair ${l} with ${JSON.stringify(limits)}`);
      close(p!.zetaTop, js.alignment[l]!.zetaTop!, 1e-4, `ζ_top of pair ${l} with ${JSON.stringify(limits)}`);
    });
  }
  // A layer of 2²⁰ entries (LEFT_ENTRIES) is on the left of its one-column products as well: W·x and Wᵀ·u
  // against float64 loops, and through the Lanczos run of its top triplet.
  const big = matrix(1024, 1024, 702);
  const loaded = products.load(big);
  const x = { rows: 1024, cols: 1, data: Float64Array.from({ length: 1024 }, (_, i) => Math.cos(i)) };
  const [wx, wtx] = [loaded.times(x).data, loaded.transposeTimes(x).data];
  loaded.release();
  let worst = 0;
  for (let i = 0; i < 1024; i++) {
    let s1 = 0, s2 = 0, size = 0; // prettier-ignore
    for (let j = 0; j < 1024; j++) {
      s1 += big.data[i * 1024 + j] * x.data[j];
      s2 += big.data[j * 1024 + i] * x.data[j];
      size += Math.abs(big.data[i * 1024 + j] * x.data[j]);
    }
    worst = Math.max(worst, Math.abs(wx[i] - s1) / size, Math.abs(wtx[i] - s2) / size);
  }
  assert.ok(worst < 1e-5, `W·x and Wᵀ·x of a 1024² layer within float32 accuracy: ${worst}`);
  close(topSingularTriplet(big, { products }).sigma, topSingularTriplet(big).sigma, 1e-4 * topSingularTriplet(big).sigma, 'σ of a 1024² layer');
  assert.equal(tf.memory().numTensors, before, 'every tensor was freed');
});

test('ζ and ζ_top do not depend on a layer\'s scale, even at 10⁻⁵⁰ or 10⁵⁰ with float32 products (a checkpoint\'s F64 layers gave ζ = 0 or null)', async () => {
  setWasmPaths(join(process.cwd(), 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'));
  await tf.setBackend('wasm');
  await tf.ready();
  const a = matrix(12, 9, 900);
  const b = matrix(7, 12, 901);
  const unit = pairAlignment(a, b);
  const scaled = (w: WeightMatrix, k: number, type: Float32ArrayConstructor | Float64ArrayConstructor): WeightMatrix => {
    const data = new type(w.data.length);
    w.data.forEach((x, i) => (data[i] = x * k));
    return { ...w, data };
  };
  for (const products of [jsProducts, tfjsProducts(tf)]) {
    for (const [k, type] of [[1e-50, Float64Array], [1e-25, Float32Array], [1e-25, Float64Array], [1e19, Float32Array], [1e50, Float64Array]] as const) {
      for (const exactLimit of [undefined, 0]) {
        const p = pairAlignment(scaled(a, k, type), scaled(b, k, type), { products, exactLimit });
        const what = `${products === jsProducts ? 'JS' : 'TF.js'} products, ${type.name} × ${k}${exactLimit === 0 ? ', Hutch++' : ''}`;
        assert.ok(p.zeta !== null && p.zetaTop !== null, `${what}: ${JSON.stringify(p)}`);
        if (exactLimit === 0) assert.ok(Math.abs(p.zeta - unit.zeta!) <= 4 * p.zetaError + 1e-6, `${what}: ζ ${p.zeta} ± ${p.zetaError} against ${unit.zeta}`);
        else close(p.zeta, unit.zeta!, 1e-5, `${what}: ζ`);
        close(p.zetaTop, unit.zetaTop!, 1e-4, `${what}: ζ_top`);
      }
    }
  }
});

test('norms and distances of float64 layers at any scale, 10⁻³⁰⁰ to 10³⁰⁰, are exact sums of squares (they overflowed to ∞ from 10¹⁵⁴, underflowed to 0 below 10⁻¹⁶²), and ζ, ζ_top do not move', () => {
  const a = matrix(9, 7, 1200, true);
  const b = matrix(5, 9, 1201, true);
  const a0 = matrix(9, 7, 1202, true);
  const b0 = matrix(5, 9, 1203, true);
  const unit = pairAlignment(a, b);
  const times = (w: WeightMatrix, s: number): WeightMatrix => ({ ...w, data: Float64Array.from(w.data, (x) => x * s) });
  const scales = [1e-300, 1e-200, 1e-160, 1e-154, 1e-100, 1, 1e100, 1e154, 1e160, 1e200, 1e300];
  for (const s of scales) {
    for (const s0 of [s, 1, 1e-300, 1e300]) {
      const layers = [times(a, s), times(b, s)];
      const layers0 = [times(a0, s0), times(b0, s0)];
      const m = measureNetwork(layers, layers0);
      const what = `layers × ${s} from layers × ${s0}`;
      layers.forEach((w, l) => {
        const norm = exactNorm(w.data);
        const distance = exactNorm(w.data, layers0[l].data) / exactNorm(layers0[l].data);
        close(m.layers[l].norm, norm, 1e-14 * norm, `${what}: norm of layer ${l + 1}`);
        if (Number.isFinite(distance) && distance > 0) close(m.layers[l].distance, distance, 1e-14 * distance, `${what}: distance of layer ${l + 1}`);
        else assert.equal(m.layers[l].distance, distance, `${what}: distance of layer ${l + 1}`);
      });
      const all = (ws: WeightMatrix[]) => ws.flatMap((w) => Array.from(w.data));
      const distance = exactNorm(all(layers), all(layers0)) / exactNorm(all(layers0));
      if (Number.isFinite(distance) && distance > 0) close(m.distance, distance, 1e-13 * distance, `${what}: the network's distance`);
      else assert.equal(m.distance, distance, `${what}: the network's distance`);
      close(m.alignment[0]!.zeta, unit.zeta!, 1e-12, `${what}: ζ`);
      close(m.alignment[0]!.zetaTop, unit.zetaTop!, 1e-6, `${what}: ζ_top`);
    }
  }
  // One entry of 10³⁰⁰ among ordinary ones, and a layer of subnormal entries (10⁻³¹⁰).
  const one = Float64Array.from(a.data);
  one[5] = 1e300;
  close(frobeniusNorm({ ...a, data: one }), 1e300, 1e-15 * 1e300, 'one entry of 10³⁰⁰');
  const sub = times(a, 1e-310);
  close(frobeniusNorm(sub), exactNorm(sub.data), 1e-14 * exactNorm(sub.data), 'subnormal entries');
  // Entries of ±1.5·10³⁰⁸, whose differences overflow: a distance of 2.
  const edge = { rows: 1, cols: 2, data: Float64Array.of(1.5e308, -1.5e308) };
  const m = measureNetwork([edge], [{ ...edge, data: Float64Array.of(-1.5e308, 1.5e308) }]);
  close(m.layers[0].distance, 2, 1e-15, 'distance across the whole float64 range');
});
