import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PACE_MIN_UPDATES, PROGRESS_DELAY_MS, progressCounter } from '../../../src/cli/progress';
import { LONG_WORK_MS, longWorkNote } from '../../../src/cli/network/train';
import { onnxStepWork, plannedTrainingMs, WORK_UNIT_MS } from '../../../src/core/network/workModel';
import { formatDuration, timeLeftWords } from '../../../src/core/runs/pace';
import { FileReader } from '../../../src/cli/experimentFile';
import { runCli } from '../../../src/cli/run';

/** The escape that ends a drawn line (erase to its end). */
const ERASE = String.fromCharCode(27) + '[K';
/** Whether a drawn line `s` matches `body` (a regular expression's source, without the erase). */
const drawn = (s: string, body: string) => new RegExp(`^${body}$`).test(s.endsWith(ERASE) ? s.slice(0, -ERASE.length) : '');

/** A terminal's stand-in and a clock in ms, as the counter's other tests use. */
function terminal() {
  const clock = { t: 0 };
  const written: string[] = [];
  return { clock, written, sink: { isTTY: true, columns: 120, write: (s: string) => written.push(s) } };
}

test('the time left is told once a few updates are timed, paced from the first step (not over the set-up), and counts down between updates', () => {
  const { clock, written, sink } = terminal();
  const p = progressCounter('train', sink, () => clock.t, 0);
  p.update(0, 1000, 'steps'); // before the first step: the set-up (data, sessions) is not paced
  clock.t = 5000; // 5 s of set-up
  p.update(10, 1000, 'steps', { done: 10, total: 1000 });
  // 10 steps a second from here: PACE_MIN_UPDATES more updates before the time left is said.
  for (let i = 1; i < PACE_MIN_UPDATES; i++) {
    clock.t += 1000;
    p.update(10 + 10 * i, 1000, 'steps', { done: 10 + 10 * i, total: 1000 });
    assert.doesNotMatch(written.at(-1)!, /left/, `update ${i}: not yet`);
  }
  clock.t += 1000;
  const step = 10 + 10 * PACE_MIN_UPDATES;
  p.update(step, 1000, 'steps', { done: step, total: 1000 });
  // (1000 − 40) steps at 10 a second: 96 s, as timeLeft says; the 5 s of set-up are not in it.
  assert.equal(written.at(-1), `\rflab train: ${step}/1000 steps · 8 s · about 1 min 36 s left\x1b[K`);
  // Between updates the timer's redraws count it down, as the panel's bar does.
  clock.t += 6000;
  p.update(step, 1000, 'steps'); // an update without pace keeps the estimate
  assert.equal(written.at(-1), `\rflab train: ${step}/1000 steps · 14 s · about 1 min 30 s left\x1b[K`);
  p.end();
  assert.equal(written.at(-1), '\r\x1b[K');
});

test('a counter without pace (flab phase, flab scaling) says no time left; nothing is written when standard error is not a terminal', () => {
  const { clock, written, sink } = terminal();
  const p = progressCounter('phase', sink, () => clock.t, 0);
  for (let i = 1; i <= 10; i++) {
    clock.t = PROGRESS_DELAY_MS + i * 1000;
    p.update(i, 20, 'rows');
  }
  assert.equal(written.at(-1), '\rflab phase: 10/20 rows · 12 s\x1b[K');
  const pipe: string[] = [];
  const q = progressCounter('train', { isTTY: false, write: (s: string) => pipe.push(s) }, () => (clock.t += 10_000), 0);
  q.note('flab train: the run will take long');
  for (let i = 1; i <= 10; i++) q.update(i, 20, 'steps', { done: i, total: 20 });
  q.end();
  assert.deepEqual(pipe, []);
});

test('a note is said at once, on its own line above the counter, which is drawn again under it', () => {
  const { clock, written, sink } = terminal();
  const p = progressCounter('sweep', sink, () => clock.t, 0);
  p.note('flab sweep: long');
  assert.deepEqual(written, ['flab sweep: long\n'], 'before the counter is drawn: the line alone');
  clock.t = PROGRESS_DELAY_MS;
  p.update(1, 3, 'runs');
  p.note('flab sweep: again');
  assert.deepEqual(written.slice(1), ['\rflab sweep: 1/3 runs · 2 s\x1b[K', '\r\x1b[Kflab sweep: again\n', '\rflab sweep: 1/3 runs · 2 s\x1b[K']);
});

test('the planned time of a run is the work model of the record cadence: steps × onnxStepWork × WORK_UNIT_MS, and is said past a minute', () => {
  const sizes = [784, 256, 256, 256, 10];
  const weights = 784 * 256 + 2 * 256 * 256 + 256 * 10;
  assert.equal(plannedTrainingMs(20_000, 128, sizes), 20_000 * onnxStepWork(128, weights) * WORK_UNIT_MS);
  // About 3.2 ms a step of 784-256³-10 at batch 128 (the steps of 2.5–3 ms measured beside the records): 20,000 steps, about a minute.
  assert.ok(Math.abs(plannedTrainingMs(1, 128, sizes) - 3.17) < 0.01, String(plannedTrainingMs(1, 128, sizes)));
  assert.equal(Math.round(plannedTrainingMs(20_000, 128, sizes) / 1000), 63);
  assert.equal(longWorkNote('train', 'x', LONG_WORK_MS), null);
  assert.equal(longWorkNote('train', 'the run\'s 20,000 steps', 63_451), 'flab train: the run\'s 20,000 steps will take about 1 min 3 s on ONNX Runtime by the work model (docs/networks.md, "Speed"; the measurements and the data\'s loading add to it) — Ctrl+C stops it and prints what it recorded');
});

test('durations in words, shared by the panel\'s progress line and the counter', () => {
  assert.deepEqual([0, 499, 12_400, 59_600, 80_000, 3_600_000 + 5 * 60_000].map(formatDuration), ['0 s', '0 s', '12 s', '1 min 0 s', '1 min 20 s', '1 h 5 min']);
  assert.deepEqual([-5, 499, 500, 96_000].map(timeLeftWords), ['less than a second left', 'less than a second left', 'about 1 s left', 'about 1 min 36 s left']);
});

/** A small network trained by `flab train` in memory (examples/networks/bridge-linear-network.flab.json, `steps` long). */
function bridge(steps: number): Record<string, string> {
  return {
    'f.flab.json': JSON.stringify({
      model: { hidden: [16], activation: 'linear', outputScale: 1, bias: false },
      data: { train: { x: [[1], [2], [-1]], y: [[0.9], [2.1], [-1.0]] } },
      init: { scheme: 'xavier', scale: 0.05, seed: 3 },
      training: { loss: 'squared', learningRate: [0.02, 0.02], batchSize: 'full', steps, record: { every: 10 } },
    }),
  };
}

function cli(args: string[], files: Record<string, string>, host?: Parameters<typeof runCli>[2]) {
  const reader: FileReader = {
    readText: (f) => {
      if (!(f in files)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return files[f];
    },
  };
  return runCli(args, reader, host);
}

test('flab train on a terminal: the counter says the time left once steps are timed, and the output is the same as without one', async () => {
  let t = 0;
  const written: string[] = [];
  const withCounter = await cli(['train', 'f.flab.json', '--summary'], bridge(10_000), { sink: { isTTY: true, columns: 200, write: (s) => written.push(s) }, now: () => (t += 1000) });
  const without = await cli(['train', 'f.flab.json', '--summary'], bridge(10_000));
  assert.equal(withCounter.code, 0);
  assert.deepEqual(withCounter, without);
  assert.ok(written.some((s) => drawn(s, String.raw`\rflab train: \d+/10000 steps · .+ · (about .+|less than a second) left`)), written.join('|'));
  assert.ok(!written.some((s) => /will take about/.test(s)), 'a short run is not said to be long');
});

test('flab train says up front, once, on a terminal, when the run\'s planned work will take long', async () => {
  // 400,000 steps of a 1-16-1 network: 400,000 × onnxStepWork(3, 32) × WORK_UNIT_MS ≈ 110 s modeled. Stopped as soon as it is said.
  const planned = plannedTrainingMs(400_000, 3, [1, 16, 1]);
  assert.ok(planned > LONG_WORK_MS, String(planned));
  const written: string[] = [];
  let received: 'SIGINT' | null = null;
  const interrupts = () => ({ get received() { return received; }, abort: new AbortController().signal, training() {}, close() {} });
  const r = await cli(['train', 'f.flab.json', '--summary'], bridge(400_000), {
    sink: {
      isTTY: true,
      write: (s) => {
        written.push(s);
        if (/will take about/.test(s)) received = 'SIGINT';
      },
    },
    interrupts,
  });
  assert.equal(r.code, 130);
  const said = written.filter((s) => /will take about/.test(s));
  assert.deepEqual(said, [`flab train: the run's 400,000 steps of 1-16-1 at batch 3 will take about ${formatDuration(planned)} on ONNX Runtime by the work model (docs/networks.md, "Speed"; the measurements and the data's loading add to it) — Ctrl+C stops it and prints what it recorded\n`]);
});

test('flab sweep of a network on a terminal: the time left over every value, paced on the modeled work, and the same output as without one', async () => {
  const files = bridge(8000);
  files['f.flab.json'] = JSON.stringify({ ...JSON.parse(files['f.flab.json']), sweep: { 'init.scale': [0.05, 0.1] } });
  let t = 0;
  const written: string[] = [];
  const withCounter = await cli(['sweep', 'f.flab.json', '--summary'], files, { sink: { isTTY: true, columns: 200, write: (s) => written.push(s) }, now: () => (t += 1000) });
  const without = await cli(['sweep', 'f.flab.json', '--summary'], files);
  assert.equal(withCounter.code, 0, withCounter.stderr);
  assert.deepEqual(withCounter, without);
  const lines = written.filter((s) => drawn(s, String.raw`\r.* left`));
  assert.ok(lines.some((s) => drawn(s, String.raw`\rflab sweep: 0/2 runs \(step [\d,]+ of 8,000\) · .+ left`)), written.join('|'));
  assert.ok(lines.some((s) => /^\rflab sweep: 1\/2 runs/.test(s)), 'told through the second value too');
});
