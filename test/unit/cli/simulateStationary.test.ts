/**
 * `flab simulate` and `flab sweep` of a gradient-descent run stuck at a stationary point at θ₀
 * (docs/mechanisms.md, "Scores", `summary.stationary`): u = W = 0 under an activation with σ(0) = 0
 * has every gradient exactly 0, nothing moves, and the run was labelled kernel (kernelChange 0, or with
 * K₀ = 0 the distance, 0, standing for it). It now has no label and no scores, and a note says why and
 * what in the file moves it. As processes of the built CLI (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliFolder } from './cliFolder';

const { flab, write } = cliFolder('flab-simulate-stationary-');

const ZERO = {
  model: { width: 2, outputScale: 1, activation: 'linear' },
  data: { samples: [{ x: [1], y: 1 }, { x: [-1], y: -3 }] },
  init: { u: [0, 0], W: [[0], [0]] },
  learningRates: { u: 0.1, W: 0.1 },
  time: { end: 200, points: 3 },
};

interface Summary {
  label: string | null;
  scores: unknown;
  stationary?: { reason: string } | null;
}

const NOTE = /^flab: note: the weights never moved: every weight is exactly 0 at θ₀ \(u = 0, W = 0\), a stationary point of the loss — u's gradient is σ\(0\) = 0 on every sample and W's a product through u = 0 — so every step leaves them there, whatever the rates, and a kernel test passed by nothing moving is no regime: no mechanism is read \(label and scores null\); to train it, /;

test('u = W = 0 (linear, tanh, relu, swish; explicit and drawn at scale 0): no label, no scores, a note naming the keys that move it', () => {
  for (const activation of ['linear', 'tanh', 'relu', 'swish']) {
    const r = flab('simulate', write(`${activation}.flab.json`, { ...ZERO, model: { ...ZERO.model, activation } }), '--summary');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.equal(s.label, null, `${activation}: it was kernel`);
    assert.equal(s.scores, null, activation);
    assert.deepEqual(s.stationary, { reason: 'zeroInit' }, activation);
    assert.match(r.stderr, NOTE, activation);
    assert.match(r.stderr, /to train it, give init\.u and init\.W nonzero entries \(every one is 0\) \(docs\/mechanisms\.md, "Scores"\)\n$/, activation);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, `${activation}: one note, not the K₀ = 0 note beside it`);
  }
  const drawn = flab('simulate', write('drawn.flab.json', { ...ZERO, init: { scaleU: 0, scaleW: 0, seed: 1 } }), '--csv');
  assert.equal(drawn.code, 0, drawn.stderr);
  assert.match(drawn.stderr, /to train it, set init\.scaleU and init\.scaleW above 0 \(every weight is drawn as 0 · a random number\)/);
});

test('not stationary: sigmoid from zero weights (σ(0) = ½ moves u), weights that move less than float64 resolves — labelled, no note', () => {
  const cases: [string, object, string][] = [
    ['sigmoid', { ...ZERO, model: { ...ZERO.model, activation: 'sigmoid' } }, ''],
    ['γ = 1e-300', { model: { width: 64, outputScale: 1e-300 }, data: { x: [1], y: 1 }, init: { scaleU: 1e225, scaleW: 0.001, seed: 1 }, learningRates: { u: 0.1, W: 0.1 }, time: { end: 1000, points: 3 } }, 'kernel'],
  ];
  for (const [name, file, label] of cases) {
    const r = flab('simulate', write(`${name.replace(/\W+/g, '-')}.flab.json`, file), '--summary');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.equal(s.stationary, null, name);
    assert.notEqual(s.label, null, name);
    if (label) assert.equal(s.label, label, name);
    assert.doesNotMatch(r.stderr, /never moved/, name);
  }
});

test('flab sweep of a stationary run (tanh: gradient descent per value): the note names each value', () => {
  const r = flab('sweep', write('sweep.flab.json', { ...ZERO, model: { ...ZERO.model, activation: 'tanh' }, sweep: { 'learningRates.u': [0.05, 0.1] } }), '--summary');
  assert.equal(r.code, 0, r.stderr);
  const notes = r.stderr.split('\n').filter(Boolean);
  assert.equal(notes.length, 2, r.stderr);
  assert.match(notes[0], /^flab: note: sweep value 0, learningRates\.u = 0\.05: the weights never moved: every weight is exactly 0 at θ₀/);
  assert.match(notes[1], /^flab: note: sweep value 1, learningRates\.u = 0\.1: the weights never moved/);
});

test('flab phase --descent from u = W = 0: every cell has no label and no scores, as flab simulate of the cell (linear: the recursion; tanh: the plain loop)', () => {
  for (const activation of ['linear', 'tanh']) {
    const r = flab('phase', write(`phase-${activation}.flab.json`, { ...ZERO, model: { ...ZERO.model, activation }, data: { x: [1], y: 1 }, time: { end: 100 } }), '--x', 'outputScale=0.1:10', '--y', 'learningRates.W=0.01:1', '--size', '3x2', '--descent');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { label: (string | null)[][]; scores: Record<string, (number | null)[][]> };
    assert.deepEqual(out.label, [[null, null, null], [null, null, null]], `${activation}: it was kernel`);
    assert.ok(Object.values(out.scores).every((rows) => rows.flat().every((v) => v === null)), activation);
  }
});

test('flab solve from u = W = 0 (with and without weight decay), a linear sweep and the flow\'s phase diagram: no label, no scores, the note', () => {
  const linear = { ...ZERO, data: { x: [1], y: 1 }, time: { end: 100 } };
  for (const [name, file] of [['solve', linear], ['solve-decay', { ...linear, weightDecay: 0.1 }]] as const) {
    const r = flab('solve', write(`${name}.flab.json`, file), '--summary');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.equal(s.label, null, `${name}: it was kernel`);
    assert.equal(s.scores, null, name);
    assert.deepEqual(s.stationary, { reason: 'zeroInit' }, name);
    assert.match(r.stderr, NOTE, name);
  }
  // A live flow has no `stationary` key and no note.
  const live = flab('solve', write('live.flab.json', { ...linear, init: { u: [0.5, 0.1], W: [[0.3], [-0.2]] } }), '--summary');
  assert.equal(live.code, 0, live.stderr);
  assert.equal((JSON.parse(live.stdout) as Summary).stationary, undefined);
  assert.equal(live.stderr, '');
  const sweep = flab('sweep', write('linear-sweep.flab.json', { ...linear, sweep: { 'learningRates.u': [0.05, 0.1] } }), '--summary');
  assert.equal(sweep.code, 0, sweep.stderr);
  assert.match(sweep.stderr, /^flab: note: sweep value 0, learningRates\.u = 0\.05: the weights never moved/);
  const phase = flab('phase', write('phase-flow.flab.json', linear), '--x', 'outputScale=0.1:10', '--y', 'learningRates.W=0.01:1', '--size', '3x2');
  assert.equal(phase.code, 0, phase.stderr);
  assert.deepEqual((JSON.parse(phase.stdout) as { label: unknown }).label, [[null, null, null], [null, null, null]], 'the flow\'s cells were kernel');
});
