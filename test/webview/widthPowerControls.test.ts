/**
 * The dynamics panel's controls under a parameterisation (a breaker's finding 4, 2026-12-03): with
 * `"parameterisation": "ntk"` at width 1024 the field "Output scale γ" showed 1 — the base b — while the
 * run used γ = 1·1024^(−1/2) = 0.03125, and a width of 4096 changed γ with the field unchanged. Now a
 * control whose number is the base of a width power is named as the base ("Output scale γ, base b"), with
 * the value the run uses beside it, which follows the width; a control whose number is the value is as
 * before. Real Chromium, fed the host's own update messages.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { applyTextEdits, editControlValue } from '../../src/document/edits';
import { example, posted, SCREENSHOTS, send, updateForText, waitForCharts, panelPages } from './harness';

const { open } = panelPages();

function ntk(width: number, outputScale?: number, preset = 'ntk'): string {
  const text = JSON.parse(example('width-scaling-ntk.flab.json')) as Record<string, unknown>;
  return JSON.stringify({ ...text, parameterisation: preset, model: { width, ...(outputScale === undefined ? {} : { outputScale }) } }, null, 2);
}

async function control(page: Page, key: string): Promise<{ label: string; field: string; effective: string | null; slider: string }> {
  return page.evaluate((k) => {
    const row = document.querySelector(`[data-control-row="${k}"]`)!;
    const effective = row.querySelector<HTMLElement>('[data-control-effective]')!;
    return {
      label: row.querySelector('.control-head label')!.textContent ?? '',
      field: row.querySelector<HTMLInputElement>('input[type="number"]')!.value,
      effective: effective.hidden ? null : effective.textContent,
      slider: document.querySelector(`label[for="${row.querySelector('input[type="range"]')!.id}"]`)!.textContent ?? '',
    };
  }, key);
}

describe('controls of width-powered keys', { timeout: 600_000 }, () => {
  it('name the base as the base and show the value the run uses, following the width', async () => {
    const page = await open();
    await send(page, updateForText(1, ntk(1024)));
    await waitForCharts(page);
    const gamma = await control(page, 'model.outputScale');
    assert.deepEqual(gamma, { label: 'Output scale γ, base b', field: '1', effective: '→ γ = b·d^(−1/2) = 0.03125 at d = 1024', slider: 'Output scale γ, base b (slider)' });
    // ntk's rates and scales have exponent 0: their numbers are the values, named as before.
    assert.deepEqual(await control(page, 'learningRates.u'), { label: 'Learning rate η_u', field: '0.1', effective: null, slider: 'Learning rate η_u (slider)' });
    assert.equal((await control(page, 'init.scaleU')).effective, null);
    await page.screenshot({ path: join(SCREENSHOTS, 'controls-width-power.png'), fullPage: true });

    // The base 0.5 at width 4096: γ = 0.5/64.
    await send(page, updateForText(2, ntk(4096, 0.5)));
    await waitForCharts(page);
    const wider = await control(page, 'model.outputScale');
    assert.equal(wider.field, '0.5');
    assert.equal(wider.effective, '→ γ = b·d^(−1/2) = 0.0078125 at d = 4096');

    // meanField: the rates are bases too (η = b·d), and γ = b·d^(−1).
    await send(page, updateForText(3, ntk(1024, undefined, 'meanField')));
    await waitForCharts(page);
    assert.equal((await control(page, 'learningRates.u')).label, 'Learning rate η_u, base b');
    assert.equal((await control(page, 'learningRates.u')).effective, '→ η_u = b·d = 102.4 at d = 1024');
    assert.equal((await control(page, 'model.outputScale')).effective, '→ γ = b·d^(−1) = 9.76563e-4 at d = 1024');

    // Without a parameterisation every number is its value again.
    await send(page, updateForText(4, example('alignment.flab.json')));
    await waitForCharts(page);
    const plain = await control(page, 'model.outputScale');
    assert.equal(plain.label, 'Output scale γ');
    assert.equal(plain.effective, null);
  });

  // A key written as { widthExponent, base } was a disabled control ("—"): now its base is the control's
  // number, typed or dragged, and the host writes it into `base` (a session's closing note, 2026-12-03).
  it('a key written as { widthExponent, base }: the base is typed and dragged, with the value used beside it', async () => {
    const page = await open();
    const file = JSON.parse(example('alignment.flab.json')) as { model: Record<string, unknown> };
    const text = JSON.stringify({ ...file, model: { ...file.model, width: 1024, outputScale: { widthExponent: -0.5, base: 2 } } }, null, 2);
    await send(page, updateForText(1, text));
    await waitForCharts(page);
    assert.deepEqual(await control(page, 'model.outputScale'), { label: 'Output scale γ, base b', field: '2', effective: '→ γ = b·d^(−1/2) = 0.0625 at d = 1024', slider: 'Output scale γ, base b (slider)' });
    const field = page.locator('input[type="number"][data-control-number="model.outputScale"]');
    const slider = page.locator('input[type="range"][data-control="model.outputScale"]');
    assert.equal(await field.isDisabled(), false);
    assert.equal(await slider.isDisabled(), false);
    await field.fill('0.5');
    await field.press('Enter');
    const typed = (await posted(page)).at(-1);
    assert.deepEqual(typed, { type: 'setValue', key: 'model.outputScale', value: 0.5, final: true });
    // The host's edit of that value: the base, the exponent and every other character kept.
    const edits = editControlValue(text, 'model.outputScale', 0.5);
    assert.ok(edits);
    assert.equal(applyTextEdits(text, edits), text.replace('"base": 2', '"base": 0.5'));
    await send(page, updateForText(2, applyTextEdits(text, edits)));
    await waitForCharts(page);
    assert.equal((await control(page, 'model.outputScale')).effective, '→ γ = b·d^(−1/2) = 0.015625 at d = 1024');
    await slider.focus();
    await slider.press('ArrowRight');
    const stepped = (await posted(page)).at(-1) as { type: string; key: string; value: number };
    assert.equal(stepped.type, 'setValue');
    assert.equal(stepped.key, 'model.outputScale');
    assert.ok(stepped.value > 0.5, `the slider steps the base up from 0.5, got ${stepped.value}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'controls-width-power-object.png'), fullPage: true });
  });

  // A sweep of a width-powered key (found beside the CSV of bases, 2026-12-03): its legend said
  // "Sweep over model.outputScale" over bases b. Now it names them as bases, as flab sweep --table does.
  it('a sweep over a width-powered key: the legend names its values as bases and says what they give', async () => {
    const page = await open();
    const file = JSON.parse(example('alignment.flab.json')) as { model: Record<string, unknown> };
    const text = JSON.stringify({ ...file, model: { ...file.model, width: 1024, outputScale: { widthExponent: -0.5, base: 2 } }, sweep: { 'model.outputScale': [0.5, 2] } }, null, 2);
    await send(page, updateForText(1, text));
    await waitForCharts(page);
    assert.equal(await page.locator('.sweep-heading').innerText(), 'Sweep over model.outputScale base b');
    const plain = JSON.stringify({ ...file, sweep: { 'model.outputScale': [0.5, 2] } }, null, 2);
    await send(page, updateForText(2, plain));
    await waitForCharts(page);
    await page.waitForFunction(() => document.querySelector('.sweep-heading')?.textContent === 'Sweep over model.outputScale');
  });
});
