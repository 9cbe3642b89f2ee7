/**
 * `flab simulate` and `flab sweep` of a ReLU run whose units are all inactive at the effective input ā·n
 * (K₀ = 0: docs/mechanisms.md, "Scores", K₀ = 0 at the effective input): kernelChange and tangentChange
 * are null and the label's kernel test reads the distance from θ₀ — a note on standard error says so,
 * naming the units and why, as the dead-network notes do (found in review, 2026-12-03: nothing was said,
 * and the label "rescaling" came of the distance with kernelChange null). As processes of the built CLI.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliFolder } from './cliFolder';
import { RELU_ZERO_KERNEL_RUN as RUN } from '../descent/reluZeroKernelRun';

const { flab, write } = cliFolder('flab-simulate-zero-kernel-');

test('flab simulate, K₀ = 0 at the effective input: a note naming the inactive units and why the kernel scores are null, in every format', () => {
  const r = flab('simulate', write('k0.flab.json', RUN), '--summary');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { ntkInitial: number; scores: { kernelChange: number | null; tangentChange: number | null }; label: string };
  assert.equal(s.ntkInitial, 0);
  assert.equal(s.scores.kernelChange, null);
  assert.match(r.stderr, /^flab: note: the tangent kernel at the effective input ā·n \(ā = 1\) is 0 at θ₀ \(K₀ = 0\): every ReLU unit \(2 of 2\) is inactive there: ā \(w_i·n\) < 0 at init\.W rows 0, 1, where relu and relu′ are 0 — so kernelChange and tangentChange, changes relative to K₀, are undefined \(null\), and the label's kernel test reads the distance from θ₀, 3\.34, against the tangentChange threshold 0\.1; the weights moved all the same: the effective input stands for the 2 samples in one direction/);
  assert.equal(r.stderr.split('\n').filter(Boolean).length, 1);
  for (const format of ['--json', '--csv']) assert.match(flab('simulate', write('k0.flab.json', RUN), format).stderr, /^flab: note: the tangent kernel at the effective input/, format);
  // A unit active at ā·n: K₀ > 0, no note.
  const live = flab('simulate', write('live.flab.json', { ...RUN, init: { u: [0.4, 0.2], W: [[0.5], [-0.3]] } }), '--summary');
  assert.equal(live.code, 0, live.stderr);
  assert.equal(live.stderr, '');
});

test('flab simulate, K₀ = 0 from a zero initialisation: a stationary point at θ₀, so the note says the weights never moved, not that units are inactive', () => {
  // u = W = 0 with relu(0) = 0: every gradient is 0 (test/unit/cli/simulateStationary.test.ts), no label and no scores.
  const r = flab('simulate', write('zero.flab.json', { ...RUN, init: { u: [0, 0], W: [[0], [0]] } }), '--summary');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^flab: note: the weights never moved: every weight is exactly 0 at θ₀ \(u = 0, W = 0\), a stationary point of the loss/);
  assert.doesNotMatch(r.stderr, /inactive there|moved all the same/);
});

test('flab sweep of a K₀ = 0 run: the note names the value', () => {
  const r = flab('sweep', write('sweep.flab.json', { ...RUN, sweep: { 'learningRates.u': [0.05, 0.1] } }), '--summary');
  assert.equal(r.code, 0, r.stderr);
  const notes = r.stderr.split('\n').filter(Boolean);
  assert.equal(notes.length, 2, r.stderr);
  assert.match(notes[0], /^flab: note: sweep value 0, learningRates\.u = 0\.05: the tangent kernel at the effective input ā·n \(ā = 1\) is 0 at θ₀/);
  assert.match(notes[1], /^flab: note: sweep value 1, learningRates\.u = 0\.1: the tangent kernel/);
});
