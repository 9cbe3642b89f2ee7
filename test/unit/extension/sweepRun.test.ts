// The training panel's header for a sweep (src/extension/training/sweepRun.ts): training until every value
// has ended, the steps summed over the values, the swept key's parameter giving all its values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextSweepValue, sweepRun } from '../../../src/extension/training/sweepRun';
import { loadingRunView, PACE_WINDOW_MS, PaceWindow, timeLeft, type RunView, type SweepView } from '../../../src/protocol/training';

function run(status: RunView['status'], step: number, totalSteps: number | null, records = 3): RunView {
  const curves = { ...loadingRunView().curves, step: Array.from({ length: records }, (_, i) => i * 10) };
  return { ...loadingRunView(), status, curves, progress: { step, totalSteps, epoch: step / 10, elapsedMs: 100, remainingMs: 50 }, parameters: [{ path: 'init.scale', symbol: 'σ', value: '0.1' }, { path: 'training.learningRate', symbol: 'η', value: '0.05' }] };
}

const sweep = (runs: (RunView | null)[]): SweepView => ({ key: 'scale', path: 'init.scale', values: [0.1, 1, 10], runs });

test('a sweep whose first value has ended while the others train is training, not finished (with Stop), its steps summed', () => {
  const r = sweepRun(sweep([run('finished', 500, 500), run('training', 120, 500), null]), [true, false, false], [0, 1, null], 2, 2000);
  assert.equal(r.status, 'training');
  assert.deepEqual(r.progress?.values, { done: 1, count: 3, sized: 2 });
  assert.equal(r.progress?.step, 620);
  assert.equal(r.progress?.totalSteps, 1500, 'the value not started counted at the mean length');
  assert.equal(r.progress?.epoch, null);
  assert.equal(r.progress?.elapsedMs, 2000);
  // The value training has 50 ms left for its 380 steps; the one not started, 500 steps at that pace,
  // goes to the free worker.
  assert.ok(Math.abs(r.progress!.remainingMs! - (500 * 50) / 380) < 1e-9);
  assert.equal(r.verdict, null, 'a sweep\'s verdict is its chosen value\'s');
  assert.deepEqual(r.parameters.map((p) => p.value), ['swept: 0.1, 1, 10', '0.05']);
});

test('a parameter the swept value changes gives each value\'s, not the first value\'s as the sweep\'s', () => {
  // An NTK width sweep's figure read "layers = 784-32-10 … η = [0.02, 0.000625]": the first width's.
  const width = (d: number, status: RunView['status']): RunView => ({
    ...run(status, 100, 100),
    parameters: [
      { path: 'model.hidden', symbol: 'layers', value: `784-${d}-10` },
      { path: 'training.learningRate', symbol: 'η', value: `[0.02, ${0.02 / d}]` },
      { path: 'init.scale', symbol: 'σ', value: '1' },
    ],
  });
  const widths: SweepView = { key: 'hidden', path: 'model.hidden', values: [32, 128, 512], runs: [width(32, 'finished'), width(128, 'training'), null] };
  const r = sweepRun(widths, [true, false, false], [0, 1, null], 2, 100);
  assert.deepEqual(r.parameters.map((p) => `${p.symbol} = ${p.value}`), [
    'layers = swept: 32, 128, 512',
    'η = per value: [0.02, 0.000625]; [0.02, 0.00015625]; —',
    'σ = 1',
  ]);
});

test('a sweep is loading until a value has started, and finished once every value has ended', () => {
  const none = sweepRun(sweep([null, null, null]), [false, false, false], [0, 1, 0], 2, 10);
  assert.equal(none.status, 'loading');
  assert.equal(none.progress, null);
  assert.equal(none.curves.step.length, 0);
  assert.equal(sweepRun(sweep([run('loading', 0, null, 0), null, null]), [false, false, false], [0, 1, 0], 2, 10).status, 'loading');
  // Ended: finished, diverged or not trained each — the sweep has finished, every value's status in the legend.
  const all = sweepRun(sweep([run('finished', 500, 500), run('diverged', 37, 500), run('finished', 500, 500)]), [true, true, true], [0, 1, 0], 2, 9000);
  assert.equal(all.status, 'finished');
  assert.deepEqual(all.progress?.values, { done: 3, count: 3, sized: 3 });
  assert.equal(all.progress?.remainingMs, null);
  // A value that diverged takes no more steps: the ended sweep's steps are all it planned (the bar full).
  assert.equal(all.progress?.step, 1037);
  assert.equal(all.progress?.totalSteps, 1037, 'step 1037 of 1037, not of 1500');
  const partly = sweepRun(sweep([run('diverged', 37, 500), run('training', 100, 500), null]), [true, false, false], [0, 1, 0], 2, 9000);
  assert.equal(partly.progress?.totalSteps, 37 + 500 + 500, 'the diverged value counted at its 37 steps, the others at their length');
  // Every value failed: the sweep says so, not "Finished".
  assert.equal(sweepRun(sweep([run('diverged', 3, 500), run('notTrained', 0, 500), run('diverged', 9, 500)]), [true, true, true], [0, 1, 0], 2, 10).status, 'diverged');
  assert.equal(sweepRun(sweep([run('notTrained', 0, 500), run('notTrained', 0, 500), run('notTrained', 0, 500)]), [true, true, true], [0, 1, 0], 2, 10).status, 'notTrained');
  // A value that stopped (Stop while it trained) has not ended.
  assert.equal(sweepRun(sweep([run('finished', 500, 500), run('stopped', 20, 500), run('finished', 500, 500)]), [true, false, true], [0, 1, 0], 2, 10).status, 'training');
});

test('the time left counts the values not started at their own lengths, each on the worker free first', () => {
  // An epochs sweep of 1, 2, 4 and 8 epochs of 100 steps on two workers, at 1 ms a step: the first two
  // values at their start (100 and 200 ms left, told by their workers), the others queued, their lengths
  // told by the runs (RunProgress.valueSteps). Worker 0 takes 4 epochs at 100 ms (to 500 ms), worker 1
  // 8 epochs at 200 ms: 1 s left. The queued values counted at the mean length of the first two (150
  // steps) and all the steps left over the two workers' summed pace (2 steps a ms) said 0.3 s.
  const valueSteps = [100, 200, 400, 800];
  const training = (step: number, totalSteps: number): RunView => {
    const r = run('training', step, totalSteps);
    return { ...r, progress: { ...r.progress!, remainingMs: totalSteps - step, valueSteps } };
  };
  const epochs: SweepView = { key: 'epochs', path: 'training.epochs', values: [1, 2, 4, 8], runs: [training(0, 100), training(0, 200), null, null] };
  const r = sweepRun(epochs, [false, false, false, false], [0, 1, null, null], 2, 500);
  assert.equal(r.progress?.remainingMs, 1000);
  assert.equal(r.progress?.totalSteps, 1500, 'each value at its own length');
  assert.deepEqual(r.progress?.values, { done: 0, count: 4, sized: 4 }, 'every length known: not "about"');
  // The last value alone: its own time left, though two workers are free.
  const last = sweepRun({ ...epochs, runs: [run('finished', 100, 100), run('finished', 200, 200), run('finished', 400, 400), training(300, 800)] }, [true, true, true, false], [0, 1, 0, 1], 2, 900);
  assert.equal(last.progress?.remainingMs, 500);
});

test('no time left before a value is told its pace, then every value at the pace told', () => {
  // One value at its step 0, the other loading its data: no pace told, no estimate (the start-up is no pace).
  const untold = { ...run('training', 0, 2000, 0), progress: { step: 0, totalSteps: 2000, epoch: 0, elapsedMs: 0, remainingMs: null } };
  assert.equal(sweepRun(sweep([untold, loadingRunView(), null]), [false, false, false], [0, 1, null], 2, 3000).progress?.remainingMs, null);
  // Once the first value is told (2 ms a step for its 1,900 steps left), the others are at its pace:
  // the second's 2,000 steps and the third's 2,000 after the first ends — 3.8 s + 4 s.
  const told = { ...run('training', 100, 2000), progress: { step: 100, totalSteps: 2000, epoch: 10, elapsedMs: 800, remainingMs: 3800 } };
  assert.equal(sweepRun(sweep([told, loadingRunView(), null]), [false, false, false], [0, 1, null], 2, 4000).progress?.remainingMs, 7800);
});

test('Resume sends each stopped value back to the worker that holds it, then the values not started, and skips those that ended', () => {
  // Values 0 and 1 ended, 2 stopped on worker 1, 3 stopped on worker 0, 4 and 5 not started.
  const ended = [true, true, false, false, false, false];
  const workerOf = [0, 1, 1, 0, null, null];
  assert.equal(nextSweepValue(ended, workerOf, 0), 3);
  assert.equal(nextSweepValue(ended, workerOf, 1), 2);
  assert.equal(nextSweepValue(ended, [0, 1, 1, 0, 0, null], 1), 2, 'its own held value first, whatever the other lane took');
  assert.equal(nextSweepValue([true, true, true, true, false, false], [0, 1, 1, 0, 0, null], 1), 5);
  assert.equal(nextSweepValue([true, true, true, true, true, true], [0, 1, 1, 0, 0, 1], 0), null);
  // A fresh sweep: the values in order.
  assert.equal(nextSweepValue([false, false, false], [null, null, null], 0), 0);
  assert.equal(nextSweepValue([false, false, false], [0, null, null], 1), 1);
});

test('the time left is paced over the last seconds: a slow start is forgotten once the run has gone on for the window', () => {
  // A fresh run: its first record at 0.6 s, then 10 steps in its first 0.4 s (cold sessions), then 700 steps a
  // second, 4,500 steps in all — 6.4 s left at 1 s. Paced from the first record alone it said 2.5 minutes
  // at step 10 and was still 1.6 times too long at 4 s.
  const pace = new PaceWindow();
  const stepAt = (t: number) => (t <= 1000 ? Math.round((10 * (t - 600)) / 400) : 10 + Math.round(0.7 * (t - 1000)));
  let at4 = null as number | null;
  for (let t = 600; t <= 8000; t += 250) {
    pace.add({ elapsedMs: t, step: stepAt(t) });
    const left = timeLeft(pace.since(), { elapsedMs: t, step: stepAt(t) }, 4500);
    if (t === 4100) at4 = left;
    if (t >= 600 + PACE_WINDOW_MS + 1000) {
      const truth = (4500 - stepAt(t)) / 0.7;
      assert.ok(left !== null && Math.abs(left - truth) / truth < 0.02, `${left} ms left at ${t} ms, for ${truth}`);
    }
  }
  const truth4 = (4500 - stepAt(4100)) / 0.7;
  assert.ok(at4 !== null && at4 < 1.2 * truth4, `at 4.1 s: ${at4} ms for ${truth4}`);
  // The first mark alone: no estimate before a step since it.
  const fresh = new PaceWindow();
  assert.equal(fresh.since(), null);
  fresh.add({ elapsedMs: 500, step: 0 });
  assert.equal(timeLeft(fresh.since(), { elapsedMs: 700, step: 0 }, 100), null);
});
