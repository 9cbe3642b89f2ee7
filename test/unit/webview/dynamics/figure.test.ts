/**
 * Export Chart's headline in the dynamics panel (webview/dynamics/figure.ts, `labelLine`), on real runs:
 * the label, its regime and dynamics, each criterion against its threshold — and in a sweep the run it
 * is of, first, as the verdict over the charts names it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_THRESHOLDS } from '../../../../src/core/mechanisms/classify';
import { simulate } from '../../../../src/core/runs/simulate';
import { solve } from '../../../../src/core/runs/solve';
import { labelLine } from '../../../../webview/dynamics/figure';
import { alignmentExample } from './alignmentExample';

const experiment = alignmentExample;

test('the label, its regime and dynamics, and each criterion against its threshold', () => {
  const line = labelLine(solve(experiment()), DEFAULT_THRESHOLDS, 'exact gradient flow');
  assert.match(line ?? '', /^Label: alignment \(feature learning, exact gradient flow\) — kernel change [\d.e]+ ≥ 0\.1, tangent-feature change [\d.e]+ ≥ 0\.1, \|ζ\| change \+0\.9\d+ ≥ 0\.1, balance change [\d.]+ < 1$/);
});

test('a sweep\'s run is named first, as the verdict\'s "for …" names it: a chosen value, or the file\'s own values', () => {
  // It was in the parentheses, after nothing said which run: "Label: alignment (outputScale = 1 (sweep run 2 of 3), exact gradient flow)".
  const run = solve(experiment());
  assert.match(labelLine(run, DEFAULT_THRESHOLDS, 'exact gradient flow', 'outputScale = 1 (sweep run 2 of 3)') ?? '', /^Label for outputScale = 1 \(sweep run 2 of 3\): alignment \(feature learning, exact gradient flow\) — kernel change/);
  assert.match(labelLine(run, DEFAULT_THRESHOLDS, 'exact gradient flow', 'the file\'s own values (outputScale = 1)') ?? '', /^Label for the file's own values \(outputScale = 1\): alignment \(/);
  // A run with no label (gradient descent past the stable rates) says which run diverged.
  const diverged = simulate(experiment((raw) => (raw.learningRates = { u: 5, W: 5 })));
  assert.ok(diverged.summary.diverged);
  assert.equal(labelLine(diverged, DEFAULT_THRESHOLDS, 'gradient descent at the experiment\'s rates', 'outputScale = 10 (sweep run 3 of 3)'), `No label for outputScale = 10 (sweep run 3 of 3): gradient descent at the experiment's rates diverged at step ${diverged.summary.diverged.step}`);
});
