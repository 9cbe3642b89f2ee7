// Reading an experiment file (issue 8, kind 5): the nesting check walks jsonc-parser's scanner over
// the whole text before the parser recurses. Its cost beside the parse alone, on a file of an
// explicit initialisation (width 250,000, D = 2: about 16 MB), in-process, alternating, medians of 7.
import { spawnSync } from 'node:child_process';
import { bundleScript } from './util.mjs';

export const sections = [
  {
    name: 'reading a 16 MB experiment file: nesting check and parse',
    async run() {
      const script = await bundleScript('parse-inprocess.js', `import { createScanner, parseTree } from 'jsonc-parser';
        import { parseExperiment } from './src/core/experiment/parse';
        import { Rng } from './src/core/math/rng';
        const d = 250000;
        const rng = new Rng(1);
        const u = Array.from({ length: d }, () => rng.normal());
        const W = Array.from({ length: d }, () => [rng.normal(), rng.normal()]);
        const text = JSON.stringify({ model: { width: d }, data: { x: [1, 0.5], y: 1 }, init: { u, W }, learningRates: { u: 1, W: 1 }, time: { end: 10, points: 11 } });
        const scan = () => { const s = createScanner(text, true); while (s.scan() !== 17); };
        const tree = () => parseTree(text, [], { allowTrailingComma: true });
        const whole = () => { if (!parseExperiment(text).experiment) throw new Error('invalid'); };
        const runs = { scan: [], tree: [], whole: [] };
        for (let r = 0; r < 8; r++) for (const [k, f] of Object.entries({ scan, tree, whole })) {
          const t0 = performance.now(); f(); if (r > 0) runs[k].push(performance.now() - t0);
        }
        const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
        console.log(JSON.stringify({ mb: text.length / 2 ** 20, scan: med(runs.scan), tree: med(runs.tree), whole: med(runs.whole) }));`);
      const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr.slice(0, 500));
      const { mb, scan, tree, whole } = JSON.parse(r.stdout);
      return `${mb.toFixed(1)} MB: nesting check ${scan.toFixed(0)} ms = ${(scan / tree).toFixed(2)}× the parse alone (${tree.toFixed(0)} ms); parse, schema and checks ${whole.toFixed(0)} ms`;
    },
  },
];
