/**
 * The panel a researcher reads (issue 10), in real Chromium under the real CSP: the verdict first
 * and visible without scrolling at any width, its criteria and thresholds, the runs that did not
 * explain themselves; definitions on hover and the description; what gradient descent does at
 * these rates; the deviation of every drawn quantity; the axes' tick format, aligned plotting areas,
 * the crosshair, a zoom that refits; sweeps' keys, the run described; the number fields' steps; the
 * exported figures. Every test fails on any console error, page error or CSP violation.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { figureSvg, FigureSpec } from '../../src/core/figures/chartFigure';
import { formatTickValue } from '../../src/core/figures/ticks';
import { definitionOf, dragAcross, example, posted, SCREENSHOTS, send, THEMES, updateFor, updateForText, waitForCharts, panelPages } from './harness';

const { open } = panelPages();



async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `webview-${name}.png`), fullPage });
}

/** The example's text with other values (JSON, comments not needed here). */
function withValues(text: string, change: (raw: Record<string, Record<string, unknown>>) => void): string {
  const raw = JSON.parse(text) as Record<string, Record<string, unknown>>;
  change(raw);
  return JSON.stringify(raw);
}

/** A criterion row of the verdict. */
async function criterion(page: Page, name: string): Promise<{ value: string; test: string; reached: string; decisive: string; title: string }> {
  const row = page.locator(`[data-criterion="${name}"]`);
  return {
    value: (await row.locator('.criterion-value').innerText()).trim(),
    test: (await row.locator('.criterion-test').innerText()).trim(),
    reached: (await row.getAttribute('data-reached')) ?? '',
    decisive: (await row.getAttribute('data-decisive')) ?? '',
    title: await definitionOf(page, `[data-criterion="${name}"] .criterion-name`),
  };
}

/** The tick labels a chart drew on one of its scales (data-ticks-<scale>). */
/** The room past the data's ends of every axis over time (EDGE_ROOM, webview/charts/chartEngine.ts: ChartView.markerRoom). */
const EDGE_ROOM = 0.04;

/**
 * Asserts that a chart's time axis spans the run [start, end] with the markers' room past both ends —
 * EDGE_ROOM of its span on a linear axis — and is ticked within [start, end] (the linear panel's axis
 * spanned [0, end] exactly, and descent's markers there were cut in half by the plot's edges).
 */
async function assertTimeRoom(page: Page, chart: string, start: number, end: number): Promise<void> {
  const box = page.locator(`[data-chart="${chart}"]`);
  const [min, max] = [Number(await box.getAttribute('data-x-min')), Number(await box.getAttribute('data-x-max'))];
  const room = EDGE_ROOM * (end - start);
  assert.ok(Math.abs(min - (start - room)) <= 1e-9 * end && Math.abs(max - (end + room)) <= 1e-9 * end, `${chart}: [${min}, ${max}] is [${start}, ${end}] with ${room} of room each side`);
  const labels = (await ticks(page, chart, 'x')).filter((l) => l !== '').map((l) => Number(l.replace('−', '-')));
  assert.ok(labels.length >= 2 && labels.every((v) => v >= start && v <= end), `${chart}: ticks within [${start}, ${end}]: ${labels.join(' ')}`);
}

async function ticks(page: Page, chart: string, scale: string): Promise<string[]> {
  const attr = `data-ticks-${scale}`;
  return ((await page.locator(`[data-chart="${chart}"]`).getAttribute(attr)) ?? '').split('|');
}

/**
 * Where a chart draws the lines of one colour: the rows of its plotting area (`.u-over`) in which at
 * least a third of the columns have that colour, as fractions of the area's height from its top
 * (`top`, `bottom`), and how many CSS px apart the first and the last are (`spread`); null when none.
 */
async function lineRows(page: Page, chart: string, hex: string): Promise<{ top: number; bottom: number; spread: number } | null> {
  return page.evaluate(
    ([key, colour]) => {
      const box = document.querySelector<HTMLElement>(`[data-chart="${key}"]`);
      const canvas = box?.querySelector<HTMLCanvasElement>('canvas');
      const over = box?.querySelector<HTMLElement>('.u-over');
      const ctx = canvas?.getContext('2d');
      if (!canvas || !over || !ctx) return null;
      const c = canvas.getBoundingClientRect();
      const o = over.getBoundingClientRect();
      const px = canvas.width / c.width;
      const [x0, y0, w, h] = [Math.round((o.left - c.left) * px), Math.round((o.top - c.top) * px), Math.round(o.width * px), Math.round(o.height * px)];
      const data = ctx.getImageData(x0, y0, w, h).data;
      const rgb = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
      const rows: number[] = [];
      for (let y = 0; y < h; y++) {
        let n = 0;
        for (let x = 0; x < w; x++) {
          const i = (y * w + x) * 4;
          if (data[i + 3] > 200 && Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 40) n++;
        }
        if (n >= w / 3) rows.push(y);
      }
      if (rows.length === 0) return null;
      return { top: rows[0] / h, bottom: rows[rows.length - 1] / h, spread: (rows[rows.length - 1] - rows[0]) / px };
    },
    [chart, hex] as const,
  );
}


describe('the verdict first (issue 10)', { timeout: 600_000 }, () => {
  it('explains phase-output-scale-rate at γ = 1: kernel change 0.089 below 0.1, tangent change 0.207 decides — visible without scrolling at 1400×900 and at 320 px', async () => {
    for (const size of [{ width: 1400, height: 900 }, { width: 700, height: 900 }, { width: 320, height: 900 }]) {
      const page = await open(size);
      await send(page, updateForText(1, example('phase-output-scale-rate.flab.json')));
      await waitForCharts(page);
      const label = page.locator('[data-summary="label"]');
      assert.equal((await label.innerText()).trim(), 'alignment');
      const box = await label.boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= size.height && box.x >= 0 && box.x + box.width <= size.width, `the label is on screen at ${size.width}×${size.height}: ${JSON.stringify(box)}`);
      // Every criterion and its threshold, on screen too.
      for (const name of ['kernelChange', 'tangentChange', 'zetaChange', 'balanceChange']) {
        const b = await page.locator(`[data-criterion="${name}"] .criterion-test`).boundingBox();
        assert.ok(b && b.y + b.height <= size.height && b.x + b.width <= size.width + 0.5, `${name}'s threshold on screen at ${size.width}: ${JSON.stringify(b)}`);
      }
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'no horizontal scrolling');
      const kc = await criterion(page, 'kernelChange');
      assert.deepEqual([kc.value, kc.test, kc.reached, kc.decisive], ['0.0894', '< 0.1', 'false', 'false']);
      const tc = await criterion(page, 'tangentChange');
      assert.deepEqual([tc.value, tc.test, tc.reached, tc.decisive], ['0.207', '≥ 0.1', 'true', 'true']);
      const zc = await criterion(page, 'zetaChange');
      assert.deepEqual([zc.value, zc.test, zc.reached, zc.decisive], ['+0.386', '|·| ≥ 0.1', 'true', 'true']);
      const bc = await criterion(page, 'balanceChange');
      assert.deepEqual([bc.value, bc.test, bc.reached], ['0.00378', '< 1', 'false']);
      const reasons = await page.locator('[data-reason]').allInnerTexts();
      assert.equal(reasons[0], 'The tangent kernel changed by only 0.0894 < 0.1, but the tangent features moved by 0.207 ≥ 0.1: feature learning — the kernel regime needs both below their thresholds.');
      assert.match(reasons[1], /\|ζ\| rose by 0\.386 ≥ 0\.1/);
      assert.match(await page.locator('.verdict-which').innerText(), /for the file's own values \(outputScale = 1\)/);
      await shot(page, `verdict-${size.width}`);
    }
  });

  it('explains σ_u = 1, σ_W = 10⁻³, γ = 0.01, d = 4096: kernel, though ζ went 0.0004 → 0.999 — the random-features note', async () => {
    const page = await open({ width: 1400, height: 900 });
    const text = withValues(example('alignment.flab.json'), (raw) => {
      raw.model = { width: 4096, outputScale: 0.01 };
      raw.init = { scaleU: 1, scaleW: 0.001, seed: 1 };
      raw.learningRates = { u: 1, W: 1 };
      delete raw.description;
    });
    await send(page, updateForText(1, text));
    await waitForCharts(page);
    assert.equal((await page.locator('[data-summary="label"]').innerText()).trim(), 'kernel');
    const zc = await criterion(page, 'zetaChange');
    assert.deepEqual([zc.value, zc.test, zc.reached, zc.decisive], ['+0.999', '|·| ≥ 0.1', 'true', 'false']);
    const kc = await criterion(page, 'kernelChange');
    assert.deepEqual([kc.test, kc.decisive], ['< 0.1', 'true']);
    const note = await page.locator('[data-note]').innerText();
    assert.match(note, /^ζ went from 3\.98e-4 to 0\.999/);
    assert.match(note, /random-features case/);
    const box = await page.locator('[data-note]').boundingBox();
    assert.ok(box && box.y + box.height <= 900, 'the note is on screen');
    assert.equal(await page.locator('.description').isHidden(), true, 'no description: no disclosure');
    await shot(page, 'verdict-random-features');
  });

  it('defines every symbol and score (on hover and focus), and shows the description collapsed, its state kept', async () => {
    const page = await open();
    await send(page, { type: 'document', documentUri: 'file:///w/alignment.flab.json', fileName: 'alignment.flab.json' });
    await send(page, updateForText(1, example('alignment.flab.json')));
    await waitForCharts(page);
    // Each definition is what the name's aria-describedby names (shown on hover and on focus).
    const titles = await page.locator('.summary dt').evaluateAll((dts) => Object.fromEntries(dts.map((d) => [d.textContent ?? '', document.getElementById(d.getAttribute('aria-describedby') ?? '')?.textContent ?? ''])));
    for (const name of ['λ', 'Rate ω', 'Plateau time', 'Horizon T', 'max |K/K(0) − 1|', 'Tangent-feature change', '|ζ| change', 'Balance change', 'ln(|u| / |u₀|)', 'ln(‖W‖ / ‖W₀‖)', 'ζ final', 'K(T)/K(0)']) {
      assert.ok((titles[name] ?? '').length > 40, `${name} is defined on hover: ${titles[name]}`);
    }
    assert.match(titles['λ'], /λ = γ ā √\(η_u η_W\)/);
    assert.match(titles['Plateau time'], /residual has halved/);
    assert.match(titles['Horizon T'], /within 10⁻³/);
    for (const name of ['kernelChange', 'tangentChange', 'zetaChange', 'balanceChange']) assert.ok((await criterion(page, name)).title.length > 40, `${name} defined`);
    assert.match(await definitionOf(page, '[data-summary="label"]'), /alignment \(\|ζ\| grows/);
    assert.ok((await definitionOf(page, '#control-learningRates-W-value')).includes('η_W'));
    // The description: there, collapsed, opened on demand, kept with the webview's state.
    const details = page.locator('details.description');
    assert.equal(await details.evaluate((d) => (d as HTMLDetailsElement).open), false);
    assert.equal(await page.locator('.description-text').isVisible(), false);
    await page.locator('.description-summary').click();
    assert.match(await page.locator('.description-text').innerText(), /Small initialisation/);
    // The <details> toggle event that saves the state comes in a later task: wait for it (read at once, it failed once in CI).
    await page.waitForFunction(() => (window as unknown as { __getState: () => { descriptionOpen?: boolean } }).__getState().descriptionOpen === true);
    await shot(page, 'description-open');
  });
});

describe('honest about gradient descent (issue 10)', { timeout: 600_000 }, () => {
  // The example as it was: rates 1, η·K(∞) = 2, the edge of stability.
  const atEdge = withValues(example('alignment.flab.json'), (raw) => {
    raw.learningRates = { u: 1, W: 1 };
  });

  it('says the edge of stability in every view, and nothing at the example\'s own rates', async () => {
    const page = await open({ width: 1400, height: 900 });
    await send(page, updateForText(1, atEdge, { view: 'descent' }));
    await waitForCharts(page);
    const unstable = page.locator('[data-notice="unstable"]');
    assert.match(await unstable.innerText(), /^Edge of stability: gradient descent at the experiment's learning rates converges to the flow's minimum only for learning rates up to ×0\.998 of these/);
    const box = await unstable.boundingBox();
    assert.ok(box && box.y + box.height <= 900, 'said without scrolling');
    await shot(page, 'edge-descent');
    await send(page, updateForText(2, atEdge, { view: 'both' }));
    await page.waitForFunction(() => /against the flow's/.test(document.querySelector('[data-notice="unstable"]')?.textContent ?? ''));
    // Beyond the stable rates (×0.998) descent never settles: the default grid is 10³ steps, where the flow's was 13.
    assert.match(await unstable.innerText(), /It ends at loss 1\.22e-4 against the flow's 5(\.00?)?e-7\./);
    await send(page, updateForText(3, atEdge, { view: 'flow' }));
    await page.waitForFunction(() => document.querySelector('[data-notice="flow-unstable"]') !== null);
    assert.match(await page.locator('[data-notice="flow-unstable"]').innerText(), /would not follow this flow: its tangent kernel reaches K = 2 per step/);
    for (const view of ['flow', 'descent', 'both'] as const) {
      await send(page, updateForText(10 + ['flow', 'descent', 'both'].indexOf(view), example('alignment.flab.json'), { view }));
      await page.waitForFunction(() => document.querySelectorAll('.notice').length === 0);
    }
  });

  it('reports the deviation of every drawn quantity in Both', async () => {
    const page = await open({ width: 1400, height: 900 });
    const update = updateForText(1, atEdge, { view: 'both' });
    await send(page, update);
    await waitForCharts(page);
    const columns = update.deviations.map((d) => d.column);
    assert.deepEqual(columns, ['zeta', 'loss', 'normU', 'normW', 'ntk', 'distance']);
    for (const c of columns.filter((c) => c !== 'zeta')) assert.match((await page.locator(`[data-summary="deviation-${c}"]`).innerText()).trim(), /at t = \d/, c);
    assert.match(await page.locator('[data-summary="deviation-loss"]').innerText(), /^\d+\.\d+ decades at t = \d/);
    assert.match(await page.locator('[data-summary="deviation-normU"]').innerText(), /% of the flow's largest/);
    // Descent at these rates never settles (K stays at 2): its default grid is 10³ steps, the loss at its end 1.22e-4.
    assert.equal(await page.locator('[data-summary="simulation-loss-final"]').innerText(), '1.21904e-4');
    await shot(page, 'deviations', true);
  });
});

describe('readable charts (issue 10)', { timeout: 600_000 }, () => {
  it('K/K₀ over 1 … 1.00012 and every other axis read: enough digits, one format, the log axis\'s end, step axes', async () => {
    const page = await open({ width: 1400, height: 900 });
    const kernel = updateForText(1, example('kernel.flab.json'));
    await send(page, kernel);
    await waitForCharts(page);
    const k = await ticks(page, 'ntk', 'k');
    assert.ok(k.length >= 3, k.join(' '));
    assert.equal(new Set(k).size, k.length, `K/K₀ ticks all distinct: ${k.join(' ')}`);
    assert.ok(k.every((l) => /^1\.0{3,}\d+$|^1\.0+$|^0\.9{3,}\d*$/.test(l)), `enough digits for 1 … 1.0001: ${k.join(' ')}`);
    const loss = await ticks(page, 'loss', 'y');
    assert.ok(loss.every((l) => /^10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+$/.test(l)), `decades only as 10ⁿ: ${loss.join(' ')}`);
    // The norm ratio: distinct labels however little the norms move.
    await page.locator('vscode-checkbox[data-toggle="ratio"]').click();
    await page.waitForFunction(() => /\|u\| \/ \|u₀\|/.test(document.querySelector('[data-chart="norms"] .u-legend')?.textContent ?? ''));
    await waitForCharts(page);
    const ratio = await ticks(page, 'norms', 'y');
    assert.equal(new Set(ratio).size, ratio.length, `ratio ticks distinct: ${ratio.join(' ')}`);
    await shot(page, 'axes-kernel');
    // A log time axis: its right end (the last record, rarely a decade) is labelled, with the markers' room past it.
    await page.locator('vscode-checkbox[data-toggle="log-time"]').click();
    await page.waitForFunction(() => document.querySelector('[data-chart="zeta"]')?.getAttribute('data-x-scale') === 'log');
    await waitForCharts(page);
    const x = await ticks(page, 'zeta', 'x');
    const end = kernel.trajectory.t[kernel.trajectory.t.length - 1];
    assert.ok(Number(await page.locator('[data-chart="zeta"]').getAttribute('data-x-max')) > end, 'room past the end');
    assert.equal(x[x.length - 1], formatTickValue(end), `the end ${end} labelled: ${x.join(' ')}`);
    assert.ok(x.slice(0, -1).every((l) => /^10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+$/.test(l)), x.join(' '));
    // Gradient descent alone: the axis counts steps, in integers.
    await send(page, updateForText(2, example('kernel.flab.json'), { view: 'descent' }));
    await page.locator('vscode-checkbox[data-toggle="log-time"]').click();
    await page.waitForFunction(() => document.querySelector('[data-chart="zeta"]')?.getAttribute('data-x-scale') === 'linear');
    await waitForCharts(page);
    const steps = await ticks(page, 'zeta', 'x');
    assert.ok(steps.length >= 3 && steps.every((l) => /^\d+$/.test(l)), `integer steps: ${steps.join(' ')}`);
    assert.match(await page.locator('[data-chart="zeta"] .u-legend').innerText(), /step/);
    await shot(page, 'axes-steps');
  });

  it('draws a constant series as one flat line inside its axis, on linear and log axes', async () => {
    // ζ constant at 10⁻¹⁰ but for a cosine's rounding (±10⁻¹⁷) lay on 0 of an axis from −1 to 1; norms
    // equal but in their 10th digit got a zero-width range (nothing drawn); a constant loss lay on the
    // top edge of its log axis, and one apart by 10⁻¹⁷ (no spread a log axis shows) on the bottom edge.
    const page = await open({ width: 1400, height: 900 });
    const update = updateFor(1);
    const tr = update.trajectory;
    tr.zeta = tr.zeta.map((_, i) => (i % 2 ? 1e-10 : 1e-10 + 1e-17));
    tr.loss = tr.loss.map((_, i) => (i % 2 ? 1e-10 : 1e-10 + 1e-17));
    tr.normU = tr.normU.map((_, i) => (i % 2 ? 0.5 : 0.5 * (1 + 1e-10)));
    tr.normW = tr.normU.slice();
    await send(page, update);
    await waitForCharts(page);
    const colours = THEMES.dark.vars;
    for (const [chart, colour] of [['zeta', colours['--vscode-charts-blue']], ['loss', colours['--vscode-charts-red']], ['norms', colours['--vscode-charts-green']]] as const) {
      const line = await lineRows(page, chart, colour);
      assert.ok(line, `${chart}: a line is drawn`);
      assert.ok(line.spread <= 3, `${chart}: one flat line, its rows ${line.spread} px apart`);
      assert.ok(line.top > 0.2 && line.bottom < 0.8, `${chart}: inside its axis, not on an edge (${line.top.toFixed(3)} … ${line.bottom.toFixed(3)} of the height)`);
    }
    const zeta = await ticks(page, 'zeta', 'y');
    assert.ok(zeta.length >= 2 && zeta.some((l) => /×10⁻¹⁰$/.test(l)), `ζ's axis reads its size: ${zeta.join(' ')}`);
    assert.deepEqual(await ticks(page, 'loss', 'y'), ['10⁻¹¹', '10⁻¹⁰', '10⁻⁹'], 'the decades either side of the loss');
    const norms = await ticks(page, 'norms', 'y');
    assert.ok(norms.length >= 2 && norms.every((l) => /^\d\.\d{1,2}$/.test(l)), `norm ticks do not spell out the rounding: ${norms.join(' ')}`);
    await shot(page, 'constant-series');
  });

  it('lines up every plotting area, and draws the horizontal crosshair only on the chart under the pointer with one y scale', async () => {
    const page = await open({ width: 1400, height: 900 });
    await send(page, updateFor(1));
    await waitForCharts(page);
    const boxes = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('[data-chart]')].map((c) => [c.dataset.chart, c.querySelector('.u-over')!.getBoundingClientRect().toJSON() as DOMRect])));
    assert.ok(Math.abs(boxes.zeta.width - boxes.ntk.width) < 0.5 && Math.abs(boxes.loss.width - boxes.ntk.width) < 0.5, `same widths: ${JSON.stringify(boxes)}`);
    // The two columns: charts above each other start at the same x.
    assert.ok(Math.abs(boxes.zeta.x - boxes.norms.x) < 0.5 && Math.abs(boxes.loss.x - boxes.ntk.x) < 0.5, 'same offsets in a column');
    const narrow = await open({ width: 380, height: 900 });
    await send(narrow, updateFor(1));
    await waitForCharts(narrow);
    const stacked = await narrow.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-chart] .u-over')].map((o) => { const r = o.getBoundingClientRect(); return [r.x, r.width]; }));
    for (const [x, w] of stacked) assert.ok(Math.abs(x - stacked[0][0]) < 0.5 && Math.abs(w - stacked[0][1]) < 0.5, `stacked charts line up: ${JSON.stringify(stacked)}`);
    const over = await page.locator('[data-chart="zeta"] .u-over').boundingBox();
    assert.ok(over);
    await page.mouse.move(over.x + over.width * 0.5, over.y + over.height * 0.4);
    const cursors = await page.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll<HTMLElement>('[data-chart]')].map((c) => {
          const y = c.querySelector<HTMLElement>('.u-cursor-y');
          const x = c.querySelector<HTMLElement>('.u-cursor-x');
          const shown = (e: HTMLElement | null) => !!e && getComputedStyle(e).display !== 'none' && !/-10px/.test(e.style.transform);
          return [c.dataset.chart, { x: shown(x), y: shown(y) }];
        }),
      ),
    );
    assert.deepEqual(cursors.zeta, { x: true, y: true }, 'the hovered chart');
    for (const k of ['loss', 'norms', 'ntk']) assert.deepEqual(cursors[k], { x: true, y: false }, `${k}: the linked vertical line only`);
    const ntk = await page.locator('[data-chart="ntk"] .u-over').boundingBox();
    assert.ok(ntk);
    await page.mouse.move(ntk.x + ntk.width * 0.5, ntk.y + ntk.height * 0.4);
    assert.equal(await page.locator('[data-chart="ntk"] .u-cursor-y').count(), 0, 'two y scales: no horizontal line to misread');
  });

  it('shows that the view is zoomed, and refits when an edit moves the time range away from the zoom', async () => {
    const page = await open({ width: 1400, height: 900 });
    await send(page, updateFor(1));
    await waitForCharts(page);
    const zoomState = page.locator('.zoom-state');
    assert.equal(await zoomState.isVisible(), false);
    assert.equal(await page.locator('vscode-button[data-button="reset-zoom"]').getAttribute('disabled'), '');
    await dragAcross(page, 'zeta', 0.6, 0.95);
    await zoomState.waitFor({ state: 'visible' });
    assert.match(await zoomState.innerText(), /^Zoomed: t \d/);
    assert.equal(await page.locator('vscode-button[data-button="reset-zoom"]').getAttribute('disabled'), null, 'reset enabled when zoomed');
    const [zoomMin] = ((await zoomState.getAttribute('data-zoom')) ?? '').split(':').map(Number);
    // An edit whose run still covers the zoom keeps it.
    await send(page, updateFor(2, { scaleU: 0.021 }));
    await page.waitForFunction(() => document.querySelector('.title') !== null);
    await waitForCharts(page);
    assert.equal(await zoomState.isVisible(), true, 'an overlapping range keeps the zoom');
    // An edit whose whole run ends before the zoomed window: every chart shows the new run, nothing is empty.
    const faster = updateFor(3, { rate: 5 });
    const end = faster.trajectory.summary.horizon;
    assert.ok(end < zoomMin, `the new run (to ${end}) ends before the zoom (from ${zoomMin})`);
    await send(page, faster);
    await page.waitForFunction((e) => Number(document.querySelector('[data-chart="loss"]')?.getAttribute('data-x-max')) < e * 1.1, end);
    for (const key of ['zeta', 'loss', 'norms', 'ntk']) await assertTimeRoom(page, key, 0, end);
    await zoomState.waitFor({ state: 'hidden' });
    await shot(page, 'zoom-refit');
  });

  it('a sweep: a key on every chart (solid, dashed, markers, colours), distinguishable neighbours, a chosen run described', async () => {
    const page = await open({ width: 1400, height: 900 });
    const text = example('phase-output-scale-rate.flab.json');
    await send(page, updateForText(1, text, { view: 'both' }));
    await waitForCharts(page);
    for (const key of ['zeta', 'loss', 'norms', 'ntk']) {
      const marks = await page.locator(`[data-chart="${key}"] .chart-key .key-item`).evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.mark));
      assert.ok(marks.includes('line') && marks.includes('points') && marks.filter((m) => m === 'swatch').length === 7, `${key} key: ${marks.join(' ')}`);
    }
    assert.match(await page.locator('[data-chart="norms"] .chart-key').innerText(), /\|u\|[\s\S]*‖W‖_F[\s\S]*gradient descent[\s\S]*outputScale:/);
    assert.deepEqual(await page.locator('[data-chart="norms"] .chart-key .key-item').evaluateAll((items) => items.slice(0, 2).map((i) => (i as HTMLElement).dataset.mark)), ['line', 'dashed'], 'solid |u|, dashed ‖W‖_F');
    // The verdict and the summary say which run they describe; a click on a value describes that run.
    assert.match(await page.locator('.summary-heading').innerText(), /the file's own values \(outputScale = 1\)/);
    await page.locator('.sweep-legend [data-sweep-value="0.01"]').click();
    await page.waitForFunction(() => /outputScale = 0\.01 \(sweep run 2 of 7\)/.test(document.querySelector('.verdict-which')?.textContent ?? ''));
    assert.match(await page.locator('.summary-heading').innerText(), /outputScale = 0\.01 \(sweep run 2 of 7\)/);
    assert.equal(await page.locator('.sweep-legend [data-sweep-value="0.01"]').getAttribute('aria-pressed'), 'true');
    await shot(page, 'sweep-chosen');
    // The exported figure's headline names the run first, as the verdict's "for …" does, with its regime.
    const headline = async (requestId: number): Promise<string> => {
      await send(page, { type: 'exportChart', requestId, format: 'svg', scale: 1, background: 'light' });
      await page.waitForFunction((id) => (window as unknown as { __posted: { type: string; requestId?: number }[] }).__posted.some((m) => m.type === 'chartFigure' && m.requestId === id), requestId);
      const answer = (await posted(page)).find((m) => m.type === 'chartFigure' && m.requestId === requestId) as unknown as { figure: FigureSpec };
      return answer.figure.label ?? '';
    };
    const verdict = (await page.locator('.verdict-head').innerText()).replace(/\s+/g, ' ');
    const label = (await page.locator('[data-summary="label"]').innerText()).trim();
    const regime = verdict.match(/(kernel|feature learning) · /)?.[1] ?? '';
    assert.ok(regime, verdict);
    assert.ok((await headline(51)).startsWith(`Label for outputScale = 0.01 (sweep run 2 of 7): ${label} (${regime}, `), `${await headline(52)} — on screen: ${verdict}`);
    await page.locator('.sweep-legend [data-sweep-value="0.01"]').click();
    await page.waitForFunction(() => /the file's own values/.test(document.querySelector('.summary-heading')?.textContent ?? ''));
    assert.match(await headline(53), /^Label for the file's own values \(outputScale = 1\): \w[\w ]*\((kernel|feature learning), /);
  });

  it('number fields first: arrow keys step the value on its own scale as one undo step; the slider\'s range written at its ends', async () => {
    const page = await open({ width: 1400, height: 900 });
    await send(page, updateFor(1));
    await waitForCharts(page);
    const field = page.locator('input[data-control-number="init.scaleU"]');
    assert.deepEqual(await page.locator('[data-control-row="init.scaleU"] .control-range span').allInnerTexts(), ['10⁻⁶', '10³']);
    assert.deepEqual(await page.locator('[data-control-row="model.width"] .control-range span').allInnerTexts(), ['1', '10⁶']);
    // The field comes before its slider (the primary control).
    const order = await page.locator('[data-control-row="init.scaleU"] input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).type));
    assert.deepEqual(order, ['number', 'range']);
    await field.focus();
    let start = (await posted(page)).length;
    await page.keyboard.down('ArrowUp');
    await page.keyboard.up('ArrowUp');
    assert.deepEqual((await posted(page)).slice(start), [
      { type: 'setValue', key: 'init.scaleU', value: 0.02244, final: false },
      { type: 'setValue', key: 'init.scaleU', value: 0.02244, final: true },
    ]);
    start = (await posted(page)).length;
    await page.keyboard.down('Shift');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.up('Shift');
    const coarse = (await posted(page)).slice(start);
    assert.deepEqual(coarse.at(-1), { type: 'setValue', key: 'init.scaleU', value: 0.002244, final: true });
    const y = page.locator('input[data-control-number="data.y"]');
    await y.focus();
    start = (await posted(page)).length;
    await page.keyboard.press('ArrowDown');
    assert.deepEqual((await posted(page)).slice(start).at(-1), { type: 'setValue', key: 'data.y', value: 0.9, final: true });
  });
});

describe('figures for papers (issue 10)', { timeout: 600_000 }, () => {
  it('exports a PNG at 2× on a light page, and the same figure as SVG content with the title, label and parameters', async () => {
    const page = await open({ width: 1400, height: 900, theme: 'dark' });
    await send(page, updateForText(1, example('alignment.flab.json'), { view: 'both' }));
    await waitForCharts(page);
    await send(page, { type: 'exportChart', requestId: 1, format: 'svg', scale: 1, background: 'light' });
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'chartFigure'));
    const figure = ((await posted(page)).find((m) => m.type === 'chartFigure') as unknown as { figure: FigureSpec }).figure;
    assert.equal(figure.colours.background, '#ffffff', 'light whatever the theme');
    assert.equal(figure.title, 'Learning by alignment');
    assert.match(figure.label ?? '', /^Label: alignment \(feature learning, exact gradient flow\) — kernel change [\d.e]+ ≥ 0\.1, tangent-feature change [\d.e]+ ≥ 0\.1, \|ζ\| change \+0\.9\d+ ≥ 0\.1, balance change [\d.]+ < 1$/);
    assert.ok(figure.parameters.includes('d = 64') && figure.parameters.includes('η_u = 0.1') && figure.parameters.includes('σ_u = 0.001'), figure.parameters.join(', '));
    assert.equal(figure.charts.length, 4);
    assert.ok(figure.charts.every((c) => c.series.some((s) => s.points) && c.series.some((s) => !s.points)), 'flow lines and descent markers');
    const svg = figureSvg(figure);
    writeFileSync(join(SCREENSHOTS, 'export-light.svg'), svg);
    // Well-formed, and what a reader needs, parsed by the browser.
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent ?? null, paths: doc.querySelectorAll('path').length, circles: doc.querySelectorAll('circle').length, texts: [...doc.querySelectorAll('text')].map((t) => t.textContent) };
    }, svg);
    assert.equal(parsed.error, null);
    assert.equal(parsed.paths, 6, 'the flow\'s lines: ζ, L, |u| and ‖W‖_F, K/K(0) and the distance');
    assert.ok(parsed.circles > 6 * 20, `descent's markers: ${parsed.circles}`);
    for (const t of ['Learning by alignment', 'Alignment ζ(t) = cos∠(u, W n)', 'Loss L(t) (log scale)']) assert.ok(parsed.texts.includes(t), t);
    await send(page, { type: 'exportChart', requestId: 2, format: 'png', scale: 2, background: 'light' });
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'chartImage'));
    const reply = (await posted(page)).find((m) => m.type === 'chartImage') as unknown as { requestId: number; dataUrl: string };
    assert.equal(reply.requestId, 2);
    const png = Buffer.from(reply.dataUrl.slice('data:image/png;base64,'.length), 'base64');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    const svgWidth = Number(/width="(\d+)"/.exec(svg)![1]);
    const svgHeight = Number(/height="(\d+)"/.exec(svg)![1]);
    assert.equal(width, 2 * svgWidth, 'twice the figure\'s width');
    assert.equal(height, 2 * svgHeight);
    writeFileSync(join(SCREENSHOTS, 'export-light-2x.png'), png);
    // The page is white: the corner pixel of the PNG, decoded by the browser.
    const corner = await page.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return [...ctx.getImageData(3, 3, 1, 1).data];
    }, reply.dataUrl);
    assert.deepEqual(corner, [255, 255, 255, 255]);
  });
});
