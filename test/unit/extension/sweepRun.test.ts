// The training panel's header for a sweep (src/extension/training/sweepRun.ts): training until every value
// has ended, the steps summed over the values, the swept key's parameter giving all its values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextSweepValue, sweepPaceReady, sweepRun, sweepSteps } from '../../../src/extension/training/sweepRun';
import { loadingRunView, PACE_WINDOW_MS, PaceWindow, timeLeft, type RunView, type SweepView } from '../../../src/protocol/training';

function run(status: RunView['status'], step: number, totalSteps: number | null, records = 3): RunView {
  const curves = { ...loadingRunView().curves, step: Array.from({ length: records }, (_, i) => i * 10) };
  return { ...loadingRunView(), status, curves, progress: { step, totalSteps, epoch: step / 10, elapsedMs: 100, remainingMs: 50 }, parameters: [{ path: 'init.scale', symbol: 'σ', value: '0.1' }, { path: 'training.learningRate', symbol: 'η', value: '0.05' }] };
}

const sweep = (runs: (RunView | null)[]): SweepView => ({ key: 'scale', path: 'init.scale', values: [0.1, 1, 10], runs });

test('a sweep whose first value has ended while the others train is training, not finished (with Stop), its steps summed', () => {
  const r = sweepRun(sweep([run('finished', 500, 500), run('training', 120, 500), null]), [true, false, false], 2000, { elapsedMs: 0, step: 0 });
  assert.equal(r.status, 'training');
  assert.deepEqual(r.progress?.values, { done: 1, count: 3, sized: 2 });
  assert.equal(r.progress?.step, 620);
  assert.equal(r.progress?.totalSteps, 1500, 'the value not started counted at the mean length');
  assert.equal(r.progress?.epoch, null);
  assert.equal(r.progress?.elapsedMs, 2000);
  assert.ok(Math.abs(r.progress!.remainingMs! - (2000 * 880) / 620) < 1e-9);
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
  const r = sweepRun(widths, [true, false, false], 100, null);
  assert.deepEqual(r.parameters.map((p) => `${p.symbol} = ${p.value}`), [
    'layers = swept: 32, 128, 512',
    'η = per value: [0.02, 0.000625]; [0.02, 0.00015625]; —',
    'σ = 1',
  ]);
});

test('a sweep is loading until a value has started, and finished once every value has ended', () => {
  const none = sweepRun(sweep([null, null, null]), [false, false, false], 10, null);
  assert.equal(none.status, 'loading');
  assert.equal(none.progress, null);
  assert.equal(none.curves.step.length, 0);
  assert.equal(sweepRun(sweep([run('loading', 0, null, 0), null, null]), [false, false, false], 10, null).status, 'loading');
  // Ended: finished, diverged or not trained each — the sweep has finished, every value's status in the legend.
  const all = sweepRun(sweep([run('finished', 500, 500), run('diverged', 37, 500), run('finished', 500, 500)]), [true, true, true], 9000, null);
  assert.equal(all.status, 'finished');
  assert.deepEqual(all.progress?.values, { done: 3, count: 3, sized: 3 });
  assert.equal(all.progress?.remainingMs, null);
  // A value that diverged takes no more steps: the ended sweep's steps are all it planned (the bar full).
  assert.equal(all.progress?.step, 1037);
  assert.equal(all.progress?.totalSteps, 1037, 'step 1037 of 1037, not of 1500');
  const partly = sweepRun(sweep([run('diverged', 37, 500), run('training', 100, 500), null]), [true, false, false], 9000, null);
  assert.equal(partly.progress?.totalSteps, 37 + 500 + 500, 'the diverged value counted at its 37 steps, the others at their length');
  // Every value failed: the sweep says so, not "Finished".
  assert.equal(sweepRun(sweep([run('diverged', 3, 500), run('notTrained', 0, 500), run('diverged', 9, 500)]), [true, true, true], 10, null).status, 'diverged');
  assert.equal(sweepRun(sweep([run('notTrained', 0, 500), run('notTrained', 0, 500), run('notTrained', 0, 500)]), [true, true, true], 10, null).status, 'notTrained');
  // A value that stopped (Stop while it trained) has not ended.
  assert.equal(sweepRun(sweep([run('finished', 500, 500), run('stopped', 20, 500), run('finished', 500, 500)]), [true, false, true], 10, null).status, 'training');
});

test('the first time left is at the pace of the values training, not over their start-up', () => {
  // Three values of 2,000 steps on two workers, each loading its data for 3 s and building its sessions
  // for 1 s, then taking 500 steps a second: the sweep ends at about 13 s (the third value starts at
  // 8 s on a worker that has its data: 1 s of sessions, 4 s of steps), 8.5 s after 4.5 s. The first
  // estimate said 208 s left at 4.25 s: the sweep's 120 steps over its 4.25 s, start-up and all.
  const ended = [false, false, false];
  const pace = new PaceWindow();
  const estimate = (t: number, runs: (RunView | null)[], workerOf: (number | null)[]): number | null => {
    if (pace.since() || sweepPaceReady(runs, ended, workerOf)) pace.add({ elapsedMs: t, step: sweepSteps(runs) });
    return sweepRun(sweep(runs), ended, t, pace.since()).progress?.remainingMs ?? null;
  };
  const held = [0, 1, null];
  const estimates = [
    estimate(0, [null, null, null], [null, null, null]),
    estimate(10, [loadingRunView(), loadingRunView(), null], held),
    estimate(3000, [run('training', 0, 2000, 0), loadingRunView(), null], held),
    // The first value's first records; the second has not made one: its rate cannot be told yet.
    estimate(4250, [run('training', 120, 2000), run('training', 0, 2000, 0), null], held),
    estimate(4300, [run('training', 150, 2000), run('training', 120, 2000), null], held),
    estimate(4500, [run('training', 250, 2000), run('training', 220, 2000), null], held),
  ];
  assert.deepEqual(estimates.slice(0, 5), [null, null, null, null, null], 'no estimate before every value training has a record and a step since');
  const first = estimates[5];
  assert.ok(first !== null && first > 8500 / 2 && first < 8500 * 2, `${first} ms left at 4.5 s, for about 8.5 s`);
  // From where both values had their first records: 200 more steps in 0.2 s, 5,530 to go.
  assert.equal(first, (200 * (6000 - 470)) / 200);
});

test('after Resume the time left is at the pace since Resume, and the elapsed time counts on', () => {
  // Stopped at 1100 steps after 7 s; 2 s after Resume, 1360: 260 steps in 2 s, 3440 to go — about 26 s
  // (it said "about 5 s left": every step since the start over the time since Resume).
  const r = sweepRun(sweep([run('training', 700, 1600), run('training', 660, 1600), run('finished', 1600, 1600)]), [false, false, true], 9000, { elapsedMs: 7000, step: 1100 });
  assert.equal(r.progress?.elapsedMs, 9000);
  assert.equal(r.progress?.step, 2960);
  assert.ok(Math.abs(r.progress!.remainingMs! - (2000 * (4800 - 2960)) / (2960 - 1100)) < 1e-9);
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
