/**
 * Weight decay's tangent-feature test (docs/mechanisms.md, "Scores"): a flow with ρ > 0 computes
 * `tangentChange` in the plane of (ũ₀, ṽ₀), as ρ = 0 does, so its label makes both kernel tests.
 * Checked against an independent computation: the FULL flow over (u, W) with decay, integrated by a
 * fixed-step classical Runge–Kutta (written here) on a dense grid, and the tangent features
 * √η ∘ ∇_θ f taken by central finite differences of the network's output on the effective input ā·n.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { solve } from '../../../src/core/runs/solve';
import { initialState, lossGradient, networkOf, Network } from '../../reference/network';
import { experimentOf } from './finiteConfigs';

const ROOT = path.resolve(__dirname, '../../../..');

/** f(θ) on the effective input ā·n: γ ā Σ_i u_i (W_i·n). */
function effectiveOutput(net: Network, th: Float64Array): number {
  let f = 0;
  for (let i = 0; i < net.d; i++) {
    let h = 0;
    for (let j = 0; j < net.D; j++) h += th[net.d + i * net.D + j] * net.n[j];
    f += th[i] * h;
  }
  return net.gamma * net.aBar * f;
}

/** √η ∘ ∇_θ f by central differences (f is bilinear: exact up to rounding). */
function tangentFeatures(net: Network, th: Float64Array): Float64Array {
  const out = new Float64Array(th.length);
  const a = Float64Array.from(th);
  for (let i = 0; i < th.length; i++) {
    const h = 1e-5 * Math.max(1, Math.abs(th[i]));
    a[i] = th[i] + h;
    const fp = effectiveOutput(net, a);
    a[i] = th[i] - h;
    const fm = effectiveOutput(net, a);
    a[i] = th[i];
    out[i] = (Math.sqrt(i < net.d ? net.etaU : net.etaW) * (fp - fm)) / (2 * h);
  }
  return out;
}

/** max over a dense grid on [0, T] of ‖J(t) − J₀‖/‖J₀‖ and |‖J(t)‖²/‖J₀‖² − 1|, the full flow by RK4 with `steps` steps. */
function referenceChanges(raw: { time: { end: number } }, steps: number): { tangentChange: number; kernelChange: number } {
  const e = experimentOf(raw);
  const net = networkOf(e);
  const rho = e.weightDecay ?? 0;
  const F = (th: Float64Array, out: Float64Array): void => {
    lossGradient(net, th, out);
    for (let i = 0; i < th.length; i++) out[i] = -(i < net.d ? net.etaU : net.etaW) * (out[i] + rho * th[i]);
  };
  const th = initialState(e);
  const n = th.length;
  const J0 = tangentFeatures(net, th);
  const n0 = Math.hypot(...J0);
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  const k4 = new Float64Array(n);
  const tmp = new Float64Array(n);
  const h = raw.time.end / steps;
  let tangentChange = 0;
  let kernelChange = 0;
  for (let s = 0; s < steps; s++) {
    F(th, k1);
    for (let i = 0; i < n; i++) tmp[i] = th[i] + 0.5 * h * k1[i];
    F(tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = th[i] + 0.5 * h * k2[i];
    F(tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = th[i] + h * k3[i];
    F(tmp, k4);
    for (let i = 0; i < n; i++) th[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    const J = tangentFeatures(net, th);
    let moved = 0;
    let size = 0;
    for (let i = 0; i < n; i++) {
      moved += (J[i] - J0[i]) ** 2;
      size += J[i] ** 2;
    }
    tangentChange = Math.max(tangentChange, Math.sqrt(moved) / n0);
    kernelChange = Math.max(kernelChange, Math.abs(size / (n0 * n0) - 1));
  }
  return { tangentChange, kernelChange };
}

// Explicit θ₀, one input of D = 1…3, equal and unequal rates, γ ≠ 1, decays from slow to faster than the fit.
const CASES = [
  { model: { width: 3, outputScale: 1 }, data: { x: [0.8, -1.1], y: 2 }, init: { u: [0.3, -0.6, 0.2], W: [[0.5, 0.1], [-0.2, 0.4], [0.7, -0.3]] }, learningRates: { u: 1, W: 1 }, weightDecay: 0.05, time: { end: 30, points: 7 } },
  { model: { width: 4, outputScale: 0.7 }, data: { x: [0.4, 1.2, -0.5], y: -1.5 }, init: { u: [0.2, 0.5, -0.4, 0.1], W: [[0.3, -0.2, 0.6], [0.1, 0.4, -0.5], [-0.6, 0.2, 0.3], [0.4, 0.4, -0.1]] }, learningRates: { u: 0.3, W: 2 }, weightDecay: 0.2, time: { end: 20, points: 5 } },
  { model: { width: 5, outputScale: 1.3 }, data: { x: [1.4], y: 0.8 }, init: { u: [0.4, -0.2, 0.3, 0.1, -0.5], W: [[0.2], [0.6], [-0.3], [0.5], [0.1]] }, learningRates: { u: 2, W: 0.5 }, weightDecay: 1e-3, time: { end: 50, points: 3 } },
  { model: { width: 3, outputScale: 1 }, data: { x: [1, 0.5], y: 3 }, init: { u: [0.6, 0.2, -0.4], W: [[0.3, -0.5], [0.4, 0.2], [-0.1, 0.6]] }, learningRates: { u: 1, W: 1 }, weightDecay: 1, time: { end: 10, points: 4 } },
];

test('weight decay: tangentChange (and kernelChange) agree with the full flow over (u, W) and finite-difference tangent features', () => {
  for (const [i, raw] of CASES.entries()) {
    const traj = solve(experimentOf(raw));
    const s = traj.summary.scores!;
    assert.notEqual(s.tangentChange, null, `case ${i}: a weight-decay run computes its tangent-feature change`);
    const ref = referenceChanges(raw, 20_000);
    assert.ok(Math.abs(s.tangentChange! - ref.tangentChange) <= 1e-6 * ref.tangentChange, `case ${i}: tangentChange ${s.tangentChange} vs the full flow's ${ref.tangentChange}`);
    assert.ok(Math.abs(s.kernelChange! - ref.kernelChange) <= 1e-6 * ref.kernelChange, `case ${i}: kernelChange ${s.kernelChange!} vs the full flow's ${ref.kernelChange}`);
  }
});

test('weight decay: the kernel and tangent-feature changes are their maxima over the integrator\'s steps, not over the reported points', (t) => {
  // Few points: the extremes fall between them, and the scores must not move with time.points.
  for (const raw of CASES) {
    const coarse = solve(experimentOf({ ...raw, time: { end: raw.time.end, points: 2 } })).summary.scores!;
    const fine = solve(experimentOf({ ...raw, time: { end: raw.time.end, points: 2000 } })).summary.scores!;
    t.diagnostic(`tangent ${Math.abs(coarse.tangentChange! / fine.tangentChange! - 1).toExponential(1)}, kernel ${Math.abs(coarse.kernelChange! / fine.kernelChange! - 1).toExponential(1)}`);
    assert.ok(Math.abs(coarse.tangentChange! - fine.tangentChange!) <= 1e-4 * fine.tangentChange!, `tangentChange ${coarse.tangentChange} at 2 points, ${fine.tangentChange} at 2000`);
    assert.ok(Math.abs(coarse.kernelChange! - fine.kernelChange!) <= 1e-4 * fine.kernelChange!, `kernelChange ${coarse.kernelChange!} at 2 points, ${fine.kernelChange!} at 2000`);
  }
});

test('a weight decay of 1e-12 changes no label: the output-scale example stays alignment by its tangent features', () => {
  const example = JSON.parse(readFileSync(path.join(ROOT, 'examples/phase-output-scale-rate.flab.json'), 'utf8')) as Record<string, unknown>;
  delete example.sweep;
  const plain = solve(experimentOf(example)).summary;
  const decayed = solve(experimentOf({ ...example, weightDecay: 1e-12 })).summary;
  assert.equal(plain.label, 'alignment');
  assert.ok(plain.scores!.kernelChange! < 0.1 && plain.scores!.tangentChange! >= 0.1, 'the example is alignment by its tangent features alone');
  assert.equal(decayed.label, 'alignment');
  assert.ok(Math.abs(decayed.scores!.tangentChange! - plain.scores!.tangentChange!) <= 1e-8 * plain.scores!.tangentChange!, `tangentChange ${decayed.scores!.tangentChange} with ρ = 1e-12, ${plain.scores!.tangentChange} without`);
});

/**
 * Breaker's round of 2026-12-03 (helper K, finding 2): the kernel's interior minimum at t ≈ 7.11 falls
 * between accepted steps of the integrator; read at the steps only, kernelChange was 0.2042708 with 2
 * points and 0.2043918 with 3000 (scipy DOP853, rtol 1e-12, on the full (u, W) flow: 0.2043918), and the
 * label at a kernel threshold of 0.2043 flipped kernel / disalignment. Now refined between steps.
 */
test('weight decay: an interior kernel minimum between integrator steps is found — the same kernelChange and label at 2 and 3000 points', () => {
  const raw = {
    model: { width: 3, outputScale: 2.234787963586856 },
    data: { x: [0.21057181237528058, 0.28403814525037085], y: -0.33952099544627085 },
    init: { u: [0.43478903157824755, -0.5655850465456913, -0.2112009141339179], W: [[0.12162577779375564, 0.9018697925347856], [-0.3827240537441775, -0.5402246942183369], [-0.2820061211512977, 0.48525990739481417]] },
    learningRates: { u: 0.1924166972446464, W: 0.06673214526725711 },
    weightDecay: 0.0017854965075547182,
    classify: { kernelChange: 0.2043, tangentChange: 0.5 },
  };
  const [coarse, fine] = [2, 3000].map((points) => solve(experimentOf({ ...raw, time: { end: 11.4263150627861, points } })).summary);
  const reference = 0.2043918;
  for (const s of [coarse, fine]) assert.ok(Math.abs(s.scores!.kernelChange! / reference - 1) < 1e-6, `kernelChange ${s.scores!.kernelChange} vs the full flow's ${reference}`);
  assert.ok(Math.abs(coarse.scores!.kernelChange! / fine.scores!.kernelChange! - 1) < 1e-8, `kernelChange ${coarse.scores!.kernelChange} at 2 points, ${fine.scores!.kernelChange} at 3000`);
  assert.equal(coarse.label, 'disalignment');
  assert.equal(fine.label, 'disalignment');
});
