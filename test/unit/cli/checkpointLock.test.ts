/**
 * The checkpoint folder a run or a sweep holds (`.flab-run.lock`; docs/checkpoints.md, "One run at a
 * time"), with real `flab` processes and real folders: a sweep holds the folder of its values' folders
 * for its whole duration, a held folder is refused before the data is read, `flab checkpoints` says a
 * live run is writing the folder it reads, a run that takes a folder removes the temporary files of a
 * run killed while writing, and a stopped run's folder ends where its records end. The signals are
 * sent once a checkpoint is written (a condition on the folder, not a sleep).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { cliFolder } from './cliFolder';

const CLI = resolve(__dirname, '../../../../dist/cli.js');

/** Whether `dir` holds a checkpoint (a `.safetensors`). */
function hasCheckpoint(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.safetensors'));
}

/** `flab ...args` in `dir`, started now: `stop()` sends SIGINT, `done` its exit code and streams. */
function started(dir: string, args: string[]): { stop(): void; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  return {
    stop: () => child.kill('SIGINT'),
    done: new Promise((ok, fail) => {
      child.on('error', fail);
      child.on('close', (code) => {
        clearTimeout(killer);
        ok({ code, stdout, stderr });
      });
    }),
  };
}

/** Resolves once `ready()` holds (polled every 20 ms; rejects after 120 s). */
function until(ready: () => boolean): Promise<void> {
  const t0 = Date.now();
  return new Promise((ok, fail) => {
    const poll = setInterval(() => {
      if (ready()) {
        clearInterval(poll);
        ok();
      } else if (Date.now() - t0 > 120_000) {
        clearInterval(poll);
        fail(new Error('timed out'));
      }
    }, 20);
  });
}

// 2,000 digits at batch 10, 4,000 steps: far longer than it takes to write the first checkpoint.
const long = (extra: Record<string, unknown> = {}, path = 'ckpt') => ({
  model: { hidden: [32] },
  data: { dataset: 'mnist', train: 2000 },
  training: { batchSize: 10, steps: 4000, record: { every: 20 }, checkpoints: { every: 40, path } },
  ...extra,
});

/** A small file that trains at once, writing checkpoints into `path`. */
const quick = (path: string, extra: Record<string, unknown> = {}) => ({
  model: { hidden: [4] },
  data: { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0]], y: [0, 1, 1, 0] } },
  training: { learningRate: 0.5, steps: 6, record: { every: 2 }, checkpoints: { every: 2, path } },
  ...extra,
});

/** A network file whose data file does not exist: a refusal of the folder came before the data was read. */
const noData = (path: string, extra: Record<string, unknown> = {}) => ({ ...quick(path, extra), data: { format: 'csv', trainFile: 'no-such-data.csv' } });

test('a sweep holds the folder of its values for its whole duration: a second sweep, or a run, into it is refused at once', async () => {
  // Two `flab sweep` into one checkpoints.path both ran: each value's folder was held only while it
  // trained, and the second sweep's values interleaved with the first's.
  const c = cliFolder('flab-lock-sweep-');
  const first = c.write('first.flab.json', long({ sweep: { 'training.steps': [4000, 4001] } }));
  const again = c.write('again.flab.json', long({ sweep: { 'init.seed': [1, 2] } }));
  const sweep = started(c.dir, ['sweep', first, '--summary']);
  try {
    await until(() => hasCheckpoint(join(c.dir, 'ckpt', 'training.steps=4000')));
    const pid = `flab's process \\d+, started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z`;
    const second = c.flab('sweep', again, '--summary');
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`again\\.flab\\.json:\\d+:\\d+: error: cannot write checkpoints into .*ckpt: another sweep \\(${pid}\\) is writing checkpoints into it \\(\\.flab-run\\.lock\\), a folder for each of its values`));
    assert.ok(!existsSync(join(c.dir, 'ckpt', 'init.seed=1')), 'the second sweep made no folder of a value');
    // A run into the folder the sweep holds, and one into a folder of its values it is not training now.
    const run = c.flab('train', c.write('run.flab.json', long()), '--summary');
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`cannot write checkpoints into .*ckpt: another sweep \\(${pid}\\) is writing checkpoints into it`));
    const value = c.flab('train', c.write('value.flab.json', quick('ckpt/training.steps=4001')), '--summary');
    assert.equal(value.code, 1);
    assert.match(value.stderr, new RegExp(`cannot write checkpoints into .*training\\.steps=4001: a sweep \\(${pid}\\) is writing checkpoints into .*ckpt \\(\\.flab-run\\.lock\\), a folder for each of its values`));
  } finally {
    sweep.stop();
  }
  const r = await sweep.done;
  assert.equal(r.code, 130, r.stderr);
  assert.ok(!existsSync(join(c.dir, 'ckpt', '.flab-run.lock')), 'the sweep gave its folder up');
  // Free again: a sweep into it trains.
  const after = c.flab('sweep', c.write('after.flab.json', quick('ckpt', { sweep: { 'init.seed': [1, 2] } })), '--summary');
  assert.equal(after.code, 0, after.stderr);
  assert.ok(hasCheckpoint(join(c.dir, 'ckpt', 'init.seed=2')));
});

test('a sweep into a folder a run holds is refused before the data is read', async () => {
  const c = cliFolder('flab-lock-sweep-run-');
  const run = started(c.dir, ['train', c.write('run.flab.json', long()), '--summary']);
  try {
    await until(() => hasCheckpoint(join(c.dir, 'ckpt')));
    const sweep = c.flab('sweep', c.write('sweep.flab.json', noData('ckpt', { sweep: { 'init.seed': [1, 2] } })), '--summary');
    assert.equal(sweep.code, 1);
    assert.match(sweep.stderr, /sweep\.flab\.json:\d+:\d+: error: cannot write checkpoints into .*ckpt: another run \(flab's process \d+, started [^)]+\) is writing checkpoints into it \(\.flab-run\.lock\)/);
    assert.doesNotMatch(sweep.stderr, /no-such-data/);
  } finally {
    run.stop();
  }
  assert.equal((await run.done).code, 130);
});

test('a held folder is refused before the data is read, with its holder', () => {
  // It was refused once the data had been read (seconds on a large set): here the data file does not
  // exist, so a refusal that names the holder came first.
  const c = cliFolder('flab-lock-early-');
  mkdirSync(join(c.dir, 'held'));
  // This test's own process is alive, and is another process than the CLI's.
  const since = new Date().toISOString();
  writeFileSync(join(c.dir, 'held', '.flab-run.lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: since }));
  const r = c.flab('train', c.write('early.flab.json', noData('held')), '--summary');
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`early\\.flab\\.json:\\d+:\\d+: error: cannot write checkpoints into .*held: another run \\(flab's process ${process.pid}, started ${since.replace(/\./g, '\\.')}\\) is writing checkpoints into it`));
  assert.doesNotMatch(r.stderr, /no-such-data/);
  // A sweep held so too.
  writeFileSync(join(c.dir, 'held', '.flab-run.lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: since, sweep: true }));
  const s = c.flab('sweep', c.write('early-sweep.flab.json', noData('held', { sweep: { 'init.seed': [1, 2] } })), '--summary');
  assert.equal(s.code, 1);
  assert.match(s.stderr, new RegExp(`cannot write checkpoints into .*held: another sweep \\(flab's process ${process.pid}, started `));
  assert.doesNotMatch(s.stderr, /no-such-data/);
  // A run refused so, or refused after its data, leaves no folder it made behind.
  const gone = c.flab('train', c.write('gone.flab.json', noData('made/here')), '--summary');
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /no-such-data/);
  assert.ok(!existsSync(join(c.dir, 'made')), 'the folders made to hold it are removed, empty');
});

test('flab checkpoints says when a live run (or sweep) is writing the folder it reads; the reading still works', () => {
  const c = cliFolder('flab-lock-read-');
  const t = c.flab('train', c.write('run.flab.json', quick('ck')), '--summary');
  assert.equal(t.code, 0, t.stderr);
  const read = c.write('read.flab.json', { checkpoints: { path: 'ck/*.safetensors' } });
  const quiet = c.flab('checkpoints', read, '--summary');
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /is writing/, 'no run: no note');
  // A live run's lock, and the temporary file of the checkpoint it is writing.
  const since = new Date().toISOString();
  writeFileSync(join(c.dir, 'ck', '.flab-run.lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: since }));
  writeFileSync(join(c.dir, 'ck', `.step-000008.safetensors.${process.pid}.${Date.now()}.tmp`), 'half');
  const live = c.flab('checkpoints', read, '--json');
  assert.equal(live.code, 0, live.stderr);
  assert.deepEqual(JSON.parse(live.stdout).step, [0, 2, 4, 6], 'the temporary file is not a checkpoint');
  assert.equal(live.stderr, `${read}: note: a run (flab's process ${process.pid}, started ${since}) is writing checkpoints into ${join(c.dir, 'ck')} (.flab-run.lock): what was read is what it had written so far — its last checkpoint may be incomplete (its metrics line is written after its file); read again once it ends\n`);
  // A sweep holding the folder above: the values' folders it writes are said so.
  mkdirSync(join(c.dir, 'sw'));
  const t2 = c.flab('train', c.write('v.flab.json', quick('sw/init.seed=1')), '--summary');
  assert.equal(t2.code, 0, t2.stderr);
  writeFileSync(join(c.dir, 'sw', '.flab-run.lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: since, sweep: true }));
  const value = c.write('value.flab.json', { checkpoints: { path: 'sw/init.seed=1/*.safetensors' } });
  const sw = c.flab('checkpoints', value, '--summary');
  assert.equal(sw.code, 0, sw.stderr);
  assert.match(sw.stderr, new RegExp(`note: a sweep \\(flab's process ${process.pid}, started [^)]+\\) is writing checkpoints into ${join(c.dir, 'sw').replace(/[.]/g, '\\.')} \\(\\.flab-run\\.lock\\), a folder for each of its values:`));
});

test('a run that takes a folder removes the temporary checkpoint files a killed run left there, and nothing else', () => {
  const c = cliFolder('flab-lock-tmp-');
  const folder = join(c.dir, 'ck');
  mkdirSync(folder);
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const left = `.step-000040.safetensors.${dead}.${Date.now() - 60_000}.tmp`;
  // The probe file of a folder's check, left by a run killed between making and removing it.
  const probe = `.flab-probe-${dead}-${Date.now() - 60_000}`;
  // A live process's (this test's), and files of other names: not flab's to remove.
  const alive = `.step-000040.safetensors.${process.pid}.${Date.now()}.tmp`;
  const users = ['notes.tmp', '.step-000040.safetensors.tmp', 'step-000040.safetensors.keep.tmp', `.model.safetensors.${dead}.1.tmp`];
  for (const name of [left, probe, alive, ...users]) writeFileSync(join(folder, name), 'x');
  // The lock of the killed run, taken over.
  writeFileSync(join(folder, '.flab-run.lock'), JSON.stringify({ pid: dead, host: hostname(), started: '2026-12-03T14:00:00.000Z' }));
  const r = c.flab('train', c.write('run.flab.json', quick('ck')), '--summary');
  assert.equal(r.code, 0, r.stderr);
  const names = readdirSync(folder);
  assert.ok(!names.includes(left), 'the dead run\'s temporary file is removed');
  assert.ok(!names.includes(probe), 'and its probe');
  for (const name of [alive, ...users]) assert.ok(names.includes(name), `${name} kept`);
  assert.ok(!names.includes('.flab-run.lock'));
});

test('Ctrl+C stops `flab train`: its folder ends with the checkpoint of the last record printed, and the metrics line of it', async () => {
  const c = cliFolder('flab-lock-stop-');
  const run = started(c.dir, ['train', c.write('run.flab.json', long()), '--json']);
  // Two checkpoints (steps 0 and 40), then the stop: the records may end at any multiple of 20 since.
  await until(() => existsSync(join(c.dir, 'ckpt')) && readdirSync(join(c.dir, 'ckpt')).filter((f) => f.endsWith('.safetensors')).length >= 2);
  run.stop();
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.summary.status, 'stopped');
  const last = out.step.at(-1) as number;
  const files = readdirSync(join(c.dir, 'ckpt')).filter((f) => f.endsWith('.safetensors')).sort();
  assert.equal(files.at(-1), `step-${String(last).padStart(6, '0')}.safetensors`);
  assert.deepEqual(out.checkpoints.files, files);

  const lines = readFileSync(join(c.dir, 'ckpt', 'metrics.jsonl'), 'utf8').trim().split('\n');
  assert.equal(JSON.parse(lines.at(-1)!).step, last);
  assert.equal(lines.length, files.length);
});
