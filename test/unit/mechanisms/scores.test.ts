/**
 * The mechanism classifier, sweeps, width scans and phase diagrams (docs/mechanisms.md,
 * docs/phase-diagram.md), against independent evaluations: dense exact trajectories for the O(1)
 * extremes over t ∈ [0, ∞), one solve per cell for the phase diagram, fits for the exponents.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, DEFAULT_THRESHOLDS, LABEL_NAMES, MechanismScores, SCORE_NAMES } from '../../../src/core/mechanisms/classify';
import { seriesScores } from '../../../src/core/trajectory/seriesScores';
import { LABEL_COLOURS } from '../../../src/core/analysis/phase/phaseSvg';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { Experiment } from '../../../src/core/experiment/experiment';
import { phaseDiagram, phaseDiagramSync } from '../../../src/core/analysis/phase/phaseDiagram';
import { widthScan } from '../../../src/core/analysis/widthScan';
import { solve } from '../../../src/core/runs/solve';
import { solveSweepSync, withValue } from '../../../src/core/analysis/sweep';
import { Rng } from '../../../src/core/math/rng';

function experiment(raw: unknown): Experiment {
  const { experiment: e, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), []);
  return e!;
}

function close(a: number | null, b: number | null, rel: number, abs: number, what: string): void {
  if (a === null || b === null) {
    assert.equal(a, b, what);
    return;
  }
  assert.ok(Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test('exact scores over t ∈ [0, ∞) agree with the extremes of a dense trajectory run to the limit', () => {
  const rng = new Rng(42);
  for (let k = 0; k < 40; k++) {
    const raw = {
      model: { width: 1 + Math.floor(rng.uniform() * 20), outputScale: Math.exp(4 * (rng.uniform() - 0.5)) },
      data: { x: [1], y: (rng.uniform() - 0.3) * 3 },
      init: { scaleU: Math.exp(6 * (rng.uniform() - 0.7)), scaleW: Math.exp(6 * (rng.uniform() - 0.7)), seed: k },
      learningRates: { u: Math.exp(2 * (rng.uniform() - 0.5)), W: Math.exp(2 * (rng.uniform() - 0.5)) },
    };
    const e = experiment(raw);
    const exact = solve(e);
    const T = exact.summary.horizon * 40; // far past the horizon: the series ends at the limit
    const dense = solve({ ...e, time: { kind: 'grid', end: T, points: 20000, spacing: 'log', start: T * 1e-9 } });
    const s = exact.summary.scores!;
    assert.equal(dense.t[0], 0);
    const d = seriesScores(dense, { zeta: dense.zeta[0], loss: dense.loss[0], ntk: dense.ntk![0], normU: dense.normU[0], normW: dense.normW[0] })!;
    const what = `config ${k} ${JSON.stringify(raw)}`;
    close(s.kernelChange, d.kernelChange, 1e-3, 1e-9, `${what} kernelChange`);
    close(s.zetaChange, d.zetaChange, 1e-3, 2e-3, `${what} zetaChange`);
    close(s.alignment, d.alignment, 1e-3, 2e-3, `${what} alignment`);
    close(s.disalignment, d.disalignment, 1e-3, 2e-3, `${what} disalignment`);
    close(s.normChangeU, d.normChangeU, 1e-6, 1e-6, `${what} normChangeU`);
    close(s.normChangeW, d.normChangeW, 1e-6, 1e-6, `${what} normChangeW`);
    close(s.distance, d.distance, 1e-6, 1e-9, `${what} distance`);
    assert.equal(exact.summary.label, classify(s));
  }
});

test('the label follows the thresholds of the file', () => {
  const base = { model: { width: 64 }, data: { x: [1], y: 1 }, init: { scaleU: 0.001, scaleW: 0.001, seed: 1 }, learningRates: { u: 1, W: 1 } };
  assert.equal(solve(experiment(base)).summary.label, 'alignment');
  // Requiring a larger rise of |ζ| than 1 leaves only the norms' change: rescaling.
  assert.equal(solve(experiment({ ...base, classify: { zetaChange: 2 } })).summary.label, 'rescaling');
  // Any change of the kernel below an enormous threshold (and of the features too) is the kernel regime.
  assert.equal(solve(experiment({ ...base, classify: { kernelChange: 1e9, tangentChange: 1e9 } })).summary.label, 'kernel');
  const bad = parseExperiment(JSON.stringify({ ...base, classify: { kernelChnage: 1 } }));
  assert.equal(bad.experiment, null);
  assert.match(bad.diagnostics[0].message, /did you mean `kernelChange`/);
});

test('labels: kernel, single mechanisms and mixtures', () => {
  const s = (over: Partial<MechanismScores>): MechanismScores => ({ kernelChange: 1, tangentChange: 1, zetaChange: 0, alignment: 0, disalignment: 0, normChangeU: 0, normChangeW: 0, balanceChange: 0, distance: 0, ...over });
  assert.equal(classify(s({ kernelChange: 0.01, tangentChange: 0.01, alignment: 0.05 })), 'kernel');
  assert.equal(classify(s({ alignment: 0.5 })), 'alignment');
  assert.equal(classify(s({ disalignment: 0.5 })), 'disalignment');
  assert.equal(classify(s({})), 'rescaling');
  assert.equal(classify(s({ alignment: 0.5, balanceChange: 2 })), 'mixed: alignment+rescaling');
  assert.equal(classify(s({ alignment: 0.5, disalignment: 0.6 })), 'mixed: alignment+disalignment');
  assert.equal(classify(s({ kernelChange: 0.01, tangentChange: 0.3, disalignment: 0.3 })), 'disalignment');
  assert.deepEqual(Object.keys(DEFAULT_THRESHOLDS).sort(), ['balanceChange', 'kernelChange', 'tangentChange', 'zetaChange']);
});

test('a sweep returns one run per value, with width powers kept', () => {
  const e = experiment({
    model: { width: 16, outputScale: { widthExponent: -0.5, base: 1 } },
    data: { x: [1], y: 1 },
    init: { scaleU: 0.5, scaleW: 0.5 },
    learningRates: { u: 1, W: 1 },
    sweep: { width: [4, 64, 1024] },
  });
  assert.equal(e.model.outputScale, 0.25);
  assert.deepEqual(e.sweep, { key: 'width', path: 'model.width', values: [4, 64, 1024] });
  const r = solveSweepSync(e);
  assert.equal(r.runs.length, 3);
  r.runs.forEach((t, i) => assert.equal(t.summary.width, r.values[i]));
  // γ = d^(−1/2) at each width: λ = γ ā √(η_u η_W) = 1/√d.
  r.runs.forEach((t, i) => close(t.summary.lambda, 1 / Math.sqrt(r.values[i]), 1e-15, 0, 'lambda'));
  const bad = parseExperiment(JSON.stringify({ ...e.source as object, sweep: { outputScael: [1, 2] } }));
  assert.match(bad.diagnostics[0].message, /unknown hyperparameter `outputScael`/);
  assert.equal(bad.diagnostics[0].path, 'sweep.outputScael');
  const neg = parseExperiment(JSON.stringify({ ...e.source as object, sweep: { 'learningRates.u': [1, -2] } }));
  assert.match(neg.diagnostics[0].message, /learningRates\.u must be > 0, got -2/);
});

test('phase diagram cells equal one exact solve each; 256 × 256 is fast; it can be abandoned', async () => {
  const e = experiment({ model: { width: 300 }, data: { x: [1, -2, 0.5], y: 0.7 }, init: { scaleU: 0.05, scaleW: 0.3, seed: 9 }, learningRates: { u: 2, W: 0.5 } });
  const t0 = performance.now();
  const p = phaseDiagramSync(e, { key: 'outputScale', from: 1e-3, to: 1e3 }, { key: 'init.scaleU', from: 1e-5, to: 1e2 }, 256);
  const elapsed = performance.now() - t0;
  assert.ok(elapsed < 5000, `256×256 took ${elapsed.toFixed(0)} ms`);
  const labels = new Set(Array.from(p.labels, (c) => p.labelNames[c]));
  assert.ok(labels.has('kernel') && labels.size >= 2, `several phases: ${[...labels]}`);
  for (const [i, j] of [[0, 0], [255, 255], [17, 201], [128, 64], [250, 3], [90, 160]]) {
    const cell = solve(withValue(withValue(e, 'model.outputScale', p.x.values[j]), 'init.scaleU', p.y.values[i])).summary;
    const k = i * 256 + j;
    for (const name of SCORE_NAMES) {
      const v = p.scores[name][k];
      close(cell.scores![name], Number.isNaN(v) ? null : v, 1e-8, 1e-12, `cell (${i}, ${j}) ${name}`);
    }
    assert.equal(p.labelNames[p.labels[k]], cell.label);
  }
  const controller = new AbortController();
  const pending = phaseDiagram(e, { key: 'outputScale', from: 1e-3, to: 1e3 }, { key: 'learningRates.W', from: 1e-3, to: 1e3 }, 512, { rowsPerChunk: 4 });
  const aborted = phaseDiagram(e, { key: 'outputScale', from: 1e-3, to: 1e3 }, { key: 'learningRates.W', from: 1e-3, to: 1e3 }, 512, { rowsPerChunk: 4, signal: controller.signal });
  controller.abort();
  await assert.rejects(aborted, { name: 'AbortError' });
  assert.equal((await pending).labels.length, 512 * 512);
});

test('phase diagram over a key that needs new draws (the width) matches single solves', () => {
  const e = experiment({ model: { width: 8, outputScale: { widthExponent: -0.5 } }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 4 }, learningRates: { u: 1, W: 1 } });
  const p = phaseDiagramSync(e, { key: 'width', from: 4, to: 4096 }, { key: 'outputScale', from: 0.01, to: 100 }, [11, 5]);
  assert.deepEqual(Array.from(p.x.values), [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]);
  for (const [i, j] of [[0, 0], [4, 10], [2, 5]]) {
    const cell = solve(withValue(withValue(e, 'model.width', p.x.values[j]), 'model.outputScale', p.y.values[i])).summary;
    close(cell.scores!.kernelChange, p.scores.kernelChange[i * 11 + j], 1e-8, 1e-12, `width cell (${i}, ${j})`);
  }
  assert.throws(() => phaseDiagramSync(e, { key: 'nope', from: 1, to: 2 }, { key: 'outputScale', from: 1, to: 2 }, 4), /unknown hyperparameter/);
  assert.throws(() => phaseDiagramSync(e, { key: 'outputScale', from: -1, to: 2 }, { key: 'width', from: 1, to: 2 }, 4), /log axis needs both ends > 0/);
  // The closed form has no weight decay: refused rather than silently wrong.
  const decayed = withValue(e, 'weightDecay', 0.01);
  assert.throws(() => phaseDiagramSync(decayed, { key: 'outputScale', from: 1, to: 2 }, { key: 'scaleU', from: 1, to: 2 }, 4), /no weight decay/);
  assert.throws(() => widthScan(decayed, [4, 8]), /no weight decay/);
  // Seeds from the largest init.seed count on from 0: init.seed + 1 was refused at init.seed, a value the file does not hold.
  const last = experiment({ model: { width: 8 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 9007199254740991 }, learningRates: { u: 1, W: 1 } });
  const first = experiment({ model: { width: 8 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 0 }, learningRates: { u: 1, W: 1 } });
  const scan = (e: Experiment) => widthScan(e, [4], 2).scores.kernelChange[0];
  const median = (runs: number[]) => (runs[0] + runs[1]) / 2;
  const kernelChange = (e: Experiment) => Math.abs(solve(withValue(e, 'model.width', 4)).summary.scores!.kernelChange!);
  assert.equal(scan(last), median([kernelChange(last), kernelChange(first)]));
});

test('width scans: fitted exponents agree with the analytic ones for NTK, mean-field and standard', () => {
  const expected: Record<string, 'kernel' | 'feature learning'> = { ntk: 'kernel', meanField: 'feature learning', standard: 'kernel' };
  for (const preset of ['ntk', 'meanField', 'standard']) {
    const e = experiment({ parameterisation: preset, model: { width: 64 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 1 }, learningRates: { u: 1, W: 1 } });
    const r = widthScan(e, [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384], 15);
    assert.equal(r.phase, expected[preset]);
    for (const name of ['kernelChange', 'tangentChange', 'zetaChange', 'normChangeU', 'normChangeW', 'distance', 'horizon'] as const) {
      const a = r.analytic[name];
      const f = r.fitted[name];
      assert.ok(a !== null && f !== null && Math.abs(a - f) <= 0.15, `${preset} ${name}: fitted ${f}, analytic ${a}`);
    }
  }
});

test('width powers and parameterisations: values, errors, and the phase figure colours', () => {
  const ntk = experiment({ parameterisation: 'ntk', model: { width: 400 }, data: { x: [1], y: 1 }, init: { scaleU: 2, scaleW: 1 }, learningRates: { u: 3, W: 1 } });
  assert.equal(ntk.model.outputScale, 0.05); // 1 · 400^(−1/2), the default base 1
  assert.equal(ntk.init.kind === 'random' && ntk.init.scaleU, 2);
  assert.equal(ntk.learningRates.u, 3);
  const mf = experiment({ parameterisation: 'meanField', model: { width: 100, outputScale: 2 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1 }, learningRates: { u: 0.5, W: { widthExponent: 0, base: 0.25 } } });
  assert.equal(mf.model.outputScale, 0.02);
  assert.equal(mf.learningRates.u, 50);
  assert.equal(mf.learningRates.W, 0.25); // its own exponent wins over the preset
  const sp = experiment({ parameterisation: 'standard', model: { width: 16 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1 }, learningRates: { u: 1, W: 1 } });
  assert.equal(sp.init.kind === 'random' && sp.init.scaleU, 0.25);
  const overflow = parseExperiment(JSON.stringify({ model: { width: 10_000_000, outputScale: { widthExponent: -4, base: 1e-300 } }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1 }, learningRates: { u: 1, W: 1 } }));
  assert.equal(overflow.experiment, null);
  assert.equal(overflow.diagnostics[0].path, 'model.outputScale.base');
  assert.equal(overflow.diagnostics[0].message, 'model.outputScale.base = 1e-300; the value used, base · d^-4 at the width d = 10000000, is about 1e-328: below the smallest 64-bit number (5e-324), where it is 0, which model.outputScale must not be: give a base of at least 4.9e-296');
  const unknown = parseExperiment(JSON.stringify({ model: { width: 4, outputScale: { widthExponnent: 1 } }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1 }, learningRates: { u: 1, W: 1 } }));
  assert.match(unknown.diagnostics.map((d) => d.message).join('\n'), /unknown key `widthExponnent`.*did you mean `widthExponent`/);
  assert.deepEqual(LABEL_NAMES, ['kernel', 'alignment', 'disalignment', 'mixed: alignment+disalignment', 'rescaling', 'mixed: alignment+rescaling', 'mixed: disalignment+rescaling', 'mixed: alignment+disalignment+rescaling']);
  assert.equal(LABEL_COLOURS[4], '#2e9e44'); // rescaling is green
});

test('width scans: the analytic exponents hold beyond the presets (both phases, unequal exponents)', () => {
  // [γ, σ_u, σ_W, η_u, η_W] exponents; bases deliberately unequal.
  const combos: [number, number, number, number, number][] = [
    [-0.75, 0, 0, 0.5, 0.5],
    [-0.5, -0.25, 0, 0, 0],
    [-1, 0, 0, 1, 0],
    [0, -0.5, -0.5, 0, 0],
    [-0.5, 0, -0.5, 0, 1],
    [-0.25, 0, 0, 0, 0],
    [-1.25, 0, 0, 1, 1],
  ];
  for (const [g, su, sw, eu, ew] of combos) {
    const p = (widthExponent: number, base: number) => ({ widthExponent, base });
    const e = experiment({ model: { width: 64, outputScale: p(g, 1) }, data: { x: [1], y: 1 }, init: { scaleU: p(su, 1), scaleW: p(sw, 0.7), seed: 1 }, learningRates: { u: p(eu, 1), W: p(ew, 1.3) } });
    const r = widthScan(e, [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536], 15);
    for (const name of Object.keys(r.analytic) as (keyof typeof r.analytic)[]) {
      const a = r.analytic[name];
      if (a === null) continue;
      const f = r.fitted[name];
      assert.ok(f !== null && Math.abs(a - f) <= 0.15, `exponents ${[g, su, sw, eu, ew]} (${r.phase}) ${name}: fitted ${f}, analytic ${a}`);
    }
  }
});
