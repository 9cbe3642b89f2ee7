/**
 * Every summary's "*Initial" values and every score start at t = 0 (step 0 of gradient descent),
 * whatever the printed grid (docs/mechanisms.md, "Scores"): with `time.at` [100] `simulate` scored
 * step 100 against itself (kernel, kernelChange 0, ζ change 0) and `solve` printed the loss, ζ and
 * kernel of t = 100 as initial. Checked against the network's θ₀ measured directly and an independent
 * float64 gradient descent over (u, W) (test/reference/network.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phaseDiagramSync } from '../../../src/core/analysis/phase/phaseDiagram';
import { solveSweepSync, withValue } from '../../../src/core/analysis/sweep';
import type { Experiment } from '../../../src/core/experiment/experiment';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { simulate } from '../../../src/core/runs/simulate';
import { solve } from '../../../src/core/runs/solve';
import { initialState, measure, networkOf, referenceDescent } from '../../reference/network';

function experiment(raw: unknown): Experiment {
  const { experiment: e, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), [], JSON.stringify(raw));
  return e!;
}

function close(a: number | null | undefined, b: number | null, rel: number, what: string): void {
  assert.ok(typeof a === 'number' && b !== null && Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs ${b}`);
}

/** The tester's file: width 16, σ = 0.01, rates 0.1, y = 1 — a small initialisation that aligns by t = 100. */
const SMALL = { model: { width: 16 }, data: { x: [1], y: 1 }, init: { scaleU: 0.01, scaleW: 0.01, seed: 1 }, learningRates: { u: 0.1, W: 0.1 } };

/** θ₀ measured directly: the values every "*Initial" must print. */
function start(e: Experiment) {
  const theta0 = initialState(e);
  return measure(networkOf(e), theta0, theta0);
}

test('simulate with time.at not starting at 0: the summary starts at step 0 and the scores are those of [0, 100]', () => {
  for (const activation of ['linear', 'tanh'] as const) {
    for (const reference of activation === 'linear' ? [false, true] : [false]) {
      const base = experiment({ ...SMALL, model: { width: 16, activation }, time: { at: [0, 100] } });
      const m0 = start(base);
      // An independent float64 descent over (u, W): the scores from its step 0 and step 100.
      const ref = referenceDescent(base, [0, 100]).series;
      const kernelChange = Math.abs(ref.ntk[1] / ref.ntk[0] - 1);
      const zetaChange = Math.abs(ref.zeta[1]!) - Math.abs(ref.zeta[0]!);
      for (const at of [[100], [1, 100], [37, 100], [0, 100]]) {
        const what = `${activation}${reference ? ' --reference' : ''} at ${JSON.stringify(at)}`;
        const run = simulate(experiment({ ...SMALL, model: { width: 16, activation }, time: { at } }), { reference });
        const s = run.summary;
        assert.deepEqual(run.t, at, what);
        close(s.zetaInitial, m0.zeta, 1e-12, `${what} zetaInitial`);
        close(s.lossInitial, m0.loss, 1e-12, `${what} lossInitial`);
        close(s.ntkInitial, m0.ntk, 1e-12, `${what} ntkInitial`);
        close(s.scores!.kernelChange, kernelChange, 1e-9, `${what} kernelChange`);
        close(s.scores!.zetaChange, zetaChange, 1e-9, `${what} zetaChange`);
        close(s.scores!.normChangeU, Math.log(ref.normU[1] / ref.normU[0]), 1e-9, `${what} normChangeU`);
        close(s.scores!.normChangeW, Math.log(ref.normW[1] / ref.normW[0]), 1e-9, `${what} normChangeW`);
        close(s.scores!.distance, ref.distance[1], 1e-9, `${what} distance`);
        if (activation === 'linear') {
          assert.equal(s.label, 'alignment', what);
          assert.ok(s.scores!.kernelChange! > 590, `${what}: kernelChange ${s.scores!.kernelChange!} (597 from step 0)`);
        }
      }
    }
  }
});

test('solve with time.at not starting at 0 prints zetaInitial, ntkInitial and lossInitial of t = 0 (with weight decay too, whose scores start there as well)', () => {
  const m0 = start(experiment(SMALL));
  for (const weightDecay of [0, 0.01]) {
    const from0 = solve(experiment({ ...SMALL, weightDecay, time: { at: [0, 100] } })).summary;
    for (const at of [[100], [1, 100], [0, 100]]) {
      const what = `weightDecay ${weightDecay} at ${JSON.stringify(at)}`;
      const s = solve(experiment({ ...SMALL, weightDecay, time: { at } })).summary;
      close(s.zetaInitial, m0.zeta, 1e-12, `${what} zetaInitial`);
      close(s.lossInitial, m0.loss, 1e-12, `${what} lossInitial`);
      close(s.ntkInitial, m0.ntk, 1e-12, `${what} ntkInitial`);
      // The tester's values at t = 0 (t = 100 printed 0.99999898, 0.19999988, 1.49e-12).
      assert.ok(Math.abs(s.zetaInitial! - 0.444) < 1e-3 && Math.abs(s.lossInitial - 0.499) < 1e-3 && s.ntkInitial! < 4e-4, what);
      for (const name of ['kernelChange', 'zetaChange', 'normChangeU', 'normChangeW', 'distance'] as const) close(s.scores![name], from0.scores![name], 1e-9, `${what} ${name}`);
      assert.equal(s.label, 'alignment', what);
    }
  }
});

test('sweeps and descent phase cells start at step 0 too: a cell of time.at [100] scores like simulate of it and like [0, 100]', () => {
  // A sweep runs solve or simulate per value: their summaries.
  const swept = experiment({ ...SMALL, time: { at: [100] }, sweep: { 'learningRates.u': [0.05, 0.1] } });
  for (const method of ['solve', 'simulate'] as const) {
    for (const [i, run] of solveSweepSync(swept, method).runs.entries()) {
      const m0 = start(withValue(experiment(SMALL), 'learningRates.u', [0.05, 0.1][i]));
      close(run.summary.lossInitial, m0.loss, 1e-12, `${method} sweep value ${i} lossInitial`);
      close(run.summary.ntkInitial, m0.ntk, 1e-12, `${method} sweep value ${i} ntkInitial`);
    }
  }
  const e = experiment({ ...SMALL, time: { at: [100] } });
  const p = phaseDiagramSync(e, { key: 'learningRates.u', from: 0.05, to: 0.1 }, { key: 'learningRates.W', from: 0.05, to: 0.1 }, 2, 'descent');
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      const cell = withValue(withValue(e, 'learningRates.u', p.x.values[j]), 'learningRates.W', p.y.values[i]);
      const s = simulate(cell).summary.scores!;
      const from0 = simulate(experiment({ ...SMALL, learningRates: { u: p.x.values[j], W: p.y.values[i] }, time: { at: [0, 100] } })).summary.scores!;
      for (const name of ['kernelChange', 'zetaChange', 'normChangeU', 'normChangeW', 'distance'] as const) {
        close(p.scores[name][i * 2 + j], s[name], 1e-9, `cell (${i}, ${j}) ${name} against simulate`);
        close(s[name], from0[name], 1e-12, `cell (${i}, ${j}) ${name} against [0, 100]`);
      }
      assert.ok(p.scores.kernelChange[i * 2 + j] > 1, `cell (${i}, ${j}) kernelChange ${p.scores.kernelChange[i * 2 + j]}`);
    }
  }
});
