import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isKernelName, isOptimizerState, kernelLayoutNotice, readCheckpoints } from '../../../src/core/checkpoints/checkpointReader';
import { writeSafetensors } from '../../../src/core/checkpoints/writeSafetensors';
import { chainProblem } from '../../../src/core/network/layerMetrics';
import { parseAnyExperiment } from '../../../src/core/runs/anyExperiment';
import { matrix, refZeta } from './float64Reference';

const root = mkdtempSync(join(tmpdir(), 'flab-layout-'));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

/** The transpose of an r × c matrix, row-major. */
function transpose(data: ArrayLike<number>, r: number, c: number): number[] {
  const out = new Array<number>(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = data[i * c + j];
  return out;
}

/**
 * One network of out × in layers (sizes `sizes[0] → sizes[1] → …`) at two steps, written twice: as
 * PyTorch stores it (`fcN.weight`, out × in) and as JAX/Flax does (`Dense_N.kernel`, in × out).
 */
async function twoLayouts(sizes: number[], seed: number): Promise<{ torch: string; flax: string; weights: number[][][] }> {
  const torch = join(root, `torch${folders}`);
  const flax = join(root, `flax${folders++}`);
  mkdirSync(torch);
  mkdirSync(flax);
  const weights: number[][][] = [];
  for (const step of [0, 10]) {
    const layers = sizes.slice(1).map((out, l) => Array.from(matrix(out, sizes[l], seed + 100 * step + l).data));
    weights.push(layers);
    await writeSafetensors(join(torch, `step_${step}.safetensors`), layers.map((data, l) => ({ name: `fc${l + 1}.weight`, dtype: 'F64' as const, shape: [sizes[l + 1], sizes[l]], data })));
    await writeSafetensors(
      join(flax, `step_${step}.safetensors`),
      layers.map((data, l) => ({ name: `Dense_${l}.kernel`, dtype: 'F64' as const, shape: [sizes[l], sizes[l + 1]], data: transpose(data, sizes[l + 1], sizes[l]) })),
    );
  }
  return { torch, flax, weights };
}

test('kernels stored in × out (JAX/Flax, Keras) read with "layout": "in×out" measure as the same network stored out × in', async () => {
  // 5 → 4 → 4 → 3: the square middle pair chains either way, and read as stored its ζ would be another product's.
  const sizes = [5, 4, 4, 3];
  const { torch, flax, weights } = await twoLayouts(sizes, 7);
  const asTorch = await readCheckpoints({ path: '*.safetensors' }, { baseDir: torch });
  const asFlax = await readCheckpoints({ path: '*.safetensors', layout: 'in×out' }, { baseDir: flax });
  assert.deepEqual(asFlax.summary.layers, ['Dense_0.kernel', 'Dense_1.kernel', 'Dense_2.kernel'], 'chosen by default: names ending in "kernel"');
  assert.deepEqual(asFlax.layers.map((l) => [l.shape, l.rows, l.cols]), [[[5, 4], 4, 5], [[4, 4], 4, 4], [[4, 3], 3, 4]]);
  assert.deepEqual(asFlax.pairsLeftOut, []);
  assert.equal(asFlax.alignment.length, 2);
  for (const key of ['distance'] as const) assert.deepEqual(asFlax[key], asTorch[key]);
  asFlax.layers.forEach((l, i) => {
    assert.deepEqual(l.norm, asTorch.layers[i].norm);
    assert.deepEqual(l.distance, asTorch.layers[i].distance);
  });
  asFlax.alignment.forEach((a, i) => {
    assert.deepEqual(a.zeta, asTorch.alignment[i].zeta);
    assert.deepEqual(a.zetaTop, asTorch.alignment[i].zetaTop);
  });
  // And ζ is the float64 reference's of the network (W₂W₁ for out × in W).
  const w = (step: number, l: number) => ({ rows: sizes[l + 1], cols: sizes[l], data: Float64Array.from(weights[step][l]) });
  for (let step = 0; step < 2; step++) assert.ok(Math.abs(asFlax.alignment[0].zeta[step]! - refZeta(w(step, 0), w(step, 1))) < 1e-12);
  assert.equal(asFlax.summary.label, asTorch.summary.label);
});

test('kernels stored in × out and read as out × in: each pair left out says that they chain transposed, with the layers and shapes, and the option', async () => {
  const { flax } = await twoLayouts([6, 4, 3], 11);
  const result = await readCheckpoints({ path: '*.safetensors', layers: ['Dense_0.kernel', 'Dense_1.kernel'] }, { baseDir: flax });
  assert.deepEqual(result.alignment, []);
  assert.deepEqual(result.pairsLeftOut, [
    {
      layers: ['Dense_0.kernel', 'Dense_1.kernel'],
      reason:
        '"Dense_1.kernel" [4, 3] does not follow "Dense_0.kernel" [6, 4]: its input size 3 is not the previous layer\'s output size 6 (rows read as outputs), but read transposed, or in the other order, they chain (its 4 rows are the previous layer\'s 4 columns) — for kernels stored in × out (JAX/Flax, Keras), set "layout": "in×out" in "checkpoints"; for layers listed in reverse order, list them in network order',
    },
  ]);
  // Left out, "layers" finds no "weight": the message points at the kernels and the option.
  const none = await readCheckpoints({ path: '*.safetensors' }, { baseDir: flax });
  assert.match(none.problems[0].message, /^the first checkpoint, step_0\.safetensors, has no 2-D tensor whose name ends in "weight": list the layers under "layers" \(2 tensors named "kernel", as TensorFlow\/Keras and JAX\/Flax name a dense layer's in × out weights: list them under "layers" in network order and set "layout": "in×out", or set only "layout": "in×out" to choose them by default\)\. It has: /);
  // PyTorch weights read as in × out: the other way round.
  const { torch } = await twoLayouts([6, 4, 3], 12);
  const wrong = await readCheckpoints({ path: '*.safetensors', layout: 'in×out' }, { baseDir: torch });
  assert.match(wrong.pairsLeftOut[0].reason, /^"fc2\.weight" \[3, 4\] does not follow "fc1\.weight" \[4, 6\] \(stored in × out\): .* — for layers stored out × in \(PyTorch\), leave "layout" out; for layers listed in reverse order, list them in network order$/);
  // Shapes that do not chain either way say only that.
  assert.equal(chainProblem({ rows: 4, cols: 6 }, { rows: 2, cols: 5 }), "its input size 5 is not the previous layer's output size 4");
});

test('a convolution kernel stored k × k × in × out is read as out × (k·k·in); a 1 × 1 one chains with a dense kernel after it', async () => {
  const dir = join(root, 'conv');
  mkdirSync(dir);
  for (const step of [0, 1]) {
    await writeSafetensors(join(dir, `step_${step}.safetensors`), [
      { name: 'Conv_0.kernel', dtype: 'F32', shape: [1, 1, 3, 4], data: Array.from({ length: 12 }, (_, i) => i + 1 + step) },
      { name: 'Dense_0.kernel', dtype: 'F32', shape: [4, 2], data: Array.from({ length: 8 }, (_, i) => (i % 3) - 1 + step / 2) },
    ]);
  }
  const result = await readCheckpoints({ path: '*.safetensors', layers: ['Conv_0.kernel', 'Dense_0.kernel'], layout: 'in×out' }, { baseDir: dir });
  assert.deepEqual(result.layers.map((l) => [l.rows, l.cols]), [[4, 3], [2, 4]]);
  assert.equal(result.alignment.length, 1);
  assert.deepEqual(result.problems, []);
});

test('a value that is not finite in an in × out kernel is placed where it is stored', async () => {
  const dir = join(root, 'nan');
  mkdirSync(dir);
  const stored = [1, 2, 3, 4, 5, 6]; // [3, 2]: in 3 × out 2
  await writeSafetensors(join(dir, 'step_0.safetensors'), [{ name: 'Dense_0.kernel', dtype: 'F32', shape: [3, 2], data: stored }]);
  const bad = stored.slice();
  bad[3] = NaN; // row 1, column 1 as stored
  bad[4] = Infinity; // row 2, column 0: later as stored, earlier in the transpose (row 0 of out × in, column 2)
  await writeSafetensors(join(dir, 'step_1.safetensors'), [{ name: 'Dense_0.kernel', dtype: 'F32', shape: [3, 2], data: bad }]);
  const result = await readCheckpoints({ path: '*.safetensors', layout: 'in×out' }, { baseDir: dir });
  assert.match(result.problems.map((p) => p.message).join('\n'), /layer "Dense_0\.kernel" \[3, 2\] has 2 entries that are not finite \(NaN or ±∞; the first, NaN, at row 1, column 1\)/);
});

test('"layout" is a key of the checkpoint form: "out×in" or "in×out", anything else refused at its place', () => {
  const ok = parseAnyExperiment('{"checkpoints": {"path": "*.safetensors", "layout": "in×out"}}');
  assert.equal(ok.parsed?.kind, 'checkpoints');
  assert.equal(ok.parsed?.kind === 'checkpoints' && ok.parsed.experiment.checkpoints.layout, 'in×out');
  const bad = parseAnyExperiment('{"checkpoints": {"path": "*.safetensors", "layout": "HWIO"}}');
  assert.equal(bad.parsed, null);
  assert.match(bad.diagnostics.map((d) => d.message).join('\n'), /checkpoints\.layout must be one of "out×in", "in×out", got "HWIO"/);
});

test('layers named "kernel" listed without "layout" are read out × in with a warning at checkpoints.layers that names them, Flax/Keras\'s in × out and both options', async () => {
  // 4 → 4 → 4 stored as Flax does: a square pair chains either way, and read out × in its ζ is another product's, silently until 2026-12.
  const { flax } = await twoLayouts([4, 4, 4], 21);
  const listed = { path: '*.safetensors', layers: ['Dense_0.kernel', 'Dense_1.kernel'] };
  const asStored = await readCheckpoints(listed, { baseDir: flax });
  assert.equal(asStored.alignment.length, 1, 'read as written: the pair chains');
  assert.deepEqual(asStored.problems, [
    {
      file: null,
      message:
        'layers "Dense_0.kernel", "Dense_1.kernel" are named "kernel", the name TensorFlow/Keras and JAX/Flax give a layer\'s weights, which they store in × out; with "layout" left out they are read as out × in (rows as outputs, PyTorch\'s layout), so such a network\'s ζ and ζ_top would be another product\'s — set "layout": "in×out" in "checkpoints" for TensorFlow/Keras and JAX/Flax kernels, or "layout": "out×in" to say they are stored out × in',
      key: 'checkpoints.layers',
      warning: true,
    },
  ]);
  // Either layout said: no warning.
  assert.deepEqual((await readCheckpoints({ ...listed, layout: 'in×out' }, { baseDir: flax })).problems, []);
  assert.deepEqual((await readCheckpoints({ ...listed, layout: 'out×in' }, { baseDir: flax })).problems, []);
  // One kernel among weights: said of it alone.
  const dir = join(root, 'one-kernel');
  mkdirSync(dir);
  for (const step of [0, 1]) {
    await writeSafetensors(join(dir, `step_${step}.safetensors`), [
      { name: 'fc1.weight', dtype: 'F32', shape: [3, 2], data: [1, 2, 3, 4, 5, 6 + step] },
      { name: 'head.kernel', dtype: 'F32', shape: [2, 3], data: [1, 0, 1, 0, 1, step] },
    ]);
  }
  const one = await readCheckpoints({ path: '*.safetensors', layers: ['fc1.weight', 'head.kernel'] }, { baseDir: dir });
  assert.match(one.problems[0].message, /^layer "head\.kernel" is named "kernel", .* with "layout" left out it is read as out × in .* or "layout": "out×in" to say it is stored out × in$/);
});

test('a 1-D layer is refused with the shapes of the layout in force: 2-D and 3-D/4-D kernels, out × in or in × out', async () => {
  const dir = join(root, 'one-d');
  mkdirSync(dir);
  for (const step of [0, 1]) await writeSafetensors(join(dir, `step_${step}.safetensors`), [{ name: 'Dense_0.bias', dtype: 'F32', shape: [6], data: [1, 2, 3, 4, 5, step] }]);
  const inOut = await readCheckpoints({ path: '*.safetensors', layers: ['Dense_0.bias'], layout: 'in×out' }, { baseDir: dir });
  assert.equal(
    inOut.problems[0].message,
    'layer "Dense_0.bias" is 1-D [6] in the first checkpoint, step_0.safetensors: a layer is a weight matrix (2-D in × out, as "layout": "in×out" says) or a convolution kernel (3-D k × in × out or 4-D k × k × in × out, read as out × k·in or out × k·k·in)',
  );
  const outIn = await readCheckpoints({ path: '*.safetensors', layers: ['Dense_0.bias'] }, { baseDir: dir });
  assert.match(outIn.problems[0].message, /: a layer is a weight matrix \(2-D out × in\) or a convolution kernel \(3-D out × in × k or 4-D out × in × k × k, read as out × in·k or out × in·k·k\)$/);
});

test('TensorFlow\'s, Keras\'s and Flax\'s names of a kernel (`dense/kernel:0`, `params/Dense_0/kernel`) get the notice, are chosen under "in×out" and named when nothing ends in "weight"', async () => {
  for (const name of ['dense/kernel:0', 'dense_1/kernel:0', 'params/Dense_0/kernel', 'model/dense_2/Kernel:1', 'layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE', 'Dense_0.kernel', 'conv_kernel']) assert.ok(isKernelName(name), name);
  for (const name of ['fc1.weight', 'dense/bias:0', 'kernel_size', 'kernels/0', 'dense/kernel:x']) assert.ok(!isKernelName(name), name);
  const notice = kernelLayoutNotice(['dense/kernel:0', 'dense_1/kernel:0', 'params/Dense_0/kernel']);
  assert.ok(notice !== null);
  assert.match(notice, /^layers "dense\/kernel:0", "dense_1\/kernel:0", "params\/Dense_0\/kernel" are named "kernel", the name TensorFlow\/Keras and JAX\/Flax give a layer's weights, which they store in × out; /);
  // Read end to end: a Keras network's tensors (in × out, named as tf.keras names its variables).
  const dir = join(root, 'keras');
  mkdirSync(dir);
  for (const step of [0, 1]) {
    await writeSafetensors(join(dir, `step_${step}.safetensors`), [
      { name: 'dense/kernel:0', dtype: 'F32', shape: [3, 3], data: [1, 2, 0, 0, 1, 2, 2, 0, 1 + step] },
      { name: 'dense/bias:0', dtype: 'F32', shape: [3], data: [0, 0, 0] },
      { name: 'dense_1/kernel:0', dtype: 'F32', shape: [3, 3], data: [1, 0, 1, 0, 2, 1, 1, 1, step] },
    ]);
  }
  const listed = await readCheckpoints({ path: '*.safetensors', layers: ['dense/kernel:0', 'dense_1/kernel:0'] }, { baseDir: dir });
  assert.deepEqual(listed.problems.map((p) => [p.key, p.warning, p.message.slice(0, 62)]), [['checkpoints.layers', true, 'layers "dense/kernel:0", "dense_1/kernel:0" are named "kernel"']]);
  const chosen = await readCheckpoints({ path: '*.safetensors', layout: 'in×out' }, { baseDir: dir });
  assert.deepEqual(chosen.summary.layers, ['dense/kernel:0', 'dense_1/kernel:0'], 'chosen by default under "in×out"');
  const none = await readCheckpoints({ path: '*.safetensors' }, { baseDir: dir });
  assert.match(none.problems[0].message, /has no 2-D tensor whose name ends in "weight": list the layers under "layers" \(2 tensors named "kernel", as TensorFlow\/Keras and JAX\/Flax name/);
});

test('the default choice of layers leaves out an optimizer\'s state (optax\'s opt_state/…/mu|nu, PyTorch\'s exp_avg, exp_avg_sq, momentum_buffer), said at checkpoints.layers', async () => {
  for (const name of ['opt_state/0/mu/Dense_0/kernel', 'opt_state/1/nu/Dense_2/kernel', 'mu/Dense_0/kernel', 'optimizer.exp_avg.fc1.weight', 'exp_avg_sq/fc1.weight', 'state.fc2.momentum_buffer.weight', 'Adam/dense/kernel/m:0']) assert.ok(isOptimizerState(name), name);
  for (const name of ['params/Dense_0/kernel', 'encoder.mu.weight', 'fc_mu.weight', 'dense/kernel:0', 'adam_head.weight']) assert.ok(!isOptimizerState(name), name);
  // A flattened Flax TrainState: the params' kernels and optax's two moments of each, in × out.
  const dir = join(root, 'trainState');
  mkdirSync(dir);
  const sizes = [4, 3, 2];
  const weights: number[][][] = [];
  for (const step of [0, 10]) {
    const kernels = sizes.slice(1).map((out, l) => Array.from(matrix(sizes[l], out, 7 + 100 * step + l).data));
    weights.push(kernels);
    const tensors = kernels.flatMap((data, l) => [
      { name: `params/Dense_${l}/kernel`, dtype: 'F64' as const, shape: [sizes[l], sizes[l + 1]], data },
      { name: `opt_state/0/mu/Dense_${l}/kernel`, dtype: 'F64' as const, shape: [sizes[l], sizes[l + 1]], data: data.map((x) => x * (step + 1)) },
      { name: `opt_state/0/nu/Dense_${l}/kernel`, dtype: 'F64' as const, shape: [sizes[l], sizes[l + 1]], data: data.map((x) => x * x + step) },
    ]);
    await writeSafetensors(join(dir, `step_${step}.safetensors`), tensors);
  }
  const chosen = await readCheckpoints({ path: '*.safetensors', layout: 'in×out' }, { baseDir: dir });
  const listed = await readCheckpoints({ path: '*.safetensors', layout: 'in×out', layers: ['params/Dense_0/kernel', 'params/Dense_1/kernel'] }, { baseDir: dir });
  assert.deepEqual(chosen.summary.layers, ['params/Dense_0/kernel', 'params/Dense_1/kernel']);
  assert.deepEqual([chosen.distance, chosen.layers, chosen.alignment, chosen.summary.label], [listed.distance, listed.layers, listed.alignment, listed.summary.label]);
  assert.deepEqual(listed.problems, []);
  assert.deepEqual(
    chosen.problems.map((p) => [p.key, p.warning, p.message]),
    [['checkpoints.layers', true, '4 tensors "opt_state/0/mu/Dense_0/kernel", "opt_state/0/mu/Dense_1/kernel", "opt_state/0/nu/Dense_0/kernel" and 1 more are an optimizer\'s state (its moments, shaped as the layers they follow), left out of the layers chosen by default (2 chosen): list the layers under "layers" if one of them is a layer of the network']],
  );
});
