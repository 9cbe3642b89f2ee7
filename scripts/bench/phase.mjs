// Phase diagrams (issue 4, "Speed"): a 256×256 diagram, target under one second. Measured in-process
// (median of 5 after one warm-up, as the extension's worker runs it) and as a whole `flab phase` process.
import { spawnSync } from 'node:child_process';
import { bundleScript, cli, median, timeProcess, writeExperiment } from './util.mjs';

const SIZE = 256;
const experiment = {
  model: { width: 1024, outputScale: 1 },
  data: { x: [1, 0.5], y: 1 },
  init: { scaleU: 0.1, scaleW: 0.1, seed: 3 },
  learningRates: { u: 1, W: 1 },
};

/** A 256² diagram of gradient descent with a budget of 1,000 steps: in-process beside the flow's, and against numpy. */
const DESCENT = { ...experiment, time: { end: 1000 } };
const DX = { key: 'outputScale', from: 1e-2, to: 1 };
const DY = { key: 'learningRates.W', from: 1e-3, to: 0.1 };

// numpy's vectorised form of the same recursion over the same number of cells: each step the four
// coordinates of every cell, its output, loss and the rise/fall/blow-up bookkeeping (float64, the
// best of 3 inside Python: its start-up excluded).
const NUMPY_DESCENT = `
import json, time, numpy as np
n, steps = ${SIZE * SIZE}, 1000
rng = np.random.default_rng(0)
u1, u2, v1, v2 = rng.random(n), 0.1 * rng.random(n), rng.random(n), 0.1 * rng.random(n)
lam, y = np.exp(rng.uniform(-3, 0, n)), 1.0
best = float('inf')
with np.errstate(all='ignore'):
    for rep in range(3):
        a1, a2, b1, b2 = u1.copy(), u2.copy(), v1.copy(), v2.copy()
        t0 = time.perf_counter()
        f = lam * (a1 * b1 + a2 * b2)
        loss0 = 0.5 * (f - y) ** 2
        rose = np.zeros(n, bool); fell = np.zeros(n, bool); blown = np.zeros(n, bool)
        for k in range(steps):
            x = lam * (f - y)
            a1, a2, b1, b2 = a1 - x * b1, a2 - x * b2, b1 - x * a1, b2 - x * a2
            f = lam * (a1 * b1 + a2 * b2)
            loss = 0.5 * (f - y) ** 2
            blown |= ~(loss <= 1e30 * loss0)
            fell |= rose & (loss < loss0)
            rose |= loss > loss0 * (1 + 1e-9)
        best = min(best, time.perf_counter() - t0)
print(json.dumps({'ms': best * 1000}))
`;

async function descentDiagram() {
  const script = await bundleScript('phase-descent-inprocess.js', `import { parseExperiment } from './src/core/experiment/parse';
        import { phaseDiagramSync } from './src/core/analysis/phase/phaseDiagram';
        const { experiment } = parseExperiment(${JSON.stringify(JSON.stringify(DESCENT))});
        const x = ${JSON.stringify(DX)};
        const y = ${JSON.stringify(DY)};
        const time = (method) => {
          const times = [];
          let p;
          for (let k = 0; k < 4; k++) {
            const t0 = performance.now();
            p = phaseDiagramSync(experiment, x, y, ${SIZE}, method);
            if (k > 0) times.push(performance.now() - t0);
          }
          times.sort((a, b) => a - b);
          return { ms: times[times.length >> 1], p };
        };
        const descent = time('descent');
        const flow = time('flow');
        const counts = [0, 0, 0];
        for (const o of descent.p.outcomes) counts[o]++;
        console.log(JSON.stringify({ descent: descent.ms, flow: flow.ms, counts }));`);
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr.slice(0, 500));
  const { descent, flow, counts } = JSON.parse(r.stdout);
  const py = spawnSync('python3', ['-c', NUMPY_DESCENT], { encoding: 'utf8' });
  const numpy = py.status === 0 ? JSON.parse(py.stdout).ms : null;
  const steps = counts[0] * 1000 + counts[1] * 1000;
  return `${descent.toFixed(0)} ms in-process (${counts[0]} converged, ${counts[1]} catapults, ${counts[2]} diverged: at least ${(steps / 1e6).toFixed(1)}·10⁶ steps, ${((descent * 1e6) / Math.max(steps, 1)).toFixed(1)} ns a step or less), the flow's diagram over the same axes ${flow.toFixed(0)} ms; ` +
    (numpy === null ? 'numpy not available' : `numpy's vectorised recursion of all ${SIZE * SIZE} cells for the full 1,000 steps ${numpy.toFixed(0)} ms: ratio ${(descent / numpy).toFixed(2)}`);
}

export const sections = [
  { name: `phase diagram ${SIZE}×${SIZE}, gradient descent, 1,000 steps (d = 1024), beside the flow's`, run: descentDiagram },
  {
    name: `phase diagram ${SIZE}×${SIZE} (exact, d = 1024)`,
    async run() {
      const file = writeExperiment('phase', experiment);
      const script = await bundleScript('phase-inprocess.js', `import { parseExperiment } from './src/core/experiment/parse';
            import { phaseDiagramSync } from './src/core/analysis/phase/phaseDiagram';
            const { experiment } = parseExperiment(${JSON.stringify(JSON.stringify(experiment))});
            const x = { key: 'outputScale', from: 1e-3, to: 1e3 };
            const y = { key: 'init.scaleU', from: 1e-4, to: 10 };
            const times = [];
            for (let k = 0; k < 6; k++) {
              const t0 = performance.now();
              phaseDiagramSync(experiment, x, y, ${SIZE});
              if (k > 0) times.push(performance.now() - t0);
            }
            times.sort((a, b) => a - b);
            console.log(JSON.stringify({ ms: times[times.length >> 1] }));`);
      const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr.slice(0, 500));
      const inProcess = JSON.parse(r.stdout).ms;
      const whole = median(Array.from({ length: 5 }, () => timeProcess([cli, 'phase', file, '--x', 'outputScale=1e-3:1e3', '--y', 'init.scaleU=1e-4:1e1', '--size', String(SIZE), '--json'])));
      const verdict = inProcess < 1000 ? 'within' : 'OVER';
      return `${inProcess.toFixed(0)} ms in-process (${verdict} the 1 s target), ${whole.toFixed(0)} ms as a whole \`flab phase --json\` process`;
    },
  },
];
