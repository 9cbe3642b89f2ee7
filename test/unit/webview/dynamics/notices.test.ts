/**
 * What the panel says about gradient descent at the file's rates (webview/dynamics/notices.ts), on
 * real runs: the edge of stability, a catapult, a divergence, the flow's own kernel past 2 per step —
 * and nothing where descent follows the flow.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulate } from '../../../../src/core/runs/simulate';
import { solve } from '../../../../src/core/runs/solve';
import { descentNotices, flowKernelMax } from '../../../../webview/dynamics/notices';
import { alignmentExample } from './alignmentExample';

const experiment = alignmentExample;

test('nothing to say at the example\'s own rates, in any view', () => {
  const e = experiment();
  const flow = solve(e);
  const descent = simulate(e);
  assert.ok((descent.summary.maxStableRateScale ?? 0) > 5);
  for (const view of ['flow', 'descent', 'both'] as const) assert.deepEqual(descentNotices(flow, view === 'flow' ? null : descent, view), []);
});

test('at η = 1 (η·K(∞) = 2): the edge of stability with descent drawn, the flow\'s kernel at 2 without', () => {
  const e = experiment((raw) => (raw.learningRates = { u: 1, W: 1 }));
  const flow = solve(e);
  const descent = simulate(e);
  const [both] = descentNotices(flow, descent, 'both');
  assert.equal(both.kind, 'unstable');
  assert.match(both.text, /^Edge of stability: gradient descent at the experiment's learning rates converges to the flow's minimum only for learning rates up to ×0\.998 of these/);
  // Rates beyond the stable ones (×0.998): descent never settles (its kernel stays at 2 per step), so the
  // default grid waits for it the longest it waits, 20 flow horizons but at least 10³ steps.
  assert.equal(descent.summary.horizon, 1000);
  assert.match(both.text, /It ends at loss 1\.22e-4 against the flow's 5e-7\./);
  assert.doesNotMatch(descentNotices(flow, descent, 'descent')[0].text, /ends at loss/, 'the comparison only where both are drawn');
  const k = flowKernelMax(flow)!;
  assert.ok(Math.abs(k - 2) < 1e-6, `K reaches ${k}`);
  const [note] = descentNotices(flow, null, 'flow');
  assert.equal(note.kind, 'flow-unstable');
  assert.match(note.text, /reaches K = 2 per step/);
});

test('a catapult, and a divergence, are said with the steps', () => {
  const catapult = experiment((raw) => {
    raw.model = { width: 200, outputScale: 1 };
    raw.init = { scaleU: 0.3, scaleW: 0.3, seed: 7 };
    raw.learningRates = { u: 0.07351, W: 0.07351 };
    raw.time = { end: 300, points: 301 };
  });
  const run = simulate(catapult);
  const c = run.summary.catapult!;
  const [n] = descentNotices(solve(catapult), run, 'descent');
  assert.equal(n.kind, (run.summary.maxStableRateScale ?? 2) < 1 ? 'unstable' : 'catapult');
  assert.match(n.text, new RegExp(`step ${c.fromStep} \\(peak [\\d.e+-]+\\) and fell back below it at step ${c.toStep}`));
  const diverging = experiment((raw) => {
    raw.model = { width: 200, outputScale: 1 };
    raw.init = { scaleU: 0.3, scaleW: 0.3, seed: 7 };
    raw.learningRates = { u: 0.1764, W: 0.1764 };
    raw.time = { end: 300, points: 301 };
  });
  const d = simulate(diverging);
  const [dn] = descentNotices(solve(diverging), d, 'both');
  assert.equal(dn.kind, 'diverged');
  assert.match(dn.text, new RegExp(`diverged at step ${d.summary.diverged!.step}\\.`));
});

test('a ratio near one is never rounded to ×1 beside "below" (issue 10): the flow\'s kernel at 2.0008 per step', () => {
  const k1 = flowKernelMax(solve(experiment((raw) => (raw.learningRates = { u: 1, W: 1 }))))!;
  const rate = (2.0008 / k1) * (1 + 1e-12);
  const flow = solve(experiment((raw) => (raw.learningRates = { u: rate, W: rate })));
  const k = flowKernelMax(flow)!;
  assert.ok(k > 2.0007 && k < 2.0009, `K = ${k}`);
  const [note] = descentNotices(flow, null, 'flow');
  assert.equal(note.kind, 'flow-unstable');
  // Before: "rates below ×1 of these follow the flow".
  assert.match(note.text, /rates below ×0\.9996 of these follow the flow/);
  assert.match(note.text, /reaches K = 2 per step/);
});
