/**
 * A dead ReLU run (summary.dead, src/core/descent/deadUnits.ts) in the dynamics panel's exported words:
 * Export Chart's headline (webview/dynamics/figure.ts, `labelLine`) and Export Data's header
 * (src/extension/dynamics/exportData.ts) say it has no label and why, where they gave none or the label
 * read from a dead network.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_THRESHOLDS } from '../../../../src/core/mechanisms/classify';
import { simulate } from '../../../../src/core/runs/simulate';
import { csvHeader } from '../../../../src/extension/dynamics/exportData';
import { labelLine } from '../../../../webview/dynamics/figure';
import { DEAD_RATES, parsedExperiment as experiment, ZETA_RELU } from '../../descent/zetaReluNetwork';

// examples/zeta-relu.flab.json at rates 50: dead from step 2.
const dead = simulate(experiment({ ...ZETA_RELU, learningRates: DEAD_RATES, time: { end: 100, points: 11 } }));
const WHY = 'every ReLU unit is inactive on every sample from step 2 on: no gradient reaches the weights; no mechanism is read';

test('Export Chart\'s headline of a dead run: no label, and why', () => {
  assert.deepEqual(dead.summary.dead, { step: 2 });
  assert.equal(labelLine(dead, DEFAULT_THRESHOLDS, 'gradient descent'), `No label (gradient descent): ${WHY}`);
  assert.equal(labelLine(dead, DEFAULT_THRESHOLDS, 'gradient descent', 'learningRates.W = 50 (sweep run 2 of 2)'), `No label for learningRates.W = 50 (sweep run 2 of 2) (gradient descent): ${WHY}`);
});

test('Export Data\'s header of a dead run: label none, and why', () => {
  const header = csvHeader({ title: 't', documentUri: 'file:///x.flab.json', trajectory: dead, simulation: null, deviation: null, deviations: [], parameters: [], thresholds: DEFAULT_THRESHOLDS, view: 'descent', sweep: null });
  assert.ok(header.includes(`# label: none (dead: ${WHY}) (gradient descent)`), header.join('\n'));
});
