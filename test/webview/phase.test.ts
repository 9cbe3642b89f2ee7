/**
 * The phase-diagram webview in real Chromium under the real CSP, fed the message the host makes
 * (src/extension/phaseRun.ts over the real core): the heat map draws, the legend names the labels
 * present, hover shows the cell's numbers, a click and the keyboard post `openCell`, errors show in
 * a banner. Every test fails on a console error, a page error or a CSP violation.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { cellStyle, DEAD_NOTE, LABEL_COLOURS, LINE_INK, OUTCOME_COLOURS, REFUSED_FILL, REFUSED_HATCH, REFUSED_NAME, SHADE_LEVELS, shareText } from '../../src/core/analysis/phase/phaseStyle';
import type { Diagram, PhaseAxisSpec, ToPhase as ToPhaseWebview } from '../../src/protocol/phase';
import { runPhase } from '../../src/workers/phaseRun';
import { axisFraction, cellCentre, hexRgb, MARGIN } from '../../webview/phase/heatmap';
import { definitionOf, experimentText, hoverOnlyHints, posted, SCREENSHOTS, panelPages } from './harness';

const { open } = panelPages({ page: 'phase' });


const X: PhaseAxisSpec = { key: 'model.outputScale', from: 1e-3, to: 1e3, scale: 'log' };
const Y: PhaseAxisSpec = { key: 'init.scaleU', from: 1e-4, to: 10, scale: 'log' };

async function diagram(version: number, size: number, x = X, y = Y): Promise<Diagram> {
  const o = await runPhase(experimentText({ scaleW: 1 }), x, y, size, { fileName: 'a.flab.json' });
  if (o.kind !== 'result') throw new Error(`fixture did not compute: ${JSON.stringify(o)}`);
  return { ...o.diagram, version };
}

/** Gradient descent over γ and η_W for 300 steps (the host's own computation): converged, catapult and diverged (every run has settled or blown up: none unsettled) and both critical lines. */
const DX: PhaseAxisSpec = { key: 'model.outputScale', from: 0.1, to: 10, scale: 'log' };
const DY: PhaseAxisSpec = { key: 'learningRates.W', from: 0.01, to: 30, scale: 'log' };
async function descentDiagram(version: number, size: number): Promise<Diagram> {
  const o = await runPhase(experimentText({ name: 'Descent', scaleU: 0.3, scaleW: 0.3, rate: 0.5, time: { end: 300, points: 31 } }), DX, DY, size, { fileName: 'a.flab.json', method: 'descent' });
  if (o.kind !== 'result') throw new Error(`fixture did not compute: ${JSON.stringify(o)}`);
  return { ...o.diagram, version };
}

/** The same diagram for 6 steps: some catapults have not come down and some blow-ups not happened yet — unsettled cells among the other three. */
async function shortDescentDiagram(version: number, size: number): Promise<Diagram> {
  const o = await runPhase(experimentText({ name: 'Descent', scaleU: 0.3, scaleW: 0.3, rate: 0.5, time: { end: 6, points: 7 } }), DX, DY, size, { fileName: 'a.flab.json', method: 'descent' });
  if (o.kind !== 'result') throw new Error(`fixture did not compute: ${JSON.stringify(o)}`);
  return { ...o.diagram, version };
}

/** σ_W and σ_u from 1e-300 to 1e300: the extremes are refused (beyond 64 bits), the middle computed. */
const WIDE = { model: { width: 64 }, data: { x: [1], y: 1 }, init: { scaleU: 1e-3, scaleW: 1e-3, seed: 1 }, learningRates: { u: 0.1, W: 0.1 }, time: { end: 400 } };
const WIDE_X: PhaseAxisSpec = { key: 'init.scaleW', from: 1e-300, to: 1e300, scale: 'log' };
const WIDE_Y: PhaseAxisSpec = { key: 'init.scaleU', from: 1e-300, to: 1e300, scale: 'log' };
async function wideDiagram(version: number, size: number, method: 'flow' | 'descent'): Promise<Diagram> {
  const o = await runPhase(JSON.stringify(WIDE), WIDE_X, WIDE_Y, size, { fileName: 'wide.flab.json', method });
  if (o.kind !== 'result') throw new Error(`fixture did not compute: ${JSON.stringify(o)}`);
  return { ...o.diagram, version };
}

/** How many of the canvas's pixels have exactly this colour. */
async function pixelsOf(page: Page, rgb: [number, number, number]): Promise<number> {
  return page.evaluate((c) => {
    const canvas = document.querySelector<HTMLCanvasElement>('canvas.heatmap')!;
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === c[0] && d[i + 1] === c[1] && d[i + 2] === c[2]) n++;
    return n;
  }, rgb);
}


async function send(page: Page, m: ToPhaseWebview): Promise<void> {
  await page.evaluate((msg) => window.postMessage(msg, '*'), m);
}

async function drawn(page: Page, version: number): Promise<void> {
  await page.waitForFunction((v) => document.querySelector('canvas.heatmap')?.getAttribute('data-drawn') === String(v), version, { timeout: 20_000 });
}

/**
 * Opens the panel on a.flab.json with the flow's axes (X, Y) or descent's (DX, DY) at `size`, sends the
 * diagram `make` computes as version 1, and waits until it is drawn; returns the diagram.
 */
async function showDiagram(page: Page, method: 'flow' | 'descent', size: number, make: (version: number, size: number) => Promise<Diagram>): Promise<Diagram> {
  const [x, y] = method === 'flow' ? [X, Y] : [DX, DY];
  await send(page, { type: 'document', documentUri: 'file:///w/a.flab.json', fileName: 'a.flab.json', x, y, size, method, previewed: null, preview: null });
  const d = await make(1, size);
  await send(page, d);
  await drawn(page, 1);
  return d;
}

/** Opaque pixels and distinct colours of the heat map's canvas. */
async function pixels(page: Page): Promise<{ opaque: number; colours: number }> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heatmap');
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return { opaque: 0, colours: 0 };
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let opaque = 0;
    const colours = new Set<number>();
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 255) {
        opaque++;
        colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      }
    }
    return { opaque, colours: colours.size };
  });
}

/** Hovers the centre of a cell (geometry shared with the webview's own code). */
async function hoverCell(page: Page, d: Diagram, row: number, col: number): Promise<void> {
  const box = await page.locator('canvas.heatmap').boundingBox();
  assert.ok(box);
  const c = cellCentre(d.x, d.y, box.width, box.height, row, col);
  await page.mouse.move(box.x + c.px, box.y + c.py);
}

function float32(b64: string, k: number): number {
  const buf = Buffer.from(b64, 'base64');
  return buf.readFloatLE(4 * k);
}


describe('phase diagram webview', { timeout: 600_000 }, () => {
  it('draws a 256² heat map with a legend, and keeps its file and axes with setState', async () => {
    const page = await open();
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    const d = await showDiagram(page, 'flow', 256, diagram);
    const px = await pixels(page);
    assert.ok(px.opaque > 100_000, `heat map has drawn pixels (${px.opaque})`);
    assert.ok(px.colours > 20, `cells in several colours and shades (${px.colours})`);
    const labels = Buffer.from(d.labels, 'base64');
    const present = [...new Set(labels)].map((code) => d.labelNames[code]).sort();
    assert.ok(present.length >= 2, `the fixture has several phases: ${present.join(', ')}`);
    const legend = await page.locator('.legend-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.label ?? ''));
    assert.deepEqual(legend.sort(), present, 'the legend names exactly the labels present');
    // One palette with the SVG (phaseStyle.ts), and every label's shades in the legend.
    const items = await page.locator('.legend-item').evaluateAll((els) =>
      els.map((e) => ({ label: (e as HTMLElement).dataset.label ?? '', swatch: getComputedStyle(e.querySelector('.swatch')!).backgroundColor, steps: e.querySelectorAll('.ramp-step').length })),
    );
    for (const item of items) {
      const hex = LABEL_COLOURS[d.labelNames.indexOf(item.label)];
      assert.equal(item.swatch, `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`, `${item.label} in the SVG's colour`);
      assert.equal(item.steps, SHADE_LEVELS, `${item.label}'s shades`);
    }
    assert.match(await page.locator('.legend').innerText(), /Shade: max \|K\/K\(0\) − 1\|/);
    assert.match(await page.locator('.title').innerText(), /Alignment from a small initialisation/);
    assert.match(await page.locator('.status').innerText(), /256 × 256 cells/);
    const state = await page.evaluate(() => (window as unknown as { __getState: () => unknown }).__getState());
    assert.deepEqual(state, { documentUri: 'file:///w/a.flab.json', x: X, y: Y, size: 256, method: 'flow', preview: null });
    // The experiment itself is marked by a black-and-white ring at its values.
    assert.equal(d.x.current, 1);
    assert.equal(d.y.current, 0.02);
    const box = await page.locator('canvas.heatmap').boundingBox();
    assert.ok(box);
    const cx = MARGIN.left + axisFraction(d.x, 1) * (box.width - MARGIN.left - MARGIN.right);
    const cy = MARGIN.top + (1 - axisFraction(d.y, 0.02)) * (box.height - MARGIN.top - MARGIN.bottom);
    const ring = await page.evaluate(([x, y]) => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.heatmap')!;
      const r = c.width / c.getBoundingClientRect().width;
      const d = c.getContext('2d')!.getImageData(Math.round((x - 10) * r), Math.round((y - 10) * r), Math.round(20 * r), Math.round(20 * r)).data;
      let white = 0;
      let black = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] > 200 && d[i + 1] > 200 && d[i + 2] > 200) white++;
        if (d[i] < 5 && d[i + 1] < 5 && d[i + 2] < 5 && d[i + 3] === 255) black++;
      }
      return { white, black };
    }, [cx, cy] as const);
    assert.ok(ring.white > 20 && ring.black > 20, `a ring at the experiment's point (${JSON.stringify(ring)})`);
    await page.screenshot({ path: join(SCREENSHOTS, 'phase-dark.png'), fullPage: true });
  });

  it('shows a cell\'s numbers on hover and posts openCell on click', async () => {
    const page = await open();
    const d = await diagram(3, 64);
    await send(page, d);
    await drawn(page, 3);
    const row = 40;
    const col = 17;
    await hoverCell(page, d, row, col);
    const tip = page.locator('.tooltip');
    await tip.waitFor({ state: 'visible' });
    assert.equal(await tip.getAttribute('data-row'), String(row));
    assert.equal(await tip.getAttribute('data-col'), String(col));
    const k = row * 64 + col;
    const value = async (sel: string) => (await page.locator(`.tooltip ${sel}`).innerText()).trim();
    assert.equal(Number(await value('[data-tip="x"]')), Number(d.x.values[col].toPrecision(6)));
    assert.equal(Number(await value('[data-tip="y"]')), Number(d.y.values[row].toPrecision(6)));
    assert.equal(await value('[data-tip="label"]'), d.labelNames[Buffer.from(d.labels, 'base64')[k]]);
    for (const name of ['kernelChange', 'zetaChange', 'distance']) {
      const shown = await value(`[data-tip-score="${name}"]`);
      const expected = float32(d.scores[name], k);
      if (Number.isNaN(expected)) assert.equal(shown, '—');
      else assert.ok(Math.abs(Number(shown) - expected) <= 1e-3 * Math.abs(expected) + 1e-12, `${name}: ${shown} vs ${expected}`);
    }
    assert.match(await tip.innerText(), /output scale γ \(model\.outputScale\)/, 'the axes in the paper\'s symbols');
    await page.screenshot({ path: join(SCREENSHOTS, 'phase-hover.png'), fullPage: true });
    const box = await page.locator('canvas.heatmap').boundingBox();
    assert.ok(box);
    // The tooltip goes with the pointer: onto the legend, then back, then out of the window.
    const legend = await page.locator('.legend').boundingBox();
    assert.ok(legend);
    await page.mouse.move(legend.x + legend.width / 2, legend.y + 10, { steps: 3 });
    await tip.waitFor({ state: 'hidden' });
    await hoverCell(page, d, row, col);
    await tip.waitFor({ state: 'visible' });
    await page.evaluate(() => window.dispatchEvent(new Event('blur')));
    await tip.waitFor({ state: 'hidden' });
    const c = cellCentre(d.x, d.y, box.width, box.height, row, col);
    await page.mouse.click(box.x + c.px, box.y + c.py);
    assert.deepEqual((await posted(page)).at(-1), { type: 'openCell', version: 3, row, col });
    // Outside the plot area: no tooltip, no message.
    const before = (await posted(page)).length;
    await page.mouse.click(box.x + 3, box.y + 3);
    assert.equal((await posted(page)).length, before);
    // Keyboard: arrows move a cell cursor, Enter opens it.
    await page.locator('canvas.heatmap').focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).at(-1), { type: 'openCell', version: 3, row: 33, col: 33 });
  });

  it('shows errors in a banner over the last diagram, progress, and ignores stale versions', async () => {
    const page = await open();
    await send(page, { type: 'invalid', version: 1, errors: [{ message: 'the phase diagram uses the exact solver, which needs model.activation "linear"', line: 3, column: 40 }] });
    await page.locator('[data-summary="error"]').waitFor();
    await page.locator('.error-link').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', line: 3, column: 40 });
    await send(page, { type: 'busy', version: 2, rowsDone: 32, rows: 128 });
    await page.waitForFunction(() => /Computing… 25 %/.test(document.querySelector('.status')?.textContent ?? ''));
    const d = await diagram(2, 32, { key: 'data.y', from: -2, to: 2, scale: 'linear' }, Y);
    await send(page, d);
    await drawn(page, 2);
    assert.equal(await page.locator('[data-summary="error"]').count(), 0, 'the banner goes with a good result');
    // A stale invalid result arriving late is ignored.
    await send(page, { type: 'invalid', version: 1, errors: [{ message: 'old', line: 1, column: 1 }] });
    await send(page, { type: 'invalid', version: 4, errors: [{ message: 'invalid JSON', line: 1, column: 1 }] });
    await page.locator('[data-summary="error"]').waitFor();
    assert.match(await page.locator('[data-summary="error"]').innerText(), /invalid JSON/);
    assert.ok((await pixels(page)).opaque > 10_000, 'the last diagram stays');
    await page.screenshot({ path: join(SCREENSHOTS, 'phase-invalid-linear-axis.png'), fullPage: true });
  });

  it('redraws in the light theme and at a narrow width', async () => {
    const page = await open({ theme: 'light', width: 420, height: 900 });
    const d = await diagram(1, 128);
    await send(page, d);
    await drawn(page, 1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px)`);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(255, 255, 255)');
    assert.ok((await pixels(page)).opaque > 20_000);
    await page.screenshot({ path: join(SCREENSHOTS, 'phase-light-narrow.png'), fullPage: true });
  });

  it('gradient descent: cells coloured by outcome, the legend gives each outcome\'s share and the labels within it, the critical lines drawn and named', async () => {
    const page = await open();
    const d = await showDiagram(page, 'descent', 96, descentDiagram);
    assert.match(await page.locator('.status').innerText(), /96 × 96 cells in \d+ ms — gradient descent, 300 steps/);
    // The method's options say what each draws on focus as on hover (they had a title only).
    assert.deepEqual(await hoverOnlyHints(page), [], 'no hover-only hints');
    assert.match(await definitionOf(page, '[data-choice] [data-value="descent"]'), /^Gradient descent at each cell's rates/);
    const outcomes = [...Buffer.from(d.outcomes!, 'base64')];
    const present = [...new Set(outcomes)].sort();
    assert.deepEqual(present.map((c) => d.outcomeNames[c]), ['converged', 'catapult', 'diverged'], 'the fixture has all three');
    const legend = await page.locator('.legend-outcome').evaluateAll((els) => els.map((e) => ({ outcome: (e as HTMLElement).dataset.outcome, share: e.querySelector(':scope > .legend-share')?.textContent ?? '', within: [...e.querySelectorAll('.legend-sub')].map((li) => (li as HTMLElement).dataset.label) })));
    assert.deepEqual(legend.map((l) => l.outcome), ['converged', 'catapult', 'diverged']);
    legend.forEach((l) => {
      const expected = (100 * outcomes.filter((o) => d.outcomeNames[o] === l.outcome).length) / outcomes.length;
      assert.ok(Math.abs(parseFloat(l.share) - expected) <= 0.5, `${l.outcome}: ${l.share} of the cells, ${expected.toFixed(2)} %`);
    });
    assert.deepEqual(legend[2].within, [], 'a diverged run has no label');
    assert.ok(legend[0].within.length >= 1 && legend[1].within.length >= 1, 'the labels within converged and catapult cells');
    // Diverged cells are one flat colour; the lines are drawn in their ink.
    assert.ok((await pixelsOf(page, hexRgb(OUTCOME_COLOURS[2]))) > 1000, 'diverged cells');
    assert.ok((await pixelsOf(page, hexRgb(LINE_INK))) > 100, 'the critical lines');
    assert.deepEqual(await page.locator('.legend-line').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.line)), ['ηK₀ = 2', 'ηK₀ = 4']);
    assert.match(await page.locator('.legend').innerText(), /edge of stability/);
    // The switch shows the method the host computes.
    assert.equal(await page.locator('[data-choice="method"] [aria-checked="true"]').getAttribute('data-value'), 'descent');
    await page.screenshot({ path: join(SCREENSHOTS, 'phase-descent.png'), fullPage: true });
    // In the light theme the same colours over a white page.
    await page.evaluate(() => (window as unknown as { __setTheme: (t: string) => void }).__setTheme('light'));
    await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(255, 255, 255)');
    await page.waitForTimeout(200);
    assert.ok((await pixelsOf(page, hexRgb(OUTCOME_COLOURS[2]))) > 1000, 'diverged cells in the light theme');
    await page.screenshot({ path: join(SCREENSHOTS, 'phase-descent-light.png'), fullPage: true });
  });

  it('hover tells a descent cell\'s outcome and mechanism, and a clamped score what it means', async () => {
    const page = await open();
    const d = await descentDiagram(2, 48);
    const outcomes = Buffer.from(d.outcomes!, 'base64');
    const labels = Buffer.from(d.labels, 'base64');
    // Scores beyond or below single precision, as the host sends them (src/workers/phaseRun.ts toFloat32).
    const kernel = Buffer.from(d.scores.kernelChange, 'base64');
    const catapult = outcomes.indexOf(1);
    const converged = outcomes.indexOf(0);
    const diverged = outcomes.indexOf(2);
    kernel.writeFloatLE(Infinity, 4 * catapult);
    kernel.writeFloatLE(1.401298464324817e-45, 4 * converged);
    await send(page, { ...d, scores: { ...d.scores, kernelChange: kernel.toString('base64') } });
    await drawn(page, 2);
    const at = async (k: number): Promise<string> => {
      await hoverCell(page, d, Math.floor(k / 48), k % 48);
      await page.locator('.tooltip').waitFor({ state: 'visible' });
      return page.locator('.tooltip').innerText();
    };
    const tipCatapult = await at(catapult);
    assert.match(tipCatapult, new RegExp(`gradient descent\\s+catapult, then ${d.labelNames[labels[catapult]].replace('+', '\\+')}`));
    assert.match(tipCatapult, /max \|K\/K\(0\) − 1\|\s+> 3\.4e38/);
    assert.match(await at(converged), /max \|K\/K\(0\) − 1\|\s+< 1\.2e-38/);
    const tipDiverged = await at(diverged);
    assert.match(tipDiverged, /gradient descent\s+diverged/);
    assert.match(tipDiverged, /label\s+— \(none: diverged\)/);
    assert.match(tipDiverged, /max \|K\/K\(0\) − 1\|\s+—/);
  });

  it('unsettled cells (the loss still above its start at the end of the budget, no blow-up): violet and shaded, in the legend between catapult and diverged with their labels, and the hover says so with the label so far', async () => {
    const page = await open();
    const d = await showDiagram(page, 'descent', 48, shortDescentDiagram);
    const outcomes = [...Buffer.from(d.outcomes!, 'base64')];
    const labels = Buffer.from(d.labels, 'base64');
    const unsettledCode = d.outcomeNames.indexOf('unsettled');
    assert.deepEqual([...new Set(outcomes.map((o) => d.outcomeNames[o]))].sort(), ['catapult', 'converged', 'diverged', 'unsettled'], 'the fixture has all four');
    // The legend: from the most settled to the least, each with its share; unsettled with its labels and a shading ramp.
    const legend = await page.locator('.legend-outcome').evaluateAll((els) => els.map((e) => ({ outcome: (e as HTMLElement).dataset.outcome, share: e.querySelector(':scope > .legend-share')?.textContent ?? '', ramp: e.querySelector(':scope > .legend-ramp') !== null, swatch: getComputedStyle(e.querySelector(':scope > .swatch')!).backgroundColor, within: [...e.querySelectorAll('.legend-sub')].map((li) => (li as HTMLElement).dataset.label) })));
    assert.deepEqual(legend.map((l) => l.outcome), ['converged', 'catapult', 'unsettled', 'diverged']);
    const unsettled = legend[2];
    const count = outcomes.filter((o) => o === unsettledCode).length;
    assert.equal(unsettled.share, shareText(count, outcomes.length));
    assert.equal(unsettled.swatch, `rgb(${hexRgb(OUTCOME_COLOURS[unsettledCode]).join(', ')})`, 'the violet swatch');
    assert.deepEqual(legend.map((l) => l.ramp), [true, true, true, false], 'shaded like converged and catapult; diverged flat');
    const within = new Set(outcomes.flatMap((o, k) => (o === unsettledCode ? [d.labelNames[labels[k]]] : [])));
    assert.deepEqual([...unsettled.within].sort(), [...within].sort(), 'the labels within unsettled');
    assert.ok(within.size >= 1 && !within.has(undefined as unknown as string), 'every unsettled cell has a label');
    // On the map: each unsettled cell violet at its kernel change's shade over the page (cellStyle), in more than one shade.
    const pageBg = (await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).match(/\d+/g)!.map(Number);
    const kernel = Buffer.from(d.scores.kernelChange, 'base64');
    const expected = new Map<string, [number, number, number]>();
    outcomes.forEach((o, i) => {
      if (o !== unsettledCode) return;
      const style = cellStyle(o, labels[i], kernel.readFloatLE(4 * i));
      const c = hexRgb(style.colour);
      const rgb = c.map((v, n) => Math.round(pageBg[n] + style.weight * (v - pageBg[n]))) as [number, number, number];
      expected.set(rgb.join(','), rgb);
    });
    assert.ok(expected.size >= 2, `unsettled cells in ${expected.size} shades`);
    for (const rgb of expected.values()) assert.ok((await pixelsOf(page, rgb)) > 0, `unsettled cells drawn in rgb(${rgb.join(', ')})`);
    // The hover of an unsettled cell: the outcome, the step, the label so far and its scores.
    const k = outcomes.findIndex((o, i) => o === unsettledCode && Buffer.from(d.scores.kernelChange, 'base64').readFloatLE(4 * i) > 0);
    assert.ok(k >= 0, 'an unsettled cell with a kernel change');
    await hoverCell(page, d, Math.floor(k / 48), k % 48);
    await page.locator('.tooltip').waitFor({ state: 'visible' });
    const tip = await page.locator('.tooltip').innerText();
    const label = d.labelNames[labels[k]];
    assert.match(tip, new RegExp(`gradient descent\\s+unsettled — the loss still above its start at step 6; so far ${label.replace('+', '\\+')}`));
    assert.match(tip, new RegExp(`label\\s+${label.replace('+', '\\+')}`));
    assert.doesNotMatch(tip, /diverged/);
    assert.match(tip, /max \|K\/K\(0\) − 1\|\s+\d/, 'its kernel change');
    await page.screenshot({ path: join(SCREENSHOTS, 'phase-descent-unsettled.png'), fullPage: true });
  });

  it('dead cells (a ReLU network every unit of which is inactive on every sample): flat dark grey, in the legend before diverged with why they have no label, and the hover says so', async () => {
    const page = await open();
    // examples/zeta-relu.flab.json for 300 steps: at large γ and η_W a step sends every w_i·x below 0.
    const relu = { model: { width: 32, outputScale: 1, activation: 'relu' }, data: { x: [1], y: 1 }, init: { scaleU: 0.05, scaleW: 0.05, seed: 2 }, learningRates: { u: 0.05, W: 0.05 }, time: { end: 300, points: 31 } };
    const d = await showDiagram(page, 'descent', 24, async (version, size) => {
      const o = await runPhase(JSON.stringify(relu), DX, DY, size, { fileName: 'a.flab.json', method: 'descent' });
      if (o.kind !== 'result') throw new Error(`fixture did not compute: ${JSON.stringify(o)}`);
      return { ...o.diagram, version };
    });
    const outcomes = [...Buffer.from(d.outcomes!, 'base64')];
    const labels = Buffer.from(d.labels, 'base64');
    const deadCode = d.outcomeNames.indexOf('dead');
    assert.ok(deadCode >= 0 && outcomes.includes(deadCode), 'the fixture has dead cells');
    assert.ok(outcomes.every((o, k) => (o === deadCode) === (labels[k] === 255)), 'a dead cell, and only it here, has no label');
    const legend = await page.locator('.legend-outcome').evaluateAll((els) => els.map((e) => ({ outcome: (e as HTMLElement).dataset.outcome, ramp: e.querySelector(':scope > .legend-ramp') !== null, note: e.querySelector(':scope > .legend-note')?.textContent ?? null, swatch: getComputedStyle(e.querySelector(':scope > .swatch')!).backgroundColor, within: e.querySelectorAll('.legend-sub').length })));
    assert.deepEqual(legend.map((l) => l.outcome), ['converged', 'catapult', 'dead'], 'from the most settled to the least');
    const dead = legend[2];
    assert.deepEqual([dead.ramp, dead.note, dead.within, dead.swatch], [false, DEAD_NOTE, 0, `rgb(${hexRgb(OUTCOME_COLOURS[deadCode]).join(', ')})`]);
    assert.ok((await pixelsOf(page, hexRgb(OUTCOME_COLOURS[deadCode]))) > 0, 'dead cells drawn flat in their grey');
    const k = outcomes.indexOf(deadCode);
    await hoverCell(page, d, Math.floor(k / 24), k % 24);
    await page.locator('.tooltip').waitFor({ state: 'visible' });
    const tip = await page.locator('.tooltip').innerText();
    // The step its units died at, as `flab simulate` of the cell says it — not the end of the budget (300).
    const step = new Float64Array(new Uint8Array(Buffer.from(d.deadSteps!, 'base64')).buffer)[k];
    assert.ok(step < 300, `died at step ${step}`);
    assert.match(tip, new RegExp(`gradient descent\\s+dead — every ReLU unit is inactive on every sample from step ${step} on: no gradient reaches the weights; no mechanism is read \\(budget 300 steps\\)`));
    assert.match(tip, /label\s+— \(none: dead\)/);
    assert.doesNotMatch(tip, /diverged/);
    assert.match(tip, /max \|K\/K\(0\) − 1\|\s+—/, 'no scores');
    await page.screenshot({ path: join(SCREENSHOTS, 'phase-descent-dead.png'), fullPage: true });
  });

  it('the Flow / Descent switch asks the host for the other method, and follows what the host shows', async () => {
    const page = await open();
    await showDiagram(page, 'flow', 32, diagram);
    await page.locator('[data-choice="method"] [data-value="descent"]').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'setMethod', method: 'descent' });
    // The host answers with its document message, then the descent diagram; the state keeps the method.
    await send(page, { type: 'document', documentUri: 'file:///w/a.flab.json', fileName: 'a.flab.json', x: DX, y: DY, size: 32, method: 'descent', previewed: null, preview: null });
    // A posted message is handled in a later task: wait for it rather than read at once (a race that failed once in CI).
    await page.waitForFunction(() => /Computing gradient descent/.test(document.querySelector('.status')?.textContent ?? ''));
    await send(page, await descentDiagram(2, 32));
    await drawn(page, 2);
    assert.equal(await page.locator('[data-choice="method"] [aria-checked="true"]').getAttribute('data-value'), 'descent');
    const state = (await page.evaluate(() => (window as unknown as { __getState: () => unknown }).__getState())) as { method: string };
    assert.equal(state.method, 'descent');
    // Keyboard: the arrows move between the options.
    await page.locator('[data-choice="method"] [data-value="descent"]').focus();
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual((await posted(page)).at(-1), { type: 'setMethod', method: 'flow' });
  });

  it('frames the previewed cell at its values, keeps it with setState for a reload, and lets it go', async () => {
    const page = await open();
    const d = await showDiagram(page, 'flow', 64, diagram);
    assert.equal(await page.locator('canvas.heatmap').getAttribute('data-previewed'), null);
    const row = 20;
    const col = 45;
    const copy = 'untitled:/w/a%20(phase%20cell).flab.json';
    const state = () => page.evaluate(() => (window as unknown as { __getState: () => Record<string, unknown> }).__getState());
    await send(page, { type: 'previewed', cell: { x: d.x.values[col], y: d.y.values[row] }, preview: copy });
    await page.waitForFunction((v) => document.querySelector('canvas.heatmap')?.getAttribute('data-previewed') === v, `${row},${col}`);
    // A dark frame around the cell (at least 9 px wide, whatever the grid).
    const box = await page.locator('canvas.heatmap').boundingBox();
    assert.ok(box);
    const c = cellCentre(d.x, d.y, box.width, box.height, row, col);
    const frame = await page.evaluate(([x, y]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas.heatmap')!;
      const r = canvas.width / canvas.getBoundingClientRect().width;
      const data = canvas.getContext('2d')!.getImageData(Math.round((x - 8) * r), Math.round((y - 8) * r), Math.round(16 * r), Math.round(16 * r)).data;
      let black = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 5 && data[i + 1] < 5 && data[i + 2] < 5) black++;
      return black;
    }, [c.px, c.py] as const);
    assert.ok(frame > 20, `a frame around the previewed cell (${frame} dark pixels)`);
    await page.screenshot({ path: join(SCREENSHOTS, 'phase-previewed.png'), fullPage: true });
    // The state keeps the copy and the cell (the host marks it again after a reload while the copy is open).
    assert.deepEqual((await state()).preview, { uri: copy, cell: { x: d.x.values[col], y: d.y.values[row] } });
    // A value outside the axes is not framed; null lets it go.
    await send(page, { type: 'previewed', cell: { x: 1e9, y: d.y.values[row] }, preview: copy });
    await page.waitForFunction(() => !document.querySelector('canvas.heatmap')?.hasAttribute('data-previewed'));
    await send(page, { type: 'previewed', cell: { x: d.x.values[col], y: d.y.values[row] }, preview: copy });
    await page.waitForFunction(() => document.querySelector('canvas.heatmap')?.hasAttribute('data-previewed'));
    await send(page, { type: 'previewed', cell: null, preview: null });
    await page.waitForFunction(() => !document.querySelector('canvas.heatmap')?.hasAttribute('data-previewed'));
    assert.equal((await state()).preview, null, 'a closed copy is forgotten');
  });

  it('rasterises the host\'s SVG figure as a PNG at the scale asked (Export Chart)', async () => {
    const page = await open();
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80"><rect width="120" height="80" fill="#ffffff"/><rect x="10" y="10" width="50" height="30" fill="#e5861d"/><text x="10" y="70">ηK₀ = 2</text></svg>';
    await send(page, { type: 'rasterise', requestId: 7, svg, scale: 3 });
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'chartImage'));
    const answer = (await posted(page)).find((m) => m.type === 'chartImage') as unknown as { requestId: number; dataUrl: string };
    assert.equal(answer.requestId, 7);
    assert.match(answer.dataUrl, /^data:image\/png;base64,/);
    const png = Buffer.from(answer.dataUrl.slice(answer.dataUrl.indexOf(',') + 1), 'base64');
    // The PNG's IHDR: width and height at 3×.
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [360, 240]);
  });

  it('answers a figure it cannot draw (not well-formed SVG) with an error, not silence', async () => {
    const page = await open();
    await send(page, { type: 'rasterise', requestId: 8, svg: '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><text>< 0.1 %</text></svg>', scale: 2 });
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'chartImage'));
    const answer = (await posted(page)).find((m) => m.type === 'chartImage') as unknown as { requestId: number; error?: string; dataUrl?: string };
    assert.equal(answer.requestId, 8);
    assert.equal(answer.dataUrl, undefined);
    assert.match(answer.error ?? '', /could not load the SVG figure/);
  });

  it('refused cells (beyond 64 bits) are hatched on a neutral fill, listed in the legend with their share, and the hover says why', async () => {
    const page = await open();
    const n = 16;
    await send(page, { type: 'document', documentUri: 'file:///w/wide.flab.json', fileName: 'wide.flab.json', x: WIDE_X, y: WIDE_Y, size: n, method: 'flow', previewed: null, preview: null });
    const d = await wideDiagram(11, n, 'flow');
    const refused = Buffer.from(d.refused, 'base64');
    const refusedCells = [...refused].filter((r) => r === 1).length;
    assert.ok(refusedCells > 0 && refusedCells < n * n, `${refusedCells} refused cells: the fixture has both kinds`);
    await send(page, d);
    await drawn(page, 11);
    // A refused cell: the shared fill and its dark hatch, neutral grey only; a computed cell: one flat colour of its label.
    const box = await page.locator('canvas.heatmap').boundingBox();
    assert.ok(box);
    const inside = async (k: number): Promise<Map<string, number>> => {
      const c = cellCentre(d.x, d.y, box.width, box.height, Math.floor(k / n), k % n);
      // The cell's inside, 3 px clear of its edges.
      const half = Math.min((box.width - MARGIN.left - MARGIN.right) / n, (box.height - MARGIN.top - MARGIN.bottom) / n) / 2 - 3;
      return new Map(
        await page.evaluate(
          ([x, y, h]) => {
            const canvas = document.querySelector<HTMLCanvasElement>('canvas.heatmap')!;
            const r = canvas.width / canvas.getBoundingClientRect().width;
            const px = canvas.getContext('2d')!.getImageData(Math.round((x - h) * r), Math.round((y - h) * r), Math.round(2 * h * r), Math.round(2 * h * r)).data;
            const m = new Map<string, number>();
            for (let i = 0; i < px.length; i += 4) {
              const key = `${px[i]},${px[i + 1]},${px[i + 2]}`;
              m.set(key, (m.get(key) ?? 0) + 1);
            }
            return [...m];
          },
          [c.px, c.py, half] as const,
        ),
      );
    };
    const labels = Buffer.from(d.labels, 'base64');
    // Away from the ring at the experiment's own point (σ = 1e-3, near the middle).
    const ringCol = Math.floor(n / 2);
    const refusedCell = [...refused.keys()].find((k) => refused[k] === 1 && Math.abs((k % n) - ringCol) > 2)!;
    const computedCell = [...refused.keys()].find((k) => refused[k] === 0 && Math.abs((k % n) - ringCol) > 2 && Math.abs(Math.floor(k / n) - ringCol) > 2)!;
    assert.ok(refusedCell !== undefined && computedCell !== undefined);
    const atRefused = await inside(refusedCell);
    const fill = hexRgb(REFUSED_FILL).join(',');
    assert.ok((atRefused.get(fill) ?? 0) > 20, `the refused fill ${fill} in a refused cell: ${JSON.stringify([...atRefused])}`);
    const hatch = hexRgb(REFUSED_HATCH);
    const dark = [...atRefused].filter(([rgb]) => Number(rgb.split(',')[0]) <= hatch[0] + 40).reduce((a, [, m]) => a + m, 0);
    assert.ok(dark > 10, `the hatch's dark lines cross the cell (${dark} px)`);
    for (const rgb of atRefused.keys()) {
      const [r, g, b] = rgb.split(',').map(Number);
      assert.ok(r === g && g === b, `only neutral greys in a refused cell, found ${rgb}`);
    }
    const atComputed = await inside(computedCell);
    assert.equal(atComputed.size, 1, `one flat colour in a computed cell: ${JSON.stringify([...atComputed])}`);
    assert.ok(!atComputed.has(fill), 'not the refused fill');
    const label = labels[computedCell];
    assert.ok(label < d.labelNames.length, 'a computed cell has a label');
    // The legend: the labels of the computed cells, and the refused entry with its share of all the cells.
    const legend = await page.locator('.legend-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.label ?? ''));
    assert.deepEqual(legend.sort(), [...new Set([...labels].filter((_, k) => refused[k] === 0))].map((c) => d.labelNames[c]).sort());
    const entry = page.locator('.legend-refused');
    assert.equal(await entry.count(), 1);
    assert.equal((await entry.locator('.legend-name').innerText()).trim(), REFUSED_NAME);
    assert.equal((await entry.locator('.legend-share').innerText()).trim(), shareText(refusedCells, n * n));
    assert.match(await entry.locator('.swatch').evaluate((e) => getComputedStyle(e).backgroundImage), /repeating-linear-gradient/);
    assert.match(await page.locator('.legend').innerText(), new RegExp(`Shares of all ${n * n} cells, refused ones included`));
    // Hover on a refused cell: why it is refused and what to do; on a computed one, its numbers.
    await hoverCell(page, d, Math.floor(refusedCell / n), refusedCell % n);
    const tip = page.locator('.tooltip');
    await tip.waitFor({ state: 'visible' });
    assert.equal((await page.locator('.tooltip [data-tip="label"]').innerText()).trim(), REFUSED_NAME);
    const note = (await page.locator('.tooltip [data-tip="refused"]').innerText()).trim();
    assert.match(note, /^beyond 64 bits: flab solve of this cell is refused \(a number it would print is beyond the 64-bit range\); click it to open the cell/);
    assert.equal(Number(await page.locator('.tooltip [data-tip="x"]').innerText()), Number(d.x.values[refusedCell % n].toPrecision(6)));
    assert.equal(await page.locator('.tooltip [data-tip-score]').count(), 0, 'no scores for a refused cell');
    const tipBox = await tip.boundingBox();
    const figureBox = await page.locator('.figure').boundingBox();
    assert.ok(tipBox && figureBox && tipBox.x >= figureBox.x - 1 && tipBox.x + tipBox.width <= figureBox.x + figureBox.width + 1, 'the hover stays inside the figure');
    await page.screenshot({ path: join(SCREENSHOTS, 'phase-refused.png'), fullPage: true });
    await hoverCell(page, d, Math.floor(computedCell / n), computedCell % n);
    await page.waitForFunction((k) => document.querySelector('.tooltip')?.getAttribute('data-col') === String(k), computedCell % n);
    assert.equal((await page.locator('.tooltip [data-tip="label"]').innerText()).trim(), d.labelNames[label]);
    assert.equal(await page.locator('.tooltip [data-tip="refused"]').count(), 0);
  });

  it('descent: refused cells are no outcome — the legend lists them apart, the hover names flab simulate', async () => {
    const page = await open();
    const n = 9;
    await send(page, { type: 'document', documentUri: 'file:///w/wide.flab.json', fileName: 'wide.flab.json', x: WIDE_X, y: WIDE_Y, size: n, method: 'descent', previewed: null, preview: null });
    const d = await wideDiagram(12, n, 'descent');
    const refused = Buffer.from(d.refused, 'base64');
    const outcomes = Buffer.from(d.outcomes!, 'base64');
    const refusedCells = [...refused].filter((r) => r === 1).length;
    assert.ok(refusedCells > 0);
    await send(page, d);
    await drawn(page, 12);
    const shown = await page.locator('.legend-outcome').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.outcome));
    assert.deepEqual(shown, [...new Set([...outcomes].filter((_, k) => refused[k] === 0))].sort().map((c) => d.outcomeNames[c]), 'the outcomes of the computed cells only');
    assert.equal((await page.locator('.legend-refused .legend-share').innerText()).trim(), shareText(refusedCells, n * n));
    const k = refused.indexOf(1);
    await hoverCell(page, d, Math.floor(k / n), k % n);
    await page.locator('.tooltip').waitFor({ state: 'visible' });
    assert.match(await page.locator('.tooltip [data-tip="refused"]').innerText(), /^beyond 64 bits: flab simulate of this cell is refused/);
    assert.equal(await page.locator('.tooltip [data-tip="outcome"]').count(), 0, 'no outcome for a refused cell');
    await page.screenshot({ path: join(SCREENSHOTS, 'phase-refused-descent.png'), fullPage: true });
  });

  it('does not draw a diagram whose refused cells do not fit its grid, and says so', async () => {
    const page = await open();
    const d = await wideDiagram(13, 7, 'flow');
    await send(page, { ...d, refused: Buffer.from(new Uint8Array(48)).toString('base64') });
    await page.waitForFunction(() => /malformed diagram/.test(document.querySelector('.status')?.textContent ?? ''));
    assert.match(await page.locator('.status').innerText(), /diagram refused: 48 bytes for 7 × 7 = 49 cells/);
    assert.equal(await page.locator('canvas.heatmap').getAttribute('data-drawn'), null, 'nothing drawn');
    const bad = Buffer.from(d.refused, 'base64');
    bad[0] = 2;
    await send(page, { ...d, refused: bad.toString('base64') });
    await page.waitForFunction(() => /is 2, expected 0 or 1/.test(document.querySelector('.status')?.textContent ?? ''));
    await send(page, d);
    await drawn(page, 13);
  });
});
