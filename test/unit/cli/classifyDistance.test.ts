/**
 * `classify.distance` in a network file (docs/networks.md, "Labels"): the threshold of the distance
 * from θ₀ where it stands for the kernel test (a kernel not finite in float32, not measured, or
 * pending). It was refused ("unknown key `distance` in classify") though the printed thresholds have
 * it, and the stand-in applied 0.1 whatever the file's `tangentChange`, which it stands for. As
 * processes of the built CLI (dist/cli.js), and the bridge to the linear model.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliFolder } from './cliFolder';
import { parseAnyExperiment } from '../../../src/core/runs/anyExperiment';
import { linearBridge } from '../../../src/core/runs/bridge';
import { NetworkRun } from '../../../src/core/runs/train';
import type { NetworkExperiment } from '../../../src/core/network/networkExperiment';

const { flab, write } = cliFolder('flab-classify-distance-');

/** An input of 10³⁰: the kernel's float32 products overflow, so the distance (0.0255 here) stands for it. */
const unmeasurable = { model: { hidden: [4], activation: 'tanh' }, data: { train: { x: [[1e30, 2], [3, 4], [5, 6]], y: [[1], [2], [3]] } }, training: { steps: 2 } };

interface Summary {
  label: string | null;
  thresholds: Record<string, number>;
  scores: { kernelNotFinite: boolean; maxDistance: number };
}

function train(name: string, classify: object): { s: Summary; stderr: string } {
  const r = flab('train', write(`${name}.flab.json`, { ...unmeasurable, classify }), '--summary');
  assert.equal(r.code, 0, r.stderr);
  return { s: JSON.parse(r.stdout) as Summary, stderr: r.stderr };
}

test('the distance stand-in takes classify.distance, else the file\'s tangentChange; the note says the threshold applied', () => {
  const plain = train('plain', {});
  assert.equal(plain.s.scores.kernelNotFinite, true);
  const d = plain.s.scores.maxDistance;
  assert.ok(d > 0.02 && d < 0.05, String(d));
  assert.equal(plain.s.label, 'kernel');
  assert.equal(plain.s.thresholds.distance, 0.1);
  // A stricter kernel test asked for by tangentChange: it was kernel, "0.0255 < 0.1".
  const strict = train('strict', { tangentChange: 0.01 });
  assert.notEqual(strict.s.label, 'kernel');
  assert.equal(strict.s.thresholds.distance, 0.01);
  assert.match(strict.stderr, /so the distance stands for it: the network moved at most 0\.0255 ≥ 0\.01 from θ₀: feature learning/);
  // classify.distance itself: it was "unknown key `distance` in classify".
  const own = train('own', { tangentChange: 0.01, distance: 0.05 });
  assert.equal(own.s.label, 'kernel');
  assert.equal(own.s.thresholds.distance, 0.05);
  assert.equal(own.s.thresholds.tangentChange, 0.01);
  assert.match(own.stderr, /the network moved at most 0\.0255 < 0\.05 from θ₀: the kernel regime/);
  const tight = train('tight', { distance: 0.02 });
  assert.notEqual(tight.s.label, 'kernel');
  // Checked as the other thresholds are.
  const bad = flab('train', write('bad.flab.json', { ...unmeasurable, classify: { distance: -1 } }));
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /bad\.flab\.json:\d+:\d+: error: classify\.distance must be ≥ 0, got -1/);
});

test('a bridge network file with classify.distance is still the linear model (its four thresholds, its kernel exact)', async () => {
  const REPO = process.cwd();
  const file = JSON.parse(readFileSync(join(REPO, 'examples', 'networks', 'bridge-linear-network.flab.json'), 'utf8'));
  const parsed = parseAnyExperiment(JSON.stringify({ ...file, classify: { distance: 0.05, zetaChange: 0.2 } }));
  assert.deepEqual(parsed.diagnostics, []);
  assert.equal(parsed.parsed?.kind, 'network');
  const run = await NetworkRun.load(parsed.parsed!.experiment as NetworkExperiment, { baseDir: REPO });
  const bridge = linearBridge(run.spec, run.data.train, [0, 1]);
  run.dispose();
  assert.ok('experiment' in bridge, 'reason' in bridge ? bridge.reason : '');
  assert.equal(bridge.experiment.classify?.zetaChange, 0.2);
});
