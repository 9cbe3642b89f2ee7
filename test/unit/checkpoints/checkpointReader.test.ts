import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, promises as fsp, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CheckpointReader, CheckpointsResult, ONE_SHOT_WAITS_MS, readCheckpoints, watchCheckpoints, WRITING_PATIENCE_MS } from '../../../src/core/checkpoints/checkpointReader';
import { writeSafetensors } from '../../../src/core/checkpoints/writeSafetensors';
import type { WeightMatrix } from '../../../src/core/network/layerMetrics';
import { checkpointColumns, columnsCsv } from '../../../src/core/runs/layerCsv';
import { absCos, close, exactNorm, normal, random, refNorm, refTop, refZeta } from './float64Reference';
import { bf16Exact, f16Exact, f32, f64, RawTensor, safetensorsBytes, withHeader } from './handWritten';

const root = mkdtempSync(join(tmpdir(), 'flab-checkpoints-'));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

/** A fresh experiment folder. */
function experiment(): string {
  const dir = join(root, `e${folders++}`);
  mkdirSync(dir);
  return dir;
}

interface Layer {
  name: string;
  dtype: 'F32' | 'F64' | 'F16' | 'BF16';
  shape: number[];
  values: number[];
}

/** Values that F16 and BF16 hold exactly: integers from −127 to 127, over 64. */
function exactValues(count: number, next: () => number): number[] {
  return Array.from({ length: count }, () => (Math.floor(next() * 255) - 127) / 64);
}

/** A network of every read dtype, a 4-D convolution kernel, a bias, and names whose natural order differs from their plain order. */
function network(seed: number): Layer[] {
  const next = random(seed);
  return [
    { name: 'conv.weight', dtype: 'F32', shape: [4, 2, 3, 3], values: Array.from({ length: 72 }, () => Math.fround(normal(next))) },
    { name: 'fc1.weight', dtype: 'F16', shape: [6, 4], values: exactValues(24, next) },
    { name: 'fc1.bias', dtype: 'F32', shape: [6], values: Array.from({ length: 6 }, () => Math.fround(normal(next))) },
    { name: 'fc10.weight', dtype: 'F64', shape: [2, 3], values: Array.from({ length: 6 }, () => normal(next)) },
    { name: 'fc2.weight', dtype: 'BF16', shape: [3, 6], values: exactValues(18, next) },
  ];
}

function encode(layer: Layer): RawTensor {
  const bytes = { F32: f32, F64: f64, F16: f16Exact, BF16: bf16Exact }[layer.dtype](layer.values);
  return { name: layer.name, dtype: layer.dtype, shape: layer.shape, bytes };
}

function writeCheckpoint(path: string, layers: Layer[], metadata?: Record<string, string>): void {
  writeFileSync(path, safetensorsBytes(layers.map(encode), metadata));
}

/** The layer as the reader measures it: rows = shape[0], columns = the rest. */
function asMatrix(layers: Layer[], name: string): WeightMatrix {
  const l = layers.find((x) => x.name === name)!;
  return { rows: l.shape[0], cols: l.values.length / l.shape[0], data: Float64Array.from(l.values) };
}

/** Every metric of `result` against the float64 reference, for checkpoints `nets` (in step order) and layers `names`. */
function checkAgainstReference(result: CheckpointsResult, nets: Layer[][], names: string[]): void {
  assert.deepEqual(
    result.layers.map((l) => l.name),
    names,
  );
  const first = names.map((n) => asMatrix(nets[0], n));
  nets.forEach((net, c) => {
    const layers = names.map((n) => asMatrix(net, n));
    let moved = 0;
    let start = 0;
    layers.forEach((w, l) => {
      const diff: WeightMatrix = { ...w, data: w.data.map((x, i) => x - first[l].data[i]) };
      close(result.layers[l].norm[c], refNorm(w), 1e-12, `norm of ${names[l]} at checkpoint ${c}`);
      close(result.layers[l].distance[c], refNorm(diff) / refNorm(first[l]), 1e-12, `distance of ${names[l]} at checkpoint ${c}`);
      moved += refNorm(diff) ** 2;
      start += refNorm(first[l]) ** 2;
    });
    close(result.distance[c], Math.sqrt(moved / start), 1e-12, `network distance at checkpoint ${c}`);
    result.alignment.forEach((pair) => {
      const a = layers[names.indexOf(pair.layers[0])];
      const b = layers[names.indexOf(pair.layers[1])];
      close(pair.zeta[c], refZeta(a, b), 1e-12, `ζ of ${pair.layers} at checkpoint ${c}`);
      // Lanczos stops at a Ritz residual of 10⁻⁶σ, warm-started from the previous checkpoint's vectors
      // (mixed with 10⁻⁵ of its fixed start): ζ_top to about 10⁻⁶ (LANCZOS_TOLERANCE).
      close(pair.zetaTop[c], absCos(refTop(b).right, refTop(a).left), 1e-6, `ζ_top of ${pair.layers} at checkpoint ${c}`);
    });
  });
}

/** Five checkpoints: steps from names (not zero-padded) and from metadata (which wins over the name). */
function fiveCheckpoints(dir: string): Layer[][] {
  mkdirSync(join(dir, 'run'));
  const nets = [0, 2, 10, 15, 20].map((s) => network(s + 1));
  writeCheckpoint(join(dir, 'run', 'step10.safetensors'), nets[2]);
  writeCheckpoint(join(dir, 'run', 'step2.safetensors'), nets[1]);
  writeCheckpoint(join(dir, 'run', 'step0.safetensors'), nets[0]);
  writeCheckpoint(join(dir, 'run', 'ckpt_7.safetensors'), nets[3], { step: '15' });
  writeCheckpoint(join(dir, 'run', 'final.safetensors'), nets[4], { format: 'pt', step: '20' });
  return nets;
}

test('a series of every dtype is ordered by step and measured as the float64 reference measures it (default layers)', async () => {
  const dir = experiment();
  const nets = fiveCheckpoints(dir);
  const result = await readCheckpoints({ path: 'run/*.safetensors' }, { baseDir: dir });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.step, [0, 2, 10, 15, 20]);
  assert.deepEqual(result.files, ['run/step0.safetensors', 'run/step2.safetensors', 'run/step10.safetensors', 'run/ckpt_7.safetensors', 'run/final.safetensors']);
  // Default: the 2-D tensors named …weight, in natural order (fc2 before fc10); not the bias, not the 4-D kernel.
  assert.equal(result.summary.layersChosen, 'default');
  assert.deepEqual(result.summary.layers, ['fc1.weight', 'fc2.weight', 'fc10.weight']);
  assert.deepEqual(
    result.alignment.map((a) => a.layers),
    [
      ['fc1.weight', 'fc2.weight'],
      ['fc2.weight', 'fc10.weight'],
    ],
  );
  checkAgainstReference(result, nets, ['fc1.weight', 'fc2.weight', 'fc10.weight']);
  assert.equal(result.distance[0], 0);
  assert.equal(result.summary.checkpoints, 5);
  assert.equal(result.summary.final!.step, 20);
  assert.equal(result.loss, undefined, 'no metrics file, no loss');
});

test('listed layers: a 4-D convolution kernel is read as out × in·k·k, in the listed order; pairs that do not chain are left out with the reason', async () => {
  const dir = experiment();
  const nets = fiveCheckpoints(dir);
  const names = ['conv.weight', 'fc1.weight', 'fc2.weight', 'fc10.weight'];
  const result = await readCheckpoints({ path: 'run/*.safetensors', layers: names }, { baseDir: dir });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.layers[0].shape, [4, 2, 3, 3]);
  assert.deepEqual([result.layers[0].rows, result.layers[0].cols], [4, 18]);
  assert.equal(result.summary.layersChosen, 'listed');
  checkAgainstReference(result, nets, names);
  const reversed = await readCheckpoints({ path: 'run/*.safetensors', layers: ['fc2.weight', 'fc1.weight', 'conv.weight'] }, { baseDir: dir });
  assert.deepEqual(reversed.alignment, []);
  assert.deepEqual(reversed.pairsLeftOut, [
    { layers: ['fc2.weight', 'fc1.weight'], reason: `"fc1.weight" [6, 4] does not follow "fc2.weight" [3, 6]: its input size 4 is not the previous layer's output size 3 (rows read as outputs), but read transposed, or in the other order, they chain (its 6 rows are the previous layer's 6 columns) — for kernels stored in × out (JAX/Flax, Keras), set "layout": "in×out" in "checkpoints"; for layers listed in reverse order, list them in network order` },
    { layers: ['fc1.weight', 'conv.weight'], reason: `"conv.weight" [4, 2, 3, 3] does not follow "fc1.weight" [6, 4]: its input size 18 is not the previous layer's output size 6 (rows read as outputs), but read transposed, or in the other order, they chain (its 4 rows are the previous layer's 4 columns) — for layers listed in reverse order, list them in network order` },
  ]);
  checkAgainstReference(reversed, nets, ['fc2.weight', 'fc1.weight', 'conv.weight']);
});

test('the metrics file beside the checkpoints adds loss and accuracy at each step, and its own curves', async () => {
  const dir = experiment();
  fiveCheckpoints(dir);
  writeFileSync(join(dir, 'run', 'metrics.jsonl'), ['{"step": 0, "loss": 2.5, "accuracy": 0.1}', '{"step": 1, "loss": 2.0}', '{"step": 2, "loss": 1.5, "accuracy": 0.6}', 'oops', '{"step": 20, "loss": 0.5, "accuracy": 0.9}', ''].join('\n'));
  const result = await readCheckpoints({ path: 'run/*.safetensors' }, { baseDir: dir });
  assert.deepEqual(result.loss, [2.5, 1.5, null, null, 0.5]);
  assert.deepEqual(result.accuracy, [0.1, 0.6, null, null, 0.9]);
  assert.deepEqual(result.metrics, { file: 'run/metrics.jsonl', step: [0, 1, 2, 20], loss: [2.5, 2.0, 1.5, 0.5], accuracy: [0.1, null, 0.6, 0.9], lossNotFinite: [] });
  assert.deepEqual(result.problems, [{ file: 'run/metrics.jsonl', message: 'run/metrics.jsonl line 4, column 1: not JSON: unexpected `oops`: the line is skipped — each line should be one object such as {"step": 100, "loss": 0.31}', key: 'checkpoints.metrics', warning: true }]);
  assert.equal(result.summary.bestAccuracy, 0.9);
  assert.equal(result.summary.final!.loss, 0.5);
  // An explicit metrics path.
  writeFileSync(join(dir, 'log.jsonl'), '{"step": 10, "loss": 1}\n');
  const other = await readCheckpoints({ path: 'run/*.safetensors', metrics: 'log.jsonl' }, { baseDir: dir });
  assert.deepEqual(other.loss, [null, null, 1, null, null]);
  // A metrics file the experiment names and that does not exist is said (the default one is optional).
  const named = await readCheckpoints({ path: 'run/*.safetensors', metrics: 'nope.jsonl' }, { baseDir: dir });
  assert.deepEqual(named.problems, [{ file: 'nope.jsonl', message: 'nope.jsonl: no such file (it is read once it exists)', key: 'checkpoints.metrics', warning: true }]);
  assert.equal(named.metrics, undefined);
  // A long file (here 200,000 lines): the best accuracy without spreading them into Math.max (it
  // overflowed the stack from about 125,000 lines).
  const lines = Array.from({ length: 200_000 }, (_, i) => `{"step": ${i}, "loss": 1, "accuracy": ${i === 123_456 ? 0.99 : 0.5}}`);
  writeFileSync(join(dir, 'long.jsonl'), lines.join('\n') + '\n');
  const long = await readCheckpoints({ path: 'run/*.safetensors', metrics: 'long.jsonl' }, { baseDir: dir });
  assert.equal(long.summary.bestAccuracy, 0.99);
});

test('bad series: no match, a missing layer (the names that exist are listed), a 1-D or integer layer, too many files', async () => {
  const dir = experiment();
  fiveCheckpoints(dir);
  const none = await readCheckpoints({ path: 'empty/*.safetensors' }, { baseDir: dir });
  assert.deepEqual(none.step, []);
  assert.deepEqual(none.problems, [{ file: null, message: `no file matches the checkpoint path "empty/*.safetensors" (in ${dir})`, key: 'checkpoints.path' }]);
  assert.equal(none.summary.label, null);
  const reader = new CheckpointReader({ path: 'run/*.safetensors', layers: ['fc1.weight', 'fc3.weight'] }, { baseDir: dir });
  assert.equal((await reader.refresh()).changed, true);
  assert.equal((await reader.refresh()).changed, false, 'a problem that stays is no change');
  const missing = reader.result();
  assert.deepEqual(missing.step, []);
  assert.deepEqual(missing.problems, [
    {
      file: null,
      message: 'layer "fc3.weight" is not in the first checkpoint, run/step0.safetensors. It has: conv.weight [4, 2, 3, 3] F32, fc1.weight [6, 4] F16, fc1.bias [6] F32, fc10.weight [2, 3] F64, fc2.weight [3, 6] BF16',
      key: 'checkpoints.layers',
    },
  ]);
  const bias = await readCheckpoints({ path: 'run/*.safetensors', layers: ['fc1.bias'] }, { baseDir: dir });
  assert.match(bias.problems[0].message, /layer "fc1.bias" is 1-D \[6\] in the first checkpoint, run\/step0.safetensors: a layer is a weight matrix \(2-D out × in\) or a convolution kernel/);
  assert.match((await readCheckpoints({ path: 'run/*.safetensors', layers: ['fc1.weight', 'fc1.weight'] }, { baseDir: dir })).problems[0].message, /layer "fc1.weight" is listed twice/);
  assert.match((await readCheckpoints({ path: 'run/*.safetensors', layers: [] }, { baseDir: dir })).problems[0].message, /lists no layers/);
  const ints = experiment();
  writeFileSync(join(ints, 'a1.safetensors'), safetensorsBytes([{ name: 'emb.weight', dtype: 'I32', shape: [2, 2], bytes: new Uint8Array(16) }]));
  const intResult = await readCheckpoints({ path: '*.safetensors', layers: ['emb.weight'] }, { baseDir: ints });
  assert.match(intResult.problems[0].message, /layer "emb.weight" is I32 in the first checkpoint, a1.safetensors; weights are read from F64, F32, F16, BF16/);
  const tables = experiment();
  writeFileSync(join(tables, 'a1.safetensors'), safetensorsBytes([{ name: 'emb.table', dtype: 'F32', shape: [2, 2], bytes: new Uint8Array(16) }]));
  const noWeights = await readCheckpoints({ path: '*.safetensors' }, { baseDir: tables });
  assert.match(noWeights.problems[0].message, /a1.safetensors, has no 2-D tensor whose name ends in "weight": list the layers under "layers". It has: emb.table \[2, 2\] F32/);
  const many = experiment();
  for (let i = 0; i <= 2000; i++) writeFileSync(join(many, `c${i}.safetensors`), '');
  const tooMany = await readCheckpoints({ path: '*.safetensors' }, { baseDir: many });
  assert.deepEqual(tooMany.step, []);
  assert.match(tooMany.problems[0].message, /matches 2,001 files, more than the 2,000 allowed: narrow it/);
});

test('bad files are skipped with their problem, the rest measured: truncated, corrupt, shape changed, duplicate or missing step, missing layer, not a file', async () => {
  const dir = experiment();
  const nets = [network(1), network(2), network(3)];
  writeCheckpoint(join(dir, 'step0.safetensors'), nets[0]);
  writeCheckpoint(join(dir, 'step1.safetensors'), nets[1]);
  writeCheckpoint(join(dir, 'step2.safetensors'), nets[2]);
  const whole = safetensorsBytes(nets[2].map(encode));
  writeFileSync(join(dir, 'step3.safetensors'), whole.subarray(0, whole.length - 10));
  writeFileSync(join(dir, 'step4.safetensors'), Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0]), whole.subarray(8)]));
  const grown = network(5).map((l) => (l.name === 'fc1.weight' ? { ...l, shape: [4, 6] } : l));
  writeCheckpoint(join(dir, 'step5.safetensors'), grown);
  writeCheckpoint(join(dir, 'again2.safetensors'), nets[1], { step: '2' });
  mkdirSync(join(dir, 'noStep'));
  writeCheckpoint(join(dir, 'noStep', 'model.safetensors'), nets[1]);
  writeCheckpoint(join(dir, 'step6.safetensors'), nets[1].filter((l) => l.name !== 'fc2.weight'));
  mkdirSync(join(dir, 'step7.safetensors'));
  writeCheckpoint(join(dir, 'step9007199254740993.safetensors'), nets[1]);
  const result = await readCheckpoints({ path: '**/*.safetensors' }, { baseDir: dir });
  assert.deepEqual(result.step, [0, 1, 2]);
  // Of step2 and again2 (metadata step 2), the first in natural order is kept: again2, which holds nets[1].
  assert.deepEqual(result.files, ['step0.safetensors', 'step1.safetensors', 'again2.safetensors']);
  checkAgainstReference(result, [nets[0], nets[1], nets[1]], ['fc1.weight', 'fc2.weight', 'fc10.weight']);
  const byFile = Object.fromEntries(result.problems.map((p) => [p.file, p.message]));
  assert.match(byFile['step3.safetensors'], /step3.safetensors: is truncated: its header indexes data up to byte \d+ but the file has \d+ bytes/);
  assert.match(byFile['step4.safetensors'], /step4.safetensors: its header length \(bytes 0–7\) is 1,099,511,627,775, more than the 100,000,000 bytes/);
  assert.equal(byFile['step5.safetensors'], 'step5.safetensors: tensor "fc1.weight" is [4, 6] here but [6, 4] in the first checkpoint, step0.safetensors: shapes must stay the same');
  assert.equal(byFile['step2.safetensors'], 'step2.safetensors: has step 2 (from its name), as again2.safetensors has (from its metadata "step"): skipped');
  assert.equal(byFile['noStep/model.safetensors'], 'noStep/model.safetensors: has no step: neither its name nor its folder\'s says one (a step token such as step=300 or step_300, an epoch token, or an integer at the end), and its metadata has no "step"');
  assert.match(byFile['step6.safetensors'], /^step6.safetensors: has no tensor "fc2.weight" \(the first checkpoint, step0.safetensors, has\). It has: conv.weight/);
  assert.equal(
    byFile['step9007199254740993.safetensors'],
    'step9007199254740993.safetensors: its name says step 9007199254740993, beyond 9,007,199,254,740,991 (2⁵³ − 1), the largest step a float64 holds exactly (steps beyond it could not be told apart): name the checkpoint by its training step, or give it a metadata "step"',
  );
  assert.equal(Object.keys(byFile).length, 7, JSON.stringify(byFile)); // the folder step7.safetensors is not matched at all
});

test('Accelerate\'s checkpoint-N/model_1 and DeepSpeed\'s step_N/rank0 are read at their folder\'s step; files of one step by their names in different folders say so', async () => {
  const dir = experiment();
  const nets = [network(1), network(2), network(3)];
  [500, 1000, 1500].forEach((step, i) => {
    mkdirSync(join(dir, 'acc', `checkpoint-${step}`), { recursive: true });
    writeCheckpoint(join(dir, 'acc', `checkpoint-${step}`, 'model_1.safetensors'), nets[i]);
    mkdirSync(join(dir, 'ds', `step_${step}`), { recursive: true });
    writeCheckpoint(join(dir, 'ds', `step_${step}`, 'rank0.safetensors'), nets[i]);
  });
  for (const path of ['acc/*/model_1.safetensors', 'ds/*/rank0.safetensors']) {
    const result = await readCheckpoints({ path }, { baseDir: dir });
    assert.deepEqual(result.step, [500, 1000, 1500], path); // they read as [1] (or [0]), the others skipped as duplicates
    assert.deepEqual(result.problems, [], path);
  }
  // Two runs whose folders do not say the step: the duplicate's message says why and what to do.
  for (const run of ['run500', 'run1000']) {
    mkdirSync(join(dir, 'runs', run), { recursive: true });
    writeCheckpoint(join(dir, 'runs', run, 'model_1.safetensors'), nets[0]);
  }
  const runs = await readCheckpoints({ path: 'runs/*/model_1.safetensors' }, { baseDir: dir });
  assert.deepEqual(runs.step, [1]);
  assert.deepEqual(
    runs.problems.map((p) => p.message),
    [
      'runs/run1000/model_1.safetensors: has step 1 (from its name), as runs/run500/model_1.safetensors has (from its name): skipped — the two are in different folders (runs/run500, runs/run1000) and their file names say one step: if the folders say the step, give them a step token (checkpoint-500, step_500, global_step500), which wins over the number a file name ends in; if the folders are different runs, narrow the glob to one',
    ],
  );
});

test('orbax\'s <step>/<item>/ layout is read at the step folder\'s step; two items of one step say where their step came from', async () => {
  const dir = experiment();
  const nets = [network(1), network(2), network(3)];
  [0, 100, 200].forEach((step, i) => {
    mkdirSync(join(dir, 'ck', String(step), 'default'), { recursive: true });
    writeCheckpoint(join(dir, 'ck', String(step), 'default', 'model.safetensors'), nets[i]);
  });
  // No step until 2026-12-03: each file skipped, its name and its folder's ("model", "default") saying none.
  const result = await readCheckpoints({ path: 'ck/*/default/model.safetensors' }, { baseDir: dir });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.step, [0, 100, 200]);
  checkAgainstReference(result, nets, ['fc1.weight', 'fc2.weight', 'fc10.weight']);
  // A glob over every item: a second item of step 100 is a duplicate, its message saying which folder said the step.
  mkdirSync(join(dir, 'ck', '100', 'state'));
  writeCheckpoint(join(dir, 'ck', '100', 'state', 'model.safetensors'), nets[1]);
  const items = await readCheckpoints({ path: 'ck/*/*/model.safetensors' }, { baseDir: dir });
  assert.deepEqual(items.step, [0, 100, 200]);
  assert.deepEqual(
    items.problems.map((p) => p.message),
    ["ck/100/state/model.safetensors: has step 100 (from the name of its folder's folder), as ck/100/default/model.safetensors has (from the name of its folder's folder): skipped"],
  );
  // Two files of one item folder take its step folder's step: they may be parts of one save, as in a folder that says the step.
  writeCheckpoint(join(dir, 'ck', '200', 'default', 'part_b.safetensors'), nets[2]);
  const parts = await readCheckpoints({ path: 'ck/*/default/*.safetensors' }, { baseDir: dir });
  assert.deepEqual(parts.step, [0, 100, 200]);
  assert.deepEqual(
    parts.problems.map((p) => p.message),
    ["ck/200/default/part_b.safetensors: has step 200 (from the name of its folder's folder), as ck/200/default/model.safetensors has (from the name of its folder's folder): skipped — the two are in one folder whose folder says the step: if they are parts of one save, they are joined only when named <name>-<i>-of-<n> (model-00001-of-00002.safetensors) or listed by an index beside them (model.safetensors.index.json, its \"weight_map\"); if they are different models, narrow the glob to one"],
  );
});

test('orbax\'s deeper layouts, <step>/<item>/ocdbt.process_0/d/…: read at the nearest step folder above, and said so', async () => {
  const dir = experiment();
  const nets = [network(1), network(2)];
  [0, 100].forEach((step, i) => {
    mkdirSync(join(dir, 'ck', String(step), 'state', 'ocdbt.process_0', 'd'), { recursive: true });
    writeCheckpoint(join(dir, 'ck', String(step), 'state', 'ocdbt.process_0', 'd', 'params.safetensors'), nets[i]);
  });
  // No step until 2026-12-03: only the folder's folder ("ocdbt.process_0") was looked at.
  const result = await readCheckpoints({ path: 'ck/**/*.safetensors' }, { baseDir: dir });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.step, [0, 100]);
  writeCheckpoint(join(dir, 'ck', '100', 'state', 'ocdbt.process_0', 'd', 'extra.safetensors'), nets[1]);
  const twice = await readCheckpoints({ path: 'ck/**/*.safetensors' }, { baseDir: dir });
  assert.deepEqual(
    twice.problems.map((p) => p.message.replace(/: if they are parts.*/, '')),
    ['ck/100/state/ocdbt.process_0/d/params.safetensors: has step 100 (from the name of the folder 3 above its folder), as ck/100/state/ocdbt.process_0/d/extra.safetensors has (from the name of the folder 3 above its folder): skipped — the two are in one folder 3 folders below the one that says the step'],
  );
});

test('PyTorch Lightning names: the step token is the step, not the version suffix -v1 or a metric (it read as step 1 and became θ₀)', async () => {
  const dir = experiment();
  const nets = [network(1), network(2), network(3), network(4)];
  writeCheckpoint(join(dir, 'epoch=0-step=0.safetensors'), nets[0]);
  writeCheckpoint(join(dir, 'epoch=2-step=300-v1.safetensors'), nets[1]);
  writeCheckpoint(join(dir, 'epoch=3-step=400-val_loss=0.25.safetensors'), nets[2]);
  writeCheckpoint(join(dir, 'step1000_acc0.91.safetensors'), nets[3]);
  const result = await readCheckpoints({ path: '*.safetensors' }, { baseDir: dir });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.step, [0, 300, 400, 1000]);
  assert.deepEqual(result.files, ['epoch=0-step=0.safetensors', 'epoch=2-step=300-v1.safetensors', 'epoch=3-step=400-val_loss=0.25.safetensors', 'step1000_acc0.91.safetensors']);
  checkAgainstReference(result, nets, ['fc1.weight', 'fc2.weight', 'fc10.weight']);
});

test('an ambiguous name is skipped with its message; epochs mixed with steps in one series are warned about', async () => {
  const dir = experiment();
  writeCheckpoint(join(dir, 'step=0.safetensors'), network(1));
  writeCheckpoint(join(dir, 'step=100-global_step=200.safetensors'), network(2));
  writeCheckpoint(join(dir, 'epoch=3.safetensors'), network(3));
  writeCheckpoint(join(dir, 'step=500.safetensors'), network(4));
  const result = await readCheckpoints({ path: '*.safetensors' }, { baseDir: dir });
  assert.deepEqual(result.step, [0, 3, 500]);
  const byFile = Object.fromEntries(result.problems.map((p) => [p.file, p.message]));
  assert.equal(byFile['step=100-global_step=200.safetensors'], 'step=100-global_step=200.safetensors: its name is ambiguous: it says two different steps, "step=100" and "global_step=200" — rename the checkpoint so that one step token says its training step (step=300), or give it a metadata "step"');
  assert.equal(byFile['null'], '1 checkpoint takes its step from an epoch in the name (epoch=3.safetensors), 2 others from a training step (step=0.safetensors, step=500.safetensors): epochs and steps count different things, so the series orders and plots them on one axis wrongly — give every checkpoint a step token (step=300) or a metadata "step"');
  // Epochs alone are a series of their own: no warning.
  const only = experiment();
  writeCheckpoint(join(only, 'epoch=0.safetensors'), network(1));
  writeCheckpoint(join(only, 'epoch=1-val_loss=0.5.safetensors'), network(2));
  const epochs = await readCheckpoints({ path: '*.safetensors' }, { baseDir: only });
  assert.deepEqual(epochs.problems, []);
  assert.deepEqual(epochs.step, [0, 1]);
});

test('Hugging Face sharded checkpoints are read at their folder\'s step, each save\'s shards joined into one checkpoint — no shard is a checkpoint of its own', async () => {
  const dir = experiment();
  const halves = (net: Layer[]) => [net.filter((l) => l.name !== 'fc10.weight'), net.filter((l) => l.name === 'fc10.weight')];
  const nets = [network(1), network(3), network(2)];
  for (const [step, net] of [[0, nets[0]], [500, nets[2]]] as const) {
    mkdirSync(join(dir, 'out', `checkpoint-${step}`), { recursive: true });
    const [a, b] = halves(net);
    writeCheckpoint(join(dir, 'out', `checkpoint-${step}`, 'model-00001-of-00002.safetensors'), a, { format: 'pt' });
    writeCheckpoint(join(dir, 'out', `checkpoint-${step}`, 'model-00002-of-00002.safetensors'), b, { format: 'pt' });
  }
  // A checkpoint of one shard is whole: read, its step the folder's.
  mkdirSync(join(dir, 'out', 'checkpoint-250'));
  writeCheckpoint(join(dir, 'out', 'checkpoint-250', 'model-00001-of-00001.safetensors'), nets[1], { format: 'pt' });
  const result = await readCheckpoints({ path: 'out/checkpoint-*/*.safetensors' }, { baseDir: dir });
  // Until 2026-12-03 each shard was refused: the series was [250] alone.
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.step, [0, 250, 500]);
  assert.deepEqual(result.files, ['out/checkpoint-0/model-*-of-00002.safetensors', 'out/checkpoint-250/model-00001-of-00001.safetensors', 'out/checkpoint-500/model-*-of-00002.safetensors']);
  checkAgainstReference(result, nets, ['fc1.weight', 'fc2.weight', 'fc10.weight']);
});

test('matches that are not checkpoint files are reported where they are and never opened: a named pipe (its writer stays blocked), a dangling link', async () => {
  const dir = experiment();
  const nets = [network(1), network(2)];
  writeCheckpoint(join(dir, 'step0.safetensors'), nets[0]);
  writeCheckpoint(join(dir, 'step1.safetensors'), nets[1]);
  const fifo = join(dir, 'step2.safetensors');
  execFileSync('mkfifo', [fifo]);
  symlinkSync(join(dir, 'nowhere'), join(dir, 'step3.safetensors'));
  // A writer blocks in open() until a reader opens the pipe: while it waits, nothing has opened it.
  const writer = spawn('sh', ['-c', 'echo x > "$0"', fifo], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const result = await readCheckpoints({ path: '*.safetensors' }, { baseDir: dir });
    assert.deepEqual(result.step, [0, 1]);
    assert.deepEqual(result.problems, [
      { file: 'step2.safetensors', message: 'step2.safetensors: is a named pipe, not a file: skipped without being opened (a checkpoint is a regular file)', key: 'checkpoints.path' },
      { file: 'step3.safetensors', message: `step3.safetensors: is a symbolic link to "${join(dir, 'nowhere')}", which does not exist: skipped — fix or remove the link`, key: 'checkpoints.path' },
    ]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(writer.exitCode, null, 'the writer of the named pipe went on: the pipe was opened');
  } finally {
    writer.kill();
  }
  // Only such matches: the series says so, and each is listed.
  const only = experiment();
  symlinkSync(join(only, 'nowhere'), join(only, 'a1.safetensors'));
  const none = await readCheckpoints({ path: '*.safetensors' }, { baseDir: only });
  assert.match(none.problems[0].message, /^no readable file matches the checkpoint path "\*\.safetensors" \(in .*\): what it matches is skipped, as said$/);
  assert.match(none.problems[1].message, /^a1.safetensors: is a symbolic link to ".*nowhere", which does not exist/);
});

test('a match that is no longer a regular file when examined is refused by what it is, in safetensors.ts\'s words, and never opened', async () => {
  // Its message said "a folder" and "a device or socket" where kindOf says "a directory", "a socket", "a character device".
  const dir = experiment();
  const nets = [network(1), network(2)];
  for (const s of [0, 1, 2]) writeCheckpoint(join(dir, `step${s}.safetensors`), nets[Math.min(s, 1)]);
  // The reader's clock is first read when the first file has been examined, after the glob: the two others are replaced then.
  let replaced = false;
  const now = () => {
    if (!replaced) {
      replaced = true;
      rmSync(join(dir, 'step1.safetensors'));
      mkdirSync(join(dir, 'step1.safetensors'));
      rmSync(join(dir, 'step2.safetensors'));
      execFileSync('mkfifo', [join(dir, 'step2.safetensors')]);
    }
    return Date.now();
  };
  const result = await readCheckpoints({ path: '*.safetensors' }, { baseDir: dir, now });
  assert.deepEqual(result.step, [0]);
  assert.deepEqual(
    result.problems.map((p) => p.message),
    ['step1.safetensors: is not a regular file (a directory): skipped without being opened', 'step2.safetensors: is not a regular file (a named pipe): skipped without being opened'],
  );
});

test('symbolic links to folders that "**" does not follow are reported at checkpoints.path: how many, and the first of them', async () => {
  // "/proc/**" wandered through /proc/<pid>/cwd and /proc/<pid>/root; not following such links must not lose checkpoints silently.
  const dir = experiment();
  const elsewhere = experiment();
  const nets = [network(1), network(2), network(3)];
  mkdirSync(join(dir, 'run'));
  writeCheckpoint(join(dir, 'run', 'step0.safetensors'), nets[0]);
  writeCheckpoint(join(dir, 'run', 'step1.safetensors'), nets[1]);
  writeCheckpoint(join(elsewhere, 'step2.safetensors'), nets[2]);
  symlinkSync(elsewhere, join(dir, 'run', 'more'));
  const result = await readCheckpoints({ path: 'run/**/*.safetensors' }, { baseDir: dir });
  assert.deepEqual(result.step, [0, 1]);
  assert.deepEqual(result.problems, [
    {
      file: null,
      message: '1 symbolic link to a folder was not followed: run/more — "**" does not descend through links, which may lead anywhere (/proc/<pid>/root leads to /); to search such a folder, name it before any "**", by its path or by "*"',
      key: 'checkpoints.path',
    },
  ]);
  // Named by "*": followed, and no problem.
  const named = await readCheckpoints({ path: 'run/*/*.safetensors' }, { baseDir: dir });
  assert.deepEqual(named.step, [2]);
  assert.deepEqual(named.problems, []);
  for (let i = 0; i < 4; i++) symlinkSync(elsewhere, join(dir, 'run', `link${i}`));
  const many = await readCheckpoints({ path: 'run/**/*.safetensors' }, { baseDir: dir });
  // The first three the crawl met, in natural order.
  assert.match(many.problems[0].message, /^5 symbolic links to folders were not followed: run\/\w+, run\/\w+, run\/\w+ and 2 more — "\*\*" does not descend/);
});

test('a refresh re-reads nothing it has: unchanged files are not opened again, changed ones are, a deleted one leaves the series', async () => {
  const dir = experiment();
  const nets = [network(1), network(2), network(3)];
  // Whole seconds, which utimes can set back exactly (stat reports finer times than it sets).
  const second = Math.floor(Date.now() / 1000) - 60;
  nets.forEach((net, s) => {
    writeCheckpoint(join(dir, `ckpt_${s}.safetensors`), net);
    utimesSync(join(dir, `ckpt_${s}.safetensors`), second, second);
  });
  const reader = new CheckpointReader({ path: '*.safetensors' }, { baseDir: dir });
  assert.deepEqual((await reader.refresh()).added, [0, 1, 2]);
  assert.deepEqual(await reader.refresh(), { changed: false, added: [] });
  // Garbage of the same size with the same modification time: not read again, so no problem appears.
  const path = join(dir, 'ckpt_1.safetensors');
  writeFileSync(path, Buffer.alloc(statSync(path).size, 0x41));
  utimesSync(path, second, second);
  assert.deepEqual(await reader.refresh(), { changed: false, added: [] });
  assert.deepEqual(reader.result().problems, []);
  // A new modification time: read again, and found corrupt.
  utimesSync(path, second, second + 5);
  const report = await reader.refresh();
  assert.equal(report.changed, true);
  assert.deepEqual(reader.result().step, [0, 2]);
  assert.equal(reader.result().problems[0].message, 'ckpt_1.safetensors: its header length (bytes 0–7) is 4,702,111,234,474,983,745, more than the 100,000,000 bytes the format allows: not a safetensors file, or corrupt');
  rmSync(join(dir, 'ckpt_2.safetensors'));
  await reader.refresh();
  assert.deepEqual(reader.result().step, [0]);
  assert.deepEqual(reader.result().problems.length, 1);
});

test('a new first checkpoint (or a changed one) is the new reference: every distance is measured again', async () => {
  const dir = experiment();
  const nets = [network(1), network(2), network(3), network(4)];
  writeCheckpoint(join(dir, 'ckpt_1.safetensors'), nets[1]);
  writeCheckpoint(join(dir, 'ckpt_2.safetensors'), nets[2]);
  const reader = new CheckpointReader({ path: '*.safetensors' }, { baseDir: dir });
  await reader.refresh();
  checkAgainstReference(reader.result(), [nets[1], nets[2]], ['fc1.weight', 'fc2.weight', 'fc10.weight']);
  writeCheckpoint(join(dir, 'ckpt_0.safetensors'), nets[0]);
  assert.deepEqual((await reader.refresh()).added, [0, 1, 2]);
  checkAgainstReference(reader.result(), [nets[0], nets[1], nets[2]], ['fc1.weight', 'fc2.weight', 'fc10.weight']);
  writeCheckpoint(join(dir, 'ckpt_0.safetensors'), nets[3]);
  utimesSync(join(dir, 'ckpt_0.safetensors'), new Date(), new Date(Date.now() + 10_000)); // surely a new time
  assert.deepEqual((await reader.refresh()).added, [0, 1, 2]);
  checkAgainstReference(reader.result(), [nets[3], nets[1], nets[2]], ['fc1.weight', 'fc2.weight', 'fc10.weight']);
});

test('live: a file still being written is skipped until whole and settled, then read; one that stays short becomes a problem', async () => {
  const dir = experiment();
  const nets = [network(1), network(2)];
  writeCheckpoint(join(dir, 'ckpt_0.safetensors'), nets[0]);
  let now = Date.now() + 60_000; // a clock a minute ahead: ckpt_0 has settled
  const reader = new CheckpointReader({ path: '*.safetensors' }, { baseDir: dir, settleMs: 500, now: () => now });
  await reader.refresh();
  assert.deepEqual(reader.result().step, [0]);
  // Half written: the header and part of the data.
  const bytes = safetensorsBytes(nets[1].map(encode));
  const path = join(dir, 'ckpt_1.safetensors');
  writeFileSync(path, bytes.subarray(0, 200));
  now = Date.now();
  assert.deepEqual(await reader.refresh(), { changed: true, added: [] });
  assert.deepEqual(reader.result().pending, ['ckpt_1.safetensors']);
  assert.deepEqual(reader.result().problems, []);
  // Whole, but just written: not yet (a writer that makes the file at full length first would fool the length check).
  appendFileSync(path, bytes.subarray(200));
  now = Date.now();
  await reader.refresh();
  assert.deepEqual(reader.result().step, [0]);
  now += 500;
  assert.deepEqual((await reader.refresh()).added, [1]);
  assert.deepEqual(reader.result().step, [0, 1]);
  assert.deepEqual(reader.result().pending, []);
  checkAgainstReference(reader.result(), nets, ['fc1.weight', 'fc2.weight', 'fc10.weight']);
  // A file that stays short is pending while its writer may be at work (a pause past the settling time
  // was reported as truncated), then reported, and read once it is completed.
  const short = join(dir, 'ckpt_2.safetensors');
  writeFileSync(short, bytes.subarray(0, 100));
  now = Date.now();
  await reader.refresh();
  assert.deepEqual(reader.result().problems, []);
  now += 500;
  await reader.refresh();
  assert.deepEqual([reader.result().problems, reader.result().pending], [[], ['ckpt_2.safetensors']], 'a writer paused past settleMs');
  now += WRITING_PATIENCE_MS;
  await reader.refresh();
  assert.match(reader.result().problems[0].message, /ckpt_2.safetensors: its header needs bytes 8–\d+ but the file has 100 bytes/);
  assert.deepEqual(reader.result().pending, []);
  writeFileSync(short, bytes);
  utimesSync(short, new Date(), new Date(Date.now() - 10_000));
  await reader.refresh();
  assert.deepEqual(reader.result().step, [0, 1, 2]);
  assert.deepEqual(reader.result().problems, []);
});

test('live: a modification time in the future (clock skew) settles once two refreshes see the same size', async () => {
  const dir = experiment();
  writeCheckpoint(join(dir, 'ckpt_0.safetensors'), network(1));
  utimesSync(join(dir, 'ckpt_0.safetensors'), new Date(), new Date(Date.now() + 3_600_000));
  let now = Date.now();
  const reader = new CheckpointReader({ path: '*.safetensors' }, { baseDir: dir, settleMs: 300, now: () => now });
  await reader.refresh();
  assert.deepEqual(reader.result().step, []);
  now += 300;
  await reader.refresh();
  assert.deepEqual(reader.result().step, [0]);
});

test('watching: a checkpoint written completely appears within a second; stop ends the loop', async () => {
  const dir = experiment();
  writeCheckpoint(join(dir, 'ckpt_0.safetensors'), network(1));
  utimesSync(join(dir, 'ckpt_0.safetensors'), new Date(), new Date(Date.now() - 10_000));
  const reader = new CheckpointReader({ path: '*.safetensors' }, { baseDir: dir, settleMs: 200 });
  const seen: number[][] = [];
  let resolveSecond: (ms: number) => void = () => undefined;
  const second = new Promise<number>((resolve) => (resolveSecond = resolve));
  let written = 0;
  const watcher = watchCheckpoints(reader, (result) => {
    seen.push(result.step);
    if (result.step.length === 2) resolveSecond(performance.now() - written);
  }, { intervalMs: 100 });
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(seen, [[0]]);
  const net = network(2);
  await writeSafetensors(
    join(dir, 'ckpt_1.safetensors'),
    net.map((l) => ({ name: l.name, dtype: l.dtype, shape: l.shape, data: l.values })),
  );
  written = performance.now();
  const latency = await Promise.race([second, new Promise<number>((r) => setTimeout(() => r(Infinity), 3000))]);
  await watcher.stop();
  assert.ok(latency < 1000, `appeared after ${latency} ms`);
  assert.deepEqual(seen.at(-1), [0, 1]);
  const count = seen.length;
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(seen.length, count, 'no update after stop');
});

test('the summary labels kernel, alignment, disalignment and rescaling with the linear model\'s thresholds', async () => {
  // Two layers, 4 → 3 → 2. Checkpoint 0: W2's rows orthogonal to W1's output directions (ζ = 0).
  const w1 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]; // outputs along e1, e2 of the hidden space
  const w2 = [0, 0, 1, 0, 0, 1]; // reads only e3
  const w2aligned = [0.6, 0.8, 0, 0, 0, 0.1]; // reads e1, e2
  const write = async (dir: string, step: number, a: number[], b: number[]) =>
    writeSafetensors(join(dir, `s${step}.safetensors`), [
      { name: 'l1.weight', dtype: 'F64', shape: [3, 4], data: a },
      { name: 'l2.weight', dtype: 'F64', shape: [2, 3], data: b },
    ]);
  const label = async (pairs: [number[], number[]][]) => {
    const dir = experiment();
    for (const [s, [a, b]] of pairs.entries()) await write(dir, s, a, b);
    return (await readCheckpoints({ path: '*.safetensors' }, { baseDir: dir })).summary;
  };
  const aligned = await label([
    [w1, w2],
    [w1, w2aligned],
  ]);
  assert.equal(aligned.label, 'alignment');
  close(aligned.scores!.alignment, 1 / (Math.SQRT2 * Math.sqrt(1.01)), 1e-12, 'ζ from 0 to ‖W₂W₁‖/(‖W₂‖‖W₁‖)');
  assert.equal((await label([
    [w1, w2aligned],
    [w1, w2],
  ])).label, 'disalignment');
  assert.equal((await label([
    [w1, w2],
    [w1.map((x) => 3 * x), w2.map((x) => 3 * x)],
  ])).label, 'rescaling');
  assert.equal((await label([
    [w1, w2aligned],
    [w1.map((x) => 20 * x), w2],
  ])).label, 'mixed: disalignment+rescaling'); // l1 grew 20×, l2 did not: balance change ln 20 > 1
  const kernel = await label([
    [w1, w2],
    [w1.map((x) => x * 1.01), w2],
  ]);
  assert.equal(kernel.label, 'kernel');
  assert.ok(kernel.scores!.distance < 0.1);
  assert.equal((await label([[w1, w2]])).label, null, 'one checkpoint: no label');
});

/**
 * Runs `body` while `fs.promises.stat` reports a new modification time for `path` at each of its next
 * `times` calls — as a file that something touches (os.utime, rsync) or rewrites while it is read: the
 * reader's look (stat) and its open (fstat) disagree. Deterministic, where a toucher process is not.
 */
async function whileChanging<T>(path: string, times: number, body: () => Promise<T>): Promise<T> {
  const stat = fsp.stat;
  let calls = 0;
  fsp.stat = (async (p: string, ...rest: unknown[]) => {
    const real = await (stat as (p: string, ...r: unknown[]) => Promise<import('node:fs').Stats>)(p, ...rest);
    if (p !== path || calls >= times) return real;
    calls++;
    return Object.assign(Object.create(Object.getPrototypeOf(real) as object) as import('node:fs').Stats, real, { mtimeMs: real.mtimeMs + 1000 * calls });
  }) as typeof fsp.stat;
  try {
    return await body();
  } finally {
    fsp.stat = stat;
  }
}

test('one-shot: a checkpoint that changes while it is read is looked at again; one that keeps changing is left out with a warning, never silently', async () => {
  const dir = experiment();
  const nets = [network(1), network(2), network(3)];
  nets.forEach((net, s) => writeCheckpoint(join(dir, `step${s}.safetensors`), net));
  const first = join(dir, 'step0.safetensors');
  const names = ['fc1.weight', 'fc2.weight', 'fc10.weight'];
  // Changing at the first two looks: read at the third, the reference of every distance as it should be.
  const settled = await whileChanging(first, 2, () => readCheckpoints({ path: '*.safetensors' }, { baseDir: dir, waits: [1, 1, 1] }));
  assert.deepEqual(settled.step, [0, 1, 2]);
  assert.deepEqual(settled.problems, []);
  assert.deepEqual(settled.pending, []);
  checkAgainstReference(settled, nets, names);
  // Changing at every look: left out, and since it would have been the first checkpoint, the warning
  // says from which checkpoint every distance is measured instead. Nothing is left pending.
  const left = await whileChanging(first, Infinity, () => readCheckpoints({ path: '*.safetensors' }, { baseDir: dir, waits: [1, 1] }));
  assert.deepEqual(left.step, [1, 2]);
  assert.deepEqual(left.pending, []);
  assert.equal(left.problems.length, 1);
  assert.equal(left.problems[0].key, 'checkpoints.path');
  assert.equal(left.problems[0].file, 'step0.safetensors');
  assert.match(
    left.problems[0].message,
    /^step0\.safetensors: left out: its modification time changed while it was read, at each of 3 looks over \d+\.\d s \(something is still writing or touching it: read again once nothing does\) — it would have been the first checkpoint \(step 0\), the reference θ₀ of every distance: every distance is measured from step1\.safetensors \(step 1\) instead$/,
  );
  checkAgainstReference(left, [nets[1], nets[2]], names);
  // A later checkpoint left out says nothing of the reference.
  const later = await whileChanging(join(dir, 'step2.safetensors'), Infinity, () => readCheckpoints({ path: '*.safetensors' }, { baseDir: dir, waits: [1] }));
  assert.deepEqual(later.step, [0, 1]);
  assert.match(later.problems[0].message, /^step2\.safetensors: left out: its modification time changed while it was read, at each of 2 looks over \d+\.\d s \(something is still writing or touching it: read again once nothing does\)$/);
  // Bounded: a writer that never stops costs the waits (1.55 s), never a hang.
  assert.ok(ONE_SHOT_WAITS_MS.reduce((a, b) => a + b, 0) <= 2000);
  const started = performance.now();
  const bounded = await whileChanging(first, Infinity, () => readCheckpoints({ path: '*.safetensors' }, { baseDir: dir }));
  assert.ok(performance.now() - started < 5000, `${performance.now() - started} ms`);
  assert.match(bounded.problems[0].message, /at each of 6 looks/);
  // Live reading keeps such a file pending (it is read once it settles), with no problem.
  const reader = new CheckpointReader({ path: '*.safetensors' }, { baseDir: dir });
  await whileChanging(first, Infinity, () => reader.refresh());
  assert.deepEqual(reader.result().pending, ['step0.safetensors']);
  assert.deepEqual(reader.result().problems, []);
  await reader.refresh();
  assert.deepEqual(reader.result().step, [0, 1, 2]);
  assert.deepEqual(reader.result().pending, []);
});

test('a file left out that would have been the first checkpoint says so, whatever left it out (here: corrupt)', async () => {
  const dir = experiment();
  const nets = [network(1), network(2)];
  writeCheckpoint(join(dir, 'step1.safetensors'), nets[0]);
  writeCheckpoint(join(dir, 'step2.safetensors'), nets[1]);
  writeFileSync(join(dir, 'step0.safetensors'), withHeader('{"fc1.weight": nope}'));
  const r = await readCheckpoints({ path: '*.safetensors' }, { baseDir: dir });
  assert.deepEqual(r.step, [1, 2]);
  assert.equal(
    r.problems[0].message,
    'step0.safetensors: the header is not valid JSON at byte 23: unexpected `nope` — it would have been the first checkpoint (step 0), the reference θ₀ of every distance: every distance is measured from step1.safetensors (step 1) instead',
  );
});

test('NaN or ±∞ in a layer: a warning per checkpoint naming the file, the layer, how many entries, the first one\'s row and column, and what is left out', async () => {
  const l1 = (k: number) => Array.from({ length: 12 }, (_, i) => Math.sin(i + k)); // 3 × 4
  const l2 = (k: number) => Array.from({ length: 6 }, (_, i) => Math.cos(i + k)); // 2 × 3
  const write = (dir: string, step: number, a: number[], b: number[]) =>
    writeFileSync(join(dir, `s${step}.safetensors`), safetensorsBytes([
      { name: 'l1.weight', dtype: 'F32', shape: [3, 4], bytes: f32(a) },
      { name: 'l2.weight', dtype: 'F64', shape: [2, 3], bytes: f64(b) },
    ]));
  const withAt = (xs: number[], at: Record<number, number>) => xs.map((x, i) => at[i] ?? x);
  // Not finite in the middle checkpoint only: its values are null, the label stands, and it is said.
  const mid = experiment();
  write(mid, 0, l1(0), l2(0));
  write(mid, 10, withAt(l1(1), { 6: NaN, 8: Infinity }), l2(1));
  write(mid, 20, l1(2), l2(2));
  const r = await readCheckpoints({ path: '*.safetensors' }, { baseDir: mid });
  assert.deepEqual(r.step, [0, 10, 20]);
  assert.equal(r.layers[0].norm[1], NaN);
  assert.equal(r.summary.scores!.weightsNotFinite, false);
  assert.deepEqual(r.problems, [
    {
      file: 's10.safetensors',
      message: 's10.safetensors: layer "l1.weight" [3, 4] has 2 entries that are not finite (NaN or ±∞; the first, NaN, at row 1, column 2) — left out (null) at step 10: the norm and distance of "l1.weight", the network\'s distance, ζ and ζ_top of l1.weight → l2.weight',
      key: 'checkpoints.path',
    },
  ]);
  // In the last checkpoint: no label, and the warning says why.
  const last = experiment();
  write(last, 0, l1(0), l2(0));
  write(last, 10, l1(1), withAt(l2(1), { 4: -Infinity }));
  const rl = await readCheckpoints({ path: '*.safetensors' }, { baseDir: last });
  assert.equal(rl.summary.label, null);
  assert.equal(rl.problems[0].message, 's10.safetensors: layer "l2.weight" [2, 3] has 1 entry that is not finite (NaN or ±∞; the first, −∞, at row 1, column 1) — left out (null) at step 10: the norm and distance of "l2.weight", the network\'s distance, ζ and ζ_top of l1.weight → l2.weight; it is the last checkpoint, so the series has no label');
  // In the first checkpoint, the reference: every distance is lost, which the warning says.
  const first = experiment();
  write(first, 0, withAt(l1(0), { 0: NaN }), l2(0));
  write(first, 10, l1(1), l2(1));
  const rf = await readCheckpoints({ path: '*.safetensors' }, { baseDir: first });
  assert.equal(rf.summary.label, null);
  assert.deepEqual(rf.problems.map((p) => p.message), [
    's0.safetensors: layer "l1.weight" [3, 4] has 1 entry that is not finite (NaN or ±∞; the first, NaN, at row 0, column 0) — it is the first checkpoint, the reference θ₀ of every distance: the distance of "l1.weight" and the network\'s are left out (null) at every checkpoint, its norm and ζ, ζ_top of l1.weight → l2.weight at step 0, and the series has no label',
  ]);
  // A 4-D layer gives its index in the tensor's shape.
  const conv = experiment();
  const k = (n: number) => Array.from({ length: 16 }, (_, i) => Math.sin(i * n + 1));
  for (const step of [0, 1]) {
    writeFileSync(join(conv, `c${step}.safetensors`), safetensorsBytes([{ name: 'conv.weight', dtype: 'F32', shape: [2, 2, 2, 2], bytes: f32(step ? withAt(k(2), { 13: NaN }) : k(1)) }]));
  }
  const rc = await readCheckpoints({ path: '*.safetensors', layers: ['conv.weight'] }, { baseDir: conv });
  assert.match(rc.problems[0].message, /^c1\.safetensors: layer "conv\.weight" \[2, 2, 2, 2\] has 1 entry that is not finite \(NaN or ±∞; the first, NaN, at \[1, 1, 0, 1\]\) — left out \(null\) at step 1: the norm and distance of "conv\.weight", the network's distance; it is the last checkpoint/);
});

test('a first checkpoint of NaN or ±∞ weights: its distance from itself is null, not 0, alone or not — the values, the CSV and the JSON say what the warning says', async () => {
  // Before: a folder of one F16 checkpoint whose fc1.weight is all +∞ printed "distance": [0] for the
  // network and the layer, under a warning that they are null at every checkpoint (a NaN one was null).
  const fc1 = (k: number) => Array.from({ length: 32 }, (_, i) => Math.sin(i + k) / 2); // 8 × 4
  const fc2 = (k: number) => Array.from({ length: 24 }, (_, i) => Math.cos(2 * i + k) / 2); // 3 × 8
  const write = (dir: string, step: number, a: number[], dtype: 'F16' | 'F32' | 'F64' | 'BF16' = 'F16') =>
    writeSafetensors(join(dir, `step-${step}.safetensors`), [
      { name: 'fc1.weight', dtype, shape: [8, 4], data: a },
      { name: 'fc2.weight', dtype: 'F32', shape: [3, 8], data: fc2(step) },
    ]);
  const warning = (file: string, entries: string) =>
    `${file}: layer "fc1.weight" [8, 4] has ${entries} — it is the first checkpoint, the reference θ₀ of every distance: the distance of "fc1.weight" and the network's are left out (null) at every checkpoint, its norm and ζ, ζ_top of fc1.weight → fc2.weight at step 0, and the series has no label`;
  const cases: Array<[string, number[], 'F16' | 'F32' | 'F64' | 'BF16', string]> = [
    ['all +∞ (F16)', fc1(0).map(() => Infinity), 'F16', '32 entries that are not finite (NaN or ±∞; the first, +∞, at row 0, column 0)'],
    ['all −∞ (BF16)', fc1(0).map(() => -Infinity), 'BF16', '32 entries that are not finite (NaN or ±∞; the first, −∞, at row 0, column 0)'],
    ['one +∞ (F32)', fc1(0).map((x, i) => (i === 5 ? Infinity : x)), 'F32', '1 entry that is not finite (NaN or ±∞; the first, +∞, at row 1, column 1)'],
    ['+∞ and −∞ (F64)', fc1(0).map((x, i) => (i === 2 ? Infinity : i === 9 ? -Infinity : x)), 'F64', '2 entries that are not finite (NaN or ±∞; the first, +∞, at row 0, column 2)'],
    ['one NaN (F32)', fc1(0).map((x, i) => (i === 3 ? NaN : x)), 'F32', '1 entry that is not finite (NaN or ±∞; the first, NaN, at row 0, column 3)'],
  ];
  for (const [what, first, dtype, entries] of cases) {
    for (const count of [1, 3]) {
      const dir = experiment();
      await write(dir, 0, first, dtype);
      for (let step = 1; step < count; step++) await write(dir, step, fc1(step), dtype);
      const r = await readCheckpoints({ path: '*.safetensors' }, { baseDir: dir });
      const at = `${what}, ${count} checkpoint${count > 1 ? 's' : ''}`;
      assert.deepEqual(r.step, Array.from({ length: count }, (_, i) => i), at);
      assert.deepEqual(r.problems.map((p) => p.message), [warning('step-0.safetensors', entries)], at);
      const none = Array.from({ length: count }, () => NaN);
      assert.deepEqual(r.distance, none, `${at}: the network's distance`);
      assert.deepEqual(r.layers[0].distance, none, `${at}: fc1's distance`);
      assert.ok(!Number.isFinite(r.layers[0].norm[0]), `${at}: fc1's norm`);
      assert.equal(r.layers[1].distance[0], 0, `${at}: fc2, finite, is 0 from itself`);
      assert.equal(JSON.stringify(r.alignment[0].zeta[0]), 'null', `${at}: ζ`);
      const s = r.summary.scores!;
      assert.ok(Number.isNaN(s.distance) && Number.isNaN(s.maxDistance), `${at}: distance ${s.distance}, maxDistance ${s.maxDistance} (was 0)`);
      assert.equal(s.weightsNotFinite, true, at);
      assert.equal(r.summary.label, null, at);
      assert.ok(Number.isNaN(r.summary.final!.distance), at);
      // As printed: --json (the panel receives this same object) and --csv.
      const json = JSON.parse(JSON.stringify(r)) as { distance: unknown[]; layers: { distance: unknown[] }[]; summary: { scores: { distance: unknown; maxDistance: unknown }; final: { distance: unknown } } };
      assert.deepEqual(json.distance, none.map(() => null), at);
      assert.deepEqual(json.layers[0].distance, none.map(() => null), at);
      assert.deepEqual([json.summary.scores.distance, json.summary.scores.maxDistance, json.summary.final.distance], [null, null, null], at);
      const row = columnsCsv(checkpointColumns(r)).split('\n')[1].split(',');
      assert.deepEqual(row.slice(2, 7), ['', '', '', String(r.layers[1].norm[0]), '0'], `${at}: the first CSV row (network distance, fc1 norm and distance, fc2 norm and distance)`);
    }
  }
});

test('a first checkpoint\'s distance from itself is 0 where its layers are finite: a zero layer too (an absolute distance), and a layer whose norm alone is beyond float64 keeps its distances, as its warning now says', async () => {
  const fc2 = Array.from({ length: 24 }, (_, i) => Math.cos(2 * i + 1));
  const write = (dir: string, step: number, a: number[]) =>
    writeSafetensors(join(dir, `s${step}.safetensors`), [
      { name: 'fc1.weight', dtype: 'F64', shape: [8, 4], data: a },
      { name: 'fc2.weight', dtype: 'F64', shape: [3, 8], data: fc2.map((x) => x * (1 + step / 10)) },
    ]);
  // A zero layer: 0 from itself, absolute after (θ₀ = 0 for that layer: ‖W − 0‖).
  const zero = experiment();
  await write(zero, 0, new Array<number>(32).fill(0));
  const lone = await readCheckpoints({ path: '*.safetensors' }, { baseDir: zero });
  assert.deepEqual([lone.distance, lone.layers[0].distance, lone.layers[0].norm, lone.problems], [[0], [0], [0], []]);
  assert.equal(lone.summary.scores!.maxDistance, 0);
  const moved = Array.from({ length: 32 }, (_, i) => Math.sin(i + 1));
  await write(zero, 1, moved);
  const two = await readCheckpoints({ path: '*.safetensors' }, { baseDir: zero });
  assert.equal(two.layers[0].distance[0], 0);
  close(two.layers[0].distance[1], exactNorm(moved), 1e-14, 'absolute from a zero layer');
  // Finite entries of 10³⁰⁸: the norm is beyond float64 (null), the distances are not.
  const big = experiment();
  const a = Array.from({ length: 32 }, (_, i) => Math.sin(i + 1) * 1e308);
  await write(big, 0, a);
  await write(big, 1, a.map((x) => x / 2));
  const r = await readCheckpoints({ path: '*.safetensors' }, { baseDir: big });
  assert.deepEqual(r.layers[0].norm, [Infinity, Infinity]);
  assert.equal(r.layers[0].distance[0], 0);
  close(r.layers[0].distance[1], 0.5, 1e-15, 'fc1 halved');
  assert.ok(Number.isFinite(r.distance[1]));
  const said = 'layer "fc1.weight" [8, 4] holds finite entries, but its norm or its distance from the first checkpoint is beyond the float64 range (±1.8 × 10³⁰⁸)';
  assert.deepEqual(r.problems.map((p) => p.message), [
    `s0.safetensors: ${said} — it is the first checkpoint: its norm and ζ, ζ_top of fc1.weight → fc2.weight left out (null) at step 0, and the series has no label`,
    `s1.safetensors: ${said} — left out (null) at step 1: the norm of "fc1.weight", ζ and ζ_top of fc1.weight → fc2.weight; it is the last checkpoint, so the series has no label`,
  ]);
  assert.equal(JSON.stringify(r.alignment[0].zeta), '[null,null]');
});

test('F64 layers of finite entries at any scale are measured, never "beyond the float64 range": 10¹⁵⁴, 10²⁰⁰, one entry of 10³⁰⁰, 10⁻¹⁶⁰ (whose squares underflow)', async () => {
  const a = Array.from({ length: 32 }, (_, i) => Math.sin(i + 1)); // 8 × 4
  const b = Array.from({ length: 24 }, (_, i) => Math.cos(2 * i + 1)); // 3 × 8
  const cases: [string, number[]][] = [
    ['× 1e154', a.map((x) => x * 1e154)],
    ['× 1e160', a.map((x) => x * 1e160)],
    ['× 1e200', a.map((x) => x * 1e200)],
    ['× 1e-160', a.map((x) => x * 1e-160)],
    ['one entry of 1e300', a.map((x, i) => (i === 5 ? 1e300 : x))],
  ];
  for (const [what, big] of cases) {
    const dir = experiment();
    [a, big, big.map((x) => x * 1.5)].forEach((fc1, step) =>
      writeFileSync(join(dir, `s${step}.safetensors`), safetensorsBytes([
        { name: 'fc1.weight', dtype: 'F64', shape: [8, 4], bytes: f64(fc1) },
        { name: 'fc2.weight', dtype: 'F64', shape: [3, 8], bytes: f64(b) },
      ])),
    );
    const r = await readCheckpoints({ path: '*.safetensors' }, { baseDir: dir });
    assert.deepEqual(r.problems, [], what);
    assert.deepEqual(r.step, [0, 1, 2], what);
    const norm = exactNorm(big);
    close(r.layers[0].norm[1], norm, 1e-14 * norm, `${what}: norm`);
    const distance = exactNorm(big, a) / exactNorm(a);
    close(r.layers[0].distance[1], distance, 1e-14 * distance, `${what}: distance`);
    // ζ does not depend on the scale: the reference takes the layer times the power of two that brings its largest entry near 1 (exactly).
    const k = Math.round(Math.log2(Math.max(...big.map(Math.abs))));
    const h = Math.trunc(k / 2);
    const zeta = refZeta({ rows: 8, cols: 4, data: Float64Array.from(big, (x) => x * 2 ** -h * 2 ** -(k - h)) }, { rows: 3, cols: 8, data: Float64Array.from(b) });
    close(r.alignment[0].zeta[1], zeta, 1e-12, `${what}: ζ`);
    assert.notEqual(r.summary.label, null, what);
  }
});

test('a listed 0-D tensor (shape []) is refused as 0-D [], a one-entry 1-D one as 1-D [1]: each as its header writes it', async () => {
  for (const [shape, said] of [[[], '0-D []'], [[1], '1-D [1]']] as const) {
    const dir = experiment();
    for (const step of [0, 10]) {
      writeFileSync(join(dir, `s${step}.safetensors`), safetensorsBytes([
        { name: 'fc1.weight', dtype: 'F32', shape: [...shape], bytes: f32([1]) },
        { name: 'fc2.weight', dtype: 'F32', shape: [1, 1], bytes: f32([2]) },
      ]));
    }
    const r = await readCheckpoints({ path: '*.safetensors', layers: ['fc1.weight', 'fc2.weight'] }, { baseDir: dir });
    assert.deepEqual(r.problems, [{ file: null, message: `layer "fc1.weight" is ${said} in the first checkpoint, s0.safetensors: a layer is a weight matrix (2-D out × in) or a convolution kernel (3-D out × in × k or 4-D out × in × k × k, read as out × in·k or out × in·k·k)`, key: 'checkpoints.layers' }]);
  }
});

test('a layer of zero size ([0, 4], [3, 0]) is refused at checkpoints.layers: it has nothing to measure', async () => {
  const dir = experiment();
  for (const step of [0, 10]) {
    writeFileSync(join(dir, `s${step}.safetensors`), safetensorsBytes([
      { name: 'a.weight', dtype: 'F32', shape: [0, 4], bytes: new Uint8Array(0) },
      { name: 'b.weight', dtype: 'F32', shape: [3, 0], bytes: new Uint8Array(0) },
      { name: 'c.weight', dtype: 'F32', shape: [2, 2], bytes: f32([1, 2, 3, 4]) },
    ]));
  }
  const listed = await readCheckpoints({ path: '*.safetensors', layers: ['c.weight', 'b.weight'] }, { baseDir: dir });
  assert.deepEqual(listed.step, []);
  assert.deepEqual(listed.problems, [{ file: null, message: 'layer "b.weight" is [3, 0] in the first checkpoint, s0.safetensors: it holds no weights (a dimension is 0), so it has no norm, distance or alignment to measure', key: 'checkpoints.layers' }]);
  assert.equal(listed.summary.label, null);
  const chosen = await readCheckpoints({ path: '*.safetensors' }, { baseDir: dir });
  assert.deepEqual(chosen.step, []);
  assert.equal(chosen.problems[0].message, 'layer "a.weight" is [0, 4] in the first checkpoint, s0.safetensors: it holds no weights (a dimension is 0), so it has no norm, distance or alignment to measure (chosen by default: list the layers under "layers")');
  assert.equal(chosen.problems[0].key, 'checkpoints.layers');
});

test('a series from all-zero weights has the same label at every scale of the weights: moving from θ₀ = 0 is not the kernel regime', async () => {
  // Three all-zero checkpoints, then A·s and A·s·1.01 (the tester's case): kernel at s = 1e-3, rescaling at 0.1.
  const a = Array.from({ length: 20 }, (_, i) => Math.sin(3 * i + 1));
  const b = Array.from({ length: 15 }, (_, i) => Math.cos(2 * i + 1));
  const labels: (string | null)[] = [];
  for (const scale of [1e-3, 0.1]) {
    const dir = experiment();
    const factors = [0, 0, 0, scale, scale * 1.01];
    factors.forEach((f, step) =>
      writeFileSync(join(dir, `s${step}.safetensors`), safetensorsBytes([
        { name: 'a.weight', dtype: 'F64', shape: [5, 4], bytes: f64(a.map((x) => x * f)) },
        { name: 'b.weight', dtype: 'F64', shape: [3, 5], bytes: f64(b.map((x) => x * f)) },
      ])),
    );
    const r = await readCheckpoints({ path: '*.safetensors' }, { baseDir: dir });
    assert.deepEqual(r.step, [0, 1, 2, 3, 4]);
    assert.equal(r.summary.scores!.startsAtZero, true);
    labels.push(r.summary.label);
  }
  assert.deepEqual(labels, ['rescaling', 'rescaling']);
});

test('closing a reader stops it: later refreshes do nothing', async () => {
  const dir = experiment();
  writeCheckpoint(join(dir, 'ckpt_0.safetensors'), network(1));
  const reader = new CheckpointReader({ path: '*.safetensors' }, { baseDir: dir });
  reader.close();
  assert.deepEqual(await reader.refresh(), { changed: false, added: [] });
  assert.deepEqual(reader.result().step, []);
  assert.ok(readFileSync(join(dir, 'ckpt_0.safetensors')).length > 0);
});

test('checkpoints named by date are refused with a message, never read at the day of the month as their step; a step token beside the date is read', async () => {
  const dir = experiment(); // e<N>: a folder that ends in a number, not a step of dated files
  writeCheckpoint(join(dir, 'ckpt-2024-05-01.safetensors'), network(1));
  writeCheckpoint(join(dir, 'ckpt-2024-05-02.safetensors'), network(2));
  writeCheckpoint(join(dir, 'ckpt-2024-05-03-step-300.safetensors'), network(3));
  writeCheckpoint(join(dir, 'ckpt-2024-05-04-step-400.safetensors'), network(4));
  const result = await readCheckpoints({ path: '*.safetensors' }, { baseDir: dir });
  assert.deepEqual(result.step, [300, 400]); // it was [1, 2, 300, 400]
  assert.deepEqual(result.files, ['ckpt-2024-05-03-step-300.safetensors', 'ckpt-2024-05-04-step-400.safetensors']);
  const byFile = Object.fromEntries(result.problems.map((p) => [p.file, p]));
  assert.equal(byFile['ckpt-2024-05-02.safetensors'].key, 'checkpoints.path');
  assert.match(byFile['ckpt-2024-05-02.safetensors'].message, /^ckpt-2024-05-02\.safetensors: its name holds a date, "2024-05-02", and nothing else that says a step: a date is never read as a step .*name the checkpoint by its training step/);
  assert.match(byFile['ckpt-2024-05-01.safetensors'].message, /"2024-05-01"/);
  assert.equal(result.problems.length, 2);
});
