// The dead-unit scan's cost at a record of an MNIST run (docs/networks.md, `deadAtStart`, `deadAtEnd`;
// src/core/network/deadUnits.ts): the 784-256-256-256-10 ReLU network of the network sections on the
// 10,000 digits of the `mnist` package, scanned at θ₀ as a live network (it stops after a sample or a
// few, as every record of a live run does) and with hidden layer 1 dead (−|W_1| over non-negative
// pixels: every pre-activation ≤ 0, the scan reads as many samples as 5·10⁸ multiply-adds allow, spread
// over the set), each against the reference measured in the same process: one training step of the
// same network at batch 128 on ONNX Runtime; the dead scan also beside the same number of samples read
// in order from the first, as the scan did before it spread them (alternating, medians of 5). `npm run build` must have run (`npm run bench` does).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bundleScript, medianStepSource, mnistDigitsSource, repo } from './util.mjs';

const wasmDirectory = JSON.stringify(join(repo, 'dist'));

async function deadScanCost() {
  const script = await bundleScript('dead-scan.js', `
    import { readFileSync } from 'node:fs';
    import { join } from 'node:path';
    import { Training } from './src/core/network/train';
    import { networkSpec } from './src/core/network/spec';
    import { initialWeights } from './src/core/network/model';
    import { DEAD_SCAN_WORK, deadUnitsAt } from './src/core/network/deadUnits';
    ${mnistDigitsSource}
    const sizes = [784, 256, 256, 256, 10];
    const spec = networkSpec({ model: { hidden: [256, 256, 256], activation: 'relu' }, training: { loss: 'crossEntropy', batchSize: 128, steps: 100000, learningRate: 0.05, record: { every: 1e8 } } });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const timed = (f: () => unknown, rounds: number) => median(Array.from({ length: rounds }, () => { const t = performance.now(); f(); return performance.now() - t; }));
    ${medianStepSource}
    (async () => {
      // The reference: one step of the trainer, median over stretches of 50 with no record between.
      const t = new Training(spec, { train: { count: n, features: 784, sampleShape: [28, 28], x, targets: { kind: 'classes', labels, classCount: 10 } } }, { wasmDirectory: ${wasmDirectory} });
      const step = await medianStep(t);
      const backend = t.result().summary.backend;
      t.dispose();
      const w = initialWeights(spec.init, sizes);
      const live = deadUnitsAt('relu', w, x, n)!;
      const liveMs = timed(() => deadUnitsAt('relu', w, x, n), 200);
      const killed = [{ ...w[0], data: w[0].data.map((v) => -Math.abs(v)) }, ...w.slice(1)];
      const dead = deadUnitsAt('relu', killed, x, n)!;
      // Alternating with the same number of samples read in order from the first (the scan before the
      // stride: a set of just those samples is read whole), so the stride's cost is seen beside it.
      const strided: number[] = [];
      const first: number[] = [];
      for (let r = 0; r < 5; r++) {
        strided.push(timed(() => deadUnitsAt('relu', killed, x, n), 1));
        first.push(timed(() => deadUnitsAt('relu', killed, x, dead.samples), 1));
      }
      console.log(JSON.stringify({ backend, step, live: { ms: liveMs, samples: live.samples, deadLayer: live.deadLayer }, dead: { ms: median(strided), first: median(first), samples: dead.samples, of: dead.of, deadLayer: dead.deadLayer }, work: DEAD_SCAN_WORK }));
    })();`);
  const r = spawnSync(process.execPath, [script], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`the dead-scan bench failed (${r.status}): ${r.stderr.slice(0, 800)}`);
  const o = JSON.parse(r.stdout);
  if (o.live.deadLayer !== null || o.dead.deadLayer !== 1) throw new Error(`expected a live network and hidden layer 1 dead, got ${o.live.deadLayer} and ${o.dead.deadLayer}`);
  const x = (a) => `${(a / o.step).toFixed(a / o.step < 0.1 ? 4 : 2)}×`;
  return `reference: one step at batch 128 on ${o.backend}, ${o.step.toFixed(2)} ms (same process); ` +
    `a live network's scan at a record ${(1000 * o.live.ms).toFixed(0)} µs (${o.live.samples} sample${o.live.samples === 1 ? '' : 's'} read before every layer had an active unit), ratio ${x(o.live.ms)} a step; ` +
    `hidden layer 1 dead: ${o.dead.ms.toFixed(0)} ms, ${o.dead.samples} of ${o.dead.of} samples spread over the set within ${o.work.toExponential(0)} multiply-adds, ratio ${x(o.dead.ms)} a step — paid at θ₀, the first record it is seen at and the last — and ${o.dead.first.toFixed(0)} ms for as many of the first samples in order (the scan before the stride), ratio ${(o.dead.ms / o.dead.first).toFixed(2)}`;
}

export const sections = [{ name: 'network: the dead-unit scan at a record of an MNIST run', run: deadScanCost }];
