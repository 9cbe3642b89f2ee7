import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, promises as fsp, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CheckpointReader, CheckpointsResult, readCheckpoints } from '../../../src/core/checkpoints/checkpointReader';
import { SafetensorsFile } from '../../../src/core/checkpoints/safetensors';
import { TensorToWrite, writeSafetensors } from '../../../src/core/checkpoints/writeSafetensors';
import { CheckpointFiles, readIndex } from '../../../src/core/checkpoints/shards';
import { normal, random } from './float64Reference';

const root = mkdtempSync(join(tmpdir(), 'flab-shards-'));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

/** A fresh experiment folder. */
function experiment(): string {
  const dir = join(root, `x${folders++}`);
  mkdirSync(dir);
  return dir;
}

/** A network of dtypes F32, F64 and F16 (integers over 64, exact in F16), a convolution kernel and biases. */
function network(seed: number): TensorToWrite[] {
  const next = random(seed);
  const values = (n: number) => Array.from({ length: n }, () => Math.fround(normal(next)));
  return [
    { name: 'conv.weight', dtype: 'F32', shape: [4, 2, 3, 3], data: values(72) },
    { name: 'fc1.weight', dtype: 'F16', shape: [6, 4], data: Array.from({ length: 24 }, () => (Math.floor(next() * 255) - 127) / 64) },
    { name: 'fc1.bias', dtype: 'F32', shape: [6], data: values(6) },
    { name: 'fc2.weight', dtype: 'F64', shape: [5, 6], data: Array.from({ length: 30 }, () => normal(next)) },
    { name: 'fc3.weight', dtype: 'F32', shape: [3, 5], data: values(15) },
  ];
}

const name = (i: number, n: number) => `model-${String(i).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.safetensors`;

/**
 * Writes `net` as Hugging Face's save_pretrained does above its max_shard_size: shard i holds the
 * tensors of `split[i]` (indices into `net`), named model-0000i-of-0000n.safetensors, with the index
 * model.safetensors.index.json when `index`.
 */
async function writeShards(folder: string, net: TensorToWrite[], split: number[][], index: boolean, metadata: Record<string, string> = { format: 'pt' }): Promise<void> {
  mkdirSync(folder, { recursive: true });
  const weightMap: Record<string, string> = {};
  for (let i = 0; i < split.length; i++) {
    const file = name(i + 1, split.length);
    await writeSafetensors(join(folder, file), split[i].map((t) => net[t]), metadata);
    for (const t of split[i]) weightMap[net[t].name] = file;
  }
  if (index) writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }, null, 2));
}

/** Everything measured, without the files' names. */
function measured(r: CheckpointsResult): unknown {
  return { step: r.step, distance: r.distance, layers: r.layers, alignment: r.alignment, pairsLeftOut: r.pairsLeftOut, summary: r.summary };
}

const STEPS = [0, 500, 1000];
const SPEC = { path: 'out/checkpoint-*/*.safetensors', layers: ['conv.weight', 'fc1.weight', 'fc2.weight', 'fc3.weight'] };

test('a model split in 2 and in 3 shards, with its index or by the -of-N names alone, gives exactly the metrics of the same model in one file', async () => {
  const one = experiment();
  for (const [k, step] of STEPS.entries()) {
    mkdirSync(join(one, 'out', `checkpoint-${step}`), { recursive: true });
    await writeSafetensors(join(one, 'out', `checkpoint-${step}`, 'model.safetensors'), network(k + 1), { format: 'pt' });
  }
  const whole = await readCheckpoints(SPEC, { baseDir: one });
  assert.deepEqual(whole.problems, []);
  assert.deepEqual(whole.step, STEPS);
  const splits: [string, number[][], boolean][] = [
    ['2 shards, index', [[0, 1, 2], [3, 4]], true],
    ['2 shards, no index', [[4, 0], [2, 3, 1]], false],
    ['3 shards, index', [[3], [0, 4], [1, 2]], true],
    ['3 shards, no index', [[0], [1, 2, 3], [4]], false],
  ];
  for (const [what, split, index] of splits) {
    const dir = experiment();
    for (const [k, step] of STEPS.entries()) await writeShards(join(dir, 'out', `checkpoint-${step}`), network(k + 1), split, index);
    const result = await readCheckpoints(SPEC, { baseDir: dir });
    assert.deepEqual(result.problems, [], what);
    assert.deepEqual(measured(result), measured(whole), what);
    const n = String(split.length).padStart(5, '0');
    assert.deepEqual(result.files, STEPS.map((s) => `out/checkpoint-${s}/model-*-of-${n}.safetensors`), what);
    // A glob that also matches the index: the index is the shards', no checkpoint of its own.
    const everything = await readCheckpoints({ ...SPEC, path: 'out/checkpoint-*/*' }, { baseDir: dir });
    assert.deepEqual([everything.problems, measured(everything)], [[], measured(whole)], what);
    // Layers left to the default rule are chosen among every shard's tensors.
    const byDefault = await readCheckpoints({ path: SPEC.path }, { baseDir: dir });
    assert.deepEqual(byDefault.summary.layers, ['fc1.weight', 'fc2.weight', 'fc3.weight'], what);
  }
  // A shard's metadata step is the checkpoint's.
  const meta = experiment();
  for (const [k, step] of STEPS.entries()) await writeShards(join(meta, 'out', `checkpoint-${k}`), network(k + 1), [[0, 1], [2, 3, 4]], true, { format: 'pt', step: String(step) });
  assert.deepEqual(measured(await readCheckpoints(SPEC, { baseDir: meta })), measured(whole));
});

test('shards that make no checkpoint are refused as one, naming the files and what is missing or disagrees', async () => {
  const dir = experiment();
  const out = (step: number) => join(dir, 'out', `checkpoint-${step}`);
  const net = (seed: number) => network(seed);
  await writeShards(out(0), net(1), [[0, 1], [2, 3, 4]], true);
  await writeShards(out(100), net(2), [[0, 1], [2, 3, 4]], true);
  // A shard missing, no index: shard 2 of 3.
  await writeShards(out(200), net(3), [[0], [1, 2], [3, 4]], false);
  rmSync(join(out(200), name(2, 3)));
  // A shard the index names that is not there.
  await writeShards(out(300), net(4), [[0], [1, 2], [3, 4]], true);
  rmSync(join(out(300), name(3, 3)));
  // A tensor in two shards.
  await writeShards(out(400), net(5), [[0, 1, 3], [2, 3, 4]], false);
  // The index names 2 files, the names say 3.
  await writeShards(out(500), net(6), [[0, 1], [2, 3, 4]], true);
  await writeSafetensors(join(out(500), name(1, 3)), [net(6)[0]]);
  await writeSafetensors(join(out(500), name(2, 3)), [net(6)[1]]);
  await writeSafetensors(join(out(500), name(3, 3)), net(6).slice(2));
  rmSync(join(out(500), name(1, 2)));
  rmSync(join(out(500), name(2, 2)));
  writeFileSync(join(out(500), 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'conv.weight': name(1, 3), 'fc1.weight': name(2, 3), 'fc1.bias': name(2, 3) } }));
  // Shards of two saves, -of-00002 beside -of-00003.
  await writeShards(out(600), net(7), [[0, 1], [2, 3, 4]], false);
  await writeSafetensors(join(out(600), name(3, 3)), [net(7)[0]]);
  // A shard number beyond the count.
  await writeShards(out(700), net(8), [[0, 1], [2, 3, 4]], false);
  await writeSafetensors(join(out(700), name(3, 2)), [net(8)[0]]);
  // The index puts a tensor in another shard than the one holding it.
  await writeShards(out(800), net(9), [[0, 1], [2, 3, 4]], true);
  writeFileSync(join(out(800), 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'conv.weight': name(2, 2), 'fc1.weight': name(1, 2), 'fc1.bias': name(2, 2), 'fc2.weight': name(2, 2), 'fc3.weight': name(2, 2) } }));
  // An index that is not JSON.
  await writeShards(out(900), net(10), [[0, 1], [2, 3, 4]], false);
  writeFileSync(join(out(900), 'model.safetensors.index.json'), '{"weight_map": ');
  // Shards whose metadata say different steps.
  await writeShards(out(1000), net(11), [[0, 1], [2, 3, 4]], false);
  await writeSafetensors(join(out(1000), name(2, 2)), [2, 3, 4].map((t) => net(11)[t]), { step: '7' });
  await writeSafetensors(join(out(1000), name(1, 2)), [0, 1].map((t) => net(11)[t]), { step: '8' });

  const result = await readCheckpoints(SPEC, { baseDir: dir });
  assert.deepEqual(result.step, [0, 100]);
  const byFile = Object.fromEntries(result.problems.map((p) => [p.file, p.message]));
  const at = (step: number, n: number) => `out/checkpoint-${step}/model-*-of-0000${n}.safetensors`;
  const said = (step: number, n: number, message: string) => assert.equal(byFile[at(step, n)], `${at(step, n)}: ${message}`);
  said(200, 3, 'is a checkpoint split over 3 files: shard model-00002-of-00003.safetensors is not there (2 of its 3 shards are) — a checkpoint split over several files is read only with every shard: copy the missing one, or leave the checkpoint out');
  said(300, 3, 'is a checkpoint split over 3 files: shard model-00003-of-00003.safetensors is not there, though its index out/checkpoint-300/model.safetensors.index.json names it (2 of its 3 shards are) — a checkpoint split over several files is read only with every shard: copy the missing one, or leave the checkpoint out');
  said(400, 2, 'tensor "fc2.weight" is in two shards, out/checkpoint-400/model-00001-of-00002.safetensors and out/checkpoint-400/model-00002-of-00002.safetensors: a tensor of a sharded checkpoint is in one shard — they are of different saves');
  said(500, 3, 'is a checkpoint split over 3 files: its index out/checkpoint-500/model.safetensors.index.json names 2 shard files (model-00001-of-00003.safetensors, model-00002-of-00003.safetensors), but the shards\' names say 3 (-of-00003) — the index and the shards are of different saves; model-00003-of-00003.safetensors is not among the shards its index out/checkpoint-500/model.safetensors.index.json names (model-00001-of-00003.safetensors, model-00002-of-00003.safetensors)');
  said(600, 2, 'its shards disagree on how many there are: model-00001-of-00002.safetensors says 2, model-00003-of-00003.safetensors says 3 — shards of different saves are in one folder; remove the older save\'s');
  said(700, 2, 'is a checkpoint split over 2 files: model-00003-of-00002.safetensors is a shard number outside 1 to 2, the count the names say');
  said(800, 2, 'its index out/checkpoint-800/model.safetensors.index.json puts tensor "conv.weight" in model-00002-of-00002.safetensors, but out/checkpoint-800/model-00001-of-00002.safetensors holds it — the index and the shards are of different saves');
  assert.match(byFile[at(900, 2)], /^out\/checkpoint-900\/model-\*-of-00002\.safetensors: its index out\/checkpoint-900\/model\.safetensors\.index\.json is not valid JSON \(/);
  said(1000, 2, 'its shards\' metadata say different steps: out/checkpoint-1000/model-00001-of-00002.safetensors says 8, out/checkpoint-1000/model-00002-of-00002.safetensors says 7');
  assert.equal(result.problems.length, 9, JSON.stringify(result.problems, null, 1));
  assert.ok(result.problems.every((p) => p.key === 'checkpoints.path' && p.warning === undefined));

  // A shard that is there but that the glob does not match.
  const narrow = await readCheckpoints({ ...SPEC, path: 'out/checkpoint-100/model-00001-*.safetensors' }, { baseDir: dir });
  assert.deepEqual(narrow.step, []);
  assert.equal(narrow.problems[0].message, `${at(100, 2)}: is a checkpoint split over 2 files: shard model-00002-of-00002.safetensors is there but not matched by the checkpoint path: widen it to every shard (out/checkpoint-100/*.safetensors)`);
});

test('a shard count a name or an index says is bounded before anything is built or looked at from it: beyond the 2,000 files a path may match, refused at once, located', async () => {
  const dir = experiment();
  const out = (step: number) => join(dir, 'out', `checkpoint-${step}`);
  await writeShards(out(0), network(1), [[0, 1], [2, 3, 4]], false);
  await writeShards(out(100), network(2), [[0, 1], [2, 3, 4]], false);
  // One stray file whose name says 10⁶ shards (it took 70 s and a stat per missing name), and one whose 20-digit count crashed (RangeError: Invalid array length).
  mkdirSync(out(200));
  await writeSafetensors(join(out(200), 'model-000001-of-999999.safetensors'), [network(3)[0]]);
  mkdirSync(out(300));
  await writeSafetensors(join(out(300), 'model-00000000000000000001-of-99999999999999999999.safetensors'), [network(3)[0]]);
  // An index naming 3,000 files beside shards that say 2: refused as it is read, no file it names looked for.
  await writeShards(out(400), network(4), [[0, 1], [2, 3, 4]], false);
  const weightMap: Record<string, string> = { 'conv.weight': name(1, 2), 'fc1.weight': name(2, 2) };
  for (let i = 0; i < 3000; i++) weightMap[`t${i}`] = `f${i}.safetensors`;
  writeFileSync(join(out(400), 'model.safetensors.index.json'), JSON.stringify({ weight_map: weightMap }));
  // An index naming 3 files beside shards that say 2: refused without looking for the third.
  await writeShards(out(500), network(5), [[0, 1], [2, 3, 4]], false);
  writeFileSync(join(out(500), 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'conv.weight': name(1, 2), 'fc1.weight': name(2, 2), 'fc1.bias': 'elsewhere.safetensors' } }));
  const started = Date.now();
  const result = await readCheckpoints(SPEC, { baseDir: dir });
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  assert.deepEqual(result.step, [0, 100]);
  const byFile = Object.fromEntries(result.problems.map((p) => [p.file, p.message]));
  const limit = 'more than the 2,000 files a checkpoint path may match (each shard is one): such a save cannot be read whole';
  assert.equal(
    byFile['out/checkpoint-200/model-*-of-999999.safetensors'],
    `out/checkpoint-200/model-*-of-999999.safetensors: model-000001-of-999999.safetensors says it is one of 999999 shards (-of-999999), ${limit} — if the file is no shard, rename it so that its name does not end in -<i>-of-<n>; else save the model in fewer shards (a larger max_shard_size)`,
  );
  assert.match(byFile['out/checkpoint-300/model-*-of-99999999999999999999.safetensors'], /says it is one of 99999999999999999999 shards \(-of-99999999999999999999\), more than the 2,000 files/);
  assert.equal(
    byFile['out/checkpoint-400/model-*-of-00002.safetensors'],
    `out/checkpoint-400/model-*-of-00002.safetensors: its index out/checkpoint-400/model.safetensors.index.json: "weight_map" names more than 2,000 shard files (model-00001-of-00002.safetensors, model-00002-of-00002.safetensors, f0.safetensors, …), ${limit} — the index is of another save, or the model is split over too many shards`,
  );
  assert.equal(
    byFile['out/checkpoint-500/model-*-of-00002.safetensors'],
    'out/checkpoint-500/model-*-of-00002.safetensors: is a checkpoint split over 2 files: its index out/checkpoint-500/model.safetensors.index.json names 3 shard files (elsewhere.safetensors, model-00001-of-00002.safetensors, model-00002-of-00002.safetensors), but the shards\' names say 2 (-of-00002) — the index and the shards are of different saves',
  );
  assert.equal(result.problems.length, 4, JSON.stringify(result.problems, null, 1));
  assert.ok(result.problems.every((p) => p.key === 'checkpoints.path'));
});

test('shards named with an upper-case -OF- are joined with their own names, as written', async () => {
  const dir = experiment();
  for (const [k, step] of STEPS.entries()) {
    const folder = join(dir, 'out', `checkpoint-${step}`);
    await writeShards(folder, network(k + 1), [[0, 1], [2, 3, 4]], false);
    for (const i of [1, 2]) await fsp.rename(join(folder, name(i, 2)), join(folder, name(i, 2).replace('-of-', '-OF-')));
  }
  const result = await readCheckpoints(SPEC, { baseDir: dir });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.step, STEPS);
  assert.deepEqual(result.files, STEPS.map((s) => `out/checkpoint-${s}/model-*-OF-00002.safetensors`));
});

test('live: a save whose shards are still being written is pending, then read once every shard is there', async () => {
  const dir = experiment();
  await writeShards(join(dir, 'out', 'checkpoint-0'), network(1), [[0, 1], [2, 3, 4]], false);
  let now = Date.now() + 60_000;
  const reader = new CheckpointReader(SPEC, { baseDir: dir, settleMs: 500, now: () => now });
  await reader.refresh();
  assert.deepEqual(reader.result().step, [0]);
  const later = join(dir, 'out', 'checkpoint-500');
  mkdirSync(later);
  await writeSafetensors(join(later, name(1, 2)), [0, 1].map((t) => network(2)[t]));
  now = Date.now();
  await reader.refresh();
  assert.deepEqual([reader.result().problems, reader.result().pending], [[], ['out/checkpoint-500/model-*-of-00002.safetensors']]);
  await writeSafetensors(join(later, name(2, 2)), [2, 3, 4].map((t) => network(2)[t]));
  now = Date.now() + 1000;
  await reader.refresh();
  assert.deepEqual(reader.result().problems, []);
  assert.deepEqual(reader.result().step, [0, 500]);
});

test('the headers of a checkpoint\'s shards together are held to one file\'s header limit (100,000,000 bytes): a shard is opened with what the others left', async () => {
  const dir = experiment();
  const path = join(dir, name(2, 2));
  await writeSafetensors(path, [network(1)[4]], { note: 'x'.repeat(1000) });
  const file = await SafetensorsFile.open(path, 'b', 2000);
  await file.close();
  await assert.rejects(SafetensorsFile.open(path, 'b', 1000), {
    message: /^b: its header is 1,\d{3} bytes, and with the 99,999,000 of its checkpoint's other shards more than the 100,000,000 bytes the headers of one checkpoint may take \(one file's limit\)$/,
  });
  // Opened together, each shard's tensors are read from it alone.
  await writeSafetensors(join(dir, name(1, 2)), network(1).slice(0, 4));
  const both = await CheckpointFiles.open({ file: 'm', index: null, parts: [1, 2].map((i) => ({ path: join(dir, name(i, 2)), file: name(i, 2) })) });
  try {
    assert.deepEqual(both.header.tensors.map((t) => t.name), network(1).map((t) => t.name));
    assert.deepEqual([...(await both.read(both.tensor('fc3.weight')!))], [...network(1)[4].data]);
    assert.deepEqual([...(await both.read(both.tensor('conv.weight')!))], [...network(1)[0].data]);
  } finally {
    await both.close();
  }
});

test('one-shot: a shard that changes at every look leaves its checkpoint out, the warning naming the shard', async () => {
  const dir = experiment();
  for (const [k, step] of STEPS.entries()) await writeShards(join(dir, 'out', `checkpoint-${step}`), network(k + 1), [[0, 1], [2, 3, 4]], true);
  const shard = join(dir, 'out', 'checkpoint-500', name(2, 2));
  const stat = fsp.stat;
  let calls = 0;
  fsp.stat = (async (p: string, ...rest: unknown[]) => {
    const real = await (stat as (p: string, ...r: unknown[]) => Promise<import('node:fs').Stats>)(p, ...rest);
    if (p !== shard) return real;
    calls++;
    return Object.assign(Object.create(Object.getPrototypeOf(real) as object) as import('node:fs').Stats, real, { mtimeMs: real.mtimeMs + 1000 * calls });
  }) as typeof fsp.stat;
  let result: CheckpointsResult;
  try {
    result = await readCheckpoints(SPEC, { baseDir: dir, waits: [1, 1] });
  } finally {
    fsp.stat = stat;
  }
  assert.deepEqual(result.step, [0, 1000]);
  assert.equal(result.problems.length, 1);
  assert.match(result.problems[0].message, /^out\/checkpoint-500\/model-\*-of-00002\.safetensors: left out: the modification time of its shard out\/checkpoint-500\/model-00002-of-00002\.safetensors changed while it was read, at each of 3 looks over \d+\.\d s/);
});

test('an index of more than 16 MiB is refused before it is read, with the limit and why: one naming 10⁶ tensors took 4–6 s to read at every look', async () => {
  const dir = experiment();
  const out = (step: number) => join(dir, 'out', `checkpoint-${step}`);
  await writeShards(out(0), network(1), [[0, 1], [2, 3, 4]], true);
  await writeShards(out(100), network(2), [[0, 1], [2, 3, 4]], true);
  // A valid index of the save, padded past 16 MiB with spaces (a JSON file may hold any): read whole until 2026-12-03, as the 100,000,000 bytes of a header allowed.
  const weightMap = Object.fromEntries(network(2).map((t, i) => [t.name, name(i < 2 ? 1 : 2, 2)]));
  writeFileSync(join(out(100), 'model.safetensors.index.json'), JSON.stringify({ weight_map: weightMap }) + ' '.repeat(16 * 2 ** 20));
  const result = await readCheckpoints(SPEC, { baseDir: dir });
  assert.deepEqual(result.step, [0]);
  assert.equal(result.problems.length, 1, JSON.stringify(result.problems));
  assert.equal(
    result.problems[0].message,
    'out/checkpoint-100/model-*-of-00002.safetensors: its index out/checkpoint-100/model.safetensors.index.json has 16,777,471 bytes, more than the 16,777,216 (16 MiB) an index may have: an index lists each tensor of the save in some 60–100 bytes, so 16 MiB holds some 200,000, more than the largest models have, and one of 41 MB took 5–6 s to read at every look — the index is of another save, or not an index; shards named -<i>-of-<n> are joined by their names without it: move it out of the folder',
  );
});

/** Writes `net` split as `split` says into files `names[i]`, with the index model.safetensors.index.json naming them when `index`. */
async function writeNamedShards(folder: string, net: TensorToWrite[], split: number[][], names: string[], index: boolean): Promise<void> {
  mkdirSync(folder, { recursive: true });
  const weightMap: Record<string, string> = {};
  for (let i = 0; i < split.length; i++) {
    await writeSafetensors(join(folder, names[i]), split[i].map((t) => net[t]), { format: 'pt' });
    for (const t of split[i]) weightMap[net[t].name] = names[i];
  }
  if (index) writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }, null, 2));
}

test('shards not named -<i>-of-<n> are joined as the index beside them names them; without an index they stay files of their own, and the message says the folder looks sharded', async () => {
  const one = experiment();
  for (const [k, step] of STEPS.entries()) {
    mkdirSync(join(one, 'out', `checkpoint-${step}`), { recursive: true });
    await writeSafetensors(join(one, 'out', `checkpoint-${step}`, 'model.safetensors'), network(k + 1), { format: 'pt' });
  }
  const whole = await readCheckpoints(SPEC, { baseDir: one });
  const parts = ['part_a.safetensors', 'part_b.safetensors', 'weights-2.safetensors'];
  const dir = experiment();
  for (const [k, step] of STEPS.entries()) await writeNamedShards(join(dir, 'out', `checkpoint-${step}`), network(k + 1), [[0, 3], [1, 2], [4]], parts, true);
  // Until 2026-12-03 each file was a checkpoint of its own: one per folder kept (its step the folder's), the others duplicates, and fc3.weight missing from the first.
  const result = await readCheckpoints(SPEC, { baseDir: dir });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(measured(result), measured(whole));
  assert.deepEqual(result.files, STEPS.map((s) => `out/checkpoint-${s}/model.safetensors.index.json`));
  // A glob that matches the index too: the index is the save's, no checkpoint of its own.
  const everything = await readCheckpoints({ ...SPEC, path: 'out/checkpoint-*/*' }, { baseDir: dir });
  assert.deepEqual([everything.problems, measured(everything)], [[], measured(whole)]);
  // A file the index names that is not there, and one there but not matched by the glob.
  rmSync(join(dir, 'out', 'checkpoint-1000', 'weights-2.safetensors'));
  const narrow = await readCheckpoints({ ...SPEC, path: 'out/checkpoint-*/part_*.safetensors' }, { baseDir: dir });
  assert.deepEqual(narrow.step, []);
  assert.deepEqual(
    narrow.problems.map((p) => p.message),
    [
      'out/checkpoint-0/model.safetensors.index.json: is a checkpoint split over 3 files: shard weights-2.safetensors is there but not matched by the checkpoint path: widen it to every shard (out/checkpoint-*/*.safetensors)',
      'out/checkpoint-500/model.safetensors.index.json: is a checkpoint split over 3 files: shard weights-2.safetensors is there but not matched by the checkpoint path: widen it to every shard (out/checkpoint-*/*.safetensors)',
      'out/checkpoint-1000/model.safetensors.index.json: is a checkpoint split over 3 files: shard weights-2.safetensors is not there, though its index out/checkpoint-1000/model.safetensors.index.json names it (2 of its 3 shards are) — a checkpoint split over several files is read only with every shard: copy the missing one, or leave the checkpoint out',
    ],
  );

  // No index, no -<i>-of-<n>: files of their own; two of one folder at its step look like shards of one save, and the message says how they would be joined.
  const bare = experiment();
  for (const [k, step] of STEPS.entries()) await writeNamedShards(join(bare, 'out', `checkpoint-${step}`), network(k + 1), [[0, 1, 2, 3, 4], [3]], ['part_a.safetensors', 'part_b.safetensors'], false);
  const separate = await readCheckpoints(SPEC, { baseDir: bare });
  assert.deepEqual(separate.step, STEPS);
  assert.equal(
    separate.problems[0].message,
    'out/checkpoint-0/part_b.safetensors: has step 0 (from its folder\'s name), as out/checkpoint-0/part_a.safetensors has (from its folder\'s name): skipped — the two are in one folder that says the step: if they are parts of one save, they are joined only when named <name>-<i>-of-<n> (model-00001-of-00002.safetensors) or listed by an index beside them (model.safetensors.index.json, its "weight_map"); if they are different models, narrow the glob to one',
  );
});

test('an index beside files not named -<i>-of-<n> that cannot be read, or that names a file an earlier index names, is reported, and the files are read each alone', async () => {
  const dir = experiment();
  const run = join(dir, 'run');
  mkdirSync(run);
  for (const [k, step] of STEPS.entries()) await writeSafetensors(join(run, `ckpt_${step}.safetensors`), network(k + 1), { format: 'pt' });
  writeFileSync(join(run, 'model.safetensors.index.json'), '{"weight_map": ');
  writeFileSync(join(run, 'a.safetensors.index.json'), JSON.stringify({ weight_map: { x: 'ckpt_1000.safetensors', y: 'other.safetensors' } }));
  writeFileSync(join(run, 'b.safetensors.index.json'), JSON.stringify({ weight_map: { x: 'ckpt_1000.safetensors', y: 'third.safetensors' } }));
  // An index of .bin files beside them joins nothing and says nothing.
  writeFileSync(join(run, 'pytorch_model.bin.index.json'), JSON.stringify({ weight_map: { x: 'pytorch_model-00001-of-00002.bin', y: 'pytorch_model-00002-of-00002.bin' } }));
  const result = await readCheckpoints({ ...SPEC, path: 'run/*.safetensors' }, { baseDir: dir });
  const messages = result.problems.map((p) => p.message).sort();
  assert.equal(messages.length, 3, JSON.stringify(messages));
  assert.match(messages[0], /^run\/a\.safetensors\.index\.json: is a checkpoint split over 2 files: shard other\.safetensors is not there, though its index/);
  assert.equal(messages[1], 'run/b.safetensors.index.json: is the index of a sharded save, and it names ckpt_1000.safetensors, as run/a.safetensors.index.json does: a file is one save\'s shard — remove the index of the older save');
  assert.match(messages[2], /^run\/model\.safetensors\.index\.json: is the index of a sharded save, and it cannot be read: run\/model\.safetensors\.index\.json is not valid JSON \(.*\) — the files beside it are read each as a checkpoint of its own$/);
  assert.deepEqual(result.step, [0, 500]);
});

test('an index unchanged since it was read is not read again (live reading looks every 250 ms); a changed one is', async () => {
  const dir = experiment();
  await writeShards(join(dir, 'out', 'checkpoint-0'), network(1), [[0, 1], [2, 3, 4]], true);
  const indexPath = join(dir, 'out', 'checkpoint-0', 'model.safetensors.index.json');
  const readFile = fsp.readFile;
  const reads: string[] = [];
  fsp.readFile = ((...args: Parameters<typeof readFile>) => {
    if (String(args[0]).endsWith('.index.json')) reads.push(String(args[0]));
    return readFile(...args);
  }) as typeof readFile;
  try {
    const first = await readIndex(indexPath, 'a');
    const again = await readIndex(indexPath, 'b');
    assert.equal(reads.length, 1); // read twice until 2026-12-03: a 16 MiB index takes a second or more
    assert.equal(again?.file, 'b'); // shown as asked
    assert.deepEqual([...again!.weightMap], [...first!.weightMap]);
    writeFileSync(indexPath, JSON.stringify({ weight_map: { 'conv.weight': name(1, 2) } }));
    const changed = await readIndex(indexPath, 'c');
    assert.equal(reads.length, 2);
    assert.deepEqual([...changed!.weightMap], [['conv.weight', name(1, 2)]]);
  } finally {
    fsp.readFile = readFile;
  }
});

test('files of one folder that share no tensor, read as two checkpoints (shards without an index nor -<i>-of-<n> names), are said to look like one save\'s shards', async () => {
  const dir = experiment();
  mkdirSync(join(dir, 'run'));
  const net = network(1);
  await writeSafetensors(join(dir, 'run', 'model_0.safetensors'), net.slice(0, 3));
  await writeSafetensors(join(dir, 'run', 'model_1.safetensors'), net.slice(3));
  const result = await readCheckpoints({ path: 'run/*.safetensors', layers: ['conv.weight', 'fc1.weight'] }, { baseDir: dir });
  assert.deepEqual(result.step, [0]);
  assert.equal(
    result.problems[0].message,
    'run/model_1.safetensors: has no tensor "conv.weight" (the first checkpoint, run/model_0.safetensors, has). It has: fc2.weight [5, 6] F64, fc3.weight [3, 5] F32 — it shares no tensor with the first checkpoint, in its folder: if the two are parts of one save (shards), they are joined only when named <name>-<i>-of-<n> (model-00001-of-00002.safetensors) or listed by an index beside them (model.safetensors.index.json, its "weight_map")',
  );
});
