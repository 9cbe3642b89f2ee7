/**
 * The paper's deep-network experiments in examples/networks/ and the checkpoint loop in
 * examples/checkpoints/: every file parses as its kind and says what it shows, and the qualitative
 * claims hold — on smaller versions of the files, so that the suite stays quick (the files themselves
 * run in seconds each, their numbers quoted in their descriptions).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NetworkExperiment } from '../../../src/core/network/networkExperiment';
import { parseAnyExperiment } from '../../../src/core/runs/anyExperiment';
import { readCheckpointExperiment } from '../../../src/core/runs/checkpoints';
import { trainExperiment, trainSweep } from '../../../src/core/runs/train';

const REPO = process.cwd();
const NETWORKS = join(REPO, 'examples', 'networks');
const CHECKPOINTS = join(REPO, 'examples', 'checkpoints');

/** An example file's JSON value, edited by key. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed example, edited key by key below
type ExampleJson = Record<string, any>;

/** The file's JSON value, changed by `edit`, parsed as a network experiment. */
function variant(name: string, edit: (f: ExampleJson) => void): NetworkExperiment {
  const f = JSON.parse(readFileSync(join(NETWORKS, name), 'utf8'));
  edit(f);
  const r = parseAnyExperiment(JSON.stringify(f));
  assert.deepEqual(r.diagnostics, [], name);
  return r.parsed!.experiment as NetworkExperiment;
}

const KINDS: Record<string, string> = {
  'networks/bridge-linear-flow.flab.json': 'linear',
  'checkpoints/follow-mlp.flab.json': 'checkpoints',
};

test('every example parses as its kind and says what the paper reports and what it shows', () => {
  const files = [...readdirSync(NETWORKS).map((f) => `networks/${f}`), ...readdirSync(CHECKPOINTS).filter((f) => f.endsWith('.json')).map((f) => `checkpoints/${f}`)];
  assert.equal(files.length, 10);
  for (const f of files) {
    const text = readFileSync(join(REPO, 'examples', f), 'utf8');
    const r = parseAnyExperiment(text);
    assert.deepEqual(r.diagnostics, [], f);
    assert.equal(r.parsed!.kind, KINDS[f] ?? 'network', f);
    const description = JSON.parse(text).description as string;
    assert.ok(description.length > 300 && /\d/.test(description), `${f} says what it shows, with numbers`);
    if (!f.includes('bridge') && !f.includes('checkpoints/')) assert.match(description, /paper's Fig\. \d/, `${f} names the figure it reproduces`);
  }
});

test('every example names the editor schema (the documentation without validation) as its $schema, and that file exists', () => {
  // With the full schema, VS Code's JSON service checked an example itself: each fault was in Problems
  // twice ("Value is below the minimum of 0." beside flab's message), and a syntax error brought its
  // follow-on schema warnings ("Missing property …") — a fresh user's report.
  const examples = join(REPO, 'examples');
  const files = readdirSync(examples, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.flab.json'));
  assert.ok(files.length >= 20, `${files.length} examples`);
  for (const f of files) {
    const schema = JSON.parse(readFileSync(join(examples, f), 'utf8')).$schema as string | undefined;
    if (schema === undefined) continue;
    assert.match(schema, /(^|\/)media\/flab\.editor\.schema\.json$/, f);
    assert.ok(readFileSync(join(examples, f.split('/').slice(0, -1).join('/'), schema), 'utf8').includes('without its validation'), `${f}: ${schema} resolves to the editor schema`);
  }
});

test('Fig. 2b: the final alignment falls as the initialisation scale σ grows (from the same initial ζ)', async () => {
  const e = variant('mnist-four-layer-sigma.flab.json', (f) => {
    f.model.hidden = [128, 128, 128];
    f.data = { dataset: 'mnist', train: 600 };
    f.training = { ...f.training, epochs: 3, record: { every: 6 } };
    f.sweep = { 'init.scale': [0.1, 0.3, 1] };
  });
  const r = await trainSweep(e, { baseDir: NETWORKS, mnistDir: join(REPO, 'media', 'mnist') });
  const first = r.runs.map((run) => run!.alignment.map((a) => a.zeta[0]!));
  const last = r.runs.map((run) => run!.alignment.map((a) => a.zeta.at(-1)!));
  for (const z of first) z.forEach((v, p) => assert.ok(Math.abs(v - first[0][p]) < 1e-6, 'ζ is scale-free: the same start at every σ'));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const means = last.map(mean);
  assert.ok(means[0] > means[1] + 0.05 && means[1] > means[2] + 0.005, `mean final ζ over the pairs at σ = 0.1, 0.3, 1: ${means.map((m) => m.toFixed(3)).join(', ')}`);
  for (let p = 0; p < 3; p++) assert.ok(last[0][p] > last[2][p] + 0.1, `pair ${p}: ${last.map((z) => z[p].toFixed(3)).join(' → ')}`);
  assert.equal(r.runs[0]!.summary.label, 'alignment');
});

test('Fig. 4: in the NTK scaling the distance from initialisation falls as d^(−1/2); in the mean-field scaling it does not', async () => {
  const small = (f: ExampleJson) => {
    f.data = { dataset: 'mnist', train: 300 };
    f.training = { ...f.training, epochs: 5, record: { every: 5 } };
    f.sweep = { 'model.hidden[0]': [32, 128, 512] };
  };
  const options = { baseDir: NETWORKS, mnistDir: join(REPO, 'media', 'mnist') };
  const ntk = (await trainSweep(variant('two-layer-ntk-width.flab.json', small), options)).runs.map((r) => r!.distance.at(-1)!);
  const mf = (await trainSweep(variant('two-layer-mean-field-width.flab.json', small), options)).runs.map((r) => r!.distance.at(-1)!);
  for (let k = 1; k < 3; k++) {
    const ratio = ntk[k - 1] / ntk[k];
    assert.ok(ratio > 1.5 && ratio < 2.7, `NTK: 4× the width, the distance ÷ ${ratio.toFixed(2)} (√4 = 2): ${ntk.map((d) => d.toFixed(4)).join(', ')}`);
  }
  assert.ok(mf[2] > 0.8 * mf[0], `mean field: ${mf.map((d) => d.toFixed(3)).join(', ')}`);
  assert.ok(mf[2] > 10 * ntk[2], 'at the largest width, feature learning moves the weights far more than the kernel phase');
});

test('the checkpoint loop: the committed checkpoints are what train-mlp.flab.json writes, and follow-mlp.flab.json reads them to the trainer\'s curves and label', async () => {
  const follow = parseAnyExperiment(readFileSync(join(CHECKPOINTS, 'follow-mlp.flab.json'), 'utf8')).parsed!;
  assert.equal(follow.kind, 'checkpoints');
  const committed = await readCheckpointExperiment(follow.experiment as never, { baseDir: CHECKPOINTS });
  assert.deepEqual(committed.problems, []);
  assert.deepEqual(committed.step, [0, 20, 40, 60, 80, 100]);
  assert.equal(committed.summary.layersChosen, 'listed');
  // Train the same file in a copy of the folder (the committed files stay as they are).
  const dir = mkdtempSync(join(tmpdir(), 'flab-loop-'));
  cpSync(join(CHECKPOINTS, 'train-mlp.flab.json'), join(dir, 'train-mlp.flab.json'));
  const train = parseAnyExperiment(readFileSync(join(dir, 'train-mlp.flab.json'), 'utf8')).parsed!;
  const trained = await trainExperiment(train.experiment as NetworkExperiment, { baseDir: dir, fileName: 'train-mlp.flab.json', mnistDir: join(REPO, 'media', 'mnist') });
  assert.deepEqual(trained.checkpoints!.files, committed.files.map((f) => f.replace('run/', '')));
  assert.equal(trained.summary.label, committed.summary.label);
  committed.step.forEach((s, k) => {
    const i = trained.step.indexOf(s);
    // The initial weights come from the portable generator: equal everywhere. Later ones from float32
    // products that may differ in their last bits on another processor.
    const tolerance = s === 0 ? 1e-12 : 1e-3;
    trained.layers.forEach((l, j) => assert.ok(Math.abs(l.norm[i] - committed.layers[j].norm[k]) <= tolerance * l.norm[i], `step ${s}, layer ${j}`));
    // The trainer (on ONNX Runtime) takes ζ from float32 Gram matrices, the reader from float64 products: 10⁻⁹ apart at step 0.
    const zetaTolerance = s === 0 ? 1e-7 : 1e-2;
    trained.alignment.forEach((a, j) => assert.ok(Math.abs(a.zeta[i]! - committed.alignment[j].zeta[k]!) <= zetaTolerance, `step ${s}, pair ${j}: ${a.zeta[i]} vs ${committed.alignment[j].zeta[k]}`));
    assert.ok(Math.abs(trained.testAccuracy[i]! - committed.accuracy![k]!) <= 0.01, `step ${s}: accuracy from the metrics file`);
  });
});
