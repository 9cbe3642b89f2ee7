/**
 * The range check of the tangent kernel's reference (docs/networks.md, "Measurements"): a finite,
 * well-scaled kernel of a very wide layer is in range whatever float32's summation error over its
 * millions of terms, while a kernel that overflowed or underflowed to 0 is still refused. A breaker
 * found a 1-4,000,000-1 network on TensorFlow.js reported "kernel not finite (overflow or underflow)":
 * the engine's float32 trace fell 1.3·10⁻³ short of the float64 one, past a fixed tolerance of 10⁻³.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { featureNorm2, KernelChange, kernelSumLength, plainlyInRange, rangeTolerance, referenceInRange, TangentFeatures } from '../../../src/core/network/tangentKernel';

/** A portable generator (Park–Miller) and normal draws, so that the sums are the same everywhere. */
function normals(count: number, seed: number): Float32Array {
  let s = seed;
  const uniform = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const out = new Float32Array(count);
  for (let k = 0; k < count; k++) out[k] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

/**
 * The tangent features of a 1-n-1 ReLU network at x = 1 (one probe sample, one output): δ_1 = w_2 ⊙
 * [w_1 > 0], h_1 = relu(w_1), δ_2 = 1, h_0 = 1 — and its kernel K = |δ_1|²·1 + 1·|h_1|², as one float32
 * entry whose two sums are taken one term after another in float32 (as an engine's dot product may).
 */
function wideFeatures(n: number): TangentFeatures {
  const w1 = normals(n, 7);
  const w2 = normals(n, 11);
  const scale = Math.sqrt(2 / n);
  const d1 = new Float32Array(n);
  const h1 = new Float32Array(n);
  let dd = 0;
  let hh = 0;
  for (let k = 0; k < n; k++) {
    const on = w1[k] > 0;
    d1[k] = on ? Math.fround(w2[k] * scale) : 0;
    h1[k] = on ? Math.fround(w1[k] * Math.sqrt(2)) : 0;
    dd = Math.fround(dd + Math.fround(d1[k] * d1[k]));
    hh = Math.fround(hh + Math.fround(h1[k] * h1[k]));
  }
  return { kernel: Float32Array.of(Math.fround(dd + hh)), deltas: [d1, Float32Array.of(1)], inputs: [Float32Array.of(1), h1] };
}

test('rangeTolerance: 10⁻³ for short sums, γ_k = k·u/(1 − k·u) for long ones, at most ½', () => {
  assert.equal(rangeTolerance(0), 1e-3);
  // The 784-256³-10 MLP on 120 kernel rows: its bound stays below 10⁻³ (its checks are as they were).
  assert.equal(rangeTolerance(kernelSumLength([784, 256, 256, 256, 10], 120)), 1e-3);
  const k = kernelSumLength([1, 4_000_000, 1], 1);
  assert.equal(k, 4_000_001 + 2 + 3 + 1);
  const u = 2 ** -24;
  assert.ok(Math.abs(rangeTolerance(k) - (k * u) / (1 - k * u)) < 1e-15);
  assert.equal(rangeTolerance(2 ** 23), 0.5);
  assert.equal(rangeTolerance(2 ** 30), 0.5);
});

test('a float32 kernel of a 1-4,000,000-1 network, summed term after term, is in range; with the fixed 10⁻³ it was not', () => {
  const n = 4_000_000;
  const f = wideFeatures(n);
  const j2 = featureNorm2(f, [1, 1], false, 1, 1);
  const error = (f.kernel[0] - j2) / j2;
  // The float32 sums fall short of the exact one by more than 10⁻³ (the engine's: −1.27·10⁻³).
  assert.ok(error < -1e-3 && error > -1e-2, `relative error ${error}`);
  const sums = { kernel2: f.kernel[0] ** 2, features2: j2 };
  assert.equal(referenceInRange(f.kernel, j2, sums).kernel, false, 'the fixed tolerance refuses it (the finding)');
  const terms = kernelSumLength([1, n, 1], 1);
  assert.deepEqual(referenceInRange(f.kernel, j2, { ...sums, terms }), { kernel: true, features: true });
  // The engine's own sums, compared without the float64 pass (ONNX Runtime's first test).
  assert.equal(plainlyInRange(f.kernel, { kernel2: f.kernel[0] ** 2, features2: f.kernel[0] * (1 + 2e-3), terms }), true);
  // TensorFlow.js's path: the changes are measured (0 at the reference), not NaN.
  const change = new KernelChange(1, 1, [1, 1], false);
  assert.deepEqual(change.measure(f), { kernelChange: 0, tangentChange: 0, featuresVanished: false });
  assert.ok(Number.isFinite(change.measure(f).kernelChange));
});

test('a kernel that overflowed or underflowed to 0 is refused at any length; one that disagrees beyond the bound is too', () => {
  const terms = kernelSumLength([1, 8_000_000, 1], 2);
  const j2 = 5;
  assert.equal(referenceInRange(Float32Array.of(Infinity, 0, 0, 1), j2, { kernel2: Infinity, features2: j2, terms }).kernel, false, 'overflow');
  assert.equal(referenceInRange(Float32Array.of(NaN, 0, 0, 1), j2, { kernel2: NaN, features2: j2, terms }).kernel, false, 'overflow (∞ − ∞)');
  assert.equal(referenceInRange(new Float32Array(4), j2, { kernel2: 0, features2: j2, terms }).kernel, false, 'underflow to 0');
  assert.equal(referenceInRange(Float32Array.of(1, 0, 0, 1), j2, { kernel2: 2, features2: j2, terms }).kernel, false, 'a trace of 2 for 5: beyond ½');
  assert.equal(plainlyInRange(new Float32Array(4), { kernel2: 0, features2: 0, terms }), false, 'underflowed to 0');
  assert.equal(plainlyInRange(Float32Array.of(3, 1, 1, 2), { kernel2: Infinity, features2: 5, terms }), false, 'overflowed');
  // A short sum keeps its 10⁻³: 0.2% apart is refused.
  assert.equal(referenceInRange(Float32Array.of(3, 1, 1, 2), 5.01, { kernel2: 15, features2: 5.01, terms: 10 }).kernel, false);
  assert.equal(referenceInRange(Float32Array.of(3, 1, 1, 2), 5.004, { kernel2: 15, features2: 5.004, terms: 10 }).kernel, true);
});

test('flab train --backend tfjs of a 1-4,000,000-1 network measures its kernel (it reported "not finite")', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flab-kernel-range-'));
  const file = join(dir, 'wide.flab.json');
  writeFileSync(file, JSON.stringify({
    model: { hidden: [4_000_000], activation: 'relu' },
    data: { train: { x: [[1], [2], [-1], [0.5]], y: [[0.9], [2.1], [-1.0], [0.4]] } },
    init: { scheme: 'kaiming', scale: 1, seed: 1 },
    training: { loss: 'squared', learningRate: 1e-9, steps: 2 },
  }));
  const cli = resolve(__dirname, '../../../../dist/cli.js');
  const r = spawnSync(process.execPath, [cli, 'train', file, '--summary', '--backend', 'tfjs'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /could not be measured in float32/);
  const s = JSON.parse(r.stdout);
  assert.equal(s.scores.kernelNotFinite, false);
  assert.equal(typeof s.final.kernelChange, 'number');
});
