/**
 * The dynamics panel of a gradient-descent run stuck at a stationary point at θ₀ (docs/mechanisms.md,
 * "Scores", `summary.stationary`: u = W = 0 of a tanh network, every gradient exactly 0), in real
 * Chromium under the real CSP: the verdict shows no label and says why — it said "no label" alone once
 * the label was withheld, and "kernel" before. Fails on any console error, page error or CSP violation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { send, updateForText, waitForCharts, panelPages } from './harness';

const { open } = panelPages();

const ZERO = {
  model: { width: 2, outputScale: 1, activation: 'tanh' },
  data: { samples: [{ x: [1], y: 1 }, { x: [-1], y: -3 }] },
  init: { u: [0, 0], W: [[0], [0]] },
  learningRates: { u: 0.1, W: 0.1 },
  time: { end: 200, points: 21 },
};

describe('dynamics panel: a run stuck at a stationary point at θ₀', { timeout: 600_000 }, () => {
  it('the verdict has no label and says the weights never moved from u = W = 0, a stationary point', async () => {
    const page = await open({ width: 1000, height: 900 });
    const update = updateForText(1, JSON.stringify(ZERO));
    assert.deepEqual(update.trajectory.summary.stationary, { reason: 'zeroInit' });
    await send(page, update);
    await waitForCharts(page);
    await page.locator('section.verdict').waitFor();
    assert.equal((await page.locator('[data-summary="label"]').innerText()).trim(), '—');
    assert.match((await page.locator('.verdict-regime').innerText()).trim(), /^no label \(gradient descent\): the weights never moved: every weight is exactly 0 at θ₀ \(u = 0, W = 0\), a stationary point of the loss — .* so no mechanism is read$/);
    assert.equal(await page.locator('[data-criterion]').count(), 0, 'no criteria: no scores');
  });
});
