/**
 * A ReLU run whose units are all inactive at the effective input ā·n has K₀ = 0 there: the kernel's and
 * the tangent features' relative changes are undefined (docs/mechanisms.md, "Scores" and "The label").
 * Breaker's round of 2026-12-03 (helper K, finding 1): samples x = 1 (y = 1) and x = −1 (y = −3), width 2,
 * u₀ = (0.4, 0.2), W₀ = (−0.5, −0.3) — both units active on x = −1 only, which trains (loss 2.91 → 0.25,
 * distance 3.34) — read 0/0 as kernelChange 0 and tangentChange 0, labelled "kernel"; with η_u = 0.05 the
 * kernel at ā·n turns positive at step 13 and the run was refused, unlocated, as "kernelChange is beyond
 * the 64-bit range". Now both scores are null and the distance from θ₀ stands for them in the label.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulate } from '../../../src/core/runs/simulate';
import { DEFAULT_THRESHOLDS } from '../../../src/core/mechanisms/classify';
import { explainLabel } from '../../../src/core/mechanisms/explain';
import { experimentOf } from '../linearFlow/finiteConfigs';
import { RELU_ZERO_KERNEL_RUN as RUN } from './reluZeroKernelRun';

test('K₀ = 0 at the effective input: kernelChange and tangentChange null, and a run that moved 3.34 is not kernel', () => {
  const s = simulate(experimentOf(RUN)).summary;
  assert.equal(s.ntkInitial, 0);
  assert.ok(s.scores !== null && s.scores !== undefined);
  assert.equal(s.scores.kernelChange, null);
  assert.equal(s.scores.tangentChange, null);
  assert.ok(s.scores.distance > 3, `distance ${s.scores.distance}`);
  assert.notEqual(s.label, 'kernel');
  const why = explainLabel(s.scores, DEFAULT_THRESHOLDS);
  assert.equal(why.label, s.label);
  assert.match(why.reasons[0], /K\(0\) = 0/);
  assert.match(why.reasons[0], /distance from θ₀/);
  // The features' change is undefined for the same reason, not "not computed"; and the units are not all called inactive whatever made K(0) = 0.
  assert.match(why.reasons[0], /the tangent features' change is undefined too: ∇f is 0 at θ₀/);
  assert.doesNotMatch(why.reasons[0], /not computed|every unit inactive/);
  assert.equal(why.criteria[1].outcome, 'undefined (K(0) = 0: ∇f is 0 at θ₀)');
});

test('K₀ = 0 and the kernel turning positive later (η_u = 0.05): scores null, no 64-bit refusal', () => {
  const s = simulate(experimentOf({ ...RUN, learningRates: { u: 0.05, W: 0.1 } })).summary;
  assert.equal(s.scores!.kernelChange, null);
  assert.equal(s.scores!.tangentChange, null);
  assert.notEqual(s.label, 'kernel');
});

test('K₀ = 0 with nothing moving (u₀ = 0, W₀ = 0): the distance 0 stands for the kernel, kernel as before', () => {
  const s = simulate(experimentOf({ ...RUN, init: { u: [0, 0], W: [[0], [0]] } })).summary;
  if (s.scores) {
    assert.equal(s.scores.kernelChange, null);
    assert.equal(s.scores.distance, 0);
    assert.equal(s.label, 'kernel');
  }
});
