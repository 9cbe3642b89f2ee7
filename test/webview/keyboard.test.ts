/**
 * Definitions by keyboard and for assistive technology, and the note over a greyed result, in real
 * Chromium under the real CSP: Tab reaches the defined names, each shows its definition on focus,
 * referenced by aria-describedby (and computed as the element's accessible description), Escape
 * hides it; a list of names is one tab stop, the arrow keys move within it; while the file is
 * invalid, a note says the greyed result was computed with the last valid values and which controls
 * differ. Every test fails on any console error, page error or CSP violation.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { definitionOf, dragAcross, example, experimentText, hoverOnlyHints, invalidFor, SCREENSHOTS, send, updateFor, updateForText, waitForCharts, panelPages } from './harness';

const { open } = panelPages();




/** What has focus: a defined term's own text and its kind, else the element's tag. */
async function focused(page: Page): Promise<{ text: string; term: string | null; tag: string }> {
  return page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    const term = !a ? null : a.matches('.summary dt') ? 'summary' : a.matches('.criterion-name') ? 'criterion' : a.matches('[data-summary="label"]') ? 'label' : null;
    return { text: a?.textContent ?? '', term, tag: a?.tagName ?? '' };
  });
}

/** The tooltip the focused element's aria-describedby names first: shown, in the viewport, and its text. */
async function shownDefinition(page: Page): Promise<{ visible: boolean; text: string; role: string | null; inViewport: boolean }> {
  // After what focus does asynchronously (scrolling the term into view): two frames.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => {
    const id = (document.activeElement?.getAttribute('aria-describedby') ?? '').split(/\s+/)[0];
    const tip = id ? document.getElementById(id) : null;
    if (!tip) return { visible: false, text: '', role: null, inViewport: false };
    const r = tip.getBoundingClientRect();
    const visible = !tip.hidden && getComputedStyle(tip).display !== 'none' && r.width > 0 && r.height > 0;
    return { visible, text: tip.textContent ?? '', role: tip.getAttribute('role'), inViewport: r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight };
  });
}

/** The accessible description Chromium computes for the focused element (what a screen reader reads). */
async function accessibleDescription(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('Accessibility.enable');
    await page.evaluate(() => document.activeElement?.setAttribute('data-probe', ''));
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '[data-probe]' });
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    await page.evaluate(() => document.querySelector('[data-probe]')?.removeAttribute('data-probe'));
    return String(nodes[0]?.description?.value ?? '');
  } finally {
    await cdp.detach();
  }
}

/** Presses Tab until `want` holds for what has focus (at most `limit` times); returns the presses. */
async function tabUntil(page: Page, want: (f: Awaited<ReturnType<typeof focused>>) => boolean, limit = 40): Promise<number> {
  for (let i = 1; i <= limit; i++) {
    await page.keyboard.press('Tab');
    if (want(await focused(page))) return i;
  }
  throw new Error(`not reached by ${limit} presses of Tab`);
}

describe('definitions by keyboard', { timeout: 600_000 }, () => {
  it('Tab reaches the verdict, the criteria and the summary; each shows its definition on focus, described by it; Escape hides it', async () => {
    const page = await open();
    await send(page, updateForText(1, example('alignment.flab.json')));
    await waitForCharts(page);

    // The label first: its definition shows, it is the label's accessible description, Escape hides it.
    await tabUntil(page, (f) => f.term === 'label');
    let shown = await shownDefinition(page);
    assert.ok(shown.visible && shown.inViewport, 'the label\'s definition shows on focus, on screen');
    assert.equal(shown.role, 'tooltip');
    assert.match(shown.text, /alignment \(\|ζ\| grows/);
    assert.match(await accessibleDescription(page), /alignment \(\|ζ\| grows/, 'announced as the label\'s description');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    assert.notEqual(outline, 'none', 'a focus ring');
    await page.keyboard.press('Escape');
    assert.equal((await shownDefinition(page)).visible, false, 'Escape hides the definition');
    assert.equal((await focused(page)).term, 'label', 'and leaves focus where it was');

    // The criteria: one tab stop; the arrow keys move between them, each showing its definition.
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).term, 'criterion');
    shown = await shownDefinition(page);
    assert.ok(shown.visible, 'a criterion\'s definition shows on focus');
    assert.match(shown.text, /^max\|K\/K₀ − 1\|: max over the run of \|K\(t\)\/K\(0\) − 1\|.*Here max\|K\/K₀ − 1\| = [\d.e−-]+; its threshold 0\.1 is the file's "classify"/);
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).text, 'Tangent-feature change');
    assert.match((await shownDefinition(page)).text, /tangent features moved/);
    await page.keyboard.press('End');
    assert.equal((await focused(page)).text, 'Balance change');
    await page.keyboard.press('Tab');
    assert.notEqual((await focused(page)).term, 'criterion', 'Tab leaves the criteria in one press');
    // Shift+Tab comes back to the criterion last focused.
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page)).text, 'Balance change');

    // The number fields show what their symbol means on focus, in their row under the slider, with the refusal's place.
    await page.locator('#control-model-outputScale-value').focus();
    shown = await shownDefinition(page);
    assert.ok(shown.visible, 'a control\'s definition shows on focus');
    assert.match(shown.text, /γ: the output is f\(x\) = γ uᵀ W x/);
    assert.match((await page.locator('#control-model-outputScale-value').getAttribute('aria-describedby')) ?? '', /control-model-outputScale-error/);
    await page.keyboard.press('Escape');
    assert.equal((await shownDefinition(page)).visible, false);

    // The summary: many names, one tab stop.
    await tabUntil(page, (f) => f.term === 'summary');
    const first = (await focused(page)).text;
    assert.equal(first, 'ζ initial');
    assert.match((await shownDefinition(page)).text, /ζ = cos∠\(u, W n\)/);
    assert.match(await accessibleDescription(page), /ζ = cos∠\(u, W n\)/);
    const terms = await page.locator('.summary dt.defined').count();
    assert.ok(terms > 10, `${terms} defined names in the summary`);
    const stops = await page.locator('.summary dt[tabindex="0"]').count();
    assert.equal(stops, 1, 'one of them in the tab order');
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).text, 'λ');
    shown = await shownDefinition(page);
    assert.ok(shown.visible && shown.inViewport);
    assert.match(shown.text, /λ = γ ā √\(η_u η_W\)/);
    await page.screenshot({ path: join(SCREENSHOTS, 'webview-definition-focus.png') });
    // The list drawn again (a new result) keeps the place and the focus.
    await send(page, updateForText(2, example('alignment.flab.json')));
    assert.equal((await focused(page)).text, 'λ', 'focus stays on the name after a redraw');
    await page.keyboard.press('Tab');
    assert.notEqual((await focused(page)).term, 'summary', 'Tab leaves the summary in one press');
  });

  it('a hovered name shows its definition, and the pointer leaving hides it', async () => {
    const page = await open();
    await send(page, updateFor(1));
    await waitForCharts(page);
    const tip = await page.locator('.summary dt', { hasText: 'Plateau time' }).getAttribute('aria-describedby');
    assert.ok(tip);
    await page.locator('.summary dt', { hasText: 'Plateau time' }).hover();
    await page.locator(`#${tip}`).waitFor({ state: 'visible' });
    assert.match(await page.locator(`#${tip}`).innerText(), /residual has halved/);
    assert.equal(await page.locator('.summary dt', { hasText: 'Plateau time' }).getAttribute('title'), null, 'no native tooltip as well');
    await page.mouse.move(5, 5);
    await page.locator(`#${tip}`).waitFor({ state: 'hidden' });
    assert.match(await definitionOf(page, '.summary dt'), /ζ = cos∠\(u, W n\)/);
  });
});

describe('hints by keyboard, not on hover only', { timeout: 600_000 }, () => {
  it('the sliders, the view\'s options, a sweep\'s values, Reset zoom and an error\'s link show their hints on focus; nothing has a title', async () => {
    // Each had a native title: shown after a hover, never on focus, so a keyboard user never saw it.
    const page = await open();
    await send(page, updateFor(1, { sweep: { outputScale: { from: 0.1, to: 10, count: 3 } } }));
    await waitForCharts(page);
    assert.deepEqual(await hoverOnlyHints(page), [], 'no element with a title');

    await page.locator('input[data-control="init.scaleU"]').focus();
    let shown = await shownDefinition(page);
    assert.ok(shown.visible && shown.inViewport, 'the slider\'s range and scale show on focus');
    assert.match(shown.text, /^\S+ … \S+, log scale; the number field takes any value\.$/);
    assert.match(await accessibleDescription(page), /log scale; the number field takes any value/, 'and are its description');
    await page.keyboard.press('ArrowRight');
    assert.ok((await shownDefinition(page)).visible, 'and stay while the keys move it');
    await page.screenshot({ path: join(SCREENSHOTS, 'webview-slider-hint.png') });

    await page.locator('[data-choice="dynamics"] [aria-checked="true"]').focus();
    shown = await shownDefinition(page);
    assert.ok(shown.visible);
    assert.match(shown.text, /^Gradient flow \(exact for the linear network\)/);

    await page.locator('.sweep-legend [data-sweep-value]').first().focus();
    shown = await shownDefinition(page);
    assert.ok(shown.visible);
    assert.match(shown.text, /verdict/);

    await dragAcross(page, 'zeta', 0.2, 0.6);
    await page.locator('[data-button="reset-zoom"]:not([disabled])').waitFor();
    // By the keyboard, as a user reaches it after zooming with the pointer: Tab from the control before it.
    await page.locator('[data-toggle="ratio"]').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.button), 'reset-zoom');
    shown = await shownDefinition(page);
    assert.ok(shown.visible, 'Reset zoom (a toolkit button) shows its hint on focus');
    assert.equal(shown.text, 'Show the whole run (or double-click a chart)');

    await send(page, invalidFor(2, experimentText().replace('"width": 200', '"width": -5')));
    await page.locator('.error-link').first().focus();
    shown = await shownDefinition(page);
    assert.ok(shown.visible);
    assert.equal(shown.text, 'Show in the editor');
    assert.deepEqual(await hoverOnlyHints(page), [], 'none under the banner either');
  });

  it('a number field\'s hints — its field\'s and its slider\'s, on focus and on hover — cover no control and move none: every row stays where it was, at any width', async () => {
    // Drawn over the page above the field, σ_u's hint hid the row of γ above it (its field and slider);
    // moved into its row, it pushed every row below it down by its height on each hover (68 px); the
    // slider's hint, over the page under the slider, covered the next row's field.
    for (const width of [1280, 700, 320]) {
      const page = await open({ width, height: 900 });
      await send(page, updateFor(1));
      await waitForCharts(page);
      const keys = await page.locator('[data-control-row]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.controlRow ?? ''));
      assert.ok(keys.length >= 7, keys.join(' '));
      // Each row's box, its field's and its slider's, and what follows the controls, in page coordinates (a scroll moves none).
      const layout = () => page.evaluate(() => {
        const box = (e: Element | null) => {
          const r = e?.getBoundingClientRect();
          // Not shown (the note over a greyed result, while there is none): no box.
          return r && (r.width > 0 || r.height > 0) ? { x: Math.round(r.x + scrollX), y: Math.round(r.y + scrollY), width: Math.round(r.width), height: Math.round(r.height) } : null;
        };
        const rows = [...document.querySelectorAll<HTMLElement>('[data-control-row]')].map((e) => ({ key: e.dataset.controlRow ?? '', row: box(e)!, field: box(e.querySelector('input[type="number"]'))!, slider: box(e.querySelector('input[type="range"]'))! }));
        return { rows, controls: box(document.querySelector('.controls')), after: box(document.querySelector('.controls')?.nextElementSibling ?? null), charts: box(document.querySelector('[data-chart]')) };
      });
      const still = await layout();
      const tipBox = (tip: ReturnType<Page['locator']>) => tip.evaluate((t) => {
        const r = t.getBoundingClientRect();
        return { x: Math.round(r.x + scrollX), y: Math.round(r.y + scrollY), width: Math.round(r.width), height: Math.round(r.height) };
      });
      const shown: string[] = [];
      for (const [i, key] of keys.entries()) {
        const field = page.locator(`[data-control-number="${key}"]`);
        const slider = page.locator(`[data-control="${key}"]`);
        const ways: [string, ReturnType<Page['locator']>, () => Promise<void>, () => Promise<void>][] = [
          ['field focus', field, () => field.focus(), () => field.blur()],
          ['label hover', field, () => page.locator(`[data-control-row="${key}"] .control-head label`).hover(), () => page.mouse.move(0, 0)],
          ['slider hover', slider, () => slider.hover(), () => page.mouse.move(0, 0)],
        ];
        for (const [how, term, show, hide] of ways) {
          await show();
          const tip = page.locator(`#${((await term.getAttribute('aria-describedby')) ?? '').split(' ')[0]}`);
          await tip.waitFor({ state: 'visible' });
          const t = await tipBox(tip);
          const now = await layout();
          assert.deepEqual(now, still, `${width} px, ${key}'s ${how}: its hint ${JSON.stringify(t)} moved the controls or what follows them`);
          for (const r of now.rows) {
            for (const part of ['field', 'slider'] as const) assert.ok(!overlaps(t, r[part]), `${width} px, ${key}'s ${how}: its hint ${JSON.stringify(t)} covers ${r.key}'s ${part} ${JSON.stringify(r[part])}`);
          }
          shown.push(`${key} ${how}`);
          if (i === 2 && width === 1280 && how === 'label hover') await page.screenshot({ path: join(SCREENSHOTS, 'webview-field-hint.png') });
          if (i === 2 && width === 320 && how === 'slider hover') await page.screenshot({ path: join(SCREENSHOTS, 'webview-slider-hint-narrow.png'), fullPage: true });
          await hide();
          await tip.waitFor({ state: 'hidden' });
        }
      }
      assert.equal(shown.length, keys.length * 3);
    }
  });

  it('a shown hint stays beside its control when the page moves under it: a taller verdict above does not leave it over the options', async () => {
    // In code-server, Both's hint stayed where Both had been once a result redrew the verdict taller,
    // over Flow and Descent — and, hoverable, it kept the pointer from them.
    const page = await open({ width: 526, height: 808 });
    const text = example('alignment.flab.json');
    await send(page, updateForText(1, text));
    await waitForCharts(page);
    const flow = page.locator('[data-choice="dynamics"] [data-value="flow"]');
    await flow.focus();
    const tip = page.locator(`#${await flow.getAttribute('aria-describedby')}`);
    await tip.waitFor({ state: 'visible' });
    const before = await flow.boundingBox();
    // Rates past the stable limit: the flow view says so above the controls, which move down.
    const atEdge = text.replace('"learningRates": { "u": 0.1, "W": 0.1 }', '"learningRates": { "u": 1, "W": 1 }');
    assert.notEqual(atEdge, text);
    await send(page, updateForText(2, atEdge));
    await page.locator('[data-notice="flow-unstable"]').waitFor();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const [b, t] = [await flow.boundingBox(), await tip.boundingBox()];
    assert.ok(before && b && t && b.y > before.y + 10, `the options moved down (${JSON.stringify(before)} → ${JSON.stringify(b)})`);
    assert.ok(t.y >= b.y + b.height, `the hint ${JSON.stringify(t)} is below the options ${JSON.stringify(b)}, not over them`);
  });

  it('a hint never takes a click meant for what it covers: the next row\'s field under a slider\'s, a sweep\'s values under its focused heading\'s; a chosen value keeps the focus', async () => {
    // A fresh tester: a slider's hint, shown on hover, covered the next row's field and swallowed its
    // click; the sweep heading's definition, pinned by focus, covered every value; Enter on a value lost the focus.
    // The width of a panel beside an editor in code-server (two columns of controls, as the tester's).
    const page = await open({ width: 526, height: 808 });
    await send(page, updateFor(1, { sweep: { outputScale: { from: 0.1, to: 10, count: 3 } } }));
    await waitForCharts(page);
    const slider = page.locator('input[data-control="model.width"]');
    await slider.hover();
    const sliderTip = page.locator(`#${await slider.getAttribute('aria-describedby')}`);
    await sliderTip.waitFor({ state: 'visible' });
    // The next row's label (it focuses its field), which the hint below the slider covered: the hint is
    // in the controls' hints now, under every control, and covers it no more.
    const label = page.locator('label[for="control-init-scaleU-value"]');
    const [t, f] = [await sliderTip.boundingBox(), await label.boundingBox()];
    assert.ok(t && f && !overlaps(t, f), `the hint ${JSON.stringify(t)} covers the label ${JSON.stringify(f)}`);
    await page.mouse.click(f.x + Math.min(20, f.width / 2), f.y + f.height / 2);
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.controlNumber), 'init.scaleU', 'the click reached the field');

    const heading = page.locator('.sweep-legend .sweep-heading');
    await heading.focus();
    const headingTip = page.locator(`#${await heading.getAttribute('aria-describedby')}`);
    await headingTip.waitFor({ state: 'visible' });
    const value = page.locator('.sweep-legend [data-sweep-value]').last();
    const [h, v] = [await headingTip.boundingBox(), await value.boundingBox()];
    assert.ok(h && v && overlaps(h, v), `the fixture: the heading's definition ${JSON.stringify(h)} covers the value ${JSON.stringify(v)}`);
    const chosen = await value.getAttribute('data-sweep-value');
    await page.mouse.click(v.x + v.width / 2, v.y + v.height / 2);
    await page.waitForFunction((c) => document.querySelector(`.sweep-legend [data-sweep-value="${c}"]`)?.getAttribute('aria-pressed') === 'true', chosen);

    // By the keyboard: Enter on a value chooses it, and the focus stays on it as the legend is drawn again.
    const first = page.locator('.sweep-legend [data-sweep-value]').first();
    const firstValue = await first.getAttribute('data-sweep-value');
    await first.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((c) => document.querySelector(`.sweep-legend [data-sweep-value="${c}"]`)?.getAttribute('aria-pressed') === 'true', firstValue);
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.sweepValue), firstValue, 'the chosen value keeps the focus');
  });

  it('a nonlinear activation: the disabled view choice says why on its caption, a tab stop while it holds, none after', async () => {
    const page = await open();
    await send(page, updateFor(1, { activation: 'tanh', width: 50 }));
    await waitForCharts(page);
    assert.deepEqual(await hoverOnlyHints(page), []);
    const caption = page.locator('[data-choice="dynamics"] .choice-label');
    assert.equal(await caption.getAttribute('tabindex'), '0');
    await caption.focus();
    const shown = await shownDefinition(page);
    assert.ok(shown.visible);
    assert.equal(shown.text, 'A nonlinear activation has no exact flow: the panel shows gradient descent.');
    assert.match(await accessibleDescription(page), /no exact flow/);
    // Linear again: the choice is enabled, its options carry their own hints, the caption is plain text.
    await send(page, updateFor(2));
    await page.waitForFunction(() => !document.querySelector('[data-choice="dynamics"] button[disabled]'));
    assert.equal(await caption.getAttribute('tabindex'), null, 'out of the tab order');
    assert.equal(await caption.getAttribute('aria-describedby'), null);
    assert.equal(await page.locator('.definition-tip:not([hidden])').count(), 0, 'its tooltip gone');
    await caption.hover();
    await page.waitForTimeout(400);
    assert.equal(await page.locator('.definition-tip:not([hidden])').count(), 0, 'and shows nothing on hover');
  });
});

/** Whether two boxes overlap. */
function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return Math.min(a.x + a.width, b.x + b.width) > Math.max(a.x, b.x) && Math.min(a.y + a.height, b.y + b.height) > Math.max(a.y, b.y);
}

describe('the note over a greyed result', { timeout: 600_000 }, () => {
  it('follows the controls in a narrow panel too (stacked layout), where the width field\'s definition does not cover it', async () => {
    const page = await open({ width: 520 });
    await send(page, updateFor(1));
    await waitForCharts(page);
    await send(page, invalidFor(2, experimentText({ scaleU: 0.5 }).replace('"width": 200', '"width": -5')));
    const note = page.locator('[data-stale-note]');
    await note.waitFor({ state: 'visible' });
    const field = page.locator('input[data-control-number="model.width"]');
    const [n, f] = [await note.boundingBox(), await field.boundingBox()];
    assert.ok(n && f && n.y > f.y, `the note ${JSON.stringify(n)} after the controls ${JSON.stringify(f)}`);
    await field.focus();
    const tip = page.locator('.definition-tip:not([hidden])');
    await tip.waitFor({ state: 'visible' });
    const t = await tip.boundingBox();
    assert.ok(t && !overlaps(t, n), `the field's definition ${JSON.stringify(t)} covers the note ${JSON.stringify(n)}`);
  });


  it('says the result was computed with the last valid values and names the controls that differ; gone when valid again', async () => {
    const page = await open();
    const note = page.locator('[data-stale-note]');
    assert.equal(await note.count(), 1, 'the note is in the page');
    assert.equal(await note.getAttribute('role'), 'status');
    // No result on screen (the first document invalid): nothing is greyed, nothing to say.
    await send(page, { type: 'invalid', version: 0, errors: [{ message: 'the file is empty', line: 1, column: 1 }], controls: null });
    await page.locator('[data-summary="error"]').waitFor();
    assert.equal(await note.isVisible(), false, 'no note without a result');
    await send(page, updateFor(1));
    await waitForCharts(page);
    assert.equal(await note.isVisible(), false, 'no note while the result is current');

    // The width typed out of range in the editor: the field shows -5, the greyed result was for 200.
    await send(page, invalidFor(2, experimentText().replace('"width": 200', '"width": -5')));
    await note.waitFor({ state: 'visible' });
    assert.equal(await note.innerText(), 'The greyed result was computed with the last valid values, not the controls\': Width d 200 (now -5).');
    assert.equal(await note.getAttribute('aria-live'), 'polite');
    assert.equal(await page.locator('input[data-control-number="model.width"]').inputValue(), '-5', 'what the user typed stays');
    await page.screenshot({ path: join(SCREENSHOTS, 'webview-stale-note.png') });
    // Correcting the value: the field's definition (in its row) leaves the note readable.
    await page.locator('input[data-control-number="model.width"]').focus();
    const tip = page.locator('.definition-tip:not([hidden])');
    await tip.waitFor({ state: 'visible' });
    const [a, b] = [await tip.boundingBox(), await note.boundingBox()];
    assert.ok(a && b && !overlaps(a, b), `the field's definition ${JSON.stringify(a)} covers the note ${JSON.stringify(b)}`);
    await page.locator('input[data-control-number="model.width"]').blur();

    // Two values changed, one of them the invalid one.
    await send(page, invalidFor(3, experimentText({ scaleU: 0.5 }).replace('"width": 200', '"width": -5')));
    await page.waitForFunction(() => /σ_u/.test(document.querySelector('[data-stale-note]')?.textContent ?? ''));
    assert.equal(await note.innerText(), 'The greyed result was computed with the last valid values, not the controls\': Width d 200 (now -5); Init scale σ_u 0.02 (now 0.5).');

    // The error is elsewhere: the controls show the values of the greyed result.
    await send(page, invalidFor(4, experimentText().replace('"seed": 7', '"seed": "seven"')));
    await page.waitForFunction(() => /same values/.test(document.querySelector('[data-stale-note]')?.textContent ?? ''));

    // Not parsable: the controls cannot show the file's values.
    await send(page, { type: 'invalid', version: 5, errors: [{ message: 'invalid JSON: expected a comma', line: 4, column: 17 }], controls: null });
    await page.waitForFunction(() => /return when the file parses again/.test(document.querySelector('[data-stale-note]')?.textContent ?? ''));

    // Valid again: the note goes.
    await send(page, updateFor(6, { scaleU: 0.05 }));
    await note.waitFor({ state: 'hidden' });
    assert.equal(await note.innerText(), '');
  });
});
