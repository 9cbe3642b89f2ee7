/**
 * The dynamics panel of a ReLU network that gradient descent kills (docs/phase-diagram.md, "Gradient
 * descent": the dead outcome), in real Chromium under the real CSP: the verdict shows no label and says
 * why — every ReLU unit inactive on every sample from step N, no gradient, no mechanism read — the
 * summary lists the step, and a sweep's legend says "dead from step N" for that value. It showed
 * "alignment" with its criteria, read from a dead network. Fails on any console error, page error or
 * CSP violation; screenshots go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { example, SCREENSHOTS, send, updateForText, waitForCharts, panelPages } from './harness';

const { open } = panelPages();

/** examples/zeta-relu.flab.json with other rates (and a sweep). */
function zetaRelu(rates: { u: number; W: number }, sweep?: Record<string, number[]>): string {
  const raw = JSON.parse(example('zeta-relu.flab.json')) as Record<string, unknown>;
  raw.learningRates = rates;
  raw.time = { end: 300, points: 31 };
  if (sweep) raw.sweep = sweep;
  return JSON.stringify(raw);
}

describe('dynamics panel: a dead ReLU network', { timeout: 600_000 }, () => {
  it('the verdict has no label and says every ReLU unit is inactive on every sample from step 2; the summary lists the step', async () => {
    const page = await open({ width: 1000, height: 900 });
    const update = updateForText(1, zetaRelu({ u: 50, W: 50 }));
    assert.deepEqual(update.trajectory.summary.dead, { step: 2 }, 'the fixture dies at step 2');
    await send(page, update);
    await waitForCharts(page);
    const verdict = page.locator('section.verdict');
    await verdict.waitFor();
    assert.equal((await page.locator('[data-summary="label"]').innerText()).trim(), '—');
    assert.equal(await verdict.getAttribute('data-dead'), '2');
    assert.equal(
      (await page.locator('.verdict-regime').innerText()).trim(),
      'no label (gradient descent): every ReLU unit is inactive on every sample from step 2 on: no gradient reaches the weights; no mechanism is read',
    );
    assert.equal(await page.locator('[data-criterion]').count(), 0, 'no criteria: no scores');
    assert.match(await page.locator('[data-summary="dead"]').innerText(), /^2$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'webview-dead-relu.png'), fullPage: true });

    // At the example's own rates it lives: labelled, no dead step.
    await send(page, updateForText(2, zetaRelu({ u: 0.05, W: 0.05 })));
    await page.waitForFunction(() => document.querySelector('[data-summary="label"]')?.textContent?.trim() === 'alignment');
    assert.equal(await verdict.getAttribute('data-dead'), '');
    assert.equal(await page.locator('[data-summary="dead"]').count(), 0);
  });

  it('a sweep\'s legend says "dead from step N" for the value whose network died, the label for the others', async () => {
    const page = await open({ width: 1000, height: 900 });
    const update = updateForText(1, zetaRelu({ u: 0.05, W: 0.05 }, { 'learningRates.W': [0.05, 50] }));
    await send(page, update);
    await waitForCharts(page);
    const items = await page.locator('.sweep-legend [data-sweep-value]').allInnerTexts();
    assert.equal(items.length, 2);
    assert.match(items[0], /alignment/);
    assert.match(items[1], /dead from step \d+/);
    await page.screenshot({ path: join(SCREENSHOTS, 'webview-dead-relu-sweep.png') });
  });
});
