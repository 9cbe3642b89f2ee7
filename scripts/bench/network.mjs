// The deep-network trainer's benchmark sections (issue 11, "Speed"; docs/networks.md, "Speed"): one SGD
// step of a 784-256-256-256-10 ReLU MLP at batch 128 side by side with the same step in numpy float32,
// and an epoch of the 10,000 MNIST digits of the `mnist` package with its records, peak memory and the
// share of the time the measurements take. The trainer runs from a bundle that loads the .wasm binaries
// from dist/ (as the CLI and the worker do), so `npm run build` must have run (`npm run bench` does).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleScript, median, medianStepSource, mnistDigitsSource, ms, repo, scratchDir } from './util.mjs';

const ROUNDS = Number(process.env.FLAB_BENCH_REPETITIONS ?? 5);
const wasmDirectory = JSON.stringify(join(repo, 'dist'));

/** Runs a process and parses the JSON it prints; throws with its stderr when it fails. */
function runJson(command, args, env = {}) {
  const r = spawnSync(command, args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 800)}`);
  return JSON.parse(r.stdout);
}

/**
 * The trainer's step: one run with no record between its first and last step, stopped every 50 steps;
 * `timings().steps` over each stretch of 50 (passes, loss, accuracy, update; no record), median.
 */
const stepScript = () => bundleScript('network-step.js', `
  import { Training } from './src/core/network/train';
  import { networkSpec } from './src/core/network/spec';
  import { Rng } from './src/core/math/rng';
  const rng = new Rng(1);
  const count = 1024;
  const x = new Float32Array(count * 784).map(() => rng.normal());
  const labels = Int32Array.from({ length: count }, (_, i) => i % 10);
  const train = { count, features: 784, sampleShape: [784], x, targets: { kind: 'classes' as const, labels, classCount: 10 } };
  const spec = networkSpec({ model: { hidden: [256, 256, 256], activation: 'relu' }, training: { loss: 'crossEntropy', batchSize: 128, steps: 1000, learningRate: 0.01, record: { every: 1e8 } } });
  ${medianStepSource}
  (async () => {
    const t = new Training(spec, { train }, { wasmDirectory: ${wasmDirectory}, backend: process.argv[2] as 'onnxruntime' | 'tfjs' });
    console.log(JSON.stringify({ step: await medianStep(t) }));
  })();`);

/** The same step in numpy float32 (explicit forward and backward, as the trainer), median per step. */
function numpyScript() {
  const file = join(scratchDir(), 'network-step.py');
  writeFileSync(file, `import json, time
import numpy as np
rng = np.random.default_rng(0)
sizes = [784, 256, 256, 256, 10]
W = [(rng.standard_normal((sizes[i + 1], sizes[i])) * np.sqrt(2 / sizes[i])).astype(np.float32) for i in range(4)]
B = 128
X = rng.standard_normal((B, 784)).astype(np.float32)
Y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, B)]
lr = np.float32(0.01)
def step():
    hs, zs, h = [X], [], X
    for l in range(4):
        z = h @ W[l].T
        zs.append(z)
        h = np.maximum(z, 0) if l < 3 else z
        hs.append(h)
    e = np.exp(h - h.max(1, keepdims=True))
    g = (e / e.sum(1, keepdims=True) - Y) / B
    for l in range(3, -1, -1):
        gW = g.T @ hs[l]
        if l > 0:
            g = (g @ W[l]) * (zs[l - 1] > 0)
        W[l] -= lr * gW
for _ in range(20):
    step()
per = []
for _ in range(5):
    t = time.perf_counter()
    for _ in range(50):
        step()
    per.append((time.perf_counter() - t) / 50 * 1000)
print(json.dumps({"step": sorted(per)[2]}))
`);
  return file;
}

async function sgdStep() {
  const node = await stepScript();
  const py = numpyScript();
  // glibc returns numpy's 0.1–0.8 MB temporaries to the kernel after every step, and the page faults of
  // taking them back dominate in this VM; raising the mmap and trim thresholds keeps them: numpy at its best.
  const tuned = { MALLOC_MMAP_THRESHOLD_: '1073741824', MALLOC_TRIM_THRESHOLD_: '4294967296' };
  const variants = [
    ['trainer', () => runJson(process.execPath, [node, 'onnxruntime']).step],
    ['trainer on TF.js', () => runJson(process.execPath, [node, 'tfjs']).step],
    ['numpy', () => runJson('python3', [py]).step],
    ['numpy, malloc kept', () => runJson('python3', [py], tuned).step],
    ['numpy, malloc kept, 1 thread', () => runJson('python3', [py], { ...tuned, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' }).step],
  ];
  const times = variants.map(() => []);
  for (let r = 0; r < ROUNDS; r++) variants.forEach(([, f], i) => times[i].push(f()));
  const [trainer, tfjs, plain, kept, single] = times.map(median);
  const best = Math.min(plain, kept, single);
  const x = (a, b) => (a / b).toFixed(1);
  return `784-256-256-256-10 ReLU, batch 128, cross-entropy, in-process medians of ${ROUNDS} alternating rounds: trainer (ONNX Runtime, 1 thread) ${trainer.toFixed(2)} ms, ` +
    `on its fallback (TF.js WebAssembly SIMD, 1 thread) ${tfjs.toFixed(2)} ms; ` +
    `numpy float32 ${plain.toFixed(2)} ms as run plainly, ${kept.toFixed(2)} ms with malloc kept (2 threads), ${single.toFixed(2)} ms with malloc kept on 1 thread: ` +
    `ratio ${x(trainer, best)} to numpy's fastest (target ≤ 2; ${x(trainer, single)} to numpy on 1 thread)`;
}

/**
 * Epochs of the 10,000 digits: batch 128 (79 steps an epoch), a record every `every` steps (16: six
 * records an epoch; 'default': the cadence of a file that does not set it), in one process;
 * the measurements on their cadence (docs/networks.md, "Cadence"). `epochs` 1 is the issue's epoch; 5
 * shows the share once the first and the last record's fixed costs are spread over a longer run.
 * `runs` > 1 trains the same run that many times in the process and reports the last: a worker's
 * second run, after the first has warmed the JavaScript compiler and ONNX Runtime.
 */
async function mnistEpochs(epochs, runs = 1, every = 16) {
  const script = await bundleScript('network-epoch.js', `
    import { readFileSync } from 'node:fs';
    import { join } from 'node:path';
    import { Training } from './src/core/network/train';
    import { networkSpec } from './src/core/network/spec';
    import { leastDefaultRecordEvery } from './src/core/network/workModel';
    ${mnistDigitsSource}
    const epochs = Number(process.argv[2]);
    // 'default': the cadence of a file that does not set training.record.every (specForData).
    const every = process.argv[4] === 'default' ? Math.max(leastDefaultRecordEvery([784, 256, 256, 256, 10], 128, 'relu'), Math.floor((epochs * Math.ceil(count / 128)) / 100)) : Number(process.argv[4]);
    const spec = networkSpec({ model: { hidden: [256, 256, 256], activation: 'relu' }, training: { loss: 'crossEntropy', batchSize: 128, epochs, learningRate: 0.05, record: { every } } });
    const runs = Number(process.argv[3] ?? 1);
    (async () => {
      let t!: Training;
      let outcome!: Awaited<ReturnType<Training['run']>>;
      let wall = 0;
      for (let k = 0; k < runs; k++) {
        // The clock starts before the trainer is made: drawing θ₀ is training, and ‖θ₀‖ (taken there) a measurement.
        const start = performance.now();
        t = new Training(spec, { train: { count: n, features: 784, sampleShape: [28, 28], x, targets: { kind: 'classes', labels, classCount: 10 } } }, { wasmDirectory: ${wasmDirectory} });
        outcome = await t.run();
        wall = performance.now() - start;
        if (k + 1 < runs) t.dispose();
      }
      const r = t.result();
      const measured = (xs: (number | null)[]) => xs.filter((k) => k !== null).length;
      console.log(JSON.stringify({ outcome, wall, every, backend: r.summary.backend, timing: t.timings(), records: r.step.length, kernels: measured(r.kernelChange), zeta: measured(r.alignment[0].zeta), zetaTop: measured(r.alignment[0].zetaTop),
        loss: [r.trainLoss[0], r.trainLoss.at(-1)], accuracy: r.trainAccuracy.at(-1), label: r.summary.label, maxRss: process.resourceUsage().maxRSS * 1024 }));
    })();`);
  // One fresh process per round: the share of a single run swings by a few points with the machine's
  // page faults (docs/networks.md, "Speed"), so the share reported is the median over the processes,
  // with their range; the times are those of the run of median wall time.
  const results = Array.from({ length: Math.max(1, ROUNDS) }, () => runJson(process.execPath, [script, String(epochs), String(runs), String(every)]));
  const r = results.sort((a, b) => a.wall - b.wall)[results.length >> 1];
  if (results.some((x) => x.outcome.status !== 'finished')) throw new Error(`a run ended ${results.find((x) => x.outcome.status !== 'finished').outcome.status}`);
  const share = (v) => `${((100 * v) / r.wall).toFixed(1)}%`;
  const t = r.timing;
  // Every measurement counts: the layer metrics, the kernel, the test set's evaluation and the dead-unit scans.
  const shares = results.map((x) => (100 * (x.timing.layerMetrics + x.timing.kernel + x.timing.evaluation + x.timing.deadUnits)) / x.wall).sort((a, b) => a - b);
  return `${epochs} epoch${epochs > 1 ? 's' : ''} on ${r.backend}${runs > 1 ? `, run ${runs} in one process` : ''}, ${r.outcome.step} steps, ${r.records} records (every ${r.every} step${r.every > 1 ? 's' : ''}${every === 'default' ? ', the default' : ''}; ζ at ${r.zeta}, ζ_top at ${r.zetaTop}, kernel at ${r.kernels}): ${ms(r.wall)} wall, median of ${results.length} processes; ` +
    `steps ${ms(t.steps)} (${(t.steps / r.outcome.step).toFixed(1)} ms each), layer metrics ${ms(t.layerMetrics)} (${share(t.layerMetrics)}), kernel ${ms(t.kernel)} (${share(t.kernel)}), dead-unit scans ${ms(t.deadUnits)} (${share(t.deadUnits)}): ` +
    `measurements ${shares[shares.length >> 1].toFixed(1)}% of the time (median of the ${results.length} processes; ${shares[0].toFixed(1)}–${shares[shares.length - 1].toFixed(1)}%), their sessions' set-up included (target ≤ 10%); peak RSS ${(Math.max(...results.map((x) => x.maxRss)) / 2 ** 20).toFixed(0)} MB (target ≤ 600); ` +
    `train loss ${r.loss[0].toFixed(3)} → ${r.loss[1].toFixed(3)}, accuracy ${(100 * r.accuracy).toFixed(1)}%, label ${r.label}`;
}

/**
 * ζ_top's share on a layer past the Lanczos budget (docs/networks.md, "Cadence"): a network with
 * `hidden` layers trained `steps` steps on random data, a record every `every` steps, in one process.
 * Prints ζ_top's Lanczos time over the steps' time beside the cadence's modelled share (its work
 * charged over the training's work), the measurements' modelled work before each run against the work
 * of the steps it took, and what the model until 2026-12-03 claimed (each run at its budget's cap, a
 * multiply-add of the one-column products at 1).
 */
async function wideZetaTop(hidden, { features = 784, batch = 128, steps = 200, every = 5 } = {}) {
  const script = await bundleScript('network-wide-zeta-top.js', `
    import { Training, ZETA_TOP_SHARE } from './src/core/network/train';
    import { lanczosSteps } from './src/core/network/layerMetrics';
    import { OP_WORK } from './src/core/network/workModel';
    import { networkSpec } from './src/core/network/spec';
    import { Rng } from './src/core/math/rng';
    const [hidden, features, batch, steps, every] = JSON.parse(process.argv[2]);
    const rng = new Rng(3);
    const count = 2048;
    const x = new Float32Array(count * features).map(() => rng.normal());
    const labels = Int32Array.from({ length: count }, (_, i) => i % 10);
    const spec = networkSpec({ model: { hidden, activation: 'relu' }, init: { seed: 2 }, training: { loss: 'crossEntropy', batchSize: batch, steps, learningRate: 0.02, record: { every } } });
    (async () => {
      const t = new Training(spec, { train: { count, features, sampleShape: [features], x, targets: { kind: 'classes', labels, classCount: 10 } } }, { wasmDirectory: ${wasmDirectory} });
      const outcome = await t.run();
      const w = t.measurementWork();
      const r = t.result();
      // The model until 2026-12-03: every run at its budget's cap, a multiply-add of the products at 1.
      const budgetWork = t.sizes.slice(1).reduce((s, r, l) => s + lanczosSteps(r, t.sizes[l]) * (2 * r * t.sizes[l] + 2 * OP_WORK) + r * t.sizes[l] + 2 * OP_WORK, 0);
      console.log(JSON.stringify({ outcome, backend: r.summary.backend, timing: t.timings(), work: w, share: ZETA_TOP_SHARE, budgetWork, sizes: t.sizes, records: r.step.length }));
    })();`);
  const r = runJson(process.execPath, [script, JSON.stringify([hidden, features, batch, steps, every])]);
  if (r.outcome.status !== 'finished') throw new Error(`the run ended ${r.outcome.status}`);
  const runs = r.work.zetaTopRuns;
  const pct = (x) => `${(100 * x).toFixed(2)}%`;
  const ratios = runs.slice(1).map((x) => x.taken / x.modelled);
  const range = ratios.length ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : 'none';
  return `${r.sizes.join('-')} on ${r.backend}, batch ${batch}, ${r.outcome.step} steps, ${r.records} records (every ${every}); ζ_top at ${runs.length} (steps ${runs.map((x) => x.step).join(', ')}): ` +
    `ζ_top's Lanczos ${ms(r.timing.zetaTop)} = ${pct(r.timing.zetaTop / r.timing.steps)} of the steps' ${ms(r.timing.steps)} measured, ${pct(r.work.spent.zetaTop / r.work.training)} modelled (share ${pct(r.share)}, or the two endpoints when more); ` +
    `taken/modelled work per run after the first ${range}; Lanczos steps per layer ${runs[0].steps.join('/')} at the first, ${runs.length > 1 ? runs[1].steps.join('/') : '–'} at the second, ${runs.at(-1).steps.join('/')} at the last; ` +
    `the model until 2026-12-03 (each run at its budget's cap, a product's multiply-add at 1) would have counted ${pct((runs.length * r.budgetWork) / r.work.training)}`;
}

export const sections = [
  { name: 'network: one SGD step vs numpy float32', run: sgdStep },
  { name: 'network: an epoch of 10,000 MNIST digits', run: () => mnistEpochs(1) },
  { name: 'network: an epoch of 10,000 MNIST digits, a worker\'s second run', run: () => mnistEpochs(1, 2) },
  { name: 'network: five epochs of 10,000 MNIST digits', run: () => mnistEpochs(5) },
  // The cadence a file that does not set training.record.every gets for this run: about 100 records,
  // but none closer than their norms' and distances' share of the steps' work allows (one a step, the
  // default until 2026-12-02, spent 15% of the epoch measuring), and one a step, for comparison.
  { name: 'network: an epoch of 10,000 MNIST digits, the default record cadence', run: () => mnistEpochs(1, 1, 'default') },
  { name: 'network: an epoch of 10,000 MNIST digits, a record every step', run: () => mnistEpochs(1, 1, 1) },
  // ζ_top on layers whose Lanczos runs go past their budget (784 × 2048: a cap of 20 steps; 2048²: 8).
  { name: 'network: ζ_top on a 2048-wide hidden layer, measured vs modelled share', run: () => wideZetaTop([2048, 2048], { features: 64, batch: 32, steps: 300, every: 10 }) },
];
