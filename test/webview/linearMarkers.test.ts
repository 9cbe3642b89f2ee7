/**
 * The linear model's dynamics panel keeps room for its markers at every edge, on screen and in the
 * exported figure, as the training panel does (ChartView.markerRoom, docs/panel.md "Axes"): descent's
 * markers at t = 0 and at the last step sat on the plot's edges, cut in half.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { FigureChart } from '../../src/core/figures/chartFigure';
import { panelPages, posted, SCREENSHOTS, send, updateFor, waitForCharts } from './harness';

const { open } = panelPages();

type Axis = FigureChart['x'];

/** Where a value lies across an axis, 0 … 1. */
const along = (a: Axis, v: number): number => (a.log ? (Math.log(v) - Math.log(a.min)) / (Math.log(a.max) - Math.log(a.min)) : (v - a.min) / (a.max - a.min));

/** Every drawn value at least `room` px inside each edge of a plot `w` × `h` px (a marker's radius and its stroke: 3 px). */
function outside(c: FigureChart, w: number, h: number, room: number, where: string): string[] {
  return c.series.flatMap((s) =>
    s.x.flatMap((x, i) => {
      const y = s.y[i];
      if (y === null || (c.y[s.axis].log && y <= 0) || (c.x.log && x <= 0)) return [];
      const px = along(c.x, x) * w;
      const py = (1 - along(c.y[s.axis], y)) * h;
      const gap = Math.min(px, w - px, py, h - py);
      return gap >= room ? [] : [`${where} "${c.title}", ${s.label} at (${x}, ${y}): ${gap.toFixed(1)} px from an edge of its plot`];
    }),
  );
}

let request = 0;

/** The charts of an exported figure (the host would draw them: src/core/figures/chartFigure.ts). */
async function figure(page: Page): Promise<FigureChart[]> {
  const id = ++request;
  await send(page, { type: 'exportChart', requestId: id, format: 'svg', scale: 1, background: 'light' });
  await page.waitForFunction((n) => (window as unknown as { __posted: { type: string; requestId?: number }[] }).__posted.some((m) => m.type === 'chartFigure' && m.requestId === n), id);
  return ((await posted(page)).find((m) => m.type === 'chartFigure' && (m as { requestId?: number }).requestId === id) as unknown as { figure: { charts: FigureChart[] } }).figure.charts;
}

/** Every marker and line of every chart inside its plot, on screen and in the figure; the charts of the figure. */
async function checkRoom(page: Page, what: string): Promise<FigureChart[]> {
  const charts = await figure(page);
  const boxes = await page.locator('[data-chart]').evaluateAll((cs) => cs.filter((c) => !c.closest('[hidden]')).map((c) => ({ title: c.querySelector('.u-title')?.textContent ?? '', box: c.querySelector('.u-over')!.getBoundingClientRect().toJSON() as { width: number; height: number } })));
  assert.equal(boxes.length, charts.length, `${what}: a figure chart per chart on screen`);
  const problems: string[] = [];
  for (const { title, box } of boxes) {
    const c = charts.find((x) => x.title === title);
    assert.ok(c, `${what}: "${title}" is in the figure`);
    problems.push(...outside(c, box.width, box.height, 3, `${what}, on screen:`));
    // The figure's plot: 470 − 66 − 18 px wide, 210 px high (src/core/figures/chartFigure.ts).
    problems.push(...outside(c, 386, 210, 3, `${what}, in the figure:`));
  }
  assert.deepEqual(problems, []);
  return charts;
}

describe('the linear panel keeps room for its markers at the plot edges', { timeout: 300_000 }, () => {
  it('descent\'s markers at t = 0 and at the last step are whole, on screen and in the figure, on linear and log time axes; ticks stay within [0, end]', async () => {
    const page = await open({ width: 1400, height: 900 });
    const update = updateFor(1, {}, { view: 'both' });
    await send(page, update);
    await waitForCharts(page);
    const end = update.trajectory.t[update.trajectory.t.length - 1];
    const charts = await checkRoom(page, 'Both, linear time');
    // Descent is drawn as markers, one at t = 0: it was drawn on the left edge.
    assert.ok(charts.some((c) => c.series.some((s) => s.points && s.x[0] === 0)), 'a marker at t = 0 is drawn');
    for (const c of charts) {
      assert.ok(c.x.min < 0 && c.x.max > end, `"${c.title}": the time axis [${c.x.min}, ${c.x.max}] has room past [0, ${end}]`);
      assert.deepEqual(c.x.within, [0, end], `"${c.title}": the figure ticks its time axis within [0, end]`);
    }
    for (const key of ['zeta', 'loss', 'norms', 'ntk']) {
      const ticks = ((await page.locator(`[data-chart="${key}"]`).getAttribute('data-ticks-x')) ?? '').split('|').filter((t) => t !== '');
      assert.equal(ticks[0], '0', `${key}: ticked from t = 0: ${ticks.join(' ')}`);
      assert.ok(ticks.every((t) => Number(t) >= 0 && Number(t) <= end), `${key}: ticks within [0, ${end}]: ${ticks.join(' ')}`);
    }
    await page.locator('[data-chart="zeta"]').screenshot({ path: join(SCREENSHOTS, 'webview-linear-markers-both.png') });
    await page.locator('vscode-checkbox[data-toggle="log-time"]').click();
    await page.waitForFunction(() => document.querySelector('[data-chart="zeta"]')?.getAttribute('data-x-scale') === 'log');
    await waitForCharts(page);
    await checkRoom(page, 'Both, log time');
    await page.locator('[data-chart="zeta"]').screenshot({ path: join(SCREENSHOTS, 'webview-linear-markers-both-log.png') });
    // Descent alone: its step axis, markers at step 0 and at the last step.
    await page.locator('vscode-checkbox[data-toggle="log-time"]').click();
    await page.waitForFunction(() => document.querySelector('[data-chart="zeta"]')?.getAttribute('data-x-scale') === 'linear');
    await send(page, updateFor(2, {}, { view: 'descent' }));
    await waitForCharts(page);
    await checkRoom(page, 'Descent');
    await page.screenshot({ path: join(SCREENSHOTS, 'webview-linear-markers-descent.png'), fullPage: true });
  });
});
