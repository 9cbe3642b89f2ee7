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

export const sections = [
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
