/**
 * Ctrl+C and SIGTERM while `flab train` or `flab sweep` trains (src/cli/interrupts.ts): the run stops at
 * its next step and what it recorded is printed, exit 128 + the signal's number. Before, the process
 * died with nothing printed: minutes of a sweep's finished values were lost. The signals are sent
 * once the run has written a checkpoint (a condition on the folder, not a sleep).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { deferWhileWriting, interruptedCode, processInterrupts, stdoutKind, withInterrupts } from '../../../src/cli/interrupts';
import { cliFolder } from './cliFolder';

const CLI = resolve(__dirname, '../../../../dist/cli.js');

/** Whether `folder` (or its subfolder `sub`: a sweep value's) holds `count` checkpoints (`.safetensors`) or more. */
function hasCheckpoint(folder: string, sub?: string, count = 1): boolean {
  const dir = sub ? join(folder, sub) : folder;
  return existsSync(dir) && readdirSync(dir).filter((f) => f.endsWith('.safetensors')).length >= count;
}

/**
 * `flab ...args` in `dir`; `signal` sent once `ready()` holds (polled every 20 ms, 120 s at most):
 * its exit code and streams.
 */
function interrupted(dir: string, args: string[], ready: () => boolean, signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string; sent: boolean }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = Date.now();
    const poll = setInterval(() => {
      if (!sent && ready()) {
        sent = true;
        child.kill(signal);
      } else if (Date.now() - started > 120_000) {
        child.kill('SIGKILL');
      }
    }, 20);
    child.on('error', fail);
    child.on('close', (code) => {
      clearInterval(poll);
      done({ code, stdout, stderr, sent });
    });
  });
}

// 2,000 digits at batch 10, 4,000 steps: far longer than it takes to write the first checkpoint.
const long = (extra: Record<string, unknown> = {}) => ({
  model: { hidden: [32] },
  data: { dataset: 'mnist', train: 2000 },
  training: { batchSize: 10, steps: 4000, record: { every: 20 }, checkpoints: { every: 40, path: 'ckpt' } },
  ...extra,
});

test('Ctrl+C stops `flab train` at its next step: the records so far are printed, status "stopped", exit 130', async () => {
  const c = cliFolder('flab-interrupt-');
  const file = c.write('long.flab.json', long());
  // Two checkpoints (steps 0 and 40): records at 0, 20 and 40 are made.
  const r = await interrupted(c.dir, ['train', file, '--json'], () => hasCheckpoint(join(c.dir, 'ckpt'), undefined, 2), 'SIGINT');
  assert.ok(r.sent, 'the run wrote its checkpoints');
  assert.equal(r.code, 130, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.summary.status, 'stopped');
  assert.equal(out.summary.totalSteps, 4000);
  assert.ok(out.step.length >= 2 && out.step.at(-1) < 4000, `records ${out.step.length}, the last at step ${out.step.at(-1)}`);
  assert.equal(out.trainLoss.length, out.step.length);
  // Its standard output is a pipe (this test reads it): the notice says that a reader the same Ctrl+C stopped reads nothing. Until 2026-12-03 it said "will be printed".
  assert.match(r.stderr, /flab: SIGINT: stopping the training at its next step; what it recorded will be written to standard output, a pipe: a reader the same Ctrl\+C stopped \(\| head, \| jq\) reads none of it — to keep the records, write them to a file \(> run\.json\) \(Ctrl\+C again quits at once\)\n/);
  assert.match(r.stderr, new RegExp(`long\\.flab\\.json: note: SIGINT stopped the training before its last step \\(4,000\\): the records up to step ${out.step.at(-1)} are written to standard output, summary\\.status "stopped"`));
});

test('SIGTERM stops `flab sweep` in the value it trains: the finished values and the stopped one are printed, the rest not started, exit 143', async () => {
  const c = cliFolder('flab-interrupt-sweep-');
  // Value 0 trains 40 steps (one checkpoint); value 1 is the long run; value 2 never starts.
  const file = c.write('sweep.flab.json', long({ sweep: { 'training.steps': [40, 4000, 6000] } }));
  const r = await interrupted(c.dir, ['sweep', file, '--table'], () => hasCheckpoint(join(c.dir, 'ckpt'), 'training.steps=4000'), 'SIGTERM');
  assert.ok(r.sent, 'value 1 wrote a checkpoint');
  assert.equal(r.code, 143, r.stderr);
  const rows = r.stdout.split('\n');
  assert.match(rows[1], /^\s*40\s+finished\s/);
  assert.match(rows[2], /^\s*4000\s+stopped\s/);
  assert.match(rows[3], /^\s*6000\s+not started(\s+–)+$/, 'not "failed": nothing went wrong with it');
  // The stopped value is printed but not counted as trained: only value 0 trained to its end.
  assert.match(r.stderr, /sweep\.flab\.json: note: 1 of 3 sweep values trained and printed, value 1 stopped by SIGTERM before its last step and printed as far as it trained \(status stopped\); value 2 did not \(status not started\)\n/);
  assert.match(r.stderr, /sweep value 1, training\.steps = 4000: SIGTERM stopped the training before its last step \(4,000\)/);
  assert.match(r.stderr, /sweep value 2, training\.steps = 6000: not started: SIGTERM stopped the sweep before it/);
});

test('Ctrl+C in `flab sweep --csv`: each row ends in its value\'s status — finished, stopped, not started — and the note counts the stopped value apart', async () => {
  const c = cliFolder('flab-interrupt-sweep-csv-');
  const file = c.write('sweep.flab.json', long({ sweep: { 'training.steps': [40, 4000, 6000] } }));
  const r = await interrupted(c.dir, ['sweep', file, '--csv'], () => hasCheckpoint(join(c.dir, 'ckpt'), 'training.steps=4000'), 'SIGINT');
  assert.ok(r.sent, 'value 1 wrote a checkpoint');
  assert.equal(r.code, 130, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.ok(lines[0].startsWith('training.steps,step,epoch,') && lines[0].endsWith(',status'), lines[0]);
  const width = lines[0].split(',').length;
  const rows = lines.slice(1).map((l) => l.split(','));
  assert.ok(rows.every((cells) => cells.length === width));
  const statusOf = (value: string) => [...new Set(rows.filter((cells) => cells[0] === value).map((cells) => cells.at(-1)))];
  // Until 2026-12-03 the stopped value's rows were those of a finished run: no column said otherwise.
  assert.deepEqual(statusOf('40'), ['finished']);
  assert.deepEqual(statusOf('4000'), ['stopped']);
  assert.deepEqual(statusOf('6000'), ['not started']);
  assert.match(r.stderr, /note: 1 of 3 sweep values trained and printed, value 1 stopped by SIGINT before its last step and printed as far as it trained \(status stopped\); value 2 did not \(a row of the value, empty fields and its status\)/);
});

test('a second `flab train` into the folder a run is writing is refused; the first, stopped by Ctrl+C, gives the folder up', async () => {
  // A breaker's finding: the second run deleted the first's checkpoints, and the folder read as one run.
  const c = cliFolder('flab-lock-');
  const first = c.write('first.flab.json', long());
  const second = c.write('second.flab.json', long({ init: { seed: 2 } }));
  let refusal: { code: number | null; stderr: string } | null = null;
  const r = await interrupted(c.dir, ['train', first, '--summary'], () => {
    if (!hasCheckpoint(join(c.dir, 'ckpt'))) return false;
    refusal = c.flab('train', second, '--summary');
    return true;
  }, 'SIGINT');
  assert.equal(r.code, 130, r.stderr);
  assert.equal(refusal!.code, 1);
  assert.match(refusal!.stderr, /second\.flab\.json:\d+:\d+: error: cannot write checkpoints into .*ckpt: another run \(flab's process \d+, started [^)]+\) is writing checkpoints into it \(\.flab-run\.lock\)/);
  assert.ok(hasCheckpoint(join(c.dir, 'ckpt')), 'the first run\'s checkpoints are still there');
  assert.ok(!existsSync(join(c.dir, 'ckpt', '.flab-run.lock')), 'released when the first run ended');
});

test('the listener: a signal before the training cancels the set-up; one during it stops the run; a second quits at once, with 128 + its number', () => {
  const notices: string[] = [];
  const exits: number[] = [];
  const before = processInterrupts((t) => notices.push(t), (code) => exits.push(code));
  try {
    process.emit('SIGINT');
    assert.equal(before.received, 'SIGINT');
    assert.ok(before.abort.aborted, 'the data\'s reading is cancelled');
    assert.deepEqual(notices, ['flab: SIGINT: cancelled before the first step\n']);
    process.emit('SIGTERM');
    assert.deepEqual(exits, [130], 'the second signal quits with the first one\'s code');
  } finally {
    before.close();
  }
  const during = processInterrupts((t) => notices.push(t), (code) => exits.push(code), 'file');
  try {
    during.training();
    process.emit('SIGTERM');
    assert.equal(during.received, 'SIGTERM');
    assert.ok(!during.abort.aborted, 'the run stops at its next step, keeping its records');
    assert.equal(notices.at(-1), 'flab: SIGTERM: stopping the training at its next step; what it recorded will be written to standard output (SIGTERM again quits at once)\n');
  } finally {
    during.close();
  }
  assert.equal(process.listenerCount('SIGINT'), 0, 'closed: no listener left');
  assert.equal(interruptedCode('SIGINT'), 130);
  assert.equal(interruptedCode('SIGTERM'), 143);
  assert.equal(interruptedCode('SIGHUP'), 129, 'a closed terminal stops the run as Ctrl+C does');
});

test('the notice says where the records go: standard output, and when that is a pipe, that a reader Ctrl+C stopped reads none of it', () => {
  const notices: string[] = [];
  for (const [output, signal] of [['terminal', 'SIGINT'], ['file', 'SIGINT'], ['pipe', 'SIGINT'], ['pipe', 'SIGHUP']] as const) {
    const i = processInterrupts((t) => notices.push(t), () => undefined, output);
    try {
      i.training();
      process.emit(signal);
    } finally {
      i.close();
    }
  }
  assert.deepEqual(notices, [
    'flab: SIGINT: stopping the training at its next step; what it recorded will be written to standard output (Ctrl+C again quits at once)\n',
    'flab: SIGINT: stopping the training at its next step; what it recorded will be written to standard output (Ctrl+C again quits at once)\n',
    'flab: SIGINT: stopping the training at its next step; what it recorded will be written to standard output, a pipe: a reader the same Ctrl+C stopped (| head, | jq) reads none of it — to keep the records, write them to a file (> run.json) (Ctrl+C again quits at once)\n',
    'flab: SIGHUP: stopping the training at its next step; what it recorded will be written to standard output, a pipe: a reader the same SIGHUP stopped (| head, | jq) reads none of it — to keep the records, write them to a file (> run.json) (SIGHUP again quits at once)\n',
  ]);
  // What a standard output is: a pipe (a FIFO here, opened for reading and writing so as not to wait for a reader), or a redirect's file.
  const c = cliFolder('flab-stdout-kind-');
  execFileSync('mkfifo', [join(c.dir, 'fifo')]);
  for (const [name, flags, kind] of [['fifo', 'r+', 'pipe'], ['out.json', 'w', 'file']] as const) {
    const fd = openSync(join(c.dir, name), flags);
    try {
      assert.equal(stdoutKind(fd), kind, name);
    } finally {
      closeSync(fd);
    }
  }
});

test('withInterrupts: one listening for a training command — cancelled before the first step is null, the listening closed whatever the work did', async () => {
  const notices: string[] = [];
  const listen = () => processInterrupts((t) => notices.push(t), () => undefined, 'file');
  // A signal while the data is read aborts the training's signal: its rejection is a cancellation, null.
  const cancelled = await withInterrupts(listen, async (i) => {
    assert.equal(i.options.shouldStop(), false);
    const reading = new Promise<string>((_, reject) => i.options.signal!.addEventListener('abort', () => reject(new Error('aborted'))));
    process.emit('SIGINT');
    assert.equal(i.options.shouldStop(), true);
    return { result: await i.cancellable(reading), received: i.received };
  });
  assert.deepEqual(cancelled, { result: null, received: 'SIGINT' });
  assert.equal(process.listenerCount('SIGINT'), 0, 'closed once the work returned');
  // Once training, a signal stops at the next step: the signal is not aborted, and another error is the work's.
  await assert.rejects(
    withInterrupts(listen, async (i) => {
      i.training();
      process.emit('SIGTERM');
      assert.equal(i.options.signal!.aborted, false);
      assert.equal(i.received, 'SIGTERM');
      return i.cancellable(Promise.reject(new Error('the file\'s')));
    }),
    /the file's/,
  );
  assert.equal(process.listenerCount('SIGTERM'), 0, 'closed once the work threw');
  // Nobody listening (tests' context): nothing is stopped, nothing received.
  assert.deepEqual(await withInterrupts(undefined, async (i) => ({ stop: i.options.shouldStop(), signal: i.options.signal, received: i.received, result: await i.cancellable(Promise.resolve(3)) })), { stop: false, signal: undefined, received: null, result: 3 });
});

test('while the output is written: a first signal lets it finish and says so; a second, or one after the training heard one, quits', () => {
  const notices: string[] = [];
  const exits: number[] = [];
  let end = deferWhileWriting(null, (t) => notices.push(t), (code) => exits.push(code), 'file');
  try {
    process.emit('SIGINT');
    assert.equal(exits.length, 0, 'the output is written on');
    assert.deepEqual(notices, ['flab: SIGINT: the output is being written, and is written whole (Ctrl+C again quits at once)\n']);
    process.emit('SIGINT');
    assert.deepEqual(exits, [130]);
  } finally {
    end();
  }
  end = deferWhileWriting('SIGTERM', (t) => notices.push(t), (code) => exits.push(code), 'file');
  try {
    process.emit('SIGHUP');
    assert.deepEqual(exits, [130, 143], 'the training was stopped already: this is the second signal');
  } finally {
    end();
  }
  // Into a pipe the output is written whole only if its reader reads on: the notice says so (until 2026-12-03 it said "written whole" whatever the reader).
  end = deferWhileWriting(null, (t) => notices.push(t), (code) => exits.push(code), 'pipe');
  try {
    process.emit('SIGINT');
    assert.equal(notices.at(-1), 'flab: SIGINT: the output is being written, and is written whole to standard output, a pipe, unless its reader stopped too (a reader the same Ctrl+C stopped, | head or | jq, reads none of it; a file keeps it: > run.json) (Ctrl+C again quits at once)\n');
  } finally {
    end();
  }
  assert.equal(process.listenerCount('SIGHUP'), 0);
});

test('Ctrl+C while a finished run\'s output drains into a slow reader: the output is written whole, with the run\'s own exit code', async () => {
  // A breaker's finding: the JSON was cut at the pipe's 64 KiB, exit 130, nothing on standard error.
  const c = cliFolder('flab-drain-');
  const file = c.write('many.flab.json', { model: { hidden: [4] }, data: { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0]], y: [0, 1, 1, 0] } }, training: { steps: 3000, record: { every: 1 } } });
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'train', file, '--json'], { cwd: c.dir });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The first piece read, the reader stops: flab is left writing the rest into a full pipe. Then Ctrl+C.
    child.stdout.once('data', (d: Buffer) => {
      chunks.push(d);
      child.stdout.pause();
      child.kill('SIGINT');
      // The notice on standard error says the signal was heard; then the reader reads on.
      const resume = setInterval(() => {
        if (!stderr.includes('SIGINT')) return;
        clearInterval(resume);
        child.stdout.on('data', (more: Buffer) => chunks.push(more));
        child.stdout.resume();
      }, 20);
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout: Buffer.concat(chunks).toString(), stderr }));
  });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.length > 65536, `${r.stdout.length} bytes: more than a pipe holds`);
  assert.equal(JSON.parse(r.stdout).summary.status, 'finished');
  // Its standard output is a pipe whose reader read on: written whole, as the notice says it is unless the reader stopped.
  assert.match(r.stderr, /flab: SIGINT: the output is being written, and is written whole to standard output, a pipe, unless its reader stopped too \(.*\) \(Ctrl\+C again quits at once\)/);
});
