import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCheckpoints } from '../../../src/core/checkpoints/checkpointReader';
import { SafetensorsFile } from '../../../src/core/checkpoints/safetensors';
import { writeSafetensors } from '../../../src/core/checkpoints/writeSafetensors';
import { ExperimentError } from '../../../src/core/experiment/errors';
import { Rng } from '../../../src/core/math/rng';
import { DataError } from '../../../src/core/network/data/dataError';
import { NetworkExperiment } from '../../../src/core/network/networkExperiment';
import { parseAnyExperiment } from '../../../src/core/runs/anyExperiment';
import { linearBridge } from '../../../src/core/runs/bridge';
import { checkpointColumns, columnsCsv, trainColumns } from '../../../src/core/runs/layerCsv';
import { simulate } from '../../../src/core/runs/simulate';
import { solve } from '../../../src/core/runs/solve';
import { NetworkRun, trainExperiment, trainSweep } from '../../../src/core/runs/train';
import { LoadedDataCache } from '../../../src/core/network/data/loadedDataCache';
import { npyBytes } from '../network/data/fixtures';

const REPO = process.cwd();

/** A network experiment from its file's value. */
function experiment(value: Record<string, unknown>): NetworkExperiment {
  const r = parseAnyExperiment(JSON.stringify(value));
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.parsed?.kind, 'network');
  return r.parsed!.experiment as NetworkExperiment;
}

/** A small inline classification set: 3 features, 3 classes, 60 training and 15 test samples. */
function inline(seed: number) {
  const rng = new Rng(seed);
  const split = (n: number) => {
    const x = Array.from({ length: n }, () => Array.from({ length: 3 }, () => Math.fround(rng.normal())));
    return { x, y: x.map((r) => (r[0] > 0.5 ? 2 : r[1] > 0 ? 1 : 0)) };
  };
  return { train: split(60), test: split(15) };
}

const temp = () => mkdtempSync(join(tmpdir(), 'flab-train-'));

test('a run prints every key of the issue: columns per record, layers and pairs named as checkpoints name them, every number finite or null', async () => {
  const e = experiment({ name: 'tiny', model: { hidden: [8, 6], bias: true }, data: inline(1), init: { seed: 2 }, training: { optimizer: 'sgd', momentum: 0.5, learningRate: 0.2, batchSize: 20, epochs: 4, record: { every: 2 } } });
  const records: number[] = [];
  const r = await trainExperiment(e, { baseDir: temp(), onRecord: (x) => records.push(x.step) });
  assert.deepEqual(r.step, records);
  assert.deepEqual(r.step, [0, 2, 4, 6, 8, 10, 12]);
  assert.equal(r.name, 'tiny');
  assert.deepEqual(r.network, { sizes: [3, 8, 6, 3], parameters: 3 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3, loss: 'crossEntropy', recordEvery: 2 });
  assert.deepEqual({ ...r.data, source: undefined }, { source: undefined, train: 60, test: 15, features: 3, sampleShape: [3], outputs: 3, classes: 3 });
  for (const key of ['step', 'epoch', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'distance', 'kernelChange', 'tangentChange'] as const) assert.equal(r[key].length, 7, key);
  assert.deepEqual(r.layers.map((l) => [l.name, l.shape]), [['fc1.weight', [8, 3]], ['fc2.weight', [6, 8]], ['fc3.weight', [3, 6]]]);
  assert.deepEqual(r.alignment.map((a) => a.layers), [['fc1.weight', 'fc2.weight'], ['fc2.weight', 'fc3.weight']]);
  const numbers = JSON.stringify(r).match(/-?\d[\d.eE+-]*|null|NaN|Infinity/g)!;
  assert.ok(!numbers.includes('NaN') && !numbers.includes('Infinity'));
  assert.ok(r.testAccuracy.every((a) => a !== null && a >= 0 && a <= 1));
  assert.ok(r.alignment.every((a) => a.zeta.every((z) => z !== null && z >= 0 && z <= 1)), 'a small network measures ζ at every record');
  assert.equal(r.summary.records, 7);
  assert.deepEqual(r.summary.thresholds, { kernelChange: 0.1, tangentChange: 0.1, zetaChange: 0.1, balanceChange: 1, distance: 0.1 });
  assert.ok(r.summary.label !== null && r.summary.bestTestAccuracy !== null);
  assert.equal(r.checkpoints, null);
  // The CSV has the JSON's columns, named by their JSON paths.
  const csv = columnsCsv(trainColumns(r)).trim().split('\n');
  assert.equal(csv[0], 'step,epoch,trainLoss,trainAccuracy,testLoss,testAccuracy,distance,kernelChange,tangentChange,layers[0].norm,layers[0].distance,layers[1].norm,layers[1].distance,layers[2].norm,layers[2].distance,alignment[0].zeta,alignment[0].zetaTop,alignment[1].zeta,alignment[1].zetaTop');
  assert.equal(csv.length, 8);
  assert.deepEqual(csv[3].split(',').map((v) => (v === '' ? null : Number(v))), trainColumns(r).map((c) => c.values[2]));
});

test('checkpoints: written every k steps as the trainer holds the weights, with a metrics line each, and read back to the same curves', async () => {
  const dir = temp();
  writeFileSync(join(dir, 'net.flab.json'), '{}');
  const e = experiment({ model: { hidden: [5], bias: true }, data: inline(3), init: { seed: 4 }, training: { learningRate: 0.3, batchSize: 20, epochs: 5, record: { every: 3 }, checkpoints: { every: 6 } } });
  const run = await NetworkRun.load(e, { baseDir: dir, fileName: 'net.flab.json' });
  const held = new Map<number, Float32Array[]>();
  await run.run({ onRecord: (r) => held.set(r.step, [...run.training.currentWeights().map((w) => w.data as Float32Array), ...run.training.currentBiases()!]) });
  const files = await run.checkpointsWritten();
  const result = run.result(files);
  run.dispose();
  const folder = join(dir, 'runs', 'net');
  assert.equal(result.checkpoints!.folder, folder, 'runs/<file name> beside the file');
  assert.deepEqual(files, ['step-000000.safetensors', 'step-000006.safetensors', 'step-000012.safetensors', 'step-000015.safetensors'], 'every 6 steps and the last (15)');
  for (const name of files) {
    const step = Number(/\d+/.exec(name)![0]);
    const file = await SafetensorsFile.open(join(folder, name));
    assert.deepEqual(file.header.metadata, { step: String(step), writer: 'flab' });
    assert.deepEqual(file.header.tensors.map((t) => [t.name, t.dtype, t.shape]), [['fc1.weight', 'F32', [5, 3]], ['fc1.bias', 'F32', [5]], ['fc2.weight', 'F32', [3, 5]], ['fc2.bias', 'F32', [3]]]);
    const read = [await file.read(file.tensor('fc1.weight')!), await file.read(file.tensor('fc2.weight')!), await file.read(file.tensor('fc1.bias')!), await file.read(file.tensor('fc2.bias')!)];
    await file.close();
    assert.deepEqual(read.map((a) => Array.from(a)), held.get(step)!.map((a) => Array.from(a)), `step ${step}: the weights at that record, bit for bit`);
  }
  const lines = readFileSync(join(folder, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.step), [0, 6, 12, 15]);
  const at = (s: number) => result.step.indexOf(s);
  for (const l of lines) {
    assert.equal(l.loss, result.testLoss[at(l.step)], 'the test set\'s loss when there is one');
    assert.equal(l.accuracy, result.testAccuracy[at(l.step)]);
    assert.equal(l.trainLoss, result.trainLoss[at(l.step)]);
  }
  // The checkpoint experiment finds the trainer's own curves at those steps (biases are not layers: the
  // distance there is over the weights alone).
  const back = await readCheckpoints({ path: 'runs/net/*.safetensors' }, { baseDir: dir });
  assert.deepEqual(back.step, [0, 6, 12, 15]);
  assert.deepEqual(back.summary.layers, ['fc1.weight', 'fc2.weight']);
  back.step.forEach((s, k) => {
    for (let l = 0; l < 2; l++) assert.ok(Math.abs(back.layers[l].norm[k] - result.layers[l].norm[at(s)]) <= 1e-12 * result.layers[l].norm[at(s)]);
    assert.ok(Math.abs(back.alignment[0].zeta[k]! - result.alignment[0].zeta[at(s)]!) <= 1e-5, `ζ at step ${s}`);
    assert.equal(back.accuracy![k], result.testAccuracy[at(s)]);
  });
  assert.equal(columnsCsv(checkpointColumns(back)).split('\n')[0], 'step,files,distance,layers[0].norm,layers[0].distance,layers[1].norm,layers[1].distance,alignment[0].zeta,alignment[0].zetaTop,loss,accuracy');
});

test('a new run clears only what the trainer wrote before: its own checkpoints and the metrics file', async () => {
  const dir = temp();
  const folder = join(dir, 'ck');
  const e = experiment({ model: { hidden: [4] }, data: inline(5), training: { learningRate: 0.1, steps: 4, record: { every: 2 }, checkpoints: { every: 2, path: 'ck' } } });
  const first = await trainExperiment(e, { baseDir: dir });
  assert.deepEqual(first.checkpoints!.files, ['step-000000.safetensors', 'step-000002.safetensors', 'step-000004.safetensors']);
  // An older, longer run of ours left step 6; notes sit beside it.
  await writeSafetensors(join(folder, 'step-000006.safetensors'), [{ name: 'fc1.weight', dtype: 'F32', shape: [1, 1], data: [1] }], { step: '6', writer: 'flab' });
  writeFileSync(join(folder, 'notes.txt'), 'keep');
  await trainExperiment(e, { baseDir: dir });
  assert.deepEqual(readdirSync(folder).sort(), ['metrics.jsonl', 'notes.txt', 'step-000000.safetensors', 'step-000002.safetensors', 'step-000004.safetensors']);
  assert.equal(readFileSync(join(folder, 'metrics.jsonl'), 'utf8').trim().split('\n').length, 3, 'this run\'s lines only');
  // Someone else's checkpoint of the same name pattern: the run is refused before anything is deleted
  // (a checkpoint experiment reading the folder would take it for this run's).
  await writeSafetensors(join(folder, 'step-000007.safetensors'), [{ name: 'fc1.weight', dtype: 'F32', shape: [1, 1], data: [1] }], { step: '7' });
  const metricsBefore = readFileSync(join(folder, 'metrics.jsonl'), 'utf8');
  await assert.rejects(trainExperiment(e, { baseDir: dir }), (err: ExperimentError) => {
    assert.equal(err.path, 'training.checkpoints.path');
    assert.match(err.message, /^cannot write checkpoints into .*ck: it holds a checkpoint flab did not write \(step-000007\.safetensors\): a new run deletes and empties only what flab wrote/);
    return true;
  });
  assert.deepEqual(readdirSync(folder).sort(), ['metrics.jsonl', 'notes.txt', 'step-000000.safetensors', 'step-000002.safetensors', 'step-000004.safetensors', 'step-000007.safetensors'], 'nothing deleted');
  assert.equal(readFileSync(join(folder, 'metrics.jsonl'), 'utf8'), metricsBefore, 'nothing emptied');
  // A live view that reruns on every edit can leave the folder alone.
  const dry = await trainExperiment(e, { baseDir: temp(), writeCheckpoints: false });
  assert.equal(dry.checkpoints, null);
});

test('a sweep over a key outside the data reads a data set above the kept size once, not once per value', async () => {
  // A breaker's finding: all of CIFAR-10 (184 MB as float32) was read again for each value, 6 s a value:
  // the data kept between runs was capped at MAX_KEPT_DATA_BYTES, though each run holds the data anyway.
  const dir = temp();
  const count = 22_000;
  const features = 800; // 70.4 MB as float32, above the 64 MiB kept between the runs of a worker
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const x = new Uint8Array(count * features).map((_, i) => (i * 7919) % 251);
  writeFileSync(join(dir, 'x.npy'), npyBytes('|u1', [count, features], x));
  writeFileSync(join(dir, 'y.npy'), npyBytes('|u1', [count], labels));
  // A time in whole seconds, which utimes sets again exactly.
  const time = 1_700_000_000;
  utimesSync(join(dir, 'x.npy'), time, time);
  const e = experiment({ model: { hidden: [4] }, data: { format: 'npy', trainX: 'x.npy', trainY: 'y.npy', classes: 10 }, training: { batchSize: 10, steps: 2 }, sweep: { 'init.scale': [1, 2] } });
  // Before value 1, x.npy is damaged in place with its size, inode and time kept: a sweep that read it
  // again would fail there; one that kept what value 0 read trains value 1 on it.
  const onRun = (i: number) => {
    if (i !== 1) return;
    const path = join(dir, 'x.npy');
    const bytes = readFileSync(path);
    bytes.fill(0, 0, 8);
    writeFileSync(path, bytes);
    utimesSync(path, time, time);
  };
  const r = await trainSweep(e, { baseDir: dir, fileName: 'big.flab.json', onRun });
  assert.deepEqual(r.failures, []);
  assert.deepEqual(r.runs.map((x) => x!.data.train), [count, count]);
});

test('a sweep trains once per value, each with its own checkpoint folder; a cancelled run rejects; data problems keep their place', async () => {
  const dir = temp();
  const e = experiment({ model: { hidden: [4] }, data: inline(6), training: { learningRate: 0.1, steps: 4, record: { every: 2 }, checkpoints: { every: 4 } }, sweep: { 'model.hidden[0]': [2, 6] } });
  const started: number[] = [];
  const r = await trainSweep(e, { baseDir: dir, fileName: 'w.flab.json', onRun: (_, v) => started.push(v) });
  assert.deepEqual(started, [2, 6]);
  assert.deepEqual(r.runs.map((x) => x!.network.sizes), [[3, 2, 3], [3, 6, 3]]);
  assert.deepEqual(readdirSync(join(dir, 'runs', 'w')).sort(), ['model.hidden_0_=2', 'model.hidden_0_=6']);
  assert.ok(existsSync(join(dir, 'runs', 'w', 'model.hidden_0_=6', 'step-000004.safetensors')));

  // The values share one load of the data, unless the swept key is one of the data's own.
  const cache = new LoadedDataCache();
  await trainSweep(e, { baseDir: dir, fileName: 'w.flab.json', dataCache: cache });
  assert.equal(cache.hits, 1);
  const sizes = await trainSweep(experiment({ model: { hidden: [4] }, data: { dataset: 'mnist', train: 20 }, training: { steps: 2 }, sweep: { 'data.train': [20, 30] } }), { baseDir: dir, mnistDir: join(process.cwd(), 'media', 'mnist'), dataCache: cache });
  assert.equal(cache.hits, 1);
  assert.deepEqual(sizes.runs.map((x) => x!.data.train), [20, 30]);

  const controller = new AbortController();
  const long = experiment({ model: { hidden: [4] }, data: inline(7), training: { learningRate: 0.1, steps: 100000, record: { every: 1000 } } });
  const pending = trainExperiment(long, { baseDir: dir, signal: controller.signal, onRecord: () => controller.abort() });
  await assert.rejects(pending, { name: 'AbortError' });

  const csv = experiment({ model: { hidden: [4] }, data: { format: 'csv', trainFile: 'missing.csv' } });
  await assert.rejects(trainExperiment(csv, { baseDir: dir }), (err: unknown) => err instanceof DataError && err.path === 'data.trainFile' && /missing.csv: file not found/.test(err.message));
  const regression = experiment({ model: { hidden: [4] }, data: { train: { x: [[1], [2]], y: [[1], [2]] } }, training: { loss: 'crossEntropy' } });
  await assert.rejects(trainExperiment(regression, { baseDir: dir }), (err: Error & { problems?: { path: string }[] }) => err.problems?.[0].path === 'training.loss');
});

test('random draws beyond float32 of an init.scale written as a width power are refused at init.scale.base, with the value used', async () => {
  const dir = temp();
  const setup = async (scale: object) => {
    const e = experiment({ model: { hidden: [1000] }, data: inline(3), init: { scale }, training: { learningRate: 0.1, steps: 1 } });
    return NetworkRun.load(e, { baseDir: dir }).then(
      (run) => {
        run.dispose();
        return [];
      },
      (err: Error & { problems?: { path: string; message: string }[] }) => err.problems ?? [{ path: '', message: err.message }],
    );
  };
  const over = await setup({ widthExponent: 4, base: 1e30 });
  assert.deepEqual(over.map((p) => p.path), ['init.scale.base'], 'where it was init.scale, which the file writes as an object');
  assert.match(over[0].message, /^init\.scale\.base = 1e30; the value used, base · d\^4 at d = 1000 \(the last hidden layer's width\), is 1e42: W_1's draws .* beyond the float32 range .*: give a smaller init\.scale \(its base\)$/);
  const under = await setup({ widthExponent: -4, base: 1e-40 });
  assert.deepEqual(under.map((p) => p.path), ['init.scale.base']);
  assert.match(under[0].message, /^init\.scale\.base = 1e-40; the value used, base · d\^-4 at d = 1000 \(the last hidden layer's width\), is 1e-52: W_1's draws .* are all below the smallest float32 magnitude .*: give a larger init\.scale \(its base\), or 0 if that is what you mean$/);
  // A plain number stays where it is.
  const plain = await setup(1e42 as unknown as object);
  assert.deepEqual(plain.map((p) => p.path), ['init.scale']);
});

test('the bridge: trained as a network, the linear model follows its exact descent to float32 accuracy and its exact flow at first order in the rate', async () => {
  const file = JSON.parse(readFileSync(join(REPO, 'examples', 'networks', 'bridge-linear-network.flab.json'), 'utf8'));
  const errors: number[] = [];
  for (const scale of [1, 0.5]) {
    const steps = Math.round(600 / scale);
    const e = experiment({ ...file, training: { ...file.training, learningRate: [0.02 * scale, 0.02 * scale], steps, record: { every: Math.round(20 / scale) } } });
    const run = await NetworkRun.load(e, { baseDir: REPO });
    await run.run();
    const r = run.result();
    const bridge = linearBridge(run.spec, run.data.train, r.step);
    run.dispose();
    assert.ok('experiment' in bridge, 'reason' in bridge ? bridge.reason : '');
    const gd = simulate(bridge.experiment);
    const flow = solve(bridge.experiment);
    let toDescent = 0;
    let toFlow = 0;
    r.step.forEach((_, k) => {
      // W₂ = uᵀ and W₁ = W: their norms are |u| and ‖W‖_F; the pair's ζ is |ζ|.
      for (const [a, b, c] of [[r.layers[1].norm[k], gd.normU[k], flow.normU[k]], [r.layers[0].norm[k], gd.normW[k], flow.normW[k]], [r.alignment[0].zeta[k]!, Math.abs(gd.zeta[k]!), Math.abs(flow.zeta[k]!)]]) {
        toDescent = Math.max(toDescent, Math.abs(a - b));
        toFlow = Math.max(toFlow, Math.abs(a - c));
      }
    });
    assert.ok(toDescent < 1e-5, `the network's SGD is the linear model's gradient descent: ${toDescent}`);
    errors.push(toFlow);
  }
  const ratio = errors[0] / errors[1];
  assert.ok(errors[0] > 1e-3 && ratio > 1.7 && ratio < 2.3, `first order in the rate: ${errors.map((x) => x.toExponential(2)).join(' → ')}, ratio ${ratio.toFixed(2)}`);
  // What is not a linear model says why.
  const relu = experiment({ ...file, model: { ...file.model, activation: 'relu' } });
  const run = await NetworkRun.load(relu, { baseDir: REPO });
  const not = linearBridge(run.spec, run.data.train, [0]);
  run.dispose();
  assert.deepEqual(not, { reason: 'its activation is relu, the linear model\'s is linear' });
});
