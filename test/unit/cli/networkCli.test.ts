/**
 * `flab train`, `flab checkpoints` and `flab sweep` on network files, as processes of the built CLI
 * (dist/cli.js, which loads the WebAssembly binaries from dist/ as an installed one does): the keys the
 * issues list, CSV columns, bad input as located errors with the existing exit codes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { writeSafetensors } from '../../../src/core/checkpoints/writeSafetensors';
import { normaliseNetworkExperiment } from '../../../src/core/network/networkExperiment';
import { NetworkRun } from '../../../src/core/runs/train';
import { checkOutput } from '../../../src/cli/network/train';

const CLI = resolve(__dirname, '../../../../dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'flab-network-cli-'));

function flab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

const data = { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0], [2, 1], [1, 2]], y: [0, 1, 1, 0, 1, 0] }, test: { x: [[2, 2], [0, 2]], y: [1, 0] } };
const tiny = { name: 'tiny', model: { hidden: [4] }, data, training: { learningRate: 0.5, steps: 6, record: { every: 2 } } };

test('flab train prints the keys of the issue as JSON, CSV or the summary', () => {
  const file = write('tiny.flab.json', tiny);
  const json = flab('train', file);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stderr, '');
  const r = JSON.parse(json.stdout);
  for (const key of ['step', 'epoch', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'distance', 'kernelChange', 'tangentChange']) assert.equal(r[key].length, 4, key);
  assert.deepEqual(r.step, [0, 2, 4, 6]);
  assert.deepEqual(Object.keys(r.layers[0]), ['name', 'shape', 'norm', 'distance']);
  assert.deepEqual(Object.keys(r.alignment[0]), ['layers', 'zeta', 'zetaTop']);
  assert.equal(r.summary.status, 'finished');
  assert.ok(typeof r.summary.label === 'string');
  // The summary's final values: the last record's, each layer's and pair's too, named as in the columns
  // (it held the scalars only: the final ζ of each pair, which the paper plots, was not among them).
  const f = r.summary.final;
  for (const key of ['step', 'epoch', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'distance', 'kernelChange', 'tangentChange']) assert.equal(f[key], r[key].at(-1), key);
  assert.deepEqual(f.layers, r.layers.map((l: { name: string; norm: number[]; distance: number[] }) => ({ name: l.name, norm: l.norm.at(-1), distance: l.distance.at(-1) })));
  assert.deepEqual(f.alignment, r.alignment.map((a: { layers: string[]; zeta: number[]; zetaTop: number[] }) => ({ layers: a.layers, zeta: a.zeta.at(-1), zetaTop: a.zetaTop.at(-1) })));
  assert.ok(f.alignment[0].zeta > 0 && f.layers[0].norm > 0);
  const csv = flab('train', file, '--csv');
  assert.equal(csv.code, 0);
  const lines = csv.stdout.trim().split('\n');
  assert.equal(lines[0], 'step,epoch,trainLoss,trainAccuracy,testLoss,testAccuracy,distance,kernelChange,tangentChange,layers[0].norm,layers[0].distance,layers[1].norm,layers[1].distance,alignment[0].zeta,alignment[0].zetaTop');
  assert.equal(lines.length, 5);
  assert.equal(Number(lines[2].split(',')[2]), r.trainLoss[1], 'the same numbers as --json');
  // The summary and the data line: a label is not read without what it was trained on.
  const summary = JSON.parse(flab('train', file, '--summary').stdout);
  assert.deepEqual(summary, { ...r.summary, data: r.data.source });
  assert.match(summary.data, /\d+ training samples?/);
});

test('the bridge prints its exact flow beside its records, in JSON and CSV; any other network none', () => {
  // The panel drew the flow under the trained points, and Export Data (this output) had none of it.
  const bridge = resolve(__dirname, '../../../../examples/networks/bridge-linear-network.flab.json');
  const r = JSON.parse(flab('train', bridge).stdout);
  const f = r.exactFlow;
  for (const key of ['zeta', 'loss']) assert.equal(f[key].length, r.step.length, key);
  assert.equal(f.norms.length, 2);
  assert.ok(Math.abs(f.zeta[0] - r.alignment[0].zeta[0]) < 1e-6 && Math.abs(f.loss[0] - r.trainLoss[0]) < 1e-6 * r.trainLoss[0], 'the same θ₀');
  r.layers.forEach((l: { norm: number[] }, i: number) => assert.ok(Math.abs(f.norms[i][0] - l.norm[0]) < 1e-6 * l.norm[0], `‖W${i + 1}‖ at θ₀`));
  assert.ok(Math.abs(f.loss.at(-1) - r.trainLoss.at(-1)) < 1e-3 * r.trainLoss.at(-1), 'the same loss at the end');
  const header = flab('train', bridge, '--csv').stdout.split('\n')[0];
  assert.ok(header.endsWith(',exactFlow.zeta,exactFlow.loss,exactFlow.norms[0],exactFlow.norms[1]'), header);
  assert.equal(JSON.parse(flab('train', write('tiny-flow.flab.json', tiny)).stdout).exactFlow, undefined, 'a ReLU network is not the linear model');
});

test('a diverging run exits 0, says where it diverged and keeps the curves so far', () => {
  const file = write('diverge.flab.json', { ...tiny, model: { hidden: [4], activation: 'linear' }, data: { train: { x: [[1], [2], [3]], y: [[1], [2], [3]] } }, training: { loss: 'squared', learningRate: 50, steps: 50, record: { every: 1 } } });
  const r = flab('train', file);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.summary.status, 'diverged');
  assert.ok(out.summary.divergedAt > 0 && out.summary.divergedAt < 50);
  assert.equal(out.step.length, out.summary.divergedAt + 1, 'the records before it, and one at it');
  assert.equal(out.trainLoss.at(-1), null, 'its loss, step d\'s own, not finite');
  assert.equal(out.summary.label, null);
  assert.ok(!/NaN|Infinity/.test(r.stdout));
  // Standard error says so in every format: --csv has no room for the status.
  const note = `${file}: note: the loss stopped being finite at step ${out.summary.divergedAt}, and the training stopped there: the records up to step ${out.step.at(-1)} are printed (the last made there: its train loss step ${out.summary.divergedAt}'s own, not finite (null), its weights those whose loss was not finite), without a label\n`;
  assert.equal(r.stderr, note);
  for (const format of ['--csv', '--summary']) assert.equal(flab('train', file, format).stderr, note, format);
  assert.equal(flab('train', write('fine.flab.json', tiny)).stderr, '', 'nothing for a run that finished');
  // Diverging between records: a record at the divergence, and the note says what it holds.
  const sparse = write('diverge-sparse.flab.json', { ...JSON.parse(readFileSync(file, 'utf8')), training: { loss: 'squared', learningRate: 50, steps: 50, record: { every: 49 } } });
  const p = flab('train', sparse);
  const between = JSON.parse(p.stdout);
  assert.deepEqual(between.step, [0, out.summary.divergedAt]);
  assert.equal(between.trainLoss[1], out.trainLoss.slice(1, -1).reduce((a: number, b: number) => a + b, 0) / (out.step.length - 2), 'the mean of the finite batches since step 0');
  assert.equal(p.stderr, `${sparse}: note: the loss stopped being finite at step ${out.summary.divergedAt}, and the training stopped there: the records up to step ${out.summary.divergedAt} are printed (the last made there: its train loss that of the finite batches before it, its weights those whose loss was not finite), without a label\n`);
  // A loss not finite at θ₀ (first outputs beyond float32) is no divergence: said so, with what to change.
  const at0 = write('diverge-at-0.flab.json', { ...tiny, init: { scale: 1e30 } });
  const z = flab('train', at0, '--summary');
  assert.equal(z.code, 0);
  // Its own status, not "diverged" (which a sweep over a rate reads as the rate's instability); divergedAt
  // still names the step whose loss was not finite.
  assert.deepEqual([JSON.parse(z.stdout).status, JSON.parse(z.stdout).divergedAt, JSON.parse(z.stdout).records], ['notTrained', 0, 0]);
  assert.equal(JSON.parse(flab('train', at0, '--json').stdout).summary.status, 'notTrained');
  assert.equal(z.stderr, `${at0}: note: the loss at the initial weights θ₀ is not finite in float32, the trainer's arithmetic: the first outputs, or their loss, overflow, so nothing was trained (no record, no label) — give a smaller init.scale, model.outputScale below 1 (add "outputScale" to model: the default is 1), or inputs normalised (add "normalize": "standardize" or "scale01" to data)\n`);
  // A run whose weights never moved (σ = 10⁻³⁰: the float32 passes underflow) says why it has no label.
  const frozen = write('frozen.flab.json', { ...tiny, model: { hidden: [8, 8, 8] }, init: { scale: 1e-30 }, training: { learningRate: 1000, steps: 6, record: { every: 2 } } });
  const f = flab('train', frozen, '--summary');
  assert.equal(JSON.parse(f.stdout).label, null);
  // Told apart at θ₀ (2026-12-03): the gradient underflows, not dead units or a stationary point.
  assert.equal(f.stderr, `${frozen}: note: no label: the weights never moved — every update was exactly 0 in float32: the gradient at θ₀ is at most 6.05e-91, below float32's smallest number (1.4e-45), so it underflows to 0 — a larger initialisation (init.scale) or output scale (model.outputScale) trains it\n`);
  // Zero steps: θ₀ measured, no label, and a note says why.
  for (const length of [{ epochs: 0 }, { steps: 0 }]) {
    const none = write('zero-steps.flab.json', { ...tiny, training: { learningRate: 0.5, ...length } });
    const n = flab('train', none, '--summary');
    assert.equal(n.code, 0, n.stderr);
    assert.deepEqual([JSON.parse(n.stdout).status, JSON.parse(n.stdout).totalSteps, JSON.parse(n.stdout).label], ['finished', 0, null]);
    assert.equal(n.stderr, `${none}: note: no label: the run has 0 steps (training.epochs or training.steps is 0), so its one record measures θ₀ alone\n`);
  }
  // A sweep names the run.
  const sweep = write('diverge-sweep.flab.json', { ...JSON.parse(readFileSync(file, 'utf8')), sweep: { 'training.learningRate': [0.01, 50] } });
  const s = flab('sweep', sweep, '--csv');
  assert.equal(s.code, 0, s.stderr);
  assert.equal(s.stderr, `${sweep}: note: sweep value 1, training.learningRate = 50: the loss stopped being finite at step ${out.summary.divergedAt}, and the training stopped there: the records up to step ${out.step.at(-1)} are printed (the last made there: its train loss step ${out.summary.divergedAt}'s own, not finite (null), its weights those whose loss was not finite), without a label\n`);
  // A sweep over σ: the value whose θ₀ overflows is not trained, the others are; each says which.
  const sigma = write('sigma-sweep.flab.json', { ...tiny, sweep: { 'init.scale': [1, 1e30] } });
  const g = flab('sweep', sigma, '--summary');
  assert.equal(g.code, 0, g.stderr);
  assert.deepEqual(JSON.parse(g.stdout).summaries.map((x: { status: string }) => x.status), ['finished', 'notTrained']);
  assert.ok(JSON.parse(g.stdout).summaries.every((x: { data: string }) => /training samples?/.test(x.data)), 'each value\'s data line');
  assert.equal(g.stderr, `${sigma}: note: sweep value 1, init.scale = 1e30: the loss at the initial weights θ₀ is not finite in float32, the trainer's arithmetic: the first outputs, or their loss, overflow, so nothing was trained (no record, no label) — give a smaller init.scale, model.outputScale below 1 (add "outputScale" to model: the default is 1), or inputs normalised (add "normalize": "standardize" or "scale01" to data)\n`);
  // Its CSV has the value too: one row of empty fields (until 2026-12 the value was missing from the file).
  const lines = flab('sweep', sigma, '--csv').stdout.trimEnd().split('\n');
  const fields = lines[0].split(',').length;
  assert.ok(lines.every((l) => l.split(',').length === fields));
  // Its last field is its status — `loss not finite at start`, the JSON's notTrained, apart from a value
  // the sweep stopped before (`not started`; both were 'not trained' until 2026-12-03); the trained value's rows say finished.
  assert.equal(lines.at(-1), `1e+30${','.repeat(fields - 2)},loss not finite at start`);
  assert.ok(lines.slice(1, -1).every((l) => l.startsWith('1,') && l.endsWith(',finished')) && lines.length > 2);
});

test('flab sweep --table prints one aligned line per value, the numbers of the summaries; a diverged or untrained value says so with empty cells', () => {
  const file = write('table-sweep.flab.json', { ...tiny, sweep: { 'init.scale': [1, 0.5, 1e30] } });
  const t = flab('sweep', file, '--table');
  assert.equal(t.code, 0, t.stderr);
  const summaries = JSON.parse(flab('sweep', file, '--summary').stdout).summaries;
  const lines = t.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 6, t.stdout);
  // The data line under the table, once, as --summary carries it (the table printed none).
  assert.equal(lines.pop(), `data: ${summaries[0].data}`);
  // The train-loss column is a mean over the last record's window, not the loss at the last weights
  // (a sweep of record.every changed it with the training the same): said under the table.
  assert.equal(lines.pop(), 'train loss, last record: the mean loss of the batches since the record before it (trainLoss), not the loss at the last weights');
  assert.match(lines[0], /^init\.scale +status +label +best test accuracy +train loss, last record +distance +weight norm +kernel change +ζ fc1\.weight–fc2\.weight$/);
  // Every line as wide as the header, cells at the same places.
  const width = (line: string) => Array.from(line).length;
  for (const line of lines.slice(1)) assert.ok(width(line) <= width(lines[0]), line);
  const cells = lines.slice(1).map((l) => l.trim().split(/ {2,}/));
  assert.deepEqual(cells.map((c) => c[0]), ['1', '0.5', '1e30']);
  assert.deepEqual(cells.map((c) => c[1]), ['finished', 'finished', 'loss not finite at start']);
  cells.slice(0, 2).forEach((c, i) => {
    assert.equal(c[2], summaries[i].label);
    assert.equal(c[3], `${Number((100 * summaries[i].bestTestAccuracy).toPrecision(4))}%`);
    assert.equal(Number(c[4]), Number(summaries[i].final.trainLoss.toPrecision(4)));
    assert.equal(Number(c[5]), Number(summaries[i].final.distance.toPrecision(4)));
    // The weight norm √Σ‖W_l‖² of the last record (the paper's against σ), which only the layers' norms gave.
    const norm = Math.hypot(...(summaries[i].final.layers as { norm: number }[]).map((l) => l.norm));
    assert.equal(Number(c[6]), Number(norm.toPrecision(4)));
  });
  assert.deepEqual(cells[2].slice(2), ['–', '–', '–', '–', '–', '–', '–'], 'no label, no numbers for a value never trained');
  // A run that diverged before the kernel's second measurement has no kernel change: θ₀'s 0 is not one.
  const rates = write('table-rates.flab.json', { ...tiny, sweep: { 'training.learningRate': [0.1, 1e30] } });
  const columns = (line: string) => line.trim().split(/ {2,}/);
  const [header, finished, diverged] = flab('sweep', rates, '--table').stdout.trimEnd().split('\n').map(columns);
  const k = header.indexOf('kernel change');
  // With its step, which only the notes said (a breaker's finding).
  const divergedAt = (JSON.parse(flab('sweep', rates, '--summary').stdout) as { summaries: { divergedAt: number | null }[] }).summaries[1].divergedAt;
  assert.ok(typeof divergedAt === 'number' && divergedAt > 0);
  assert.equal(diverged[1], `diverged at step ${divergedAt}`);
  assert.equal(diverged[k], '–');
  assert.ok(Number(finished[k]) > 0, `the finished run's kernel change ${finished[k]}`);
  // Nor its distance and ζ: the blown-up weights' (2·10³⁰ and their ζ were printed), as the panel leaves them out.
  assert.deepEqual([diverged[header.indexOf('distance')], diverged[header.length - 1]], ['–', '–']);
  assert.ok(Number(finished[header.indexOf('distance')]) > 0);
});

test('flab sweep --table prints the data line of each value under the table when the values read different data', () => {
  write('table-data.csv', `a,b,label\n${Array.from({ length: 8 }, (_, i) => `${i},${i % 3},${i % 2}`).join('\n')}\n`);
  const file = write('table-data.flab.json', { ...tiny, data: { format: 'csv', trainFile: 'table-data.csv' }, sweep: { 'data.train': [4, 6] } });
  const t = flab('sweep', file, '--table');
  assert.equal(t.code, 0, t.stderr);
  assert.deepEqual(t.stdout.trimEnd().split('\n').slice(4), [
    'data, data.train = 4: CSV table-data.csv (with a header line): the first 4 training samples of 2 features; 2 classes; normalize none',
    'data, data.train = 6: CSV table-data.csv (with a header line): the first 6 training samples of 2 features; 2 classes; normalize none',
  ]);
});

test('a network that collapsed — every ReLU dead after a blow-up, its tangent features all 0 at the end — has no label, and says why', () => {
  // MNIST, squared loss, η = 50: the loss went 1.4 → 3.5·10⁵ → 0.5 flat at chance, the kernel and feature
  // changes exactly 1 (K_t = 0), and the label was "alignment" (ζ rose 0.64 with the dead network).
  const file = write('collapsed.flab.json', { model: { hidden: [8], activation: 'relu' }, data: { dataset: 'mnist', train: 1000, test: 200 }, init: { scheme: 'kaiming', scale: 1, seed: 1 }, training: { loss: 'squared', learningRate: 50, epochs: 3, batchSize: 100, record: { every: 2 } } });
  for (const backend of ['onnxruntime', 'tfjs']) {
    const r = flab('train', file, '--summary', '--backend', backend);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { label: string | null; scores: { collapsed: boolean; kernelChange: number; tangentChange: number } };
    assert.equal(s.label, null, backend);
    assert.equal(s.scores.collapsed, true, backend);
    assert.deepEqual([s.scores.kernelChange, s.scores.tangentChange], [1, 1], backend);
    // Its every ReLU of hidden layer 1 is dead at the end (`deadAtEnd`): the note names the layer and the step, as the more precise cause.
    assert.match(r.stderr, /: note: no label: the network died during training — at step 30 \(its last scanned record, and dead since the record of step \d+\) all 8 ReLU units of hidden layer 1/, backend);
  }
  // A network that trains is not collapsed.
  const healthy = JSON.parse(flab('train', write('healthy.flab.json', { ...tiny, training: { ...tiny.training, learningRate: 0.1 } }), '--summary').stdout) as { scores: { collapsed: boolean } };
  assert.equal(healthy.scores.collapsed, false);
});

test('a network whose loss blew up but stayed finite — saturated tanh or sigmoid units at η = 10⁶ — has no label, and says why', () => {
  // The loss went 2.4 → 2.9·10⁶ with test accuracy at 21%, and the label read "mixed: alignment+rescaling"
  // (sigmoid: "rescaling"): its units saturate at ±1 or 0/1, so its tangent features never vanish as a
  // collapse's do, and ζ and the norms moved with the blow-up.
  for (const activation of ['tanh', 'sigmoid']) {
    const file = write(`blown-${activation}.flab.json`, { model: { hidden: [16], activation }, data: { dataset: 'mnist', train: 300, test: 100 }, init: { seed: 1 }, training: { learningRate: 1e6, batchSize: 30, epochs: 20 } });
    const r = flab('train', file, '--summary');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { status: string; label: string | null; scores: { collapsed: boolean; lossBlewUp: { first: number; last: number } | null } };
    assert.equal(s.status, 'finished', activation);
    assert.equal(s.label, null, activation);
    assert.equal(s.scores.collapsed, false, `${activation}: not a collapse — its features did not vanish`);
    assert.ok(s.scores.lossBlewUp !== null && s.scores.lossBlewUp.last > 1e4 * s.scores.lossBlewUp.first, `${activation}: ${JSON.stringify(s.scores.lossBlewUp)}`);
    assert.match(r.stderr, /: note: no label: the test loss blew up — from [\d.]+ at the first record to [\d.e]+ at the last, more than 10 times, though it stayed finite/, activation);
  }
  // Without a test set, a full-batch run's training loss is compared; a minibatch run's is not: its
  // first record is one batch (at batch 1 one sample: 0.018 against 2.3 later, with nothing moved).
  const full = JSON.parse(flab('train', write('blown-full.flab.json', { model: { hidden: [16], activation: 'tanh' }, data: { dataset: 'mnist', train: 200 }, init: { seed: 1 }, training: { learningRate: 1e6, batchSize: 'full', steps: 20 } }), '--summary').stdout) as { label: string | null; scores: { lossBlewUp: { of: string } | null } };
  assert.equal(full.label, null);
  assert.equal(full.scores.lossBlewUp?.of, 'training');
  const xs = [[0, 0], [0, 1], [1, 0], [1, 1]];
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const single = JSON.parse(flab('train', write(`single-${seed}.flab.json`, { model: { hidden: [16] }, data: { train: { x: xs, y: [[0.5], [0.01], [2], [0.3]] }, task: 'regression' }, init: { seed }, training: { loss: 'squared', batchSize: 1, steps: 4, learningRate: 1e-6, record: { every: 4 } } }), '--summary').stdout) as { label: string | null; scores: { lossBlewUp: unknown } };
    assert.equal(single.scores.lossBlewUp, null, `seed ${seed}`);
    assert.notEqual(single.label, null, `seed ${seed}`);
  }
  // A network that trains keeps its label.
  const healthy = JSON.parse(flab('train', write('healthy-loss.flab.json', { ...tiny, training: { ...tiny.training, learningRate: 0.1 } }), '--summary').stdout) as { label: string | null; scores: { lossBlewUp: unknown } };
  assert.equal(healthy.scores.lossBlewUp, null);
  assert.notEqual(healthy.label, null);
});

test('a label whose kernel test is the distance, because float32 cannot hold the kernel, says so on standard error', () => {
  // init.scale 1e-30: the kernel underflows to 0 in float32; only --summary showed kernelNotFinite.
  const file = write('tiny-init.flab.json', { ...tiny, init: { scale: 1e-30 }, training: { learningRate: 0.5, steps: 20 } });
  for (const format of ['--json', '--csv', '--summary']) {
    const r = flab('train', file, format);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /: note: The tangent kernel could not be measured in float32 at these weights \(its products overflow, or underflow to 0\), so the distance stands for it: the network moved at most [\d.e-]+ [<≥] 0\.1 from θ₀: /, format);
  }
  assert.equal(flab('train', write('fine2.flab.json', tiny)).stderr, '', 'nothing for a kernel measured');
});

test('a data entry refused while the data load is quoted as the file writes it', () => {
  const file = write('huge-entry.flab.json', JSON.stringify({ ...tiny, data: { train: { x: [[1, 2], [3, 4]], y: [0, 1] } } }).replace('[3,4]', '[3,3.50e38]'));
  const r = flab('train', file);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /:\d+:\d+: error: data\.train\.x\[1\]\[1\]: expected a finite number within the float32 range \(±3\.4e38\), found 3\.50e38\n$/);
});

test('a file\'s errors are printed in the order of the file, whatever the order of the checks', () => {
  const file = write('two-faults.flab.json', JSON.stringify({ ...tiny, training: { optimizer: 'adam', momentum: 0.9, epochs: 2, steps: 3 } }));
  const r = flab('train', file);
  assert.equal(r.code, 1);
  // FILE:line:col: error: …
  const columns = r.stderr.trimEnd().split('\n').map((l) => Number(l.slice(file.length).split(':')[2]));
  assert.equal(columns.length, 2, r.stderr);
  assert.ok(columns[0] < columns[1], r.stderr);
  assert.match(r.stderr.split('\n')[0], /training\.momentum belongs to the "sgd" optimizer/);
});

test('flab train on a file with a sweep trains it once, as written, and says so (it said nothing: the sweep looked ignored)', () => {
  const file = write('swept.flab.json', { ...tiny, sweep: { 'training.learningRate': [0.1, 0.2, 0.4] } });
  const r = flab('train', file, '--summary');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, `${file}: note: the file sweeps training.learningRate over 3 values; flab train trained it once, as written without the sweep — \`flab sweep\` trains once per value\n`);
  assert.equal(flab('train', write('plain.flab.json', tiny), '--summary').stderr, '', 'no note without a sweep');
});

test('a sweep value whose data cannot be had is an error at that value: data.train past the file\'s samples', () => {
  write('six.csv', 'a,b,y\n0,1,0\n1,0,1\n1,1,1\n0,0,0\n2,1,1\n1,2,0\n');
  const file = write('too-many.flab.json', { model: { hidden: [3] }, data: { format: 'csv', trainFile: 'six.csv', train: 4 }, training: { learningRate: 0.5, steps: 2 }, sweep: { 'data.train': [4, 100] } });
  const r = flab('sweep', file);
  assert.equal(r.code, 1);
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('100');
  const line = text.slice(0, at).split('\n').length;
  const column = at - text.lastIndexOf('\n', at - 1);
  // The value that trained is printed all the same (test/unit/cli/sweepFailures.test.ts).
  assert.equal(r.stderr, `${file}:${line}:${column}: error: sweep value 1, data.train = 100: 100 training samples asked for, six.csv has 6\n${file}: note: 1 of 2 sweep values trained and printed; value 1 did not (null in "runs", listed in "failed")\n`);
  // A value the file's own checks refuse (a test size without a test file) takes the same form.
  const test = write('no-test-file.flab.json', { model: { hidden: [3] }, data: { format: 'csv', trainFile: 'six.csv' }, training: { learningRate: 0.5, steps: 2 }, sweep: { 'data.test': [2, 3] } });
  assert.match(flab('sweep', test).stderr, /:\d+:\d+: error: sweep value 0, data.test = 2: 2 test samples asked for, and there is no test file/);
  // A value that makes the file's labels wrong (column 1, fractional) is an error at that value, with
  // the data file's place in the message; where the file's own label column is wrong too, the error
  // stays at the file's own keys.
  write('labels.csv', 'a,b,c\n1,2,0\n3,4,1\n5,6,0.5\n7,8,1\n');
  const label = write('label-sweep.flab.json', { model: { hidden: [3] }, data: { format: 'csv', trainFile: 'labels.csv', label: 1 }, training: { learningRate: 0.5, steps: 2 }, sweep: { 'data.label': [1, 2] } });
  const bad = flab('sweep', label);
  assert.equal(bad.code, 1);
  const labelText = readFileSync(label, 'utf8');
  const valueAt = labelText.indexOf('2', labelText.indexOf('"data.label"'));
  assert.equal(bad.stderr, `${label}:${labelText.slice(0, valueAt).split('\n').length}:${valueAt - labelText.lastIndexOf('\n', valueAt - 1)}: error: sweep value 1, data.label = 2: labels.csv:4:5: label 0.5 is not a class index (a whole number ≥ 0); for numeric targets set "task": "regression"\n${label}: note: 1 of 2 sweep values trained and printed; value 1 did not (null in "runs", listed in "failed")\n`);
  const bothBad = write('label-sweep-base.flab.json', { model: { hidden: [3] }, data: { format: 'csv', trainFile: 'labels.csv', label: 2 }, training: { learningRate: 0.5, steps: 2 }, sweep: { 'data.label': [2, 1] } });
  assert.doesNotMatch(flab('sweep', bothBad).stderr, /sweep value/);
});

test('a sweep value the key refuses is located at that value, not at the first: momentum, Adam\'s β, the learning rate', () => {
  const base = { model: { hidden: [3] }, data, training: { learningRate: 0.5, steps: 2 } };
  for (const [name, training, key, values, bad, message] of [
    ['momentum', {}, 'training.momentum', [0, 0.5, 1], '1', 'sweep value 2: training.momentum must be < 1, got 1'],
    ['beta2', { optimizer: 'adam' }, 'training.beta2', [0.9, 0.99999999, 0.999], '0.99999999', 'sweep value 1, training.beta2 = 0.99999999: the trainer computes in float32, where this number would be 1, and training.beta2 must be < 1: give at most 0.99999994 (the largest float32 below 1)'],
    ['rate', {}, 'training.learningRate', [0.1, 0.2, 1e39], '1e+39', 'sweep value 2, training.learningRate = 1e+39: beyond the float32 range (magnitudes up to 3.4028235e38); the trainer computes in float32, where this number would be +Infinity and the run could only diverge: give a number of magnitude at most 3.4e38'],
    // A rate written as a power of the width: the sweep sets its base; the message says the base as
    // written and the rate used (base · d at d = 3), and the remedy is a base.
    ['rate-power', { learningRate: { widthExponent: 1, base: 0.001 } }, 'training.learningRate', [0.001, 2e38], '2e+38', 'sweep value 1, training.learningRate = 2e+38: the value used, base · d^1 at d = 3 (the last hidden layer\'s width), is 6e38: beyond the float32 range (magnitudes up to 3.4028235e38); the trainer computes in float32, where this number would be +Infinity and the run could only diverge: give a base of at most 1.1e38'],
  ] as const) {
    const file = write(`bound-${name}.flab.json`, { ...base, training: { ...base.training, ...training }, sweep: { [key]: values } });
    const r = flab('sweep', file, '--summary');
    assert.equal(r.code, 1, name);
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf(bad, text.indexOf(`"${key}"`));
    assert.equal(r.stderr, `${file}:${text.slice(0, at).split('\n').length}:${at - text.lastIndexOf('\n', at - 1)}: error: ${message}\n`, name);
  }
});

test('the output limit of flab train suggests a cadence whose output fits, in JSON and CSV', async () => {
  // Checked on loaded runs, without training them.
  const runAt = (every: number) => NetworkRun.load(normaliseNetworkExperiment({ ...tiny, training: { steps: 999_999, record: { every } } }).experiment!, { baseDir: dir });
  const [every1, every2] = [await runAt(1), await runAt(2)];
  for (const format of ['json', 'csv']) {
    assert.throws(() => checkOutput(every1, format), /record every 2 steps or more \(training\.record\.every\), or print --summary/, format);
    assert.doesNotThrow(() => checkOutput(every2, format), format);
  }
  every1.dispose();
  every2.dispose();
  // A sweep counts every value's records, before the first step: 900,000 and 100,000 steps were counted
  // as twice the first run's (and a later, longer value was refused after the first had trained).
  const sweep = write('printed-sweep.flab.json', { ...tiny, training: { record: { every: 1 } }, sweep: { 'training.steps': [900_000, 100_000] } });
  const started = performance.now();
  const r = flab('sweep', sweep, '--json');
  assert.ok(performance.now() - started < 30_000, 'refused before training');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /error: 1,000,002 records in 2 runs could print up to 372 MiB, over the output limit of 256 MiB \(docs\/limits\.md\): record every 2 steps or more/);
});

test('a refused record cadence suggests one that every check accepts: the records kept, the output of the format, checkpoints at records', async () => {
  /** What refuses `training` (the file's checks, the run's set-up, the output of `format`), checked without training. */
  const problemsOf = async (training: Record<string, unknown>, format: string): Promise<string[]> => {
    const n = normaliseNetworkExperiment({ ...tiny, training: { learningRate: 0.5, ...training } });
    if (!n.experiment) return n.problems.map((p) => `${p.path}: ${p.message}`);
    let run: NetworkRun;
    try {
      run = await NetworkRun.load(n.experiment, { baseDir: dir, writeCheckpoints: false });
    } catch (err) {
      return (err as { problems?: { message: string }[] }).problems?.map((p) => p.message) ?? [String(err)];
    }
    try {
      checkOutput(run, format);
      return [];
    } catch (err) {
      return [(err as Error).message];
    } finally {
      run.dispose();
    }
  };
  const number = (m: RegExpExecArray | null) => (m ? Number(m[1].replace(/,/g, '')) : undefined);
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    // 10⁷ steps of 2 weight matrices: the records kept (every 11 steps) and, in JSON, what --json prints (every 15).
    ['memory, json', { steps: 10_000_000, record: { every: 1 } }, 'json', /over the limit of 2,000,000 matrices in all \(every record is kept in memory\): record every 15 steps or more \(training\.record\.every\)\n/],
    ['memory, summary', { steps: 10_000_000, record: { every: 1 } }, 'summary', /\(every record is kept in memory\): record every 11 steps or more \(training\.record\.every\)\n/],
    // With checkpoints every 40 steps, the record cadence divides 40; with checkpoints every 12, none from 15 on does.
    ['memory, checkpoints 40', { steps: 10_000_000, record: { every: 1 }, checkpoints: { every: 40 } }, 'json', /: record every 20 steps \(training\.record\.every: a divisor of training\.checkpoints\.every, 40, since a checkpoint is written at a record\)\n/],
    ['memory, checkpoints 12', { steps: 10_000_000, record: { every: 1 }, checkpoints: { every: 12 } }, 'json', /: record every 15 steps \(training\.record\.every\) and write checkpoints every 15 steps or a multiple of 15 \(training\.checkpoints\.every, now 12: a checkpoint is written at a record\)\n/],
    // The output limit's own refusal (the records kept are within theirs).
    ['output, checkpoints 3', { steps: 999_999, record: { every: 1 }, checkpoints: { every: 3 } }, 'csv', /over the output limit of 256 MiB \(docs\/limits\.md\): record every 3 steps \(training\.record\.every: a divisor of training\.checkpoints\.every, 3, since a checkpoint is written at a record\), or print --summary\n/],
  ];
  for (const [name, training, format, message] of cases) {
    const file = write(`cadence-${name.replace(/\W+/g, '-')}.flab.json`, { ...tiny, training: { learningRate: 0.5, ...training } });
    const r = flab('train', file, `--${format}`);
    assert.equal(r.code, 1, name);
    assert.match(r.stderr, message, name);
    const every = number(/record every ([\d,]+) steps/.exec(r.stderr))!;
    const checkpoints = number(/write checkpoints every ([\d,]+) steps/.exec(r.stderr)) ?? (training.checkpoints as { every: number } | undefined)?.every;
    const written = { ...training, record: { every }, ...(checkpoints ? { checkpoints: { every: checkpoints } } : {}) };
    assert.deepEqual(await problemsOf(written, format), [], `${name}: the suggested cadence, written back, is accepted`);
    if (!training.checkpoints) assert.notDeepEqual(await problemsOf({ ...written, record: { every: every - 1 } }, format), [], `${name}: and it is the least`);
  }
});

test('bad data, sizes past the limits and the wrong kind are located errors (exit 1)', () => {
  const at = (file: string, ...args: string[]): string => {
    const r = flab(...args, file);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout.slice(0, 200)}`);
    assert.match(r.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: `), r.stderr);
    return r.stderr;
  };
  write('bad.csv', 'a,b,y\n1,2,0\n3,NaN,1\n');
  assert.match(at(write('nan.flab.json', { model: { hidden: [3] }, data: { format: 'csv', trainFile: 'bad.csv' } }), 'train'), /:\d+:\d+: error: bad.csv:3:3: expected a number in field 2 \("b"\), found "NaN"/);
  write('labels.csv', 'a,y\n1,0\n2,7\n');
  assert.match(at(write('labels.flab.json', { model: { hidden: [3] }, data: { format: 'csv', trainFile: 'labels.csv', classes: 3 } }), 'train'), /labels.csv:3:3: label 7 is beyond the 3 classes \(labels 0 to 2\)/);
  write('images', 'hello, this is text');
  write('lab', Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 0]).toString('latin1'));
  // Inline data is in the file itself: each problem names its JSON path, as the file's other problems do.
  const inline = (name: string, train: unknown) => at(write(name, { ...tiny, data: { train } }), 'train');
  assert.match(inline('row.flab.json', { x: [[0, 0], [0, 1], [1, 0, 3], [1, 1]], y: [0, 1, 1, 0] }), /row.flab.json:\d+:\d+: error: data\.train\.x\[2\]: expected 2 numbers \(as x\[0\] has\), found 3\n$/);
  assert.match(inline('targets.flab.json', { x: [[0, 0], [0, 1]], y: [0] }), /error: data\.train\.y: 1 target for 2 samples in "x": expected one per sample\n$/);
  assert.match(inline('label.flab.json', { x: [[0, 0], [0, 1]], y: [0, 2.5] }), /error: data\.train\.y\[1\]: label 2\.5 is not a class index/);
  // So does a data key's own problem, found while the file is read (it had no path; "data.train: …" had).
  write('two.csv', 'a,y\n1,0\n2,1\n');
  assert.match(at(write('no-test.flab.json', { model: { hidden: [3] }, data: { format: 'csv', trainFile: 'two.csv', test: 1 }, training: { steps: 2 } }), 'train'), /error: data\.test: 1 test sample asked for, and there is no test file \("testFile"\)\n$/);
  assert.match(at(write('idx.flab.json', { model: { hidden: [3] }, data: { format: 'idx', trainImages: 'images', trainLabels: 'lab' } }), 'train'), /images, byte 0: expected an IDX file, whose first two bytes are 00 00, found 68 65/);
  const wide = at(write('wide.flab.json', { model: { hidden: [200000, 200000] }, data }), 'train');
  assert.match(wide, /wide.flab.json:3:\d+: error: layer sizes 2-200000-200000-2 make 40,000,800,000 parameters, above the limit of 16,777,216/);
  // Records kept in memory (every run), then what --json could print (the command line's own limit).
  assert.match(at(write('long.flab.json', { ...tiny, training: { steps: 10_000_000, record: { every: 1 } } }), 'train'), /long.flab.json:\d+:\d+: error: a record every 1 step over 10,000,000 steps makes 10,000,001 records of 2 weight matrices, over the limit of 2,000,000 matrices in all \(every record is kept in memory\): record every 15 steps or more \(training\.record\.every\)/);
  const printedMessage = at(write('printed.flab.json', { ...tiny, training: { steps: 999_999, record: { every: 1 } } }), 'train');
  assert.match(printedMessage, /1,000,000 records could print up to .* over the output limit of 256 MiB \(docs\/limits\.md\): record every 2 steps or more \(training\.record\.every\), or print --summary/);

  assert.match(at(write('network.flab.json', tiny), 'solve'), /this is a network experiment \(its `model` has `hidden`\): `flab solve` takes the two-layer linear model; `flab train` trains it/);
  assert.match(at(write('linear.flab.json', { model: { width: 2 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1 }, learningRates: { u: 1, W: 1 } }), 'train'), /`flab train` takes a network experiment .* the two-layer linear model: `flab solve` or `flab simulate` runs it/);
  assert.match(at(write('typo.flab.json', { ...tiny, training: { learningrate: 0.1 } }), 'train'), /unknown key `learningrate` in training — did you mean `learningRate`\?/);
});

test('a network too large for the data\'s features is refused from the header, before the data is read', () => {
  // Each file declares 100 samples of 400,000 features and is cut short after its header: a refusal of
  // the parameters, not the truncation, shows the shape was weighed before the samples were read.
  const be32 = (...v: number[]) => Buffer.concat(v.map((n) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255])));
  writeFileSync(join(dir, 'wide-images.gz'), gzipSync(Buffer.concat([Buffer.from([0, 0, 8, 2]), be32(100, 400_000), Buffer.alloc(10)])));
  writeFileSync(join(dir, 'wide-labels'), Buffer.concat([Buffer.from([0, 0, 8, 1]), be32(100), Buffer.alloc(100)]));
  const refused = (name: string, d: unknown): string => {
    const r = flab('train', write(name, { model: { hidden: [50] }, data: d, training: { steps: 2 } }));
    assert.equal(r.code, 1, r.stdout.slice(0, 200));
    return r.stderr;
  };
  const idx = { format: 'idx', trainImages: 'wide-images.gz', trainLabels: 'wide-labels' };
  // The class count is known once the labels are read: at least two outputs.
  assert.match(refused('wide-idx.flab.json', idx), /wide-idx.flab.json:\d+:\d+: error: layer sizes 400000-50-k \(k ≥ 2 classes\) make at least 20,000,100 parameters, above the limit of 16,777,216/);
  assert.match(refused('wide-idx10.flab.json', { ...idx, classes: 10 }), /error: layer sizes 400000-50-10 make 20,000,500 parameters, above the limit of 16,777,216/);
  assert.match(refused('wide-regression.flab.json', { ...idx, task: 'regression' }), /error: layer sizes 400000-50-1 make 20,000,050 parameters/);
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (100, 400000), }";
  const npyHeader = Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.from([118, 0]), Buffer.from(header.padEnd(117) + '\n')]);
  writeFileSync(join(dir, 'wide-x.npy.gz'), gzipSync(Buffer.concat([npyHeader, Buffer.alloc(12)])));
  writeFileSync(join(dir, 'wide-y.npy'), Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.from([118, 0]), Buffer.from("{'descr': '<i8', 'fortran_order': False, 'shape': (100,), }".padEnd(117) + '\n'), Buffer.alloc(800)]));
  assert.match(refused('wide-npy.flab.json', { format: 'npy', trainX: 'wide-x.npy.gz', trainY: 'wide-y.npy' }), /error: layer sizes 400000-50-k \(k ≥ 2 classes\) make at least 20,000,100 parameters/);
  // A CSV file: its first line gives the features; the second line is cut short.
  write('wide.csv', `${'0,'.repeat(400_000)}1\n0,1\n`);
  assert.match(refused('wide-csv.flab.json', { format: 'csv', trainFile: 'wide.csv' }), /error: layer sizes 400000-50-k \(k ≥ 2 classes\) make at least 20,000,100 parameters/);
  // Epochs past the step limit, from the header's sample count.
  const long = flab('train', write('wide-epochs.flab.json', { model: { hidden: [1] }, data: { ...idx, classes: 10 }, training: { epochs: 2_000_000, batchSize: 1 } }));
  assert.match(long.stderr, /wide-epochs.flab.json:\d+:\d+: error: 2,000,000 epochs × 100 steps exceed the limit of 100,000,000 steps\n$/);
  // The records kept in memory, for a cadence the file writes.
  const records = flab('train', write('wide-records.flab.json', { model: { hidden: [1] }, data: { ...idx, classes: 10 }, training: { steps: 1_000_001, record: { every: 1 } } }));
  assert.match(records.stderr, /wide-records.flab.json:\d+:\d+: error: a record every 1 step over 1,000,001 steps makes 1,000,002 records of 2 weight matrices, over the limit of 2,000,000 matrices/);
  // CIFAR-10's features are fixed: weighed before its batches are counted (a gzip batch cut short here).
  writeFileSync(join(dir, 'cut.bin.gz'), gzipSync(Buffer.alloc(3073 * 2 + 5)));
  const cifar = flab('train', write('wide-cifar.flab.json', { model: { hidden: [6000] }, data: { format: 'cifar10', trainBatches: ['cut.bin.gz'] }, training: { steps: 2 } }));
  assert.match(cifar.stderr, /wide-cifar.flab.json:\d+:\d+: error: layer sizes 3072-6000-10 make 18,492,000 parameters, above the limit of 16,777,216/);
  // The embedded MNIST's ten classes are known before its labels are read.
  const mnist = flab('train', write('wider-mnist.flab.json', { model: { hidden: [30_000] }, data: { dataset: 'mnist', train: 1000 }, training: { steps: 2 } }));
  assert.match(mnist.stderr, /error: layer sizes 784-30000-10 make 23,820,000 parameters, above the limit of 16,777,216/);
});

test('flab sweep trains a network file once per value; --csv puts the swept value first', () => {
  const file = write('sweep.flab.json', { ...tiny, sweep: { 'model.hidden[0]': [2, 5] } });
  const r = JSON.parse(flab('sweep', file).stdout);
  assert.deepEqual([r.key, r.path, r.values], ['model.hidden[0]', 'model.hidden[0]', [2, 5]]);
  assert.deepEqual(r.runs.map((x: { network: { sizes: number[] } }) => x.network.sizes), [[2, 2, 2], [2, 5, 2]]);
  const csv = flab('sweep', file, '--csv').stdout.trim().split('\n');
  assert.ok(csv[0].startsWith('model.hidden[0],step,epoch,'));
  assert.equal(csv.length, 1 + 2 * 4);
  assert.ok(csv[5].startsWith('5,0,'));
  assert.equal(JSON.parse(flab('sweep', file, '--summary').stdout).summaries.length, 2);
  // --backend as for flab train: every run on the library asked for; the same numbers up to float32 rounding.
  const on = (backend: string) => JSON.parse(flab('sweep', file, '--summary', '--backend', backend).stdout).summaries as { backend: string; final: { trainLoss: number } }[];
  const [tfjs, onnx] = [on('tfjs'), on('onnxruntime')];
  assert.deepEqual(tfjs.map((x) => x.backend), ['tfjs', 'tfjs']);
  assert.deepEqual(onnx.map((x) => x.backend), ['onnxruntime', 'onnxruntime']);
  tfjs.forEach((x, i) => assert.ok(Math.abs(x.final.trainLoss - onnx[i].final.trainLoss) <= 1e-4, `run ${i}: ${x.final.trainLoss} vs ${onnx[i].final.trainLoss}`));
  const bad = flab('sweep', file, '--backend', 'gpu');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--backend takes auto, onnxruntime or tfjs, got `gpu`/);
  const linear = write('linear-sweep.flab.json', { model: { width: 2 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1 }, learningRates: { u: 1, W: 1 }, sweep: { 'model.width': [2, 3] } });
  const l = flab('sweep', linear, '--backend', 'tfjs');
  assert.equal(l.code, 2);
  assert.match(l.stderr, /--backend is for a network experiment/);
});

test('flab checkpoints: the series, the metrics, and its problems located at the key they concern', async () => {
  const w = (k: number) => Array.from({ length: 12 }, (_, i) => Math.sin(i + k));
  mkdirSync(join(dir, 'ck'), { recursive: true });
  for (const step of [0, 10, 20]) {
    await writeSafetensors(join(dir, 'ck', `step-${step}.safetensors`), [
      { name: 'fc1.weight', dtype: 'F32', shape: [4, 3], data: w(step / 10) },
      { name: 'fc2.weight', dtype: 'F16', shape: [3, 4], data: w(1 + step / 10) },
    ]);
  }
  write('ck/metrics.jsonl', '{"step": 0, "loss": 2, "accuracy": 0.1}\n{"step": 20, "loss": 1, "accuracy": 0.5}\n');
  const file = write('follow.flab.json', { checkpoints: { path: 'ck/*.safetensors' } });
  const r = flab('checkpoints', file);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.step, [0, 10, 20]);
  assert.deepEqual(out.summary.layers, ['fc1.weight', 'fc2.weight']);
  assert.deepEqual(out.loss, [2, null, 1]);
  assert.equal(out.alignment[0].zeta.length, 3);
  assert.ok(typeof out.summary.label === 'string');
  const csv = flab('checkpoints', file, '--csv').stdout.trim().split('\n');
  assert.equal(csv[0], 'step,files,distance,layers[0].norm,layers[0].distance,layers[1].norm,layers[1].distance,alignment[0].zeta,alignment[0].zetaTop,loss,accuracy');
  assert.ok(csv[2].startsWith('10,ck/step-10.safetensors,'));
  assert.ok(csv[2].endsWith(',,'), 'no metrics line at step 10: empty fields');

  // A truncated file beside whole ones: the output, and a warning located at the glob.
  write('ck/step-30.safetensors', 'x'.repeat(20));
  const warned = flab('checkpoints', file);
  assert.equal(warned.code, 0);
  assert.match(warned.stderr, /^.*follow.flab.json:\d+:\d+: warning: ck\/step-30.safetensors: /);
  assert.deepEqual(JSON.parse(warned.stdout).step, [0, 10, 20]);

  const none = flab('checkpoints', write('none.flab.json', { checkpoints: { path: 'nothing/*.safetensors' } }));
  assert.equal(none.code, 1);
  assert.match(none.stderr, /none.flab.json:\d+:\d+: error: no file matches the checkpoint path "nothing\/\*.safetensors"/);
  const missing = flab('checkpoints', write('missing.flab.json', { checkpoints: { path: 'ck/step-[012]*.safetensors', layers: ['fc1.weight', 'fc3.weight'] } }));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /missing.flab.json:4:\d+: error: layer "fc3.weight" is not in the first checkpoint, ck\/step-0.safetensors. It has: fc1.weight \[4, 3\] F32, fc2.weight \[3, 4\] F16/);
  assert.match(flab('checkpoints', write('net2.flab.json', tiny)).stderr, /`flab checkpoints` takes a checkpoint experiment .* a network experiment: `flab train` trains it/);
});

test('flab checkpoints: a warning that never stops reading stays a warning when no checkpoint is read; layers named "kernel" without "layout" are warned of', async () => {
  // Nothing matches: the glob is the error; the metrics file's percent notice was printed as `error:` too.
  mkdirSync(join(dir, 'ck-none'), { recursive: true });
  write('ck-none/metrics.jsonl', '{"step": 0, "accuracy": 50}\n{"step": 1, "accuracy": 0.5}\n');
  const none = flab('checkpoints', write('none-percent.flab.json', { checkpoints: { path: 'ck-none/*.safetensors' } }));
  assert.equal(none.code, 1);
  assert.match(none.stderr, /none-percent\.flab\.json:\d+:\d+: warning: ck-none\/metrics\.jsonl line 1, column 25: "accuracy" 50 is above 1/);
  assert.match(none.stderr, /none-percent\.flab\.json:\d+:\d+: error: no file matches the checkpoint path "ck-none\/\*\.safetensors"/);
  assert.doesNotMatch(none.stderr, /error: ck-none\/metrics/);
  // Square Flax kernels listed without "layout": read, with a warning located at checkpoints.layers.
  mkdirSync(join(dir, 'ck-kernel'), { recursive: true });
  for (const step of [0, 1]) {
    await writeSafetensors(join(dir, 'ck-kernel', `step_${step}.safetensors`), [
      { name: 'a.kernel', dtype: 'F32', shape: [2, 2], data: [1, 2, 3, 4 + step] },
      { name: 'b.kernel', dtype: 'F32', shape: [2, 2], data: [2, 1, 0, 1 + step] },
    ]);
  }
  const kernel = flab('checkpoints', write('kernel.flab.json', { checkpoints: { path: 'ck-kernel/*.safetensors', layers: ['a.kernel', 'b.kernel'] } }), '--summary');
  assert.equal(kernel.code, 0, kernel.stderr);
  assert.match(kernel.stderr, /^.*kernel\.flab\.json:4:\d+: warning: layers "a\.kernel", "b\.kernel" are named "kernel", .*set "layout": "in×out" in "checkpoints" for TensorFlow\/Keras and JAX\/Flax kernels/);
});

test('flab checkpoints: an empty layer list, a layer of zero size and NaN weights are each said, located', async () => {
  mkdirSync(join(dir, 'ck-bad'), { recursive: true });
  for (const step of [0, 10]) {
    await writeSafetensors(join(dir, 'ck-bad', `step-${step}.safetensors`), [
      { name: 'a.weight', dtype: 'F32', shape: [3, 2], data: [1, 2, 3, 4, step ? NaN : 5, 6] },
      { name: 'b.weight', dtype: 'F32', shape: [2, 3], data: [1, 0, 1, 0, 1, 0] },
      { name: 'z.weight', dtype: 'F32', shape: [0, 4], data: [] },
    ]);
  }
  // "layers": [] is an error at checkpoints.layers (the schema's minItems), never "choose them for me".
  const emptyText = '{ "checkpoints": { "path": "ck-bad/*.safetensors", "layers": [] } }';
  const empty = flab('checkpoints', write('empty-layers.flab.json', emptyText));
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, new RegExp(`empty-layers.flab.json:1:${emptyText.indexOf('[]') + 1}: error: checkpoints.layers must have at least 1 item, got 0\n$`));
  assert.equal(empty.stdout, '');
  const zeroText = JSON.stringify({ checkpoints: { path: 'ck-bad/*.safetensors', layers: ['a.weight', 'z.weight'] } }, null, 2);
  const zero = flab('checkpoints', write('zero-layer.flab.json', zeroText));
  assert.equal(zero.code, 1);
  assert.match(zero.stderr, /zero-layer.flab.json:4:\d+: error: layer "z.weight" is \[0, 4\] in the first checkpoint, ck-bad\/step-0.safetensors: it holds no weights \(a dimension is 0\)/);
  const nan = flab('checkpoints', write('nan.flab.json', JSON.stringify({ checkpoints: { path: 'ck-bad/*.safetensors', layers: ['a.weight', 'b.weight'] } }, null, 2)));
  assert.equal(nan.code, 0, nan.stderr);
  assert.match(nan.stderr, /^.*nan.flab.json:3:\d+: warning: ck-bad\/step-10.safetensors: layer "a.weight" \[3, 2\] has 1 entry that is not finite \(NaN or ±∞; the first, NaN, at row 2, column 0\) — left out \(null\) at step 10: .*; it is the last checkpoint, so the series has no label\n$/);
  const out = JSON.parse(nan.stdout);
  assert.deepEqual(out.pending, []);
  assert.equal(out.summary.label, null);
});

test('flab train from explicit all-zero weights, its kernel not measured (2,049 outputs): the label does not depend on the targets\' units', () => {
  // Only the output bias moves, by the targets' mean: an absolute distance of 0.023 (kernel) at a scale of
  // 10⁻³, 23 (rescaling) at 1 — the distance stood for the kernel with no θ₀ to be relative to.
  const labels: (string | null)[] = [];
  for (const scale of [1e-3, 1]) {
    const y = Array.from({ length: 6 }, (_, i) => Array.from({ length: 2049 }, (_, j) => scale * (((i * 7 + j * 13) % 10) / 10)));
    const file = write(`zero-init-${scale}.flab.json`, {
      model: { hidden: [3], activation: 'relu', bias: true },
      init: { weights: [Array.from({ length: 3 }, () => [0, 0]), Array.from({ length: 2049 }, () => [0, 0, 0])] },
      data: { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0], [2, 1], [1, 2]], y } },
      training: { loss: 'squared', learningRate: 0.5, steps: 10, record: { every: 5 } },
    });
    const r = flab('train', file, '--summary');
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.ok(summary.scores.kernelOmitted, 'the kernel is not measured: the distance stands for it');
    assert.equal(summary.scores.startsAtZero, true);
    assert.equal(summary.scores.deadAtStart?.deadLayer, 1);
    labels.push(summary.label);
  }
  // Zero ReLU weights are a dead network (every pre-activation 0, φ′(0) = 0: only the output bias moves),
  // labelled neither kernel nor rescaling whatever the targets' units (docs/networks.md, "Labels").
  assert.deepEqual(labels, [null, null]);
});

test('a file read from standard input writes its checkpoints into runs/experiment, not runs/-', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'flab-stdin-'));
  const r = spawnSync(process.execPath, [CLI, 'train', '-', '--summary'], { encoding: 'utf8', timeout: 60_000, cwd, input: JSON.stringify({ ...tiny, training: { ...tiny.training, checkpoints: { every: 2 } } }) });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(cwd), ['runs']);
  assert.deepEqual(readdirSync(join(cwd, 'runs')), ['experiment']);
  assert.ok(readdirSync(join(cwd, 'runs', 'experiment')).some((f) => f.endsWith('.safetensors')));
});

test('flab sweep of a network over a width-powered key says its values are bases b, as the linear model\'s sweep does', () => {
  // γ = b·d^(−1/2), d = 4 (the last hidden width): no output said 0.5 was a base.
  const file = write('wp-sweep.flab.json', { ...tiny, model: { hidden: [4], outputScale: { widthExponent: -0.5, base: 1 } }, sweep: { 'model.outputScale': [0.5, 2] } });
  const table = flab('sweep', file, '--table');
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^model\.outputScale base b \(γ = b·d\^\(−1\/2\)\) +status/);
  assert.match(table.stdout, /\nmodel\.outputScale: each value is the base b; the runs compute with γ = b·d\^\(−1\/2\), d = 4 \(the file's last hidden width\)\n$/);
  for (const format of ['--summary', '--json']) {
    const r = flab('sweep', file, format);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { widthPower: unknown }).widthPower, { exponent: -0.5, width: 4 }, format);
  }
  const plain = flab('sweep', write('plain-sweep.flab.json', { ...tiny, sweep: { 'training.learningRate': [0.1, 0.2] } }), '--summary');
  assert.equal((JSON.parse(plain.stdout) as { widthPower: unknown }).widthPower, null);
});

test('flab sweep of a network over model.outputScale.base (the path into the base) is the sweep of model.outputScale\'s base', () => {
  // It was a sweep of the path as written: `path` "model.outputScale.base", widthPower null, no word of a base.
  const value = { ...tiny, model: { hidden: [4], outputScale: { widthExponent: -0.5, base: 1 } }, sweep: { 'model.outputScale.base': [0.5, 2] } };
  assert.equal(normaliseNetworkExperiment(value).experiment?.sweep?.path, 'model.outputScale');
  const r = flab('sweep', write('wp-base-sweep.flab.json', value), '--summary');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { key: string; path: string; widthPower: unknown };
  assert.deepEqual([j.key, j.path, j.widthPower], ['model.outputScale.base', 'model.outputScale', { exponent: -0.5, width: 4 }]);  // --csv heads the swept column as the bases it holds (it said model.outputScale, as for values).
  const csv = flab('sweep', write('wp-base-sweep.flab.json', value), '--csv');
  assert.equal(csv.code, 0, csv.stderr);
  assert.match(csv.stdout, /^model\.outputScale\.base,/);
  const plain = flab('sweep', write('plain-sweep-csv.flab.json', { ...tiny, sweep: { 'training.learningRate': [0.1, 0.2] } }), '--csv');
  assert.match(plain.stdout, /^training\.learningRate,/);
});
