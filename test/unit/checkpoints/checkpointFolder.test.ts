import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CheckpointFolder, checkpointFileBytes, checkpointFolderProblem, checkpointPlanProblem, plannedCheckpoints, RUN_LOCK } from '../../../src/core/checkpoints/checkpointFolder';
import { MAX_WRITTEN_BYTES, METRICS_LINE_BYTES } from '../../../src/core/checkpoints/limits';
import { ExperimentError } from '../../../src/core/experiment/errors';
import type { NetworkExperiment } from '../../../src/core/network/networkExperiment';
import { parseAnyExperiment } from '../../../src/core/runs/anyExperiment';
import { trainExperiment } from '../../../src/core/runs/train';

const root = mkdtempSync(join(tmpdir(), 'flab-checkpoint-folder-'));
after(() => rmSync(root, { recursive: true, force: true }));

const GiB = 2 ** 30;

test('the checkpoints a run writes: at step 0, every k steps and at the last', () => {
  assert.equal(plannedCheckpoints(10, 5), 3); // 0, 5, 10
  assert.equal(plannedCheckpoints(11, 5), 4); // 0, 5, 10, 11
  assert.equal(plannedCheckpoints(0, 5), 1);
  assert.equal(plannedCheckpoints(1999, 1), 2000);
});

test('the bytes of a checkpoint are those of the file written, header and padding included', async () => {
  for (const [sizes, bias, steps] of [[[3, 5, 2], false, 40], [[784, 16, 16, 10], true, 123456], [[1, 1], true, 0]] as const) {
    const folder = join(root, `bytes-${sizes.join('-')}`);
    const writer = new CheckpointFolder(folder, steps);
    await writer.prepare();
    const layers = sizes.slice(1).map((rows, l) => ({ rows, cols: sizes[l], data: new Float32Array(rows * sizes[l]) }));
    const biases = bias ? sizes.slice(1).map((n) => new Float32Array(n)) : null;
    const metrics = { loss: -1.2345678901234567e-308, accuracy: 0.123456789, trainLoss: 1.7976931348623157e308, trainAccuracy: 1, testLoss: null, testAccuracy: null };
    writer.write(steps, layers, biases, metrics);
    const [name] = await writer.finish();
    assert.equal(statSync(join(folder, name)).size, checkpointFileBytes({ sizes: [...sizes], bias, totalSteps: steps }), `${sizes.join('-')}`);
    assert.ok(statSync(join(folder, 'metrics.jsonl')).size <= METRICS_LINE_BYTES, 'a metrics line within its bound');
  }
});

test('checkpoints beyond the free space of the disk (90 %) are refused at the path, with the numbers, counting what the run deletes', async () => {
  const folder = join(root, 'disk');
  const plan = { totalSteps: 100, every: 10, recordEvery: 5, sizes: [100, 100, 10], bias: false };
  const each = checkpointFileBytes(plan) + METRICS_LINE_BYTES; // 11 checkpoints
  const asked: string[] = [];
  const free = (bytes: number) => (dir: string) => (asked.push(dir), bytes);
  assert.equal(await checkpointPlanProblem(folder, plan, { freeBytes: free(Math.ceil((11 * each) / 0.9)) }), null);
  assert.equal(asked[0], root, 'the free space of the nearest folder that exists');
  const refused = await checkpointPlanProblem(folder, plan, { freeBytes: free(5 * each) });
  assert.equal(refused?.key, 'training.checkpoints.path');
  assert.match(
    refused!.message,
    /^training\.checkpoints\.every 10 writes 11 checkpoints over the run's 100 steps \(at step 0, every 10 steps and at the last\), of 43\.\d KiB each \(the 100–100–10 network's weights in float32\) and a metrics line: 4\d\d KiB in all, more than 90 % \(\d+ KiB\) of the 2\d\d KiB free on the file system of .*flab-checkpoint-folder-\w+: every 35 steps or more writes 4 checkpoints \(a multiple of training\.record\.every, 5\), or free space, or give training\.checkpoints\.path a folder on another disk$/,
  );
  // The checkpoints of an earlier run there are deleted by the new run: their bytes count as free.
  const writer = new CheckpointFolder(folder, 100);
  await writer.prepare();
  const layers = [
    { rows: 100, cols: 100, data: new Float32Array(10000) },
    { rows: 10, cols: 100, data: new Float32Array(1000) },
  ];
  const none = { loss: null, accuracy: null, trainLoss: null, trainAccuracy: null, testLoss: null, testAccuracy: null };
  for (const step of [0, 10, 20, 30, 40, 50, 60]) writer.write(step, layers, null, none);
  await writer.finish();
  const withOld = await checkpointPlanProblem(folder, plan, { freeBytes: free(6 * each) });
  assert.equal(withOld, null, '(6 free + 7 deleted) × 0.9 ≥ 11');
  writeFileSync(join(folder, 'notes.txt'), 'x'.repeat(100_000)); // not the trainer's: not counted
  const tight = await checkpointPlanProblem(folder, plan, { freeBytes: free(3 * each) });
  assert.match(tight!.message, / free on the file system of .*disk and the 302 KiB of the earlier run's checkpoints this run deletes: every 15 steps or more writes 8 checkpoints/);
});

test('beyond 16 GiB in all: refused at every, whatever the disk has free', async () => {
  // 4096² float32 = 64 MiB a checkpoint: 256 fit, 257 do not.
  const plan = { totalSteps: 256, every: 1, recordEvery: 1, sizes: [4096, 4096], bias: false };
  const huge = () => 1e15;
  const refused = await checkpointPlanProblem(join(root, 'cap'), plan, { freeBytes: huge });
  assert.equal(refused?.key, 'training.checkpoints.every');
  assert.ok(257 * (checkpointFileBytes(plan) + METRICS_LINE_BYTES) > MAX_WRITTEN_BYTES);
  assert.match(refused!.message, /writes 257 checkpoints .* of 64 MiB each .*: 16\.\d GiB in all, more than the 16 GiB a run may write \(docs\/checkpoints\.md, "Writing checkpoints"\): every 2 steps or more writes 129 checkpoints$/);
  assert.equal(await checkpointPlanProblem(join(root, 'cap'), { ...plan, totalSteps: 254 }, { freeBytes: huge }), null, '255 checkpoints of 64 MiB fit');
  assert.ok(16 * GiB === MAX_WRITTEN_BYTES);
});

test('the folder check: a new folder under one that takes folders is fine; an existing one must take files', () => {
  assert.equal(checkpointFolderProblem(join(root, 'new', 'deeper')), null);
  mkdirSync(join(root, 'exists'));
  assert.equal(checkpointFolderProblem(join(root, 'exists')), null);
  writeFileSync(join(root, 'plain'), 'x');
  assert.equal(checkpointFolderProblem(join(root, 'plain')), `${join(root, 'plain')} is a file, not a folder`);
  assert.equal(checkpointFolderProblem(join(root, 'plain', 'below')), `${join(root, 'plain')} is a file, not a folder`);
});

test('a run whose checkpoints the disk cannot hold is refused before its first step, nothing written (NetworkRun.run)', async () => {
  const parsed = parseAnyExperiment(JSON.stringify({ model: { hidden: [4] }, data: { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0]], y: [0, 1, 1, 0] } }, training: { learningRate: 0.1, steps: 8, record: { every: 2 }, checkpoints: { every: 2, path: 'full' } } }));
  const e = parsed.parsed!.experiment as NetworkExperiment;
  const base = join(root, 'load');
  mkdirSync(base);
  let steps = 0;
  await assert.rejects(
    trainExperiment(e, { baseDir: base, checkpointFreeBytes: () => 1000, onProgress: () => steps++ }),
    (err: unknown) => err instanceof ExperimentError && err.path === 'training.checkpoints.path' && /more than 90 % \(900 bytes\) of the 1,000 bytes free on the file system of /.test(err.message),
  );
  assert.equal(steps, 0);
  assert.deepEqual(readdirSync(base), [], 'no folder made');
});

test('one run at a time in a folder: a second process is refused while the first holds it; a lock whose process ended is taken over', async () => {
  // A breaker's finding: two `flab train` at once into one folder — the second deleted the first's
  // checkpoints and the folder read as one run.
  const { spawnSync, spawn } = await import('node:child_process');
  const { existsSync, readFileSync } = await import('node:fs');
  const { hostname } = await import('node:os');
  const folder = join(root, 'locked');
  mkdirSync(folder, { recursive: true });
  const lock = join(folder, RUN_LOCK);
  // A live process of this machine holds it: refused, naming it, nothing deleted.
  const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    // Written after the process started, as its run would write it (a lock older than its process is another's: below).
    await new Promise((r) => setTimeout(r, 3000));
    const started = new Date().toISOString();
    writeFileSync(lock, JSON.stringify({ pid: live.pid, host: hostname(), started }));
    writeFileSync(join(folder, 'metrics.jsonl'), '');
    await assert.rejects(new CheckpointFolder(folder, 10).prepare(), (err: Error) => {
      assert.equal(err.message, `another run (flab's process ${live.pid}, started ${started}) is writing checkpoints into it (.flab-run.lock): two runs in one folder delete each other's checkpoints — wait for it to end, or give training.checkpoints.path another folder (if no run is writing there, delete .flab-run.lock)`);
      return true;
    });
    assert.ok(existsSync(join(folder, 'metrics.jsonl')), 'nothing emptied or deleted');
    // The same number, but a lock written before that process started: the number was given again
    // (a reboot, a new container), and the run that wrote it is gone — taken over.
    writeFileSync(lock, JSON.stringify({ pid: live.pid, host: hostname(), started: '2026-01-01T00:00:00.000Z' }));
    const after = new CheckpointFolder(folder, 10);
    await after.prepare();
    assert.equal(JSON.parse(readFileSync(lock, 'utf8')).pid, process.pid);
    after.release();
    // One of another machine: its life cannot be told from here.
    writeFileSync(lock, JSON.stringify({ pid: 1, host: 'node-17.cluster', started: '2026-12-03T14:00:00.000Z' }));
    await assert.rejects(new CheckpointFolder(folder, 10).prepare(), /another run \(flab's process 1 on node-17\.cluster, started/);
  } finally {
    live.kill();
  }
  // A process that has ended (a run killed): taken over, and the lock is this process's until released.
  const ended = spawnSync(process.execPath, ['-e', '0']).pid;
  writeFileSync(lock, JSON.stringify({ pid: ended, host: hostname(), started: '2026-12-03T14:00:00.000Z' }));
  const writer = new CheckpointFolder(folder, 10);
  await writer.prepare();
  assert.equal(JSON.parse(readFileSync(lock, 'utf8')).pid, process.pid);
  writer.release();
  assert.ok(!existsSync(lock), 'released: the next run finds the folder free');
  // A lock that is not flab's as written (empty: a run killed as it wrote it): a run starting this
  // moment, refused; one older than 10 s, taken over.
  writeFileSync(lock, '');
  await assert.rejects(new CheckpointFolder(folder, 10).prepare(), /another run is starting in it \(\.flab-run\.lock is being written\)/);
  const { utimesSync } = await import('node:fs');
  utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  const taker = new CheckpointFolder(folder, 10);
  await taker.prepare();
  taker.release();
  // Two runs taking over one dead run's lock at once: only the one holding `.flab-run.lock.break` removes it;
  // the other, finding that file fresh, is refused as a run starting (a breaker's finding: both took it).
  writeFileSync(lock, JSON.stringify({ pid: ended, host: hostname(), started: '2026-12-03T14:00:00.000Z' }));
  writeFileSync(`${lock}.break`, '');
  await assert.rejects(new CheckpointFolder(folder, 10).prepare(), /another run is starting in it \(it is taking over \.flab-run\.lock\)/);
  // One whose taking over died with it (older than 10 s): cleared, and the lock taken over.
  utimesSync(`${lock}.break`, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  await taker.prepare();
  assert.ok(!existsSync(`${lock}.break`));
  // A lock another run took over, judging this one gone, is that run's: release leaves it.
  const theirs = JSON.stringify({ pid: 1, host: hostname(), started: '2026-12-03T14:00:00.000Z' });
  writeFileSync(lock, theirs);
  taker.release();
  assert.equal(readFileSync(lock, 'utf8'), theirs);
});

/** The float32 tensor `name` of the safetensors file at `path`. */
function tensorOf(path: string, name: string): Float32Array {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { data_offsets: [number, number] }>;
  const [begin, end] = header[name].data_offsets;
  const data = bytes.subarray(8 + n + begin, 8 + n + end);
  return new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

test('a stopped run writes the checkpoint of its last record, of the weights that record measured: the folder ends where the records end', async () => {
  // A run stopped (Ctrl+C, SIGTERM) wrote no checkpoint past the last multiple of checkpoints.every,
  // so the folder ended before the records printed.
  const parsed = parseAnyExperiment(JSON.stringify({ model: { hidden: [4] }, data: { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0]], y: [0, 1, 1, 0] } }, training: { learningRate: 0.5, steps: 40, record: { every: 2 }, checkpoints: { every: 4, path: 'stopped' } } }));
  const e = parsed.parsed!.experiment as NetworkExperiment;
  const base = join(root, 'stop');
  mkdirSync(base);
  let stop = false;
  const r = await trainExperiment(e, { baseDir: base, onRecord: (rec) => (stop ||= rec.step === 6), shouldStop: () => stop });
  assert.equal(r.summary.status, 'stopped');
  // Stopped before step 7: its last record is there (closeAtStop), and so is its last checkpoint.
  assert.deepEqual(r.step, [0, 2, 4, 6, 7]);
  const folder = join(base, 'stopped');
  assert.deepEqual(r.checkpoints?.files, ['step-000000.safetensors', 'step-000004.safetensors', 'step-000007.safetensors']);
  assert.deepEqual(readdirSync(folder).filter((f) => f.endsWith('.safetensors')).sort(), r.checkpoints?.files);
  const lines = readFileSync(join(folder, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.step), [0, 4, 7]);
  assert.equal(lines[2].trainLoss, r.trainLoss[4], 'the metrics line is the last record\'s');
  // Its weights are those the record at step 7 measured.
  for (const [l, layer] of r.layers.entries()) {
    const w = tensorOf(join(folder, 'step-000007.safetensors'), `fc${l + 1}.weight`);
    const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    assert.ok(Math.abs(norm - layer.norm[4]) <= 1e-5 * layer.norm[4], `fc${l + 1}.weight: ${norm} against ${layer.norm[4]}`);
  }
  // A stop whose last record falls on a checkpoint's step writes that checkpoint once.
  // Asked after the record at step 6, the stop comes at the second check after it, before step 8.
  let again = false;
  let checks = 0;
  const r2 = await trainExperiment(e, { baseDir: base, onRecord: (rec) => (again ||= rec.step === 6), shouldStop: () => again && checks++ > 0 });
  assert.deepEqual(r2.step, [0, 2, 4, 6, 8]);
  assert.deepEqual(r2.checkpoints?.files, ['step-000000.safetensors', 'step-000004.safetensors', 'step-000008.safetensors']);
});

test('a run that diverges writes the checkpoint of its divergence record, its loss null: the folder reads as a diverged run', async () => {
  // With checkpoints every 10 and the loss not finite at step 6, the folder held step 0 alone: `flab
  // checkpoints` had one checkpoint and no sign of the divergence flab train reported.
  const parsed = parseAnyExperiment(JSON.stringify({ model: { hidden: [4], activation: 'linear' }, init: { scheme: 'kaiming', seed: 1 }, data: { train: { x: [[1, 0.2], [0.3, 1], [0.5, 0.6]], y: [[1], [2], [3]] } }, training: { loss: 'squared', learningRate: 0.9, steps: 30, record: { every: 1 }, checkpoints: { every: 10, path: 'diverged' } } }));
  const e = parsed.parsed!.experiment as NetworkExperiment;
  const base = join(root, 'diverge');
  mkdirSync(base);
  const r = await trainExperiment(e, { baseDir: base });
  assert.equal(r.summary.status, 'diverged');
  const d = r.summary.divergedAt as number;
  assert.ok(d % 10 !== 0, `diverged at ${d}, off the cadence`);
  assert.deepEqual(r.checkpoints?.files, ['step-000000.safetensors', `step-${String(d).padStart(6, '0')}.safetensors`]);
  const lines = readFileSync(join(base, 'diverged', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.step), [0, d]);
  assert.equal(lines[1].loss, null, 'a loss that stopped being finite');
});
