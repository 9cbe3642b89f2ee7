// The panel a researcher reads (issue 10), as a user meets it in code-server: the verdict first with
// its criteria and thresholds, on screen at 1400×900 and in a panel 320 px wide (asserted on the
// element's box); Flow and Both never touch the file; the edge of stability said; the zoom refit
// after an edit; Export Chart at 2× and as SVG on a light page, Export Data with the parameters in
// its header, each announced with an Open action; the walkthrough, step by step.
// Screenshots: test-results/screenshots/vscode/reader-*.png.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import { findRepoRoot } from '../harness/codeServer';
import { openPanel, openSession, Session } from '../harness/session';

const repo = findRepoRoot(__dirname);
const EXAMPLE = 'alignment.flab.json';

function withValue(text: string, path: (string | number)[], value: unknown): string {
  return applyEdits(text, modify(text, path, value, {}));
}

/** Whether an element's box lies inside the visible webview and the window. */
async function onScreen(s: Session, selector: string): Promise<{ box: { x: number; y: number; width: number; height: number }; frame: { x: number; y: number; width: number; height: number } }> {
  const frame = await s.wb.page.locator('iframe.webview.ready').first().boundingBox();
  const box = await s.wb.panel().locator(selector).first().boundingBox();
  assert.ok(frame && box, `${selector} has no box`);
  const viewport = s.wb.page.viewportSize()!;
  const inside = box.x >= frame.x - 0.5 && box.y >= frame.y - 0.5 && box.x + box.width <= frame.x + frame.width + 0.5 && box.y + box.height <= frame.y + frame.height + 0.5;
  const visible = box.y + box.height <= viewport.height && box.x + box.width <= viewport.width;
  assert.ok(inside && visible, `${selector} at ${JSON.stringify(box)} is not on screen in the webview ${JSON.stringify(frame)} (window ${JSON.stringify(viewport)})`);
  return { box, frame };
}

/** Waits for a notification that contains `text`, clicks its Open action. */
async function openFromNotification(s: Session, text: string): Promise<void> {
  const toast = s.wb.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  await toast.waitFor({ timeout: 30_000 });
  await toast.locator('.monaco-button', { hasText: 'Open' }).first().click();
}

/** Picks `label` in the command's own quick pick, then accepts the save dialog's proposed path; returns that path. */
async function pickAndSave(s: Session, label: string): Promise<string> {
  const page = s.wb.page;
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor();
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
  await page.keyboard.press('Enter');
  // The save dialog (code-server's simple dialog): a path beside the experiment, accepted as proposed.
  await page.waitForFunction(() => /\.(png|svg|csv|json)$/.test((document.querySelector('.quick-input-widget input.input') as HTMLInputElement | null)?.value ?? ''), undefined, { timeout: 30_000 });
  const path = await input.inputValue();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 30_000 });
  return path;
}

describe('the panel a researcher reads, in code-server (user level)', function () {
  let s: Session;
  let original = '';

  before(async function () {
    this.timeout(180_000);
    s = await openSession({ repo, name: 'ui-reader', folder: join(repo, 'examples') });
    original = readFileSync(join(s.workspace, EXAMPLE), 'utf8');
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && s) await s.wb.screenshot(`FAILED-reader-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
  });

  it('shows the verdict first at 1400×900: the label, and each criterion against its threshold, without scrolling', async () => {
    await openPanel(s.wb, EXAMPLE);
    const panel = s.wb.panel();
    assert.equal((await panel.locator('[data-summary="label"]').innerText()).trim(), 'alignment');
    await onScreen(s, '[data-summary="label"]');
    const rows = await panel.locator('[data-criterion]').evaluateAll((els) => els.map((e) => ({ name: (e as HTMLElement).dataset.criterion, test: e.querySelector('.criterion-test')?.textContent, decisive: (e as HTMLElement).dataset.decisive })));
    assert.deepEqual(rows.map((r) => r.name), ['kernelChange', 'tangentChange', 'zetaChange', 'balanceChange']);
    assert.deepEqual(rows.map((r) => r.test), ['≥ 0.1', '≥ 0.1', '|·| ≥ 0.1', '< 1']);
    for (const name of ['kernelChange', 'balanceChange']) await onScreen(s, `[data-criterion="${name}"] .criterion-test`);
    await onScreen(s, '[data-reason]');
    await s.wb.screenshot('reader-1-verdict-1400');
  });

  it('never touches the file when switching to Both and back to Flow (a view preference)', async () => {
    const panel = s.wb.panel();
    const before = await s.wb.editorText(EXAMPLE);
    await panel.getByRole('radio', { name: 'Both' }).click();
    await panel.locator('[data-summary="deviation-loss"]').waitFor({ timeout: 30_000 });
    assert.equal(await panel.locator('[data-chart="zeta"]').getAttribute('data-series'), '2', 'descent drawn over the flow');
    await s.wb.screenshot('reader-2-both');
    await panel.getByRole('radio', { name: 'Flow' }).click();
    await panel.locator('[data-summary="deviation"]').waitFor({ state: 'detached', timeout: 30_000 });
    // Give a write every chance to arrive: none may.
    await s.wb.page.waitForTimeout(1000);
    assert.equal(await s.wb.editorText(EXAMPLE), before, 'the document changed');
    assert.equal(await s.wb.page.locator('.tabs-container .tab.dirty', { hasText: EXAMPLE }).count(), 0, 'the editor is dirty');
    assert.equal(readFileSync(join(s.workspace, EXAMPLE), 'utf8'), original);
  });

  it('says the edge of stability when the rates are past the stable limit (the example as it was: η = 1)', async () => {
    const panel = s.wb.panel();
    const atEdge = withValue(withValue(original, ['learningRates', 'u'], 1), ['learningRates', 'W'], 1);
    await s.wb.pasteText(EXAMPLE, atEdge);
    // The flow view says what descent would do; Descent shows it and says why.
    await panel.locator('[data-notice="flow-unstable"]').waitFor({ timeout: 30_000 });
    await panel.getByRole('radio', { name: 'Descent' }).click();
    const notice = panel.locator('[data-notice="unstable"]');
    await notice.waitFor({ timeout: 30_000 });
    assert.match(await notice.innerText(), /^Edge of stability: .* up to ×0\.998 of these/);
    await onScreen(s, '[data-notice="unstable"]');
    assert.equal((await panel.locator('[data-summary="simulation-max-stable-rate-scale"], [data-summary="max-stable-rate-scale"]').first().innerText()).trim(), '0.997971');
    await s.wb.screenshot('reader-3-edge-of-stability');
    await panel.getByRole('radio', { name: 'Flow' }).click();
    await panel.locator('[data-notice="flow-unstable"]').waitFor({ timeout: 30_000 });
  });

  it('refits the charts when an edit moves the time range away from the zoom, and shows when it is zoomed', async () => {
    const panel = s.wb.panel();
    await s.wb.pasteText(EXAMPLE, original);
    await panel.locator('[data-notice]').waitFor({ state: 'detached', timeout: 30_000 });
    const over = await panel.locator('[data-chart="zeta"] .u-over').boundingBox();
    assert.ok(over);
    const page = s.wb.page;
    await page.mouse.move(over.x + over.width * 0.6, over.y + over.height / 2);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.8, over.y + over.height / 2, { steps: 5 });
    await page.mouse.move(over.x + over.width * 0.95, over.y + over.height / 2, { steps: 5 });
    await page.mouse.up();
    const state = panel.locator('.zoom-state');
    await state.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await state.innerText(), /^Zoomed: t /);
    await s.wb.screenshot('reader-4-zoomed');
    const zoomMin = Number(((await state.getAttribute('data-zoom')) ?? '').split(':')[0]);
    // Rates 20× larger: the same run in a twentieth of the time, ending long before the zoomed window.
    const faster = withValue(withValue(original, ['learningRates', 'u'], 2), ['learningRates', 'W'], 2);
    await s.wb.pasteText(EXAMPLE, faster);
    await state.waitFor({ state: 'hidden', timeout: 30_000 });
    // The whole new run, [0, end] with the markers' room of 4 % of it each side (ChartView.markerRoom), on every chart.
    const xMax = Number(await panel.locator('[data-chart="loss"]').getAttribute('data-x-max'));
    const end = xMax / 1.04;
    assert.ok(xMax < zoomMin, `the new run's axis ends at ${xMax}, before the zoom's ${zoomMin}`);
    for (const key of ['zeta', 'loss', 'norms', 'ntk']) {
      assert.ok(Math.abs(Number(await panel.locator(`[data-chart="${key}"]`).getAttribute('data-x-min')) + 0.04 * end) <= 1e-9 * end, key);
      assert.equal(Number(await panel.locator(`[data-chart="${key}"]`).getAttribute('data-x-max')), xMax, key);
      assert.equal((await panel.locator(`[data-chart="${key}"]`).getAttribute('data-ticks-x'))?.split('|')[0], '0', `${key}: ticked from t = 0`);
    }
    await s.wb.screenshot('reader-5-refit');
    await s.wb.pasteText(EXAMPLE, original);
    await panel.locator('[data-notice]').waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('exports a 2× PNG and an SVG on a light page and the data with its parameters, each announced with Open', async function () {
    this.timeout(180_000);
    const page = s.wb.page;
    await s.wb.runCommand('Feature Learning: Export Chart', 30_000, true);
    const svgPath = await pickAndSave(s, 'SVG, light background');
    await openFromNotification(s, 'Exported the chart (SVG)');
    await s.wb.editorTab('alignment.svg').waitFor({ timeout: 30_000 });
    // Back to the experiment: an opened file may take the keyboard focus the palette needs.
    await s.wb.focusEditor(EXAMPLE);
    const svg = readFileSync(svgPath, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="(\d+)" height="(\d+)"/);
    assert.match(svg, /<rect width="\d+" height="\d+" fill="#ffffff"\/>/, 'a white page whatever the theme');
    for (const text of ['Learning by alignment', 'Label: alignment (feature learning, exact gradient flow)', 'd = 64', 'η_u = 0.1', 'Alignment ζ(t) = cos∠(u, W n)']) assert.ok(svg.includes(text), `the figure says ${text}`);
    await s.wb.runCommand('Feature Learning: Export Chart', 30_000, true);
    const pngPath = await pickAndSave(s, 'PNG at 2×, light background');
    await openFromNotification(s, 'Exported the chart (PNG, 2×)');
    await s.wb.editorTab('alignment.png').waitFor({ timeout: 30_000 });
    // The image preview loads in a webview and takes the focus when it is ready: wait for it, then come back.
    await page.locator('iframe.webview.ready').nth(1).waitFor({ timeout: 30_000 }).catch(() => undefined);
    await page.waitForTimeout(1000);
    await s.wb.focusEditor(EXAMPLE);
    const png = readFileSync(pngPath);
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
    assert.equal(png.readUInt32BE(16), 2 * w, 'twice the figure\'s width');
    assert.equal(png.readUInt32BE(20), 2 * h, 'twice its height');
    await s.wb.runCommand('Feature Learning: Export Data', 30_000, true);
    const csvPath = await pickAndSave(s, 'CSV');
    await openFromNotification(s, 'Exported the data (CSV)');
    await s.wb.editorTab('alignment.csv').waitFor({ timeout: 30_000 });
    await s.wb.focusEditor(EXAMPLE);
    const lines = readFileSync(csvPath, 'utf8').split('\n');
    const header = lines.filter((l) => l.startsWith('#'));
    assert.equal(lines[0], '# Feature Learning Lab: Learning by alignment');
    for (const want of ['#   model.width (d) = 64', '#   init.scaleU (σ_u) = 0.001', '#   learningRates.u (η_u) = 0.1', '# label: alignment (exact gradient flow)']) assert.ok(header.includes(want), `header has "${want}": ${header.join(' | ')}`);
    assert.match(lines[header.length], /^series,t,output,loss,zeta/);
    await s.wb.screenshot('reader-6-exports');
  });

  it('keeps the verdict on screen in a panel 320 px wide', async function () {
    this.timeout(120_000);
    const page = s.wb.page;
    // The pasted edits leave the file dirty: revert it, so closing asks nothing.
    await s.wb.focusEditor(EXAMPLE);
    await s.wb.runCommand('File: Revert File');
    await page.locator('.tabs-container .tab.dirty', { hasText: EXAMPLE }).waitFor({ state: 'detached', timeout: 10_000 });
    await s.wb.runCommand('View: Close All Editors');
    await openPanel(s.wb, EXAMPLE);
    await page.setViewportSize({ width: 370, height: 900 });
    await s.wb.runCommand('View: Close Primary Side Bar');
    await page.locator('.tabs-container .tab', { hasText: 'Dynamics' }).first().click();
    await s.wb.runCommand('View: Toggle Maximize Editor Group');
    await page.waitForFunction(() => {
      const f = document.querySelector('iframe.webview.ready');
      return !!f && f.getBoundingClientRect().width < 340;
    }, undefined, { timeout: 30_000 });
    await page.mouse.move(200, 600);
    const { frame } = await onScreen(s, '[data-summary="label"]');
    assert.ok(frame.width >= 300 && frame.width <= 340, `the panel is ${frame.width} px wide`);
    for (const name of ['kernelChange', 'tangentChange', 'zetaChange', 'balanceChange']) await onScreen(s, `[data-criterion="${name}"] .criterion-test`);
    const overflow = await s.wb.panel().locator('body').evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (${overflow} px)`);
    await s.wb.screenshot('reader-7-verdict-320');
    await s.wb.runCommand('View: Toggle Maximize Editor Group');
    await page.setViewportSize({ width: 1400, height: 900 });
    await s.wb.runCommand('View: Toggle Primary Side Bar Visibility');
  });

  it('walks a new user through the extension: open an example, the panel, change a value, a phase diagram', async function () {
    this.timeout(180_000);
    const page = s.wb.page;
    await s.wb.runCommand('View: Close All Editors');
    await s.wb.runCommand('Welcome: Open Walkthrough...', 30_000, true);
    const input = page.locator('.quick-input-widget input.input');
    await input.fill('Get started with Feature Learning Lab');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with Feature Learning Lab' }).first().waitFor();
    await page.keyboard.press('Enter');
    const step = (id: string) => page.locator(`.getting-started-step[data-step-id$="#gettingStarted#${id}"]`);
    await step('openExample').waitFor({ timeout: 30_000 });
    for (const id of ['openExample', 'openPanel', 'changeValue', 'phaseDiagram']) assert.equal(await step(id).count(), 1, id);
    await s.wb.screenshot('reader-8-walkthrough');
    // Step 1: its button creates the example (alignment.flab.json exists: the next free name) and opens its panel.
    await step('openExample').locator('.monaco-button', { hasText: 'Create the alignment example' }).click();
    await s.wb.editorTab('alignment-2.flab.json').waitFor({ timeout: 30_000 });
    const dynamics = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await dynamics.locator('[data-summary="label"]', { hasText: 'alignment' }).waitFor({ timeout: 60_000 });
    // Step 3: a value changed in the panel, as one undoable edit of the new file.
    const field = dynamics.locator('input[data-control-number="model.outputScale"]');
    await field.focus();
    await field.press('ArrowUp');
    await page.locator('.tabs-container .tab.dirty', { hasText: 'alignment-2.flab.json' }).waitFor({ timeout: 30_000 });
    assert.match(await s.wb.editorText('alignment-2.flab.json'), /"outputScale": 1\.122/);
    // Back on the walkthrough: the steps done are ticked.
    await page.locator('.tabs-container .tab', { hasText: 'Walkthrough' }).first().click();
    // A step done shows a ticked box (VS Code's codicon-getting-started-step-checked).
    await page.waitForFunction(() => document.querySelectorAll('.getting-started-step .codicon-getting-started-step-checked').length >= 2, undefined, { timeout: 30_000 });
    const done = await page.locator('.getting-started-step .codicon-getting-started-step-checked').evaluateAll((els) => els.map((e) => e.closest('.getting-started-step')?.getAttribute('data-step-id')?.split('#').pop()));
    assert.ok(done.includes('openExample') && done.includes('changeValue'), `ticked: ${done.join(', ')}`);
    await s.wb.screenshot('reader-9-walkthrough-progress');
  });
});
