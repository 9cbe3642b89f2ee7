/**
 * The phase panel over a width-powered key (a breaker's finding 3, 2026-12-03): under
 * `"parameterisation": "ntk"` at width 1024 an outputScale axis holds bases b (γ = b·d^(−1/2)), as the
 * cells compute. The hover named the value "output scale γ" (a reader took "alignment at γ ≈ 0.011" from a
 * cell whose γ was 3.4e-4), and a file that leaves outputScale out had no ring. Now the hover and the axis
 * name the base and give the γ the cell computes with, the legend says what the axis holds, and the
 * experiment is ringed at its base. Real Chromium, fed the host's own diagram.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Diagram, PhaseAxisSpec, ToPhase } from '../../src/protocol/phase';
import { runPhase } from '../../src/workers/phaseRun';
import { axisFraction, cellCentre, MARGIN } from '../../webview/phase/heatmap';
import { formatReadout } from '../../webview/shared/numberFormat';
import { example, SCREENSHOTS, panelPages } from './harness';

const { open } = panelPages({ page: 'phase' });

const X: PhaseAxisSpec = { key: 'model.outputScale', from: 1e-3, to: 1e3, scale: 'log' };
const Y: PhaseAxisSpec = { key: 'learningRates.u', from: 1e-3, to: 1, scale: 'log' };

async function send(page: Page, m: ToPhase): Promise<void> {
  await page.evaluate((msg) => window.postMessage(msg, '*'), m);
}

describe('phase panel over a width-powered key', { timeout: 600_000 }, () => {
  it('names the axis as the base in the hover and the legend, gives the γ each cell computes with, and rings the experiment at its base', async () => {
    const page = await open();
    await send(page, { type: 'document', documentUri: 'file:///w/ntk.flab.json', fileName: 'ntk.flab.json', x: X, y: Y, size: 32, method: 'flow', previewed: null, preview: null });
    const o = await runPhase(example('width-scaling-ntk.flab.json'), X, Y, 32, { fileName: 'ntk.flab.json' });
    assert.equal(o.kind, 'result');
    const d: Diagram = { ...(o as Extract<typeof o, { kind: 'result' }>).diagram, version: 1 };
    assert.equal(d.x.current, 1, 'the file\'s base (outputScale left out: 1)');
    await send(page, d);
    await page.waitForFunction(() => document.querySelector('canvas.heatmap')?.getAttribute('data-drawn') === '1', undefined, { timeout: 20_000 });

    const box = await page.locator('canvas.heatmap').boundingBox();
    assert.ok(box);
    const row = 20;
    const col = 11;
    const c = cellCentre(d.x, d.y, box.width, box.height, row, col);
    await page.mouse.move(box.x + c.px, box.y + c.py);
    await page.locator('.tooltip').waitFor({ state: 'visible' });
    const tip = await page.locator('.tooltip').innerText();
    assert.match(tip, /output scale base b \(γ = b·d\^\(−1\/2\); model\.outputScale\)/);
    assert.doesNotMatch(tip, /output scale γ \(model\.outputScale\)/);
    const b = d.x.values[col];
    assert.equal((await page.locator('.tooltip [data-tip="x"]').innerText()).trim(), `${formatReadout(b)} → γ = ${formatReadout(b / 32)}`);
    assert.equal((await page.locator('.tooltip [data-tip="y"]').innerText()).trim(), formatReadout(d.y.values[row]), 'a key without a width power: its value alone');

    const note = await page.locator('.legend [data-width-power-note]').allInnerTexts();
    assert.deepEqual(note, ['output scale axis: each value is the base b; the cells compute with γ = b·d^(−1/2), d = 1,024 (the file\'s width).']);

    // The ring at the file's base γ-base 1 and η_u 0.1.
    const cx = MARGIN.left + axisFraction(d.x, 1) * (box.width - MARGIN.left - MARGIN.right);
    const cy = MARGIN.top + (1 - axisFraction(d.y, 0.1)) * (box.height - MARGIN.top - MARGIN.bottom);
    await page.mouse.move(0, 0);
    const ring = await page.evaluate(([x, y]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas.heatmap')!;
      const r = canvas.width / canvas.getBoundingClientRect().width;
      const px = canvas.getContext('2d')!.getImageData(Math.round((x - 10) * r), Math.round((y - 10) * r), Math.round(20 * r), Math.round(20 * r)).data;
      let white = 0;
      let black = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i] > 200 && px[i + 1] > 200 && px[i + 2] > 200) white++;
        if (px[i] < 5 && px[i + 1] < 5 && px[i + 2] < 5 && px[i + 3] === 255) black++;
      }
      return { white, black };
    }, [cx, cy] as const);
    assert.ok(ring.white > 20 && ring.black > 20, `a ring at the experiment's base (${JSON.stringify(ring)})`);
    await page.screenshot({ path: join(SCREENSHOTS, 'phase-width-power.png'), fullPage: true });
  });

  // Beside a width axis the diagram's widthPower has width null and names that axis (a session's
  // closing note, 2026-12-03): the hover computes γ with the cell's own d, and the legend says so.
  it('beside a width axis: the hover gives the γ of the cell\'s own width, the legend says d is each cell\'s', async () => {
    const page = await open();
    const W: PhaseAxisSpec = { key: 'model.width', from: 16, to: 1024, scale: 'log' };
    await send(page, { type: 'document', documentUri: 'file:///w/ntk.flab.json', fileName: 'ntk.flab.json', x: X, y: W, size: 8, method: 'flow', previewed: null, preview: null });
    const o = await runPhase(example('width-scaling-ntk.flab.json'), X, W, 8, { fileName: 'ntk.flab.json' });
    assert.equal(o.kind, 'result');
    const d: Diagram = { ...(o as Extract<typeof o, { kind: 'result' }>).diagram, version: 1 };
    assert.deepEqual(d.x.widthPower, { exponent: -0.5, width: null, widthAxis: 'y' });
    await send(page, d);
    await page.waitForFunction(() => document.querySelector('canvas.heatmap')?.getAttribute('data-drawn') === '1', undefined, { timeout: 20_000 });
    const box = await page.locator('canvas.heatmap').boundingBox();
    assert.ok(box);
    const row = 2;
    const col = 5;
    const c = cellCentre(d.x, d.y, box.width, box.height, row, col);
    await page.mouse.move(box.x + c.px, box.y + c.py);
    await page.locator('.tooltip').waitFor({ state: 'visible' });
    const b = d.x.values[col];
    const width = d.y.values[row];
    assert.equal((await page.locator('.tooltip [data-tip="x"]').innerText()).trim(), `${formatReadout(b)} → γ = ${formatReadout(b / Math.sqrt(width))}`);
    const note = await page.locator('.legend [data-width-power-note]').allInnerTexts();
    assert.deepEqual(note, ['output scale axis: each value is the base b; the cells compute with γ = b·d^(−1/2), d each cell\'s width.']);
  });
});
