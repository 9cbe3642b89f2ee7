// A sweep value whose run failed (its data or set-up refused, in Problems at its sweep entry) in the
// training panel (2026-12-03): the sweep ends finished with the values that trained; the legend says
// "failed" and the summary views leave it out, naming it, as a diverged value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sweepRun } from '../../../src/extension/training/sweepRun';
import { loadingRunView, untrained, type RunView, type SweepView } from '../../../src/protocol/training';
import { sweepRunLabel, TRAINING_CHARTS } from '../../../webview/training/chartSpecs';

function finished(distance: number): RunView {
  const curves = { ...loadingRunView().curves, step: [0, 10, 20], distance: [0, distance / 2, distance] };
  return { ...loadingRunView(), status: 'finished', curves, progress: { step: 20, totalSteps: 20, epoch: 2, elapsedMs: 100, remainingMs: null }, finalNorm: 3 + distance };
}

const failed: RunView = { ...loadingRunView(), status: 'failed', progress: null };

test('a sweep with a failed value ends finished with the values that trained; every value failed is no finished sweep', () => {
  const sweep: SweepView = { key: 'train', path: 'data.train', values: [8, 100, 12], runs: [finished(0.5), failed, finished(0.7)] };
  const r = sweepRun(sweep, [true, true, true], [0, 1, 0], 2, 1000);
  assert.equal(r.status, 'finished');
  assert.equal(r.curves.step.length, 3, 'a trained value\'s records are drawn');
  assert.equal(untrained(failed), true);
  assert.equal(sweepRunLabel(failed), 'failed');
  assert.notEqual(sweepRun({ ...sweep, runs: [failed, failed, failed] }, [true, true, true], [0, 1, 0], 2, 1000).status, 'finished');
});

test('the summary views leave a failed value out and say so', () => {
  const sweep: SweepView = { key: 'train', path: 'data.train', values: [8, 100, 12], runs: [finished(0.5), failed, finished(0.7)] };
  const palette = new Proxy({}, { get: () => '#000000' }) as never;
  const spec = TRAINING_CHARTS.find((c) => c.key === 'sweepDistance')!;
  const input = { run: sweepRun(sweep, [true, true, true], [0, 1, 0], 2, 1000), sweep, palette, logStep: false, kind: 'network' as const };
  assert.ok(spec.applies(input));
  const chart = spec.build(input);
  assert.match(chart.title, / — left out, failed: train = 100$/);
  assert.deepEqual(Array.from(chart.data[0] as number[]), [8, 12], 'no point, and off the axis');
});

test('a value whose ReLU layer died during training (RunView.blownUp "died"): the legend says died, the summary views leave it out and say so', () => {
  const died: RunView = { ...finished(0.6), blownUp: 'died' };
  assert.equal(sweepRunLabel(died), 'died');
  const sweep: SweepView = { key: 'learningRate', path: 'training.learningRate', values: [0.1, 1, 0.3], runs: [finished(0.5), died, finished(0.7)] };
  const palette = new Proxy({}, { get: () => '#000000' }) as never;
  const spec = TRAINING_CHARTS.find((c) => c.key === 'sweepDistance')!;
  const chart = spec.build({ run: sweepRun(sweep, [true, true, true], [0, 0, 0], 3, 1000), sweep, palette, logStep: false, kind: 'network' as const });
  assert.match(chart.title, / — left out, died: learningRate = 1$/);
  assert.deepEqual(Array.from(chart.data[0] as number[]), [0.1, 0.3], 'no point, and off the axis');
});

test('a value whose loss is not finite at θ₀ (notTrained): the legend and the summary views say "loss not finite at start", the words of flab sweep --table and --csv', () => {
  // It was "not trained", one space from `flab sweep`'s status of a value the sweep stopped before (now "not started"; 2026-12-03).
  const notTrained: RunView = { ...loadingRunView(), status: 'notTrained', progress: null };
  assert.equal(sweepRunLabel(notTrained), 'loss not finite at start');
  const sweep: SweepView = { key: 'scale', path: 'init.scale', values: [1, 1e30, 2], runs: [finished(0.5), notTrained, finished(0.7)] };
  const palette = new Proxy({}, { get: () => '#000000' }) as never;
  const spec = TRAINING_CHARTS.find((c) => c.key === 'sweepDistance')!;
  const chart = spec.build({ run: sweepRun(sweep, [true, true, true], [0, 1, 0], 2, 1000), sweep, palette, logStep: false, kind: 'network' as const });
  assert.match(chart.title, / — left out, loss not finite at start: scale = 1e30$/);
});
