// The training worker's computation (src/workers/trainingRun.ts), called directly: a network trains
// with snapshots as it goes and ends with its verdict; a stop keeps it and Resume ends on exactly the
// uninterrupted numbers; a checkpoint folder is read into the same views; bad files are located; and
// the layer label's explanation agrees with the label.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Rng } from '../../../src/core/math/rng';
import { DEFAULT_LAYER_THRESHOLDS, explainLayerLabel, layerLabel, LayerScores } from '../../../src/core/mechanisms/layerLabel';
import { onnxStepWork } from '../../../src/core/network/workModel';
import type { RunView } from '../../../src/protocol/training';
import type { TrainingJob, TrainingOutcome } from '../../../src/protocol/workers';
import { dataTakenAgain, drawnBudget, drawnRecords, forgetKeptRuns, MAX_DRAWN_RECORDS, runTrainingJob } from '../../../src/workers/trainingRun';

const EXAMPLES = join(process.cwd(), 'examples');
const bridge = readFileSync(join(EXAMPLES, 'networks', 'bridge-linear-network.flab.json'), 'utf8');

function job(text: string, resume = false, baseDir = join(EXAMPLES, 'networks')): TrainingJob {
  return { text, fileName: 'x.flab.json', baseDir, sweepIndex: null, resume };
}

function runOf(o: TrainingOutcome): RunView {
  assert.equal(o.kind, 'run', JSON.stringify(o).slice(0, 400));
  return (o as Extract<TrainingOutcome, { kind: 'run' }>).run;
}

/**
 * An AbortSignal that counts how often `aborted` is read (the trainer polls it at every cancel point)
 * and aborts at read `stopAt`: a stop at the same point of the run whatever the machine's speed.
 */
function polled(stopAt = Infinity): { signal: AbortSignal; polls(): number } {
  const controller = new AbortController();
  let reads = 0;
  const signal = new Proxy(controller.signal, {
    get(target, key) {
      if (key === 'aborted' && ++reads >= stopAt) controller.abort();
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { signal, polls: () => reads };
}

describe('training worker', () => {
  after(forgetKeptRuns);

  it('trains a network with snapshots on the way, and ends with its curves and its verdict', async () => {
    const snapshots: RunView[] = [];
    const o = await runTrainingJob(job(bridge), new AbortController().signal, (s) => snapshots.push(s));
    const run = runOf(o);
    assert.equal(run.status, 'finished');
    assert.equal(run.curves.step[run.curves.step.length - 1], 1500);
    assert.equal(run.curves.alignment.length, 1);
    assert.equal(run.curves.layers.length, 2);
    assert.ok(snapshots.length >= 1 && snapshots[0].status === 'loading', 'a first snapshot while the data loads');
    // Then training at step 0, before the first step has been taken (a first step of a minute was "Loading the data…").
    assert.equal(snapshots[1].status, 'training');
    assert.equal(snapshots[1].progress?.step, 0);
    assert.equal(snapshots[1].progress?.totalSteps, 1500);
    assert.equal(run.verdict?.label, 'alignment', 'the description promises alignment');
    assert.ok(run.verdict!.criteria.some((c) => c.name === 'alignment' && c.reached && c.decisive));
    const z = run.curves.alignment[0].zeta;
    assert.ok((z[0] ?? 1) < 0.3 && (z[z.length - 1] ?? 0) > 0.99, `ζ ${z[0]} → ${z[z.length - 1]}`);
    assert.equal(o.kind === 'run' && o.result && 'epoch' in o.result && o.result.step.length, run.curves.step.length, 'Export Data gets what flab train --json prints');
  });

  it('gives the time left at the pace since the first record, not over the set-up before it', async () => {
    // The bridge's first estimate in a fresh process said 27 s left for the 0.6 s it took: its pace was
    // every step since the data were loaded, over the exact flow solved, the sessions built and the
    // first record's measurements too. (6,000 steps: estimates on the way, however fast the machine.)
    const snapshots: RunView[] = [];
    runOf(await runTrainingJob(job(bridge.replace('"steps": 1500', '"steps": 6000')), new AbortController().signal, (s) => snapshots.push(s)));
    const start = snapshots.find((s) => s.status === 'training')?.progress;
    const first = snapshots.find((s) => s.progress?.remainingMs != null)?.progress;
    assert.ok(start && first?.remainingMs != null && first.totalSteps !== null, 'an estimate while training');
    assert.equal(start.step, 0);
    assert.equal(start.remainingMs, null, 'no estimate before a step');
    // The time the estimate's pace was taken over (the time left per step left, times the steps since
    // step 0): within the time since the step-0 snapshot, which comes before the first record.
    const paced = (first.remainingMs / (first.totalSteps - first.step)) * first.step;
    assert.ok(paced <= first.elapsedMs - start.elapsedMs + 1e-6, `paced over ${paced} ms of ${first.elapsedMs} ms, ${start.elapsedMs} ms of them before step 0`);
  });

  it('counts the steps the trainer has taken between records in its progress (a sweep\'s time left climbed while its step stood at the last record)', async () => {
    const snapshots: RunView[] = [];
    runOf(await runTrainingJob(job(bridge.replace('"steps": 1500', '"steps": 60000').replace('"every": 10', '"every": 30000')), new AbortController().signal, (s) => snapshots.push(s)));
    const between = snapshots.filter((s) => s.status === 'training' && s.progress && s.progress.step % 30000 !== 0);
    assert.ok(between.length > 0, `progress between records: ${snapshots.map((s) => s.progress?.step).join(', ')}`);
    for (const s of between) assert.ok(s.progress!.step > (s.curves.step.at(-1) ?? 0) && s.progress!.epoch !== null, `step ${s.progress!.step} past the last record ${s.curves.step.at(-1)}`);
  });

  it('trains an edit that leaves the data alone on the data the run before loaded', async () => {
    forgetKeptRuns();
    const before = dataTakenAgain();
    const first = runOf(await runTrainingJob(job(bridge), new AbortController().signal, () => undefined));
    const reseeded = runOf(await runTrainingJob(job(bridge.replace('"seed": 3', '"seed": 4')), new AbortController().signal, () => undefined));
    assert.equal(dataTakenAgain(), before + 1);
    assert.notDeepEqual(reseeded.curves.alignment[0].zeta, first.curves.alignment[0].zeta, 'another θ₀, the same data');
    // New data: read.
    runOf(await runTrainingJob(job(bridge.replace('[[0.9], [2.1], [-1.0]]', '[[1.9], [2.1], [-1.0]]')), new AbortController().signal, () => undefined));
    assert.equal(dataTakenAgain(), before + 1);
  });

  it('draws the bridge\'s exact flow over its ζ, loss and norms: the linear model from the same θ₀, at each record\'s step', async () => {
    // The bridge "overlaid on the exact solution": the flow was only in a separate linear file
    // whose θ₀ was copied by hand (an edit of the network's seed left it behind).
    const run = runOf(await runTrainingJob(job(bridge), new AbortController().signal, () => undefined));
    const z = run.curves.alignment[0].zeta;
    const flow = run.curves.exactFlow!.zeta;
    assert.equal(flow.length, run.curves.step.length);
    assert.ok(Math.abs(flow[0]! - z[0]!) < 1e-6, `the same θ₀: ${flow[0]} and ${z[0]}`);
    const gap = Math.max(...z.map((v, k) => Math.abs(v! - flow[k]!)));
    assert.ok(gap > 1e-5 && gap < 1e-2, `descent at η = 0.02 follows the flow at first order: ${gap}`);
    // The loss and each layer's norm of the flow too (it drew ζ only, hidden under the trained one): the
    // same at θ₀, and within first order of the rate along the run.
    const relative = (a: (number | null)[], b: (number | null)[]) => a.map((v, k) => Math.abs(v! - b[k]!) / Math.abs(b[k]!));
    const loss = run.curves.losses[0].values;
    const flowLoss = run.curves.exactFlow!.loss;
    assert.equal(flowLoss.length, loss.length);
    assert.ok(relative(flowLoss, loss)[0] < 1e-6, `the loss at θ₀: ${flowLoss[0]} and ${loss[0]}`);
    // Relative to the loss at θ₀: it falls by 10³ within a few records, where a shift of the time at first
    // order in the rate is a large relative difference of the two.
    const lossGapOf = (r: RunView) => Math.max(...r.curves.exactFlow!.loss.map((v, k) => Math.abs(v! - r.curves.losses[0].values[k]!))) / r.curves.losses[0].values[0]!;
    const lossGap = lossGapOf(run);
    assert.ok(lossGap > 1e-6 && lossGap < 0.05, `the loss follows the flow: ${lossGap}`);
    // At first order in the rate: half the rate over twice the steps (the same flow times) halves the gap.
    const halved = runOf(await runTrainingJob(job(bridge.replace('"learningRate": [0.02, 0.02]', '"learningRate": [0.01, 0.01]').replace('"steps": 1500, "record": { "every": 10 }', '"steps": 3000, "record": { "every": 20 }')), new AbortController().signal, () => undefined));
    const ratio = lossGap / lossGapOf(halved);
    assert.ok(ratio > 1.7 && ratio < 2.3, `the loss's gap at η = 0.02 is ${ratio} times that at η = 0.01`);
    assert.ok(relative(flowLoss, loss).at(-1)! < 1e-3, `the same loss at the end: ${flowLoss.at(-1)} and ${loss.at(-1)}`);
    assert.equal(run.curves.exactFlow!.norms.length, 2, 'W₁ = W and W₂ = uᵀ');
    run.curves.layers.forEach((layer, l) => {
      const flowNorm = run.curves.exactFlow!.norms[l];
      assert.ok(relative(flowNorm, layer.norm)[0] < 1e-6, `‖W${l + 1}‖ at θ₀: ${flowNorm[0]} and ${layer.norm[0]}`);
      const normGap = Math.max(...relative(flowNorm, layer.norm));
      const halvedGap = Math.max(...relative(halved.curves.exactFlow!.norms[l], halved.curves.layers[l].norm));
      assert.ok(normGap < 5e-2 && normGap / halvedGap > 1.7 && normGap / halvedGap < 2.3, `‖W${l + 1}‖ follows the flow at first order: ${normGap}, ${halvedGap} at half the rate`);
    });
    // Another seed: the flow follows the file (the copied θ₀ of bridge-linear-flow.flab.json would not).
    const other = runOf(await runTrainingJob(job(bridge.replace('"seed": 3', '"seed": 11')), new AbortController().signal, () => undefined));
    assert.ok(Math.abs(other.curves.exactFlow!.zeta[0]! - other.curves.alignment[0].zeta[0]!) < 1e-6);
    assert.notEqual(other.curves.exactFlow!.zeta[0], flow[0]);
    // A network that is not the linear model has none.
    const relu = runOf(await runTrainingJob(job(bridge.replace('"activation": "linear"', '"activation": "relu"')), new AbortController().signal, () => undefined));
    assert.equal(relu.curves.exactFlow, undefined);
  });

  it('shows a name and a description as written, their control and bidirectional characters as escapes', async () => {
    // A name with U+202E (right-to-left override) showed "réseau live" for "réseau evil" in the panel's title.
    const text = bridge.replace(/"name": "[^"]*"/, '"name": "réseau \\u202e evil \\u001b[2J שלום"').replace(/"description": "[^"]*"/, '"description": "a\\u0007b"');
    const o = await runTrainingJob({ ...job(text), describeOnly: true }, new AbortController().signal, () => undefined);
    assert.equal(o.kind, 'run');
    const run = o as Extract<TrainingOutcome, { kind: 'run' }>;
    assert.equal(run.title, 'réseau \\u202e evil \\u001b[2J שלום');
    assert.equal(run.description, 'a\\u0007b');
  });

  it('says a run whose loss is not finite at θ₀ was not trained, as flab train does — not that it diverged', async () => {
    const file = JSON.parse(bridge);
    const o = await runTrainingJob(job(JSON.stringify({ ...file, init: { ...file.init, scale: 1e30 } })), new AbortController().signal, () => undefined);
    const run = runOf(o);
    assert.equal(run.status, 'notTrained');
    assert.equal(run.curves.step.length, 0);
    assert.deepEqual([run.verdict?.label, run.verdict?.regime], [null, 'no label: the loss at θ₀ is not finite in float32']);
    assert.ok(run.notices.some((n) => /^The loss at the initial weights θ₀ is not finite in float32/.test(n)), JSON.stringify(run.notices));
  });

  it('keeps a stopped training, and Resume ends on exactly the uninterrupted numbers', async () => {
    // The stop comes at the same cancel point on any machine: halfway through the polls of the whole
    // run. (Stopping from a snapshot, which comes every SNAPSHOT_EVERY_MS, missed on a fast machine: the
    // run ended before its first.)
    const counted = polled();
    const whole = runOf(await runTrainingJob(job(bridge), counted.signal, () => undefined));
    assert.ok(counted.polls() > 1000, `${counted.polls()} polls: about one a step of the 1,500, so halfway is well inside the training`);
    const stop = polled(Math.floor(counted.polls() / 2));
    const first = runTrainingJob(job(bridge), stop.signal, () => undefined);
    await assert.rejects(first, (err: Error) => err.name === 'AbortError');
    const again = polled();
    const resumed = runOf(await runTrainingJob(job(bridge, true), again.signal, () => undefined));
    assert.ok(again.polls() < 0.75 * counted.polls(), `${again.polls()} of ${counted.polls()} polls: resumed where it stopped, not from the start`);
    assert.deepEqual(resumed.curves, whole.curves);
    assert.equal(resumed.verdict?.label, whole.verdict?.label);
  });

  it('reads a checkpoint folder into the same views, with its notices', async () => {
    const text = readFileSync(join(EXAMPLES, 'checkpoints', 'follow-mlp.flab.json'), 'utf8');
    const run = runOf(await runTrainingJob(job(text, false, join(EXAMPLES, 'checkpoints')), new AbortController().signal, () => undefined));
    assert.equal(run.status, 'following');
    assert.equal(run.curves.step.length, 6);
    assert.deepEqual(run.curves.step, [0, 20, 40, 60, 80, 100]);
    assert.ok(run.curves.alignment.length >= 1);
    assert.ok(run.curves.losses.length === 1, 'the metrics file adds the loss');
    assert.ok(typeof run.verdict?.label === 'string');
  });

  it('names a checkpoint that cannot be read once in its notice', async () => {
    // The notice read "run/step-000999.safetensors: run/step-000999.safetensors: …": the problem already begins with the file.
    const dir = mkdtempSync(join(tmpdir(), 'flab-notice-'));
    cpSync(join(EXAMPLES, 'checkpoints', 'run'), join(dir, 'run'), { recursive: true });
    writeFileSync(join(dir, 'run', 'step-000999.safetensors'), Buffer.from([1, 2, 3]));
    // Written an hour ago: settled, not still being written.
    const past = new Date(Date.now() - 3_600_000);
    for (const f of readdirSync(join(dir, 'run'))) utimesSync(join(dir, 'run', f), past, past);
    const text = readFileSync(join(EXAMPLES, 'checkpoints', 'follow-mlp.flab.json'), 'utf8');
    const run = runOf(await runTrainingJob(job(text, false, dir), new AbortController().signal, () => undefined));
    const notice = run.notices.find((n) => n.includes('step-000999'));
    assert.ok(notice, run.notices.join('\n'));
    assert.equal(notice.split('step-000999.safetensors').length - 1, 1, notice);
    assert.match(notice, /^run\/step-000999\.safetensors: /);
    // A file whose name holds a line feed and an escape: named on one line, as escapes.
    writeFileSync(join(dir, 'run', 'step-001000\n\u001b[2J.safetensors'), Buffer.from([1, 2, 3]));
    utimesSync(join(dir, 'run', 'step-001000\n\u001b[2J.safetensors'), past, past);
    const again = runOf(await runTrainingJob(job(text, false, dir), new AbortController().signal, () => undefined));
    const odd = again.notices.find((n) => n.includes('step-001000'));
    assert.ok(odd, again.notices.join(' | '));
    assert.ok(odd.includes('step-001000\\n\\u001b[2J.safetensors') && !odd.includes('\n') && !odd.includes('\u001b'), odd);
  });

  it('says when flab train would refuse the checkpoint folder, and touches nothing in it', async () => {
    // The panel writes no checkpoints, so it said only that: a folder holding another trainer's files,
    // which flab train refuses, showed no sign of it until the command was run.
    const dir = mkdtempSync(join(tmpdir(), 'flab-refused-'));
    const text = bridge.replace('"steps": 1500', '"steps": 20, "checkpoints": { "every": 10, "path": "ckpt" }');
    assert.notEqual(text, bridge);
    const plain = runOf(await runTrainingJob(job(text, false, dir), new AbortController().signal, () => undefined));
    assert.deepEqual(plain.notices.filter((n) => n.startsWith('training.checkpoints')), ['training.checkpoints: the panel writes no checkpoints (it trains again on every edit); `flab train` writes them.']);
    mkdirSync(join(dir, 'ckpt'));
    writeFileSync(join(dir, 'ckpt', 'step-000099.safetensors'), 'not flab\'s');
    writeFileSync(join(dir, 'ckpt', 'metrics.jsonl'), '{"epoch": 1, "loss": 0.5}\n');
    const run = runOf(await runTrainingJob(job(text, false, dir), new AbortController().signal, () => undefined));
    const notice = run.notices.find((n) => n.startsWith('training.checkpoints.path'));
    assert.equal(
      notice,
      `training.checkpoints.path: \`flab train\` would refuse the folder ${join(dir, 'ckpt')}: it holds a checkpoint flab did not write (step-000099.safetensors) and a metrics.jsonl with lines flab did not write (line 1): a new run deletes and empties only what flab wrote, and would mix with them — give training.checkpoints.path a folder of its own, or move them away. (The panel writes no checkpoints: it trains again on every edit.)`,
    );
    assert.equal(run.status, 'finished');
    assert.deepEqual(readdirSync(join(dir, 'ckpt')).sort(), ['metrics.jsonl', 'step-000099.safetensors']);
    assert.equal(readFileSync(join(dir, 'ckpt', 'metrics.jsonl'), 'utf8'), '{"epoch": 1, "loss": 0.5}\n');
  });

  it('says when a run of another process is writing the folder it follows, or the folder the file would write', async () => {
    // `flab checkpoints` and the panel were silent on a folder a live run was writing (its last
    // checkpoint may be incomplete), and the panel on one `flab train` would refuse for its lock.
    const { hostname } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'flab-writing-'));
    cpSync(join(EXAMPLES, 'checkpoints', 'run'), join(dir, 'run'), { recursive: true });
    // Written an hour ago: settled, not still being written.
    const past = new Date(Date.now() - 3_600_000);
    for (const f of readdirSync(join(dir, 'run'))) utimesSync(join(dir, 'run', f), past, past);
    // The test runner, alive and another process than this one, holds the folder.
    const since = new Date().toISOString();
    writeFileSync(join(dir, 'run', '.flab-run.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), started: since }));
    const text = readFileSync(join(EXAMPLES, 'checkpoints', 'follow-mlp.flab.json'), 'utf8');
    const run = runOf(await runTrainingJob(job(text, false, dir), new AbortController().signal, () => undefined));
    assert.deepEqual(run.curves.step, [0, 20, 40, 60, 80, 100], 'read as it is');
    assert.equal(run.notices[0], `A run (flab's process ${process.ppid}, started ${since}) is writing checkpoints into ${join(dir, 'run')} (.flab-run.lock): what was read is what it had written so far — its last checkpoint may be incomplete (its metrics line is written after its file); read again once it ends.`);
    // A network file writing into a folder a sweep holds: flab train would refuse it now.
    const network = bridge.replace('"steps": 1500', '"steps": 20, "checkpoints": { "every": 10, "path": "ckpt" }');
    mkdirSync(join(dir, 'ckpt'));
    writeFileSync(join(dir, 'ckpt', '.flab-run.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), started: since, sweep: true }));
    const trained = runOf(await runTrainingJob(job(network, false, dir), new AbortController().signal, () => undefined));
    assert.equal(trained.notices.find((n) => n.startsWith('training.checkpoints')), `training.checkpoints.path: \`flab train\` would refuse the folder ${join(dir, 'ckpt')} now: a sweep (flab's process ${process.ppid}, started ${since}) is writing checkpoints into ${join(dir, 'ckpt')} (.flab-run.lock), a folder for each of its values. (The panel writes no checkpoints: it trains again on every edit.)`);
    assert.equal(trained.status, 'finished', 'the panel trains all the same');
  });

  it('locates a bad file and a bad data set, and sends a linear file to its own panel', async () => {
    const signal = new AbortController().signal;
    const broken = await runTrainingJob(job(bridge.replace('"steps": 1500', '"steps": -3')), signal, () => undefined);
    assert.equal(broken.kind, 'invalid');
    assert.ok(broken.kind === 'invalid' && broken.diagnostics[0].offset > 0 && /training\.steps/.test(broken.diagnostics[0].path), JSON.stringify(broken));
    const missing = await runTrainingJob(job(bridge.replace('"data": { "train": { "x": [[1], [2], [-1]], "y": [[0.9], [2.1], [-1.0]] } }', '"data": { "format": "csv", "trainFile": "nowhere.csv" }')), signal, () => undefined);
    assert.equal(missing.kind, 'invalid');
    assert.ok(missing.kind === 'invalid' && /nowhere\.csv/.test(missing.diagnostics[0].message) && missing.diagnostics[0].offset > 0, JSON.stringify(missing));
    // A data entry beyond float32, named by its JSON path and quoted as the file writes it (not as 3.5e+38), as the command line does.
    const huge = await runTrainingJob(job(bridge.replace('"x": [[1], [2], [-1]]', '"x": [[1], [3.50e38], [-1]]')), signal, () => undefined);
    assert.ok(huge.kind === 'invalid' && huge.diagnostics[0].path === 'data.train.x[1][0]' && /^data\.train\.x\[1\]\[0\]: expected a finite number.* found 3\.50e38$/.test(huge.diagnostics[0].message), JSON.stringify(huge));
    const linear = await runTrainingJob(job(readFileSync(join(EXAMPLES, 'alignment.flab.json'), 'utf8')), signal, () => undefined);
    assert.equal(linear.kind, 'linear');
    // Describing a long file: its kind, title and sweep, without training.
    const described = await runTrainingJob({ ...job(bridge), describeOnly: true }, signal, () => assert.fail('no snapshot'));
    assert.ok(described.kind === 'run' && described.runKind === 'network' && described.result === null && /bridge/i.test(described.title ?? ''), JSON.stringify(described).slice(0, 300));
  });

  it('locates a sweep value\'s own failure at its sweep entry, as flab sweep does; the file\'s own at its key', async () => {
    const signal = new AbortController().signal;
    const dir = mkdtempSync(join(tmpdir(), 'flab-worker-sweep-'));
    writeFileSync(join(dir, 'six.csv'), 'a,b,y\n0,1,0\n1,0,1\n1,1,1\n0,0,0\n2,1,1\n1,2,0\n');
    const text = JSON.stringify({ model: { hidden: [3] }, data: { format: 'csv', trainFile: 'six.csv', train: 4 }, training: { learningRate: 0.5, steps: 2 }, sweep: { 'data.train': [4, 30] } }, null, 2);
    const sweepJob = (i: number, t = text): TrainingJob => ({ ...job(t, false, dir), sweepIndex: i });
    assert.equal((await runTrainingJob(sweepJob(0), signal, () => undefined)).kind, 'run');
    const bad = await runTrainingJob(sweepJob(1), signal, () => undefined);
    assert.ok(bad.kind === 'invalid', JSON.stringify(bad));
    const d = bad.diagnostics[0];
    assert.equal(d.path, 'sweep.data.train[1]');
    assert.match(d.message, /^sweep value 1, data\.train = 30: 30 training samples asked for/);
    assert.equal(text.slice(d.offset, d.offset + d.length), '30');
    // A data file missing whatever the value is the file's: located at its own key.
    const missing = text.replace('six.csv', 'nowhere.csv');
    const m = await runTrainingJob(sweepJob(1, missing), signal, () => undefined);
    assert.ok(m.kind === 'invalid' && m.diagnostics[0].path === 'data.trainFile' && !/sweep value/.test(m.diagnostics[0].message), JSON.stringify(m));
  });

  it('tells a sweep value\'s run the length of every value, for the sweep\'s time left (a subset size\'s too)', async () => {
    const signal = new AbortController().signal;
    const dir = mkdtempSync(join(tmpdir(), 'flab-worker-lengths-'));
    writeFileSync(join(dir, 'six.csv'), 'a,b,y\n0,1,0\n1,0,1\n1,1,1\n0,0,0\n2,1,1\n1,2,0\n');
    const lengthsOf = async (training: object, sweep: object): Promise<((number | null)[] | undefined)[]> => {
      const text = JSON.stringify({ model: { hidden: [3] }, data: { format: 'csv', trainFile: 'six.csv', train: 4 }, training: { learningRate: 0.5, ...training }, sweep }, null, 2);
      const snapshots: RunView[] = [];
      const run = runOf(await runTrainingJob({ ...job(text, false, dir), sweepIndex: 1 }, signal, (s) => snapshots.push(s)));
      return [...snapshots.filter((s) => s.status === 'training'), run].map((s) => s.progress?.valueSteps);
    };
    // Two epochs of 4 samples in batches of 1, 2 and 4: 8, 4 and 2 steps — on every snapshot and the end.
    for (const told of await lengthsOf({ epochs: 2 }, { 'training.batchSize': [1, 2, 4] })) assert.deepEqual(told, [8, 4, 2]);
    for (const told of await lengthsOf({ batchSize: 2 }, { 'training.epochs': [1, 3] })) assert.deepEqual(told, [2, 6]);
    // A subset size: each value's set is known from the one read (v samples), so its length too (it was null).
    for (const told of await lengthsOf({ epochs: 2 }, { 'data.train': [2, 4] })) assert.deepEqual(told, [2, 2], 'two epochs of one whole-set batch each');
    for (const told of await lengthsOf({ epochs: 2, batchSize: 1 }, { 'data.train': [2, 4] })) assert.deepEqual(told, [4, 8], 'two epochs of 2 and 4 samples a step at a time');
    for (const told of await lengthsOf({ steps: 5 }, { 'data.train': [2, 4] })) assert.deepEqual(told, [5, 5], 'steps: whatever the training set');
    // Not a sweep's value: no lengths.
    assert.equal(runOf(await runTrainingJob(job(bridge), signal, () => undefined)).progress?.valueSteps, undefined);
    // And the work of each value's step (`onnxStepWork` of its batch and weights): a width sweep's grows with the width.
    const workOf = async (model: object, sweep: object): Promise<(number | null)[] | undefined> => {
      const text = JSON.stringify({ model, data: { format: 'csv', trainFile: 'six.csv', train: 4 }, training: { learningRate: 0.5, batchSize: 2, epochs: 1 }, sweep }, null, 2);
      return runOf(await runTrainingJob({ ...job(text, false, dir), sweepIndex: 0 }, signal, () => undefined)).progress?.valueStepWork;
    };
    // Layers 2-h-2 (six.csv: 2 features, classes 0 and 1): 4h weights.
    assert.deepEqual(await workOf({ hidden: [3] }, { 'model.hidden[0]': [3, 30, 300] }), [3, 30, 300].map((h) => onnxStepWork(2, 4 * h)));
    assert.deepEqual(await workOf({ hidden: [3] }, { 'data.train': [2, 4] }), [onnxStepWork(2, 12), onnxStepWork(2, 12)], 'a subset size: batches of 2 from either set');
  });
});

describe('explainLayerLabel', () => {
  it('gives the label layerLabel gives, with the criteria that decided it, over random scores', () => {
    const rng = new Rng(5);
    const maybe = (x: number) => (rng.uniform() < 0.1 ? null : x);
    for (let k = 0; k < 3000; k++) {
      const byKernel = rng.uniform() < 0.6;
      const rise = Math.exp(-4 * rng.uniform());
      const fall = Math.exp(-4 * rng.uniform());
      const s: LayerScores = {
        kernelChange: byKernel ? Math.exp(-5 * rng.uniform()) : null,
        tangentChange: byKernel ? maybe(Math.exp(-5 * rng.uniform())) : null,
        zetaChange: [rise, -fall],
        alignment: maybe(rise),
        disalignment: maybe(fall),
        normChange: [0.1, -0.2],
        balanceChange: maybe(Math.exp(2 * rng.normal())),
        distance: rng.uniform(),
        maxDistance: Math.exp(-4 * rng.uniform()),
        startsAtZero: false,
        kernelNotFinite: false,
        kernelOmitted: null,
        frozen: false,
        weightsNotFinite: false, collapsed: false, lossBlewUp: null, kernelPending: false,
      };
      const records = 1 + Math.floor(rng.uniform() * 5);
      const e = explainLayerLabel(s, records, DEFAULT_LAYER_THRESHOLDS);
      assert.equal(e.label, layerLabel(s, records, DEFAULT_LAYER_THRESHOLDS), JSON.stringify(s));
      if (e.label === null) continue;
      assert.equal(e.regime, e.label === 'kernel' ? 'kernel regime' : 'feature learning');
      assert.ok(e.reasons.length >= 1);
      const mechanisms = (e.label.startsWith('mixed: ') ? e.label.slice(7).split('+') : [e.label]).filter((m) => m !== 'kernel');
      for (const m of ['alignment', 'disalignment'] as const) {
        const c = e.criteria.find((x) => x.name === m)!;
        assert.equal(c.decisive, mechanisms.includes(m), `${m} decisive for ${e.label}`);
      }
      for (const c of e.criteria) if (c.value !== null && c.name !== 'balanceChange') assert.equal(c.reached, c.value >= c.threshold, c.name);
    }
  });
});

describe('the records a snapshot carries', () => {
  it('are all of them up to MAX_DRAWN_RECORDS; past it, each stretch\'s first, highest and lowest loss, the last, and the sparse measurements', () => {
    assert.equal(drawnRecords([1, 2, 3], [], 3), null);
    // 20,001 records of a loss that falls with a spike at 12,345 and a NaN at 15,000, ζ measured at five records.
    const n = 20_001;
    const loss = Array.from({ length: n }, (_, i): number | null => (i === 12_345 ? 50 : i === 15_000 ? NaN : 10 / (1 + i)));
    const zeta = Array.from({ length: n }, (_, i): number | null => ([0, 777, 5_001, 9_999, 20_000].includes(i) ? 0.5 : null));
    const kept = drawnRecords(loss, [zeta], 300)!;
    assert.ok(kept.length <= 1.5 * 300 + 5, `${kept.length} records`);
    assert.deepEqual(kept, [...kept].sort((a, b) => a - b), 'in order');
    assert.equal(new Set(kept).size, kept.length, 'each once');
    for (const i of [0, 777, 5_001, 9_999, 12_345, 15_000, 20_000]) assert.ok(kept.includes(i), `record ${i}`);
    // A ζ measured at every record follows the buckets (a cheap network measures it everywhere).
    const dense = drawnRecords(loss, [loss.map(() => 0.5)], 300)!;
    assert.ok(dense.length <= 1.5 * 300 + 1, `${dense.length}`);
  });

  it('a run of more records than that sends that many, and says so; Export Data keeps them all', async () => {
    const long = bridge.replace('"steps": 1500, "record": { "every": 10 }', '"steps": 6000, "record": { "every": 1 }');
    assert.notEqual(long, bridge);
    const snapshots: RunView[] = [];
    const o = await runTrainingJob(job(long), new AbortController().signal, (s) => snapshots.push(s));
    assert.ok(o.kind === 'run');
    const run = runOf(o);
    assert.ok(run.curves.step.length <= 1.5 * MAX_DRAWN_RECORDS + 1 && run.curves.step.length < 6001, `${run.curves.step.length} drawn`);
    assert.equal(run.curves.step.at(-1), 6000, 'the last record is drawn');
    for (const c of [run.curves.distance, run.curves.losses[0].values, run.curves.layers[0].norm, run.curves.alignment[0].zeta]) assert.equal(c.length, run.curves.step.length);
    assert.ok(run.notices.some((n) => new RegExp(`^The charts draw [\\d,]+ of the 6,001 records`).test(n)), run.notices.join(' | '));
    assert.equal((o.result as { step: number[] }).step.length, 6001, 'the result, for Export Data, has every record');
    for (const s of snapshots) assert.ok(s.curves.step.length <= 1.5 * MAX_DRAWN_RECORDS + 1, `a snapshot of ${s.curves.step.length} records`);
  });

  it('in a sweep, each value draws its share of them: the panel\'s message carries every value\'s records', async () => {
    // Four values of 20,001 records each made a 1.5 MB message four times a second per worker, all
    // serialized on the extension host's main thread (`npm run bench`, "training panel").
    assert.equal(drawnBudget(1), MAX_DRAWN_RECORDS);
    assert.equal(drawnBudget(4), MAX_DRAWN_RECORDS / 4);
    assert.equal(drawnBudget(1000), 128, 'at least 128 records a value');
    const swept = bridge
      .replace('"steps": 1500, "record": { "every": 10 }', '"steps": 3000, "record": { "every": 1 }')
      .replace('"init": { "scheme": "xavier", "scale": 0.05, "seed": 3 },', '"init": { "scheme": "xavier", "scale": 0.05, "seed": 3 }, "sweep": { "init.scale": [0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09] },');
    assert.ok(swept.includes('"sweep"') && swept.includes('"steps": 3000'));
    const o = await runTrainingJob({ ...job(swept), sweepIndex: 3 }, new AbortController().signal, () => undefined);
    const run = runOf(o);
    assert.ok(run.curves.step.length <= 1.5 * drawnBudget(8) + 1 && run.curves.step.length > 100, `${run.curves.step.length} drawn`);
    assert.equal(run.curves.step.at(-1), 3000, 'the last record is drawn');
    assert.ok(run.notices.some((n) => /^The charts draw [\d,]+ of the 3,001 records/.test(n)), run.notices.join(' | '));
    // The same run alone draws every record (3,001 ≤ MAX_DRAWN_RECORDS).
    const alone = runOf(await runTrainingJob(job(swept.replace(/"sweep": \{[^}]*\},/, '')), new AbortController().signal, () => undefined));
    assert.equal(alone.curves.step.length, 3001);
  });
});
