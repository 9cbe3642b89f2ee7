/**
 * `flab simulate` and `flab sweep` of a ReLU network that gradient descent kills (docs/phase-diagram.md,
 * "dead"): `summary.dead` with the step, label and scores null, a note on standard error saying why
 * whatever the format, and the sweep table's status "dead". As processes of the built CLI (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEAD_RATES, ZETA_RELU } from '../descent/zetaReluNetwork';
import { cliFolder } from './cliFolder';

const { flab, write } = cliFolder('flab-simulate-dead-');

// examples/zeta-relu.flab.json at rates 50: every w_i·x below 0 from step 2.
const RELU = { ...ZETA_RELU, learningRates: DEAD_RATES, time: { end: 100, points: 11 } };
const NOTE = 'flab: note: every ReLU unit is inactive on every sample from step 2 on: no gradient reaches the weights; no mechanism is read';

test('flab simulate of a dead ReLU network: summary.dead, no label, no scores, and a note on standard error in every format', () => {
  const file = write('dead.flab.json', RELU);
  const r = flab('simulate', file, '--summary');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { dead: { step: number } | null; label: string | null; scores: unknown };
  assert.deepEqual(s.dead, { step: 2 });
  assert.equal(s.label, null);
  assert.equal(s.scores, null);
  assert.ok(r.stderr.startsWith(NOTE), r.stderr);
  for (const format of ['--json', '--csv']) assert.ok(flab('simulate', file, format).stderr.startsWith(NOTE), format);
  // At its own rates the example lives: no note, its label.
  const alive = flab('simulate', write('alive.flab.json', { ...RELU, learningRates: { u: 0.05, W: 0.05 } }), '--summary');
  assert.equal(alive.stderr, '');
  assert.equal((JSON.parse(alive.stdout) as { dead: unknown; label: string }).dead, null);
  assert.equal((JSON.parse(alive.stdout) as { label: string }).label, 'alignment');
});

test('flab sweep of a ReLU network: the dead value\'s status is "dead from step N" (the note\'s step), its label empty, with a note naming the value', () => {
  const file = write('sweep.flab.json', { ...RELU, learningRates: { u: 0.05, W: 0.05 }, time: { end: 300, points: 31 }, sweep: { 'learningRates.W': [0.05, 50] } });
  const r = flab('sweep', file, '--table');
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s{2,}/));
  // The status names the step the units died at, the note's step (not the end of the budget, 300).
  const step = /from step (\d+) on/.exec(r.stderr)?.[1];
  assert.ok(step !== undefined && Number(step) < 300, r.stderr);
  assert.deepEqual(rows.map((c) => c.slice(0, 3)), [['0.05', 'finished', 'alignment'], ['50', `dead from step ${step}`, '–']]);
  assert.match(r.stderr, /^flab: note: sweep value 1, learningRates\.W = 50: every ReLU unit is inactive on every sample from step \d+ on: no gradient reaches the weights; no mechanism is read/);
  assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, 'one note: the live value has none');
});
