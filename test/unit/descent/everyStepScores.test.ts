/**
 * Gradient descent's scores do not depend on the output grid (docs/mechanisms.md, "Scores"): the
 * kernel's and the tangent features' largest changes are taken over every step the run takes, not over
 * its reported steps. Finding 1 of the breaker's round (helper F): a run of width 3, y = 3, η = 0.216
 * read "kernel" (kernel change 0.034) with `time.end` 1111 and 400 points — the grid 0, 3, 6, … skips
 * the kernel's excursion at steps 1–2 — and "alignment" (0.408) with any other grid; the descent phase
 * map flipped 124 of 4,096 cells between 400 and 1,001 points. The reference is a plain float64 loop
 * over (u, W) scored at every step, its tangent features ∂f/∂θ at the input taken by central finite
 * differences (none of the solver's reduced variables).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phaseDiagramSync } from '../../../src/core/analysis/phase/phaseDiagram';
import { simulate } from '../../../src/core/runs/simulate';
import { DEFAULT_THRESHOLDS } from '../../../src/core/mechanisms/classify';
import { explainLabel } from '../../../src/core/mechanisms/explain';
import { Rng } from '../../../src/core/math/rng';
import { experimentOf, logUniform } from '../linearFlow/finiteConfigs';

/** The breaker's run: θ₀ explicit (width 3), y = 3, η_u = η_W = 0.216 (K₀ ≈ 1.5 per step); converges in about 10 steps. */
const GD = {
  model: { width: 3, outputScale: 1 },
  init: { u: [0.05202897425988651, 0.6836861907765345, 1.0039615758421696], W: [[-0.6179070447076008], [1.8220113633283233], [-1.3204309700132935]] },
  learningRates: { u: 0.216, W: 0.216 },
  data: { x: [1], y: 3 },
};

test('one run gets one label and the same scores for every time grid that covers it (the breaker\'s four files)', () => {
  const grids = [{}, { end: 100 }, { end: 1111 }, { end: 1111, points: 2000 }, { end: 40, points: 3 }, { at: [1111] }];
  const runs = grids.map((time) => simulate(experimentOf({ ...GD, ...(Object.keys(time).length > 0 ? { time } : {}) })).summary);
  for (const [i, s] of runs.entries()) {
    assert.equal(s.label, 'alignment', `grid ${JSON.stringify(grids[i])}: label`);
    // numpy, every step of the same recursion: max |K/K₀ − 1| = 0.408 (K near 2.1 at steps 1–2), tangent features 0.672.
    assert.ok(Math.abs(s.scores!.kernelChange! - 0.40833) < 1e-4, `grid ${JSON.stringify(grids[i])}: kernelChange ${s.scores!.kernelChange!}`);
    assert.ok(Math.abs(s.scores!.tangentChange! - 0.67222) < 1e-4, `grid ${JSON.stringify(grids[i])}: tangentChange ${s.scores!.tangentChange}`);
    assert.equal(s.scores!.kernelChange, runs[0].scores!.kernelChange, `grid ${JSON.stringify(grids[i])}: the same kernel change to the bit`);
    assert.equal(s.scores!.tangentChange, runs[0].scores!.tangentChange, `grid ${JSON.stringify(grids[i])}: the same tangent change to the bit`);
  }
});

test('the panel\'s Descent verdict of the breaker\'s run (time.end 1111, 400 points): feature learning with the tangent features measured, no random-features note', () => {
  const s = simulate(experimentOf({ ...GD, time: { end: 1111 } })).summary;
  const e = explainLabel(s.scores!, DEFAULT_THRESHOLDS, { zetaInitial: s.zetaInitial, zetaFinal: s.zetaFinal });
  assert.equal(e.label, 'alignment');
  assert.equal(e.regime, 'feature learning');
  assert.equal(e.criteria[1].reached, true, 'the tangent features moved (0.672)');
  assert.deepEqual(e.notes, []);
  assert.doesNotMatch(e.reasons.join(' '), /random-features|not computed/);
});

test('a phase-map cell next to the critical line gets one label for 400 and 1,001 points (η_u = 1, η_W = 0.1)', () => {
  const cell = { model: { width: 8 }, data: { x: [1], y: 1 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 0 }, learningRates: { u: 1, W: 0.1 } };
  const a = simulate(experimentOf({ ...cell, time: { end: 1000, points: 400 } })).summary;
  const b = simulate(experimentOf({ ...cell, time: { end: 1000, points: 1001 } })).summary;
  assert.equal(a.label, b.label);
  assert.equal(a.label, 'alignment', 'kernel change 0.101 at steps the 400-point grid skips');
  assert.equal(a.scores!.kernelChange, b.scores!.kernelChange);
  assert.equal(a.scores!.tangentChange, b.scores!.tangentChange);
  // The descent phase map over the breaker's axes: the same labels and scores for either grid.
  const map = (points: number) => {
    const e = experimentOf({ ...cell, learningRates: { u: 0.1, W: 0.1 }, time: { end: 1000, points } });
    return phaseDiagramSync(e, { key: 'learningRates.u', from: 0.01, to: 10 }, { key: 'learningRates.W', from: 0.01, to: 10 }, 24, 'descent');
  };
  const p400 = map(400);
  const p1001 = map(1001);
  assert.deepEqual(Array.from(p400.labels), Array.from(p1001.labels), 'labels of 400 and 1,001 points');
  assert.deepEqual(Array.from(p400.scores.kernelChange), Array.from(p1001.scores.kernelChange));
  assert.deepEqual(Array.from(p400.scores.tangentChange), Array.from(p1001.scores.tangentChange));
});

/** θ = (u, W) as one array: u first, then W row by row. */
function outputAt(theta: Float64Array, d: number, D: number, x: readonly number[], gamma: number, act: (z: number) => number): number {
  let f = 0;
  for (let i = 0; i < d; i++) {
    let z = 0;
    for (let j = 0; j < D; j++) z += theta[d + i * D + j] * x[j];
    f += theta[i] * act(z);
  }
  return gamma * f;
}

/** ∂f/∂θ at x by central differences (step 1e-6 relative), η-weighted: √η_θ ∂f/∂θ, whose square norm is the tangent kernel. */
function features(theta: Float64Array, d: number, D: number, x: readonly number[], gamma: number, act: (z: number) => number, etaU: number, etaW: number): Float64Array {
  const g = new Float64Array(theta.length);
  const t = Float64Array.from(theta);
  for (let k = 0; k < theta.length; k++) {
    const h = 1e-6 * Math.max(1, Math.abs(theta[k]));
    t[k] = theta[k] + h;
    const up = outputAt(t, d, D, x, gamma, act);
    t[k] = theta[k] - h;
    const down = outputAt(t, d, D, x, gamma, act);
    t[k] = theta[k];
    g[k] = Math.sqrt(k < d ? etaU : etaW) * ((up - down) / (2 * h));
  }
  return g;
}

/** Plain float64 gradient descent on one sample, scored at every step: max |K/K₀ − 1| and max ‖∇f − ∇f₀‖_η/‖∇f₀‖_η. */
function referenceScores(raw: { model: { width: number; outputScale: number }; init: { u: number[]; W: number[][] }; learningRates: { u: number; W: number }; data: { x: number[]; y: number } }, act: (z: number) => number, dact: (z: number) => number, steps: number): { kernelChange: number; tangentChange: number } {
  const d = raw.model.width;
  const D = raw.data.x.length;
  const { x, y } = raw.data;
  const gamma = raw.model.outputScale;
  const { u: etaU, W: etaW } = raw.learningRates;
  const theta = Float64Array.from([...raw.init.u, ...raw.init.W.flat()]);
  const norm2 = (v: Float64Array): number => v.reduce((s, a) => s + a * a, 0);
  const g0 = features(theta, d, D, x, gamma, act, etaU, etaW);
  const k0 = norm2(g0);
  let kernelChange = 0;
  let tangent = 0;
  for (let k = 0; k <= steps; k++) {
    const g = features(theta, d, D, x, gamma, act, etaU, etaW);
    kernelChange = Math.max(kernelChange, Math.abs(norm2(g) / k0 - 1));
    tangent = Math.max(tangent, Math.sqrt(norm2(g.map((v, i) => v - g0[i])) / k0));
    // One step of L = ½(f − y)², both layers from the same gradient (exact derivatives).
    const r = outputAt(theta, d, D, x, gamma, act) - y;
    const next = Float64Array.from(theta);
    for (let i = 0; i < d; i++) {
      let z = 0;
      for (let j = 0; j < D; j++) z += theta[d + i * D + j] * x[j];
      next[i] -= etaU * r * gamma * act(z);
      for (let j = 0; j < D; j++) next[d + i * D + j] -= etaW * r * gamma * theta[i] * dact(z) * x[j];
    }
    theta.set(next);
  }
  return { kernelChange, tangentChange: tangent };
}

const ACTIVATIONS = {
  linear: { f: (z: number) => z, df: () => 1 },
  tanh: { f: Math.tanh, df: (z: number) => 1 - Math.tanh(z) ** 2 },
};

test('random runs: the kernel\'s and the tangent features\' changes are those of every step of a plain float64 loop (finite-difference features), whatever the grid', () => {
  const rng = new Rng(11);
  let compared = 0;
  let missedByGrid = 0;
  for (let c = 0; c < 40; c++) {
    const activation = c % 4 === 3 ? 'tanh' : 'linear';
    const d = 1 + Math.floor(rng.uniform() * 6);
    const D = 1 + Math.floor(rng.uniform() * 3);
    const sigma = logUniform(rng, 0.3, 1.5);
    const u = Array.from({ length: d }, () => sigma * rng.normal());
    const W = Array.from({ length: d }, () => Array.from({ length: D }, () => sigma * rng.normal()));
    const x = Array.from({ length: D }, () => logUniform(rng, 0.3, 1.5) * (rng.uniform() < 0.5 ? -1 : 1));
    const y = (rng.uniform() < 0.5 ? -1 : 1) * logUniform(rng, 0.5, 3);
    const gamma = logUniform(rng, 0.5, 2);
    // Rates for a wanted K₀ per step in [0.3, 1.9] (smooth descent, sometimes near its edge), ratio η_u/η_W in [0.2, 5].
    const ratio = logUniform(rng, 0.2, 5);
    const { f, df } = ACTIVATIONS[activation];
    const k1 = norm2Of(features(Float64Array.from([...u, ...W.flat()]), d, D, x, gamma, f, ratio, 1));
    let scale = logUniform(rng, 0.3, 1.9) / k1;
    const steps = 30;
    const rawAt = (sc: number) => ({ model: { width: d, outputScale: gamma, activation }, init: { u, W }, learningRates: { u: ratio * sc, W: sc }, data: { x, y } });
    // The kernel may grow past 2 per step on the way (K(∞) ≫ K₀): halve the rates until descent does not blow up.
    while (simulate(experimentOf({ ...rawAt(scale), time: { end: steps } })).summary.diverged !== null) scale /= 2;
    const raw = rawAt(scale);
    const ref = referenceScores(raw, f, df, steps);
    const labels = new Set<string>();
    for (const time of [{ end: steps, points: 2 }, { end: steps, points: 4 }, { end: steps, points: steps + 1 }]) {
      for (const reference of activation === 'linear' ? [false, true] : [false]) {
        const s = simulate(experimentOf({ ...raw, time }), { reference }).summary;
        const what = `case ${c} (${activation}, d ${d}, D ${D}, ${time.points} points${reference ? ', --reference' : ''})`;
        assert.ok(Math.abs(s.scores!.kernelChange! - ref.kernelChange) <= 1e-6 * Math.max(1, ref.kernelChange), `${what}: kernelChange ${s.scores!.kernelChange!} vs ${ref.kernelChange}`);
        assert.ok(Math.abs(s.scores!.tangentChange! - ref.tangentChange) <= 1e-6 * Math.max(1, ref.tangentChange), `${what}: tangentChange ${s.scores!.tangentChange} vs ${ref.tangentChange}`);
        labels.add(s.label!);
        compared++;
      }
    }
    assert.equal(labels.size, 1, `case ${c}: one label for every grid, got ${[...labels].join(', ')}`);
    // How often the kernel's largest change falls between the 2-point grid's steps (0 and 30): the cases the old scoring missed.
    const coarse = Math.abs(simulate(experimentOf({ ...raw, time: { end: steps, points: steps + 1 } })).ntk!.reduce((m, k, i, a) => Math.max(m, Math.abs(k / a[0] - 1)), 0) - Math.abs(simulate(experimentOf({ ...raw, time: { end: steps, points: 2 } })).ntk!.slice(-1)[0] / simulate(experimentOf({ ...raw, time: { end: steps, points: 2 } })).ntk![0] - 1));
    if (coarse > 1e-3) missedByGrid++;
  }
  assert.ok(compared >= 100, `${compared} runs compared`);
  assert.ok(missedByGrid >= 5, `${missedByGrid} cases whose kernel peaks between the coarse grid's steps`);
});

function norm2Of(v: Float64Array): number {
  return v.reduce((s, a) => s + a * a, 0);
}
