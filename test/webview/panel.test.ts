/**
 * The dynamics panel's webview in real Chromium under the real CSP: it renders charts from the
 * messages the extension posts (trajectories from the real solver), shows the summary, keeps the
 * last result greyed with a banner when the document is invalid, posts the right messages from
 * its controls, recolours with the theme and works at narrow widths. Every test fails on any
 * console error, page error or CSP violation. Screenshots go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { CONTROL_DOMAINS, CONTROL_KEYS } from '../../src/protocol/dynamics';
import { positionToValue, SLIDER_STEPS, validate, valueToPosition } from '../../webview/dynamics/controlDomains';
import { formatReadout as formatNumber } from '../../webview/shared/numberFormat';
import { sweepColours } from '../../src/core/figures/colours';
import { CATAPULT, definitionOf, DIVERGENT, dragAcross, experimentText, invalidFor, posted, ROOT, SCREENSHOTS, send, THEMES, updateFor, updateForText, waitForCharts, panelPages } from './harness';

const { open } = panelPages();



async function summary(page: Page, key: string): Promise<string | null> {
  const loc = page.locator(`[data-summary="${key}"]`);
  return (await loc.count()) ? loc.first().innerText() : null;
}

/** Non-transparent pixels of a chart's canvas. */
async function ink(page: Page, chart: string): Promise<number> {
  return page.evaluate((key) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-chart="${key}"] canvas`);
    if (!canvas || !canvas.width) return 0;
    const ctx = canvas.getContext('2d');
    if (!ctx) return 0;
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  }, chart);
}

/** Pixels of a chart's canvas within a small distance of a colour (opaque ones only). */
async function pixelsOf(page: Page, chart: string, hex: string): Promise<number> {
  return page.evaluate(
    ([key, colour]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`[data-chart="${key}"] canvas`);
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) return 0;
      const r = parseInt(colour.slice(1, 3), 16);
      const g = parseInt(colour.slice(3, 5), 16);
      const b = parseInt(colour.slice(5, 7), 16);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 240 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 24) n++;
      }
      return n;
    },
    [chart, hex] as const,
  );
}

/** The option the flow/descent/both control shows as chosen. */
async function chosen(page: Page): Promise<string | null> {
  return page.locator('[data-choice="dynamics"] [aria-checked="true"]').getAttribute('data-value');
}

/** Pixels of a chart's canvas in the catapult shade: the theme's yellow at about 22 % opacity. */
async function shadePixels(page: Page, chart: string): Promise<number> {
  return page.evaluate(
    ([key, colour]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`[data-chart="${key}"] canvas`);
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) return 0;
      const r = parseInt(colour.slice(1, 3), 16);
      const g = parseInt(colour.slice(3, 5), 16);
      const b = parseInt(colour.slice(5, 7), 16);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 40 && data[i + 3] < 72 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30) n++;
      }
      return n;
    },
    [chart, THEMES.dark.vars['--vscode-charts-yellow']] as const,
  );
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `webview-${name}.png`), fullPage: true });
}


describe('dynamics panel webview', { timeout: 600_000 }, () => {
  it('posts ready first, then shows a clear waiting state', async () => {
    const page = await open();
    const messages = await posted(page);
    assert.deepEqual(messages, [{ type: 'ready' }]);
    assert.ok(await page.locator('.waiting').isVisible(), 'the waiting message is visible');
    assert.match(await page.locator('.waiting').innerText(), /waiting for a valid experiment/i);
    assert.equal(await page.locator('[data-summary="error"]').count(), 0, 'no banner while nothing is invalid');
    // The toolkit's components render under the strict CSP (constructable stylesheets).
    const toolkit = await page.evaluate(() => {
      const box = document.querySelector('vscode-checkbox');
      const button = document.querySelector('vscode-button');
      return {
        defined: !!customElements.get('vscode-checkbox') && !!customElements.get('vscode-button'),
        sheets: box?.shadowRoot?.adoptedStyleSheets.length ?? 0,
        height: button?.getBoundingClientRect().height ?? 0,
      };
    });
    assert.ok(toolkit.defined, 'toolkit elements are registered');
    assert.ok(toolkit.sheets > 0, 'toolkit styles applied via adoptedStyleSheets');
    assert.ok(toolkit.height > 10, 'toolkit button has a size (its styles apply)');
    await shot(page, 'waiting');
  });

  it('draws four charts and a summary from a solved trajectory', async () => {
    const page = await open();
    const update = updateFor(1);
    await send(page, update);
    await waitForCharts(page);
    for (const key of ['zeta', 'loss', 'norms', 'ntk']) assert.ok((await ink(page, key)) > 1000, `chart ${key} has drawn pixels`);
    assert.equal(await page.locator('.waiting').isVisible(), false);
    const s = update.trajectory.summary;
    const zeta = await summary(page, 'zeta-final');
    const loss = await summary(page, 'loss-final');
    assert.equal(zeta, formatNumber(s.zetaFinal));
    assert.equal(loss, formatNumber(s.lossFinal));
    // At least 6 significant digits, and the printed number is the solver's to that precision.
    assert.ok(Math.abs(Number(zeta) - (s.zetaFinal as number)) <= 1e-5 * Math.abs(s.zetaFinal as number));
    assert.ok(Math.abs(Number(loss) - s.lossFinal) <= 1e-5 * Math.abs(s.lossFinal));
    assert.ok((zeta as string).replace(/^-?0\.0*|[.-]|e.*$/g, '').length >= 6, `6 significant digits in ${zeta}`);
    assert.equal(await summary(page, 'label'), s.label, 'the core classifier\'s label');
    assert.equal(s.label, 'alignment', 'small initialisation learns by alignment');
    // Without a label (older core, or a diverged run) the summary says so with a dash.
    const unlabelled = updateFor(2);
    delete unlabelled.trajectory.summary.label;
    await send(page, unlabelled);
    await page.waitForFunction(() => document.querySelector('[data-summary="label"]')?.textContent === '—');
    assert.equal(await summary(page, 'omega'), formatNumber(s.omega));
    assert.equal(await summary(page, 'horizon'), formatNumber(s.horizon));
    assert.equal(await page.locator('.title').innerText(), update.title);
    // Alignment from a small initialisation: ζ ends near 1.
    assert.ok((s.zetaFinal as number) > 0.99);
    // Legends are readable: series names present.
    const legend = await page.locator('[data-chart="norms"] .u-legend').innerText();
    assert.match(legend, /\|u\|/);
    assert.match(legend, /‖W‖_F/);
    await shot(page, 'charts-dark');
  });

  it('draws gradient-descent markers over the exact curves and shows the largest deviation', async () => {
    const page = await open();
    const plain = updateFor(1);
    await send(page, plain);
    await waitForCharts(page);
    const before = await ink(page, 'zeta');
    const update = updateFor(2, { simulate: true });
    assert.ok(update.simulation && update.deviation !== null);
    await send(page, update);
    await page.waitForFunction(() => document.querySelector('[data-summary="deviation"]') !== null);
    await waitForCharts(page);
    assert.equal(await summary(page, 'deviation'), formatNumber(update.deviation));
    assert.match(await page.locator('[data-chart="zeta"] .u-legend').innerText(), /ζ \(GD\)/);
    assert.ok((await ink(page, 'zeta')) > before, 'markers add ink to the ζ chart');
    assert.equal(await chosen(page), 'both', 'the file compares: the dynamics control shows both');
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    assert.deepEqual((await posted(page)).filter((m) => m.type !== 'ready'), [], 'showing the document\'s compare flag posts nothing back');
    await shot(page, 'simulation');
  });

  it('keeps the last result greyed under a clickable error banner while invalid', async () => {
    const page = await open();
    const update = updateFor(1);
    await send(page, update);
    await waitForCharts(page);
    const zetaBefore = await summary(page, 'zeta-final');
    await send(page, {
      type: 'invalid',
      version: 2,
      errors: [
        { message: 'invalid JSON: expected a comma', line: 4, column: 17 },
        { message: 'model.width must be ≥ 1', line: 3, column: 14 },
      ],
      controls: null,
    });
    const banner = page.locator('[data-summary="error"]');
    await banner.waitFor({ state: 'visible' });
    assert.match(await banner.innerText(), /expected a comma/);
    assert.match(await banner.innerText(), /Line 3, column 14/);
    assert.equal(await summary(page, 'zeta-final'), zetaBefore, 'the last good summary is kept');
    assert.ok((await ink(page, 'zeta')) > 1000, 'the last good chart is kept');
    const opacity = await page.locator('.charts').evaluate((e) => Number(getComputedStyle(e).opacity));
    assert.ok(opacity < 0.8, `charts are greyed (opacity ${opacity})`);
    // Greyed, not wholly grey: series of one lightness keep a trace of their hue to be told apart.
    const filter = await page.locator('.charts').evaluate((e) => getComputedStyle(e).filter);
    const grey = Number(/grayscale\(([\d.]+)\)/.exec(filter)?.[1]);
    assert.ok(grey >= 0.5 && grey < 1, `charts greyed by ${filter}`);
    assert.equal(await page.locator('input[data-control="model.width"]').isDisabled(), true, 'controls disabled when the host cannot locate them');
    await shot(page, 'invalid');
    await page.locator('.error-link').nth(1).click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', line: 3, column: 14 });
    // Keyboard: the error links are buttons.
    await page.locator('.error-link').first().focus();
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', line: 4, column: 17 });
    // A stale result (older version) arriving late is ignored; the next valid one clears the banner.
    await send(page, { ...update, version: 1 });
    assert.equal(await banner.count(), 1);
    await send(page, { ...updateFor(3, { scaleU: 0.05 }) });
    await page.waitForFunction(() => document.querySelector('[data-summary="error"]') === null);
    assert.equal(await page.locator('.panel.is-invalid').count(), 0);
    assert.notEqual(await summary(page, 'zeta-final'), zetaBefore, 'the new result is shown');
  });

  it('shows the host’s own errors for a broken document, with its controls', async () => {
    const page = await open();
    await send(page, updateFor(1));
    await waitForCharts(page);
    const text = experimentText().replace('"width": 200', '"width": -5');
    const invalid = invalidFor(2, text);
    assert.ok(invalid.errors.length >= 1 && invalid.controls);
    await send(page, invalid);
    const banner = page.locator('[data-summary="error"]');
    await banner.waitFor();
    assert.ok((await banner.innerText()).includes(invalid.errors[0].message));
    // The document still says where each value is: the controls stay usable and show it.
    assert.equal(await page.locator('input[data-control-number="model.width"]').inputValue(), '-5');
    assert.equal(await page.locator('input[data-control="init.scaleU"]').isDisabled(), false);
    const broken = invalidFor(3, text.slice(0, 40));
    await send(page, broken);
    await page.waitForFunction((m) => (document.querySelector('[data-summary="error"]')?.textContent ?? '').includes(m), broken.errors[0].message);
    await page.locator('.error-link').first().click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', line: broken.errors[0].line, column: broken.errors[0].column });
  });

  it('shows the banner and the waiting state when the first document is invalid', async () => {
    const page = await open();
    await send(page, { type: 'invalid', version: 1, errors: [{ message: 'the file is empty', line: 1, column: 1 }], controls: null });
    await page.locator('[data-summary="error"]').waitFor();
    assert.ok(await page.locator('.waiting').isVisible());
    await shot(page, 'invalid-first');
  });

  it('posts setValue from sliders: coalesced while dragging, final on release', async () => {
    const page = await open();
    await send(page, updateFor(1));
    await waitForCharts(page);
    const slider = page.locator('input[type="range"][data-control="init.scaleU"]');
    const field = page.locator('input[type="number"][data-control-number="init.scaleU"]');
    assert.equal(await field.inputValue(), '0.02');
    const box = await slider.boundingBox();
    assert.ok(box);
    const y = box.y + box.height / 2;
    const start = (await posted(page)).length;
    await page.mouse.move(box.x + box.width * 0.3, y);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + box.width * (0.3 + i * 0.04), y);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const during = (await posted(page)).slice(start);
    assert.ok(during.length >= 1, 'values posted while dragging');
    assert.ok(during.every((m) => m.type === 'setValue' && m.key === 'init.scaleU' && m.final === false));
    // A result arriving mid-drag does not pull the thumb from under the pointer.
    const thumb = await slider.inputValue();
    const mid = updateFor(5, { scaleU: 0.001 });
    await send(page, mid);
    await page.waitForFunction((z) => document.querySelector('[data-summary="zeta-initial"]')?.textContent === z, formatNumber(mid.trajectory.summary.zetaInitial));
    assert.equal(await page.locator('input[data-control-number="init.scaleW"]').inputValue(), '0.02');
    assert.equal(await slider.inputValue(), thumb, 'slider not moved by an update while dragging');
    await page.mouse.up();
    await page.waitForFunction((n) => (window as unknown as { __posted: { final?: boolean }[] }).__posted.slice(n).some((m) => m.final === true), start);
    const all = (await posted(page)).slice(start);
    const last = all.at(-1) as { type: string; key: string; value: number; final: boolean };
    assert.equal(last.type, 'setValue');
    assert.equal(last.final, true);
    assert.ok(last.value > 0.02 && last.value <= 1e3, `dragged right increases σ_u (got ${last.value})`);
    assert.equal(Number(await field.inputValue()), last.value, 'the number field follows the slider');
    assert.equal(all.filter((m) => m.final === true).length, 1, 'one final message on release');
    // Synchronous bursts of input events coalesce into one message per frame.
    const burst = (await posted(page)).length;
    await slider.evaluate((e: HTMLInputElement) => {
      for (const v of [100, 200, 300, 400, 500]) {
        e.value = String(v);
        e.dispatchEvent(new Event('input', { bubbles: true }));
      }
    });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const coalesced = (await posted(page)).slice(burst);
    assert.equal(coalesced.length, 1, 'five input events in one frame → one message');
    // Keyboard: arrows move a focused slider and post a final value.
    const width = page.locator('input[type="range"][data-control="model.width"]');
    await width.focus();
    const k = (await posted(page)).length;
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((n) => (window as unknown as { __posted: unknown[] }).__posted.length > n, k);
    const key = (await posted(page)).slice(k).find((m) => m.final === true) as { key: string; value: number } | undefined;
    assert.ok(key && key.key === 'model.width' && Number.isInteger(key.value) && key.value > 200, 'width stays an integer');
  });

  it('a value beyond the slider\'s usual range: the slider holds it, the field shows it as written, an arrow key steps from it', async () => {
    const page = await open();
    const text = experimentText().replace('"width": 200', '"width": 1e7').replace('"scaleU": 0.02', '"scaleU": 0.0000605417987571');
    await send(page, updateForText(1, text));
    await waitForCharts(page);
    assert.equal(await page.locator('input[data-control-number="model.width"]').inputValue(), '1e7', 'as the file writes it (it showed 10000000)');
    assert.equal(await page.locator('input[data-control-number="init.scaleU"]').inputValue(), '0.0000605417987571');
    const width = page.locator('input[type="range"][data-control="model.width"]');
    assert.equal(await width.inputValue(), String(SLIDER_STEPS), 'at 10⁷, the end of a slider widened to it');
    assert.match(await page.locator('.control-range').first().textContent() ?? '', /10⁷/);
    await width.focus();
    const k = (await posted(page)).length;
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((n) => (window as unknown as { __posted: unknown[] }).__posted.length > n, k);
    const step = (await posted(page)).slice(k).find((m) => m.final === true) as { key: string; value: number } | undefined;
    // One arrow key wrote 986279 when the slider ended at 10⁶: now a step of 1/1000 of the decades from 10⁷.
    assert.ok(step && step.key === 'model.width' && step.value > 9.5e6 && step.value < 1e7, JSON.stringify(step));
  });

  it('number fields validate locally and post on Enter and blur', async () => {
    const page = await open();
    await send(page, updateFor(1));
    await waitForCharts(page);
    const width = page.locator('input[data-control-number="model.width"]');
    const message = page.locator('[data-control-error="model.width"]');
    const start = (await posted(page)).length;
    for (const [text, pattern] of [['-3', /≥ 1/], ['1.5', /whole number/], ['', /Enter a number/], ['20000000', /≤ 10000000/]] as const) {
      await width.fill(text);
      await width.press('Enter');
      await message.waitFor({ state: 'visible' });
      assert.match(await message.innerText(), pattern);
      assert.equal(await width.getAttribute('aria-invalid'), 'true');
    }
    assert.equal((await posted(page)).length, start, 'nothing posted for invalid input');
    await shot(page, 'field-error');
    await width.fill('2000');
    await width.press('Enter');
    assert.deepEqual((await posted(page)).at(-1), { type: 'setValue', key: 'model.width', value: 2000, final: true });
    assert.equal(await message.isVisible(), false);
    // σ_u = 0 is a valid document value; η_u = 0 is not.
    const etaU = page.locator('input[data-control-number="learningRates.u"]');
    await etaU.fill('0');
    await etaU.press('Enter');
    assert.match(await page.locator('[data-control-error="learningRates.u"]').innerText(), /> 0/);
    const y = page.locator('input[data-control-number="data.y"]');
    await y.fill('-2.5');
    await y.evaluate((e: HTMLElement) => e.blur());
    assert.deepEqual((await posted(page)).at(-1), { type: 'setValue', key: 'data.y', value: -2.5, final: true });
    // A value the document does not have (null) disables the control.
    const update = updateFor(2);
    update.controls = update.controls.map((c) => (c.key === 'init.scaleW' ? { ...c, value: null } : c));
    await send(page, update);
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('input[data-control="init.scaleW"]')?.disabled === true);
    assert.equal(await page.locator('input[data-control-number="init.scaleW"]').isDisabled(), true);
  });

  it('choosing both posts setView (a view preference, the file untouched); view toggles are kept with setState', async () => {
    const page = await open();
    await send(page, { type: 'document', documentUri: 'file:///work/a.flab.json', fileName: 'a.flab.json' });
    const first = updateFor(1);
    await send(page, first);
    await waitForCharts(page);
    await page.locator('[data-choice="dynamics"] [data-value="both"]').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'setView', view: 'both' });
    assert.ok(!(await posted(page)).some((m) => m.type === 'setValue' || m.type === 'setCompare'), 'nothing that edits the document');
    assert.equal(await page.locator('[data-chart="zeta"]').getAttribute('data-x-scale'), 'linear');
    // The run from t = 0, with room for the markers before it (4 % of the span: ChartView.markerRoom), ticked from 0.
    const linearMin = Number(await page.locator('[data-chart="zeta"]').getAttribute('data-x-min'));
    const end = first.trajectory.t[first.trajectory.t.length - 1];
    assert.ok(Math.abs(linearMin + 0.04 * end) <= 1e-9 * end, `the axis starts 4 % of ${end} before t = 0: ${linearMin}`);
    assert.equal((await page.locator('[data-chart="zeta"]').getAttribute('data-ticks-x'))!.split('|')[0], '0', 'ticked from t = 0');
    await page.locator('vscode-checkbox[data-toggle="log-time"]').click();
    await page.waitForFunction(() => document.querySelector('[data-chart="zeta"]')?.getAttribute('data-x-scale') === 'log');
    const logMin = Number(await page.locator('[data-chart="zeta"]').getAttribute('data-x-min'));
    assert.ok(logMin > 0, `log time axis starts after t = 0 (min ${logMin})`);
    await page.locator('vscode-checkbox[data-toggle="ratio"]').click();
    await page.waitForFunction(() => /\|u\| \/ \|u₀\|/.test(document.querySelector('[data-chart="norms"] .u-legend')?.textContent ?? ''));
    await waitForCharts(page);
    await shot(page, 'log-time-ratio');
    const state = await page.evaluate(() => (window as unknown as { __getState: () => unknown }).__getState());
    assert.deepEqual(state, { logTime: true, ratioToInitial: true, logTimeChosen: true, view: 'both', viewFileDefault: false, descriptionOpen: false, sweepRun: null, documentUri: 'file:///work/a.flab.json' });
    // A reloaded panel starts from the saved preferences.
    const again = await open({ state });
    assert.equal(await again.locator('vscode-checkbox[data-toggle="log-time"]').evaluate((e) => (e as HTMLInputElement).checked), true);
    await send(again, updateFor(1));
    await waitForCharts(again);
    assert.equal(await again.locator('[data-chart="loss"]').getAttribute('data-x-scale'), 'log');
  });

  it('links zoom across charts and keeps it across updates', async () => {
    const page = await open();
    await send(page, updateFor(1));
    await waitForCharts(page);
    const fullMax = Number(await page.locator('[data-chart="loss"]').getAttribute('data-x-max'));
    await dragAcross(page, 'zeta', 0.2, 0.5);
    await page.waitForFunction((m) => Number(document.querySelector('[data-chart="loss"]')?.getAttribute('data-x-max')) < m * 0.9, fullMax);
    const range = async (key: string) => [Number(await page.locator(`[data-chart="${key}"]`).getAttribute('data-x-min')), Number(await page.locator(`[data-chart="${key}"]`).getAttribute('data-x-max'))];
    const zoomed = await range('zeta');
    for (const key of ['loss', 'norms', 'ntk']) {
      const r = await range(key);
      assert.ok(Math.abs(r[0] - zoomed[0]) <= 1e-9 * fullMax && Math.abs(r[1] - zoomed[1]) <= 1e-9 * fullMax, `${key} zoomed with ζ (${r} vs ${zoomed})`);
    }
    // The cursor is linked too: hovering one chart moves the others' cursors.
    const box = await page.locator('[data-chart="zeta"] .u-over').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    const cursorLeft = await page.locator('[data-chart="loss"] .u-cursor-x').evaluate((e) => (e as HTMLElement).style.transform);
    assert.match(cursorLeft, /translate/);
    await send(page, updateFor(2, { scaleU: 0.03 }));
    await page.waitForFunction(() => document.querySelector('[data-summary="zeta-final"]') !== null);
    await waitForCharts(page);
    const kept = await range('loss');
    assert.ok(kept[1] < fullMax * 0.9, 'zoom survives a new result');
    await page.locator('vscode-button[data-button="reset-zoom"]').click();
    await page.waitForFunction((m) => Number(document.querySelector('[data-chart="ntk"]')?.getAttribute('data-x-max')) > m * 0.9, fullMax);
  });

  it('recolours the charts when the theme changes', async () => {
    const page = await open({ theme: 'dark' });
    await send(page, updateFor(1));
    await waitForCharts(page);
    const darkBlue = THEMES.dark.vars['--vscode-charts-blue'];
    const lightBlue = THEMES.light.vars['--vscode-charts-blue'];
    assert.ok((await pixelsOf(page, 'zeta', darkBlue)) > 100, 'ζ drawn in the dark theme blue');
    assert.equal(await pixelsOf(page, 'zeta', lightBlue), 0);
    await page.evaluate(() => (window as unknown as { __setTheme: (n: string) => void }).__setTheme('light'));
    await page.waitForFunction((c) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-chart="zeta"] canvas');
      const d = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      if (!d) return false;
      const r = parseInt(c.slice(1, 3), 16), g = parseInt(c.slice(3, 5), 16), b = parseInt(c.slice(5, 7), 16);
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 240 && Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 24) return true;
      return false;
    }, lightBlue);
    await waitForCharts(page);
    assert.ok((await pixelsOf(page, 'zeta', lightBlue)) > 100, 'ζ redrawn in the light theme blue');
    assert.equal(await pixelsOf(page, 'zeta', darkBlue), 0, 'no dark-theme blue left');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(255, 255, 255)');
    await shot(page, 'charts-light');
  });

  it('exports all charts as one PNG on exportChart', async () => {
    const page = await open();
    await send(page, updateFor(1, { simulate: true }));
    await waitForCharts(page);
    await send(page, { type: 'exportChart', requestId: 42, format: 'png', scale: 1, background: 'theme' });
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'chartImage'));
    const reply = (await posted(page)).find((m) => m.type === 'chartImage') as unknown as { requestId: number; dataUrl: string };
    assert.equal(reply.requestId, 42);
    assert.match(reply.dataUrl, /^data:image\/png;base64,/);
    const png = Buffer.from(reply.dataUrl.slice('data:image/png;base64,'.length), 'base64');
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    assert.ok(width >= 900 && height >= 2 * 220, `composed image ${width}×${height}`);
    writeFileSync(join(SCREENSHOTS, 'webview-export.png'), png);
  });

  it('is keyboard reachable with visible focus', async () => {
    const page = await open();
    await send(page, updateFor(1));
    await waitForCharts(page);
    const reached = new Set<string>();
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => {
        const a = document.activeElement as HTMLElement | null;
        if (!a) return '';
        const choice = a.closest<HTMLElement>('[data-choice]');
        if (choice) return `choice:${choice.dataset.choice}`;
        return a.dataset.control ? `range:${a.dataset.control}` : a.dataset.controlNumber ? `number:${a.dataset.controlNumber}` : a.dataset.toggle ? `toggle:${a.dataset.toggle}` : a.dataset.button ? `button:${a.dataset.button}` : a.tagName;
      });
      reached.add(id);
    }
    // Reset zoom is disabled (out of the tab order) until the charts are zoomed: the zoom test reaches it.
    for (const want of ['choice:dynamics', 'toggle:log-time', 'toggle:ratio', 'range:model.width', 'number:model.width', 'range:data.y', 'number:data.y']) {
      assert.ok(reached.has(want), `${want} reachable by Tab (reached ${[...reached].join(', ')})`);
    }
    await page.locator('input[data-control="init.scaleW"]').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    assert.notEqual(outline, 'none', 'focused control has an outline');
    // Labels: every slider has one.
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll<HTMLInputElement>('input[type=range]')].filter((i) => !i.labels || i.labels.length === 0).length);
    assert.equal(unlabelled, 0);
  });

  it('stacks charts and wraps controls at a narrow width', async () => {
    const page = await open({ width: 380, height: 900 });
    await send(page, updateFor(1, { simulate: true }));
    await waitForCharts(page);
    const boxes = await page.evaluate(() => [...document.querySelectorAll('[data-chart]')].map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    for (const b of boxes) assert.ok(b.right <= 380 + 0.5 && b.width > 250, `chart fits the width: ${JSON.stringify(b)}`);
    for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i].top >= boxes[i - 1].bottom - 0.5, 'charts stack vertically');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
    const canvasWidth = await page.locator('[data-chart="zeta"] canvas').evaluate((c) => c.getBoundingClientRect().width);
    assert.ok(canvasWidth <= 380 && canvasWidth > 250, `canvas follows the container (${canvasWidth}px)`);
    await shot(page, 'narrow');
    // Widening resizes the charts (ResizeObserver).
    await page.setViewportSize({ width: 1000, height: 900 });
    await page.waitForFunction(() => (document.querySelector('[data-chart="zeta"] canvas')?.getBoundingClientRect().width ?? 0) > 400);
    // …and narrowing again shrinks them.
    await page.setViewportSize({ width: 340, height: 900 });
    await page.waitForFunction(() => (document.querySelector('[data-chart="zeta"] canvas')?.getBoundingClientRect().width ?? 1e9) <= 340);
    const overflowAgain = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflowAgain <= 0, `no horizontal scrolling after narrowing (overflow ${overflowAgain}px)`);
  });

  it('shows busy and closed states', async () => {
    const page = await open();
    await send(page, updateFor(1));
    await waitForCharts(page);
    await send(page, { type: 'busy', version: 2 });
    await page.waitForFunction(() => /Computing/.test(document.querySelector('.status')?.textContent ?? ''));
    await send(page, updateFor(2));
    await page.waitForFunction(() => (document.querySelector('.status')?.textContent ?? '') === '');
    await send(page, { type: 'closed', reason: 'The file a.flab.json was deleted.' });
    await page.waitForFunction(() => /deleted/.test(document.querySelector('.status')?.textContent ?? ''));
    assert.equal(await page.locator('input[data-control="model.width"]').isDisabled(), true);
  });

  it('shows an undefined ζ (u = 0 at the start) as a dash and draws the rest', async () => {
    const page = await open();
    const update = updateFor(1, { scaleU: 0 });
    assert.equal(update.trajectory.summary.zetaInitial, null);
    await send(page, update);
    await waitForCharts(page);
    assert.equal(await summary(page, 'zeta-initial'), '—');
    // Why, with the name's definition: over the name or the dash, and on the name's focus.
    assert.match(await definitionOf(page, '[data-term="zeta-initial"]'), /Here: .*undefined/);
    await page.locator('[data-summary="zeta-initial"]').hover();
    await page.locator('.definition-tip:not([hidden])', { hasText: /undefined/ }).waitFor();
    assert.equal(await summary(page, 'zeta-final'), formatNumber(update.trajectory.summary.zetaFinal));
    assert.ok((await ink(page, 'zeta')) > 1000);
  });

  it('copes with degenerate data: one time point, zero loss, the log axis with only t = 0', async () => {
    const page = await open({ state: { logTime: true, ratioToInitial: true } });
    const update = updateFor(1);
    const tr = update.trajectory;
    for (const k of ['t', 'output', 'loss', 'zeta', 'normU', 'normW', 'ntk', 'distance'] as const) (tr[k] as unknown[]).splice(1);
    tr.loss[0] = 0;
    await send(page, update);
    await page.waitForFunction(() => document.querySelectorAll('[data-chart] canvas').length === 4);
    assert.equal(await summary(page, 'zeta-final'), formatNumber(tr.summary.zetaFinal));
    // Back to a full result: everything draws again.
    await send(page, updateFor(2));
    await waitForCharts(page);
    assert.ok((await ink(page, 'loss')) > 1000);
    await send(page, { type: 'exportChart', requestId: 1, format: 'png', scale: 1, background: 'theme' });
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'chartImage'));
  });

  it('says, off the chart, the last time and every value at that time — a loss of exactly 0 included', async () => {
    const page = await open();
    const update = updateFor(1);
    const tr = update.trajectory;
    const n = tr.t.length;
    // The loss reaches exactly 0 at the end: nothing to draw there on a log axis, but the legend says 0.
    tr.loss[n - 1] = 0;
    tr.loss[n - 2] = 1.5262e-300;
    await send(page, update);
    await waitForCharts(page);
    const values = async (chart: string) => page.locator(`[data-chart="${chart}"] .u-legend .u-series .u-value`).allInnerTexts();
    const loss = await values('loss');
    assert.equal(loss[0], String(Number(tr.t[n - 1].toPrecision(6))), `the time is the last one: ${loss.join(' · ')}`);
    assert.equal(loss[1], '0', `the loss at that time: ${loss.join(' · ')}`);
    const zeta = await values('zeta');
    assert.equal(zeta[1], String(Number((tr.zeta[n - 1] as number).toPrecision(6))));
  });

  it('answers exportChart before any result, with an image that says so', async () => {
    const page = await open();
    await send(page, { type: 'exportChart', requestId: 7, format: 'png', scale: 2, background: 'light' });
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'chartImage'));
    const reply = (await posted(page)).find((m) => m.type === 'chartImage') as unknown as { requestId: number; dataUrl: string };
    assert.equal(reply.requestId, 7);
    assert.match(reply.dataUrl, /^data:image\/png;base64,/);
  });

  it('shows weight decay, catapult and stability facts and the objective when the core reports them', async () => {
    const page = await open();
    const update = updateFor(1, { simulate: true });
    const sim = update.simulation;
    assert.ok(sim);
    const rho = 1e-3;
    const objective = (tr: typeof sim) => tr.loss.map((l, i) => l + 0.5 * rho * (tr.normU[i] ** 2 + tr.normW[i] ** 2));
    Object.assign(update.trajectory, { objective: objective(update.trajectory) });
    Object.assign(update.trajectory.summary, { weightDecay: rho });
    Object.assign(sim, { objective: objective(sim) });
    Object.assign(sim.summary, { catapult: { fromStep: 3, toStep: 17, peakLoss: 2.718281828 }, maxStableRateScale: 7.389056 });
    await send(page, update);
    await waitForCharts(page);
    assert.equal(await summary(page, 'weight-decay'), '0.001');
    assert.equal(await summary(page, 'simulation-catapult'), '3–17');
    assert.equal(await summary(page, 'simulation-catapult-peak'), '2.71828');
    assert.equal(await summary(page, 'simulation-max-stable-rate-scale'), '7.38906');
    assert.match(await page.locator('[data-chart="loss"] .u-legend').innerText(), /½ρ‖θ‖²/);
    assert.ok((await pixelsOf(page, 'loss', THEMES.dark.vars['--vscode-charts-orange'])) > 50, 'objective drawn');
    await shot(page, 'weight-decay');
  });

  it('switches between flow, descent and both: the right messages, the right curves', async () => {
    const page = await open();
    await send(page, updateFor(1, CATAPULT));
    await waitForCharts(page);
    assert.equal(await chosen(page), 'flow');
    assert.equal(await page.locator('[data-chart="loss"]').getAttribute('data-series'), '1');
    assert.equal(await page.locator('[data-chart="loss"]').getAttribute('data-shade'), null, 'no catapult drawn for the flow');
    let start = (await posted(page)).length;
    await page.locator('[data-choice="dynamics"] [data-value="descent"]').click();
    assert.deepEqual((await posted(page)).slice(start), [{ type: 'setView', view: 'descent' }], 'descent alone is a view preference: nothing written to the file');
    assert.equal(await chosen(page), 'descent');
    const descent = updateFor(2, CATAPULT, { view: 'descent' });
    const catapult = descent.simulation?.summary.catapult;
    assert.ok(catapult, 'the fixture catapults');
    await send(page, descent);
    await page.waitForFunction(() => /\(GD\)/.test(document.querySelector('[data-chart="loss"] .u-legend')?.textContent ?? ''));
    await waitForCharts(page);
    assert.equal(await page.locator('[data-chart="loss"]').getAttribute('data-series'), '1', 'descent alone: one curve, no flow');
    assert.equal(await page.locator('[data-chart="loss"]').getAttribute('data-shade'), `${catapult.fromStep}:${catapult.toStep}`);
    for (const key of ['zeta', 'loss', 'norms', 'ntk']) assert.ok((await shadePixels(page, key)) > 200, `catapult window shaded on ${key}`);
    // Descent alone: the summary is the descent's.
    assert.equal(await summary(page, 'catapult'), `${catapult.fromStep}–${catapult.toStep}`);
    assert.equal(await summary(page, 'solver'), 'gradient descent');
    assert.equal(await summary(page, 'zeta-final'), formatNumber(descent.simulation?.summary.zetaFinal));
    await shot(page, 'descent-catapult');
    start = (await posted(page)).length;
    await page.locator('[data-choice="dynamics"] [data-value="both"]').click();
    assert.deepEqual((await posted(page)).slice(start), [{ type: 'setView', view: 'both' }], 'both is a view preference too');
    await send(page, updateFor(3, CATAPULT, { view: 'both' }));
    await page.waitForFunction(() => document.querySelector('[data-chart="loss"]')?.getAttribute('data-series') === '2');
    assert.equal(await chosen(page), 'both');
    assert.ok((await shadePixels(page, 'loss')) > 200, 'shaded with both drawn');
    await shot(page, 'both-catapult');
    // Back to flow, which the file asks for anyway: the panel follows the file again (null), nothing is written.
    start = (await posted(page)).length;
    await page.locator('[data-choice="dynamics"] [data-value="flow"]').click();
    assert.deepEqual((await posted(page)).slice(start), [{ type: 'setView', view: null }]);
    // Keyboard: arrows move the choice.
    await send(page, updateFor(4, CATAPULT));
    await page.waitForFunction(() => document.querySelector('[data-choice="dynamics"] [aria-checked="true"]')?.getAttribute('data-value') === 'flow');
    await page.locator('[data-choice="dynamics"] [data-value="flow"]').focus();
    start = (await posted(page)).length;
    await page.keyboard.press('ArrowRight');
    assert.deepEqual((await posted(page)).slice(start), [{ type: 'setView', view: 'descent' }]);
    // The preference survives a reload, and is told to the host right after ready.
    const state = await page.evaluate(() => (window as unknown as { __getState: () => unknown }).__getState());
    const again = await open({ state });
    await again.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length >= 2);
    assert.deepEqual(await posted(again), [{ type: 'ready' }, { type: 'setView', view: 'descent' }]);
  });

  it('says a diverged descent in a notice and draws it only until it blows up', async () => {
    const page = await open({ state: { descent: true } });
    const update = updateFor(1, DIVERGENT, { view: 'descent' });
    const sim = update.simulation;
    assert.ok(sim?.summary.diverged, 'the fixture diverges');
    await send(page, update);
    await waitForCharts(page);
    const notice = page.locator('[data-notice="diverged"]');
    await notice.waitFor();
    assert.match(await notice.innerText(), new RegExp(`diverged at step ${sim.summary.diverged.step}`));
    // The drawn loss stays within the blow-up bound, although the run's last finite loss is far above it.
    const drawnMax = await page.evaluate(() => {
      const text = document.querySelector('[data-chart="loss"] .u-legend .u-series:nth-child(2) .u-value')?.textContent ?? '';
      return Number(text);
    });
    assert.ok(Number.isFinite(drawnMax) && drawnMax <= 1e3 * sim.loss[0], `last drawn loss ${drawnMax} ≤ 10³ × ${sim.loss[0]}`);
    assert.ok(Math.max(...sim.loss) > 1e3 * sim.loss[0], 'the run itself went further');
    await shot(page, 'diverged');
    // Flow alone: the descent is not drawn; the flow's kernel passes 2 per step, which the panel still says.
    await page.locator('[data-choice="dynamics"] [data-value="flow"]').click();
    await send(page, updateFor(2, DIVERGENT, { view: 'flow' }));
    await page.waitForFunction(() => document.querySelector('[data-notice="diverged"]') === null);
    assert.match(await page.locator('[data-notice="flow-unstable"]').innerText(), /would not follow this flow/);
  });

  it('overlays one curve per value of a declared sweep, with a legend in a colour ramp', async () => {
    const page = await open();
    const update = updateFor(1, { sweep: { outputScale: { from: 0.1, to: 10, count: 5 } } });
    const sweep = update.sweep;
    assert.ok(sweep && sweep.runs.length === 5);
    await send(page, update);
    await waitForCharts(page);
    const items = page.locator('.sweep-legend [data-sweep-value]');
    assert.equal(await items.count(), 5);
    assert.match(await page.locator('.sweep-legend').innerText(), /Sweep over outputScale/);
    const entries = await items.evaluateAll((els) => els.map((e) => ({ value: Number((e as HTMLElement).dataset.sweepValue), text: e.textContent ?? '', colour: getComputedStyle(e.querySelector('.sweep-swatch')!).backgroundColor })));
    entries.forEach((entry, i) => {
      assert.equal(entry.value, sweep.runs[i].value);
      assert.ok(entry.text.includes(String(Number(sweep.runs[i].value.toPrecision(4)))), entry.text);
      assert.ok(entry.text.includes(sweep.runs[i].trajectory?.summary.label ?? '?'), `label of ${entry.value} in "${entry.text}"`);
    });
    assert.equal(new Set(entries.map((e) => e.colour)).size, 5, `five distinct colours: ${entries.map((e) => e.colour).join(' ')}`);
    // The colours of src/core/figures/colours.ts on the theme's background, in order.
    const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
    assert.deepEqual(entries.map((e) => e.colour), sweepColours(5, [30, 30, 30]).map(rgb));
    assert.equal(await page.locator('[data-chart="zeta"]').getAttribute('data-series'), '5');
    assert.equal(await page.locator('[data-chart="norms"]').getAttribute('data-series'), '10');
    assert.equal(await page.locator('[data-chart="zeta"] .u-legend').count(), 0, 'one shared legend instead of uPlot\'s');
    for (const c of [entries[0].colour, entries[4].colour]) {
      const hex = '#' + (c.match(/\d+/g) ?? []).map((v) => Number(v).toString(16).padStart(2, '0')).join('');
      assert.ok((await pixelsOf(page, 'zeta', hex)) > 30, `curve in ${c} drawn`);
    }
    assert.equal(await page.locator('[data-chart="zeta"]').getAttribute('data-x-scale'), 'log', 'horizons two decades apart: a log time axis');
    assert.equal(await page.locator('vscode-checkbox[data-toggle="log-time"]').evaluate((e) => (e as HTMLInputElement).checked), true);
    await shot(page, 'sweep');
    // The user's choice wins.
    await page.locator('vscode-checkbox[data-toggle="log-time"]').click();
    await page.waitForFunction(() => document.querySelector('[data-chart="zeta"]')?.getAttribute('data-x-scale') === 'linear');
    // Without a sweep the legend goes away.
    await send(page, updateFor(2));
    await page.waitForFunction(() => (document.querySelector('.sweep-legend') as HTMLElement | null)?.hidden === true);
  });

  it('draws the phase example\'s sweep over six decades of output scale', async () => {
    const page = await open();
    const text = readFileSync(join(ROOT, 'examples', 'phase-output-scale-rate.flab.json'), 'utf8');
    const update = updateForText(1, text);
    const sweep = update.sweep;
    await send(page, update);
    await waitForCharts(page);
    assert.equal(await page.locator('.sweep-legend [data-sweep-value]').count(), sweep?.runs.length);
    assert.equal(await page.locator('[data-chart="loss"]').getAttribute('data-x-scale'), 'log');
    for (const key of ['zeta', 'loss', 'norms', 'ntk']) assert.ok((await ink(page, key)) > 1000, `chart ${key} drawn`);
    await shot(page, 'sweep-example');
  });

  it('renders a nonlinear (simulated) trajectory too', async () => {
    const page = await open();
    await send(page, updateFor(1, { activation: 'tanh', width: 50 }));
    await waitForCharts(page);
    assert.equal(await summary(page, 'solver'), 'gradient descent');
    for (const key of ['zeta', 'loss', 'norms', 'ntk']) assert.ok((await ink(page, key)) > 500, `chart ${key} drawn`);
  });
});

describe('control domains', () => {
  it('match the experiment schema', () => {
    // The linear model's form: the schema's root chooses between the three kinds of file.
    const schema = JSON.parse(readFileSync(join(ROOT, 'media', 'flab.schema.json'), 'utf8')).$defs.linearExperiment;
    const find = (node: Record<string, unknown>, path: string[]): Record<string, unknown> | null => {
      if (path.length === 0) return node;
      const props = node.properties as Record<string, Record<string, unknown>> | undefined;
      if (props?.[path[0]]) return find(props[path[0]], path.slice(1));
      for (const alt of [...((node.oneOf as Record<string, unknown>[]) ?? []), ...((node.anyOf as Record<string, unknown>[]) ?? [])]) {
        const hit = find(alt, path);
        if (hit) return hit;
      }
      return null;
    };
    for (const key of CONTROL_KEYS) {
      const node = find(schema, key.split('.'));
      assert.ok(node, `${key} in the schema`);
      const d = CONTROL_DOMAINS[key];
      const c = { key };
      assert.equal(d.integer, node.type === 'integer', `${c.key} integer`);
      assert.equal(d.min, node.minimum, `${c.key} minimum`);
      assert.equal(d.exclusiveMin, node.exclusiveMinimum, `${c.key} exclusiveMinimum`);
      assert.equal(d.max, node.maximum, `${c.key} maximum`);
    }
  });

  it('map slider positions to tidy values and back', () => {
    const log = { key: 'init.scaleU' as const, value: 0.02, min: 1e-6, max: 1e3, linear: false, integer: false };
    assert.equal(positionToValue(0, log), 1e-6);
    assert.equal(positionToValue(SLIDER_STEPS, log), 1e3);
    // Log scale: the middle of the slider is the geometric middle of the range.
    assert.ok(Math.abs(positionToValue(SLIDER_STEPS / 2, log) - Math.sqrt(1e-6 * 1e3)) < 1e-4 * Math.sqrt(1e-3));
    for (let p = 0; p <= SLIDER_STEPS; p += 37) {
      const v = positionToValue(p, log);
      assert.equal(Number(v.toPrecision(4)), v, 'four significant digits at most');
      assert.ok(Math.abs(valueToPosition(v, log) - p) <= 1, 'position → value → position');
    }
    const width = { key: 'model.width' as const, value: 200, min: 1, max: 1e6, linear: false, integer: true };
    for (let p = 0; p <= SLIDER_STEPS; p += 50) assert.ok(Number.isInteger(positionToValue(p, width)));
    const y = { key: 'data.y' as const, value: 1, min: -10, max: 10, linear: true, integer: false };
    assert.equal(positionToValue(SLIDER_STEPS / 2, y), 0);
    assert.equal(valueToPosition(-10, y), 0);
    assert.equal(valueToPosition(99, y), SLIDER_STEPS, 'out-of-range values clamp the thumb');
    assert.equal(valueToPosition(0, log), 0, 'σ = 0 sits at the left end of a log slider');
  });

  it('validate typed values as the schema does', () => {
    assert.deepEqual(validate('model.width', ' 300 ', undefined), { value: 300 });
    assert.ok('error' in validate('model.width', '0', undefined));
    assert.ok('error' in validate('model.width', '2.5', undefined));
    assert.deepEqual(validate('init.scaleU', '0', undefined), { value: 0 });
    assert.ok('error' in validate('init.scaleU', '-1e-3', undefined));
    assert.ok('error' in validate('learningRates.W', '0', undefined));
    assert.deepEqual(validate('data.y', '-1e3', undefined), { value: -1000 });
    assert.ok('error' in validate('data.y', 'Infinity', undefined));
    assert.ok('error' in validate('data.y', '', undefined));
  });
});
