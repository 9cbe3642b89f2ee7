/**
 * `flab phase`'s advice names only changes the file can take (found in review, 2026-12-03): an axis over
 * model.width of a file of explicit init.u and init.W was told "choose a range of model.width without
 * it" (every width but the file's is refused), and over the cell limit "use at most N × N"; an axis over
 * one entry of a sample's input that keeps the data one-dimensional at the file's value only, the same;
 * a grid over the re-validation limit of such a file "axes over γ, σ_u, σ_W, …" (it has no σ_u or σ_W);
 * and --descent's work limit "a smaller width". Now the pinned axes are refused as such, naming the axes
 * the file can vary, and each advice lists what the file has.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FileReader } from '../../../src/cli/experimentFile';
import { runCli } from '../../../src/cli/run';

function run(args: string[], file: unknown) {
  const reader: FileReader = {
    readText: (f) => {
      if (f !== 'f.flab.json') throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return JSON.stringify(file);
    },
  };
  return runCli(['phase', 'f.flab.json', ...args], reader);
}

const EXPLICIT = { model: { width: 2, outputScale: 1 }, data: { x: [1], y: 1 }, init: { u: [0.1, 0.2], W: [[0.1], [0.3]] }, learningRates: { u: 1, W: 1 } };

test('an axis over model.width of an explicit initialisation is refused as such, at any --size, naming the axes the file can vary', async () => {
  for (const size of ['64', '3000']) {
    const r = await run(['--x', 'model.width=1:1000000', '--y', 'learningRates.u=0.01:10', '--size', size], EXPLICIT);
    assert.equal(r.code, 2, size);
    assert.match(r.stderr, /^flab: --x: model\.width cannot be an axis of this file: its explicit initialisation fixes the width at 2 \(init\.u has 2 entries and init\.W 2 rows\), and every other model\.width is refused; choose an axis over γ, η_u, η_W, data\.y, or give a random initialisation \(init\.scaleU, init\.scaleW and init\.seed in place of init\.u and init\.W\) to vary the width\n/, size);
    assert.doesNotMatch(r.stderr, /without it|at most \d+ ×|σ_u/, size);
  }
  // A random initialisation takes a width axis.
  const random = await run(['--x', 'model.width=1:8', '--y', 'learningRates.u=0.01:10', '--size', '2'], { ...EXPLICIT, init: { scaleU: 0.1, scaleW: 0.1, seed: 1 } });
  assert.equal(random.code, 0, random.stderr);
});

test('an axis over an entry of a sample\'s input that takes the data off its line at every other value is refused as such; one along the line is taken', async () => {
  const file = { model: { width: 4, outputScale: 1 }, data: { samples: [{ x: [1, 0], y: 1 }, { x: [2, 0], y: 2 }] }, init: { scaleU: 0.1, scaleW: 0.1, seed: 1 }, learningRates: { u: 0.1, W: 0.1 } };
  const off = await run(['--x', 'data.samples[0].x[1]=0.1:2', '--y', 'learningRates.u=0.01:10', '--size', '64'], file);
  assert.equal(off.code, 2);
  assert.match(off.stderr, /^flab: --x: data\.samples\[0\]\.x\[1\] cannot be an axis of this file: the data must be one-dimensional \(every nonzero input on one line\), and data\.samples\[0\]\.x changed in entry 1 alone leaves that line at every value but the file's, 0; choose an axis over γ, σ_u, σ_W, η_u, η_W, or a sample's target \(data\.samples\[k\]\.y\)\n/);
  assert.doesNotMatch(off.stderr, /without it/);
  const along = await run(['--x', 'data.samples[0].x[0]=1:2', '--y', 'learningRates.u=0.01:10', '--size', '2'], file);
  assert.equal(along.code, 0, along.stderr);
});

test('the re-validation limit\'s advice over a file of explicit weights names neither σ_u, σ_W nor fewer samples (it has none of them)', async () => {
  const D = 5000;
  const file = { model: { width: 2, outputScale: 1 }, data: { x: Array.from({ length: D }, () => 1), y: 1 }, init: { u: [0.1, 0.2], W: [Array.from({ length: D }, () => 0.1), Array.from({ length: D }, () => 0.2)] }, learningRates: { u: 1, W: 1 } };
  const r = await run(['--x', 'data.x[0]=1:2', '--y', 'learningRates.u=0.01:10', '--size', '1000', '--svg', '-'], file);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^flab: --x, --y: an axis over data\.x\[0\] checks the file again for each of its 1,000 values: .*use a smaller --size \(at most \d+ × \d+ with these axes\), or axes over γ, η_u, η_W, data\.y\n/);
});

test('--descent\'s work limit over a file of explicit weights advises fewer cells or steps, not a smaller width', async () => {
  const file = { model: { width: 400, outputScale: 1, activation: 'relu' }, data: { x: [1, 0], y: 1 }, init: { u: Array.from({ length: 400 }, () => 0.1), W: Array.from({ length: 400 }, () => [0.1, 0.2]) }, learningRates: { u: 0.1, W: 0.1 }, time: { end: 1000000 } };
  const r = await run(['--x', 'outputScale=0.1:10', '--y', 'learningRates.u=0.01:10', '--size', '64', '--descent'], file);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /use fewer cells \(at most 3 × 3 at these steps and width\) or fewer steps \(its explicit init\.u and init\.W fix the width\)\n/);
  assert.doesNotMatch(r.stderr, /smaller width/);
});
