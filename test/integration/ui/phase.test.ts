// The phase diagram as a user meets it in code-server: open an experiment, run "Open Phase
// Diagram" from the palette, pick the two axes (accepting the default ranges), see the heat map;
// hover a cell (the tooltip goes when the pointer leaves), click it and see that configuration's
// dynamics open on an untitled copy beside the diagram, without a third editor group, and the cell
// framed on the map; switch the diagram to gradient descent (outcomes, their shares, the critical
// lines; the file untouched); change the grid size in the settings; export the chart as PNG and SVG
// and the data as CSV through the palette and the save dialog; paste an edit into the file and see
// the diagram recomputed. Screenshots: test-results/screenshots/vscode.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { findRepoRoot } from '../harness/codeServer';
import { PORTS } from '../harness/paths';
import { openSession, Session } from '../harness/session';

const repo = findRepoRoot(__dirname);
const FILE = 'basic.flab.json';

/** The inner frame of the webview that contains `selector` (several webviews may be open). */
async function webviewWith(page: Page, selector: string, timeout = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) {
      if (f.name() !== 'active-frame' && !f.url().includes('fake.html')) continue;
      if ((await f.locator(selector).count().catch(() => 0)) > 0) return f;
    }
    if (Date.now() > deadline) throw new Error(`no webview with ${selector} after ${timeout} ms; ${await describePage(page)}`);
    await page.waitForTimeout(100);
  }
}

/**
 * What the window shows, for a wait that timed out: the quick input (open or not, its title and
 * value, its validation message) and each webview's status line, notices and first words — so that a
 * failure on a CI machine, whose screenshots we cannot see, says where the flow stopped.
 */
async function describePage(page: Page): Promise<string> {
  const quick = await page
    .evaluate(() => {
      const w = document.querySelector<HTMLElement>('.quick-input-widget');
      if (!w || w.style.display === 'none' || w.offsetParent === null) return 'quick input closed';
      const title = w.querySelector('.quick-input-title')?.textContent ?? '';
      const value = w.querySelector<HTMLInputElement>('input.input')?.value ?? '';
      const message = w.querySelector('.quick-input-message')?.textContent ?? '';
      return `quick input open: "${title}" value "${value}" message "${message}"`;
    })
    .catch((e: unknown) => `quick input unknown (${String(e)})`);
  const views: string[] = [];
  for (const f of page.frames()) {
    if (f.name() !== 'active-frame' && !f.url().includes('fake.html')) continue;
    const text = await f
      .evaluate(() => {
        const pick = (sel: string): string => (document.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim();
        return `status "${pick('.status')}" banner "${pick('.banner')}" body "${(document.body?.innerText ?? '').replace(/\s+/g, ' ').trim().slice(0, 200)}"`;
      })
      .catch((e: unknown) => `unreadable (${String(e)})`);
    views.push(text);
  }
  return `${quick}; ${views.length} webview(s)${views.map((v, k) => `\n  [${k}] ${v}`).join('')}`;
}

async function pickInQuickInput(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: 30_000 });
  // A picker that is still being shown may reset its value after our fill (the text was lost and
  // Enter went nowhere): fill again until it keeps the text and the matching row has the focus.
  const deadline = Date.now() + 30_000;
  for (;;) {
    await input.fill(text);
    const kept = await page
      .waitForFunction(
        (t) => (document.querySelector('.quick-input-widget input.input') as HTMLInputElement | null)?.value === t && (document.querySelector('.quick-input-list .monaco-list-row.focused')?.textContent ?? '').includes(t),
        text,
        { timeout: 2000 },
      )
      .then(() => true, () => false);
    if (kept) break;
    if (Date.now() > deadline) throw new Error(`the picker did not keep "${text}"`);
  }
  await page.keyboard.press('Enter');
}

/** Accepts the input box's prefilled value (the default range). */
/** Waits for a notification that contains `text`, clicks its Open action. */
async function openFromNotification(page: Page, text: string): Promise<void> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  await toast.waitFor({ timeout: 30_000 });
  await toast.locator('.monaco-button', { hasText: 'Open' }).first().click();
}

/** Picks `label` in the command's own quick pick, then accepts the save dialog's proposed path; returns that path. */
async function pickAndSave(page: Page, label: string): Promise<string> {
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

async function acceptInputBox(page: Page, expected: RegExp): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: 30_000 });
  await page.waitForFunction((src) => new RegExp(src).test((document.querySelector('.quick-input-widget input.input') as HTMLInputElement | null)?.value ?? ''), expected.source, { timeout: 30_000 });
  const value = await input.inputValue();
  await page.keyboard.press('Enter');
  await inputBoxAccepted(page, value);
}

describe('phase diagram in code-server (user level)', function () {
  let s: Session;
  /** The cell the click test opened, as the tooltip named it. */
  let clicked: { row: string | null; col: string | null } = { row: null, col: null };

  before(async function () {
    this.timeout(180_000);
    s = await openSession({ repo, name: 'ui-phase', folder: join(repo, 'test', 'integration', 'fixtures'), ports: process.env.FLAB_TEST_PORTS ? PORTS : { from: 18400, to: 18499 } });
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && s) await s.wb.screenshot(`FAILED-phase-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
  });

  it('asks for two axes from the palette and draws the heat map', async function () {
    this.timeout(120_000);
    const page = s.wb.page;
    await s.wb.openFile(FILE);
    await s.wb.runCommand('Feature Learning: Open Phase Diagram', 30_000, true);
    await pickInQuickInput(page, 'model.outputScale');
    await acceptInputBox(page, /^0\.001:1000$/);
    await pickInQuickInput(page, 'init.scaleU');
    await acceptInputBox(page, /^0\.0001:100$/);
    const frame = await webviewWith(page, 'canvas.heatmap[data-drawn]');
    const ink = await frame.locator('canvas.heatmap').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      if (d) for (let i = 3; i < d.length; i += 4) if (d[i] === 255) n++;
      return n;
    });
    assert.ok(ink > 50_000, `the heat map is drawn (${ink} pixels)`);
    assert.match(await frame.locator('.status').innerText(), /256 × 256 cells in \d+ ms/);
    assert.ok((await frame.locator('.legend-item').count()) >= 2, 'several phases in the legend');
    await s.wb.screenshot('phase-panel');
  });

  it('shows a cell\'s numbers on hover and opens its dynamics on click', async function () {
    this.timeout(120_000);
    const page = s.wb.page;
    const frame = await webviewWith(page, 'canvas.heatmap[data-drawn]');
    const canvas = frame.locator('canvas.heatmap');
    const box = await canvas.boundingBox();
    assert.ok(box);
    // A cell in the lower left (small output scale, small σ_u): feature learning there.
    const px = box.x + 78 + (box.width - 92) * 0.1;
    const py = box.y + 12 + (box.height - 66) * 0.8;
    await page.mouse.move(px, py);
    const tip = frame.locator('.tooltip');
    await tip.waitFor({ state: 'visible', timeout: 10_000 });
    const x = Number(await frame.locator('.tooltip [data-tip="x"]').innerText());
    const y = Number(await frame.locator('.tooltip [data-tip="y"]').innerText());
    assert.ok(x > 1e-3 && x < 1e-2, `x ${x}`);
    assert.ok(y > 1e-4 && y < 1e-2, `y ${y}`);
    const label = await frame.locator('.tooltip [data-tip="label"]').innerText();
    // The axes in the paper's symbols, as in the SVG.
    assert.match(await frame.locator('.tooltip').innerText(), /output scale γ \(model\.outputScale\)[\s\S]*init scale σ_u \(init\.scaleU\)/);
    await s.wb.screenshot('phase-hover');
    // The tooltip goes when the pointer leaves the diagram (here, for the explorer).
    await page.mouse.move(60, 300, { steps: 4 });
    await tip.waitFor({ state: 'hidden', timeout: 10_000 });
    await page.mouse.move(px, py);
    await tip.waitFor({ state: 'visible', timeout: 10_000 });
    clicked = { row: await tip.getAttribute('data-row'), col: await tip.getAttribute('data-col') };
    const groups = await page.locator('.editor-group-container').count();
    assert.equal(groups, 2, 'the file and the diagram side by side');
    await page.mouse.click(px, py);
    // An untitled copy with the two values, and its dynamics panel with charts, beside the diagram.
    const dynamics = await webviewWith(page, '[data-chart="zeta"] canvas');
    await dynamics.locator('[data-summary="label"]').waitFor({ timeout: 60_000 });
    assert.equal((await dynamics.locator('[data-summary="label"]').innerText()).trim(), label, 'the cell\'s label is the run\'s label');
    assert.match(await dynamics.locator('.title').innerText(), /^basic at γ = [\d.e-]+, σ_u = [\d.e-]+$/, 'the cell named in the paper\'s symbols');
    assert.ok((await page.locator('.tabs-container .tab', { hasText: 'basic (phase cell).flab.json' }).count()) >= 1, 'the copy is open, named for what it is');
    assert.equal(await page.locator('.editor-group-container').count(), 2, 'no third editor group');
    // The diagram is still in view beside it.
    assert.equal(await frame.locator('canvas.heatmap').isVisible(), true, 'the diagram stays visible');
    assert.equal(readFileSync(join(s.workspace, FILE), 'utf8').includes('"outputScale": 1 }'), true, 'the user\'s file is untouched');
    await s.wb.screenshot('phase-cell-dynamics');
  });

  it('switches the preview\'s dynamics to gradient descent, and to both (a view preference: the copy is not edited)', async function () {
    this.timeout(120_000);
    const page = s.wb.page;
    const dynamics = await webviewWith(page, '[data-choice="dynamics"]');
    await dynamics.locator('[data-choice="dynamics"] [data-value="descent"]').click();
    await dynamics.locator('[data-summary="solver"]', { hasText: 'gradient descent' }).waitFor({ timeout: 30_000 });
    await dynamics.locator('[data-chart="zeta"] .u-legend', { hasText: '(GD)' }).waitFor({ timeout: 30_000 });
    await s.wb.screenshot('phase-cell-descent');
    await dynamics.locator('[data-choice="dynamics"] [data-value="both"]').click();
    await dynamics.locator('[data-summary="deviation"]').waitFor({ timeout: 30_000 });
    assert.equal(await dynamics.locator('[data-chart="zeta"]').getAttribute('data-series'), '2', 'flow and descent together');
    assert.equal(await dynamics.locator('[data-choice="dynamics"] [aria-checked="true"]').getAttribute('data-value'), 'both');
  });

  it('frames the cell whose dynamics are open', async function () {
    this.timeout(60_000);
    const page = s.wb.page;
    const frame = await webviewWith(page, 'canvas.heatmap[data-previewed]', 30_000);
    assert.ok(clicked.row !== null && clicked.col !== null);
    assert.equal(await frame.locator('canvas.heatmap').getAttribute('data-previewed'), `${clicked.row},${clicked.col}`, 'the clicked cell is framed');
    await s.wb.screenshot('phase-previewed-cell');
  });

  it('switches the diagram to gradient descent: outcomes with their shares and the critical lines, the file untouched', async function () {
    this.timeout(120_000);
    const page = s.wb.page;
    const before = readFileSync(join(s.workspace, FILE), 'utf8');
    const frame = await webviewWith(page, 'canvas.heatmap[data-drawn]');
    await frame.locator('[data-choice="method"] [data-value="descent"]').click();
    await frame.locator('.status', { hasText: /cells in \d+ ms — gradient descent, 20 steps/ }).waitFor({ timeout: 60_000 });
    const shares = await frame.locator('.legend-outcome').evaluateAll((els) => els.map((e) => ({ outcome: (e as HTMLElement).dataset.outcome ?? '', share: parseFloat(e.querySelector(':scope > .legend-share')?.textContent ?? 'NaN') })));
    assert.ok(shares.length >= 2, `outcomes in the legend: ${JSON.stringify(shares)}`);
    const total = shares.reduce((a, b) => a + b.share, 0);
    assert.ok(Math.abs(total - 100) <= 1.5, `the shares add up to ${total} %`);
    assert.deepEqual(await frame.locator('.legend-line').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.line)), ['ηK₀ = 2', 'ηK₀ = 4']);
    // A cell says what descent did there.
    const box = await frame.locator('canvas.heatmap').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
    await frame.locator('.tooltip [data-tip="outcome"]').waitFor({ timeout: 10_000 });
    assert.match(await frame.locator('.tooltip [data-tip="outcome"]').innerText(), /^(converged|catapult|unsettled|diverged)/);
    await s.wb.screenshot('phase-descent');
    await page.mouse.move(60, 300, { steps: 3 });
    // A view preference: nothing was written to the file.
    assert.equal(readFileSync(join(s.workspace, FILE), 'utf8'), before);
    assert.equal(await page.locator('.tabs-container .tab.dirty', { hasText: FILE }).count(), 0, 'the file is not dirty');
  });

  it('exports the diagram as a 2× PNG and an SVG, and its data as CSV, each announced with Open', async function () {
    this.timeout(180_000);
    const page = s.wb.page;
    /** Shows the phase panel again (an opened export takes its place in the group) and gives it the focus: the exports act on it. */
    const focusPhase = async (): Promise<void> => {
      await page.locator('.tabs-container .tab', { hasText: 'Phase: basic.flab.json' }).first().click();
      const frame = await webviewWith(page, 'canvas.heatmap[data-drawn]');
      await frame.locator('.legend').click();
    };
    await focusPhase();
    await s.wb.runCommand('Feature Learning: Export Chart', 30_000, true);
    const svgPath = await pickAndSave(page, 'SVG');
    assert.match(svgPath, /basic\.phase\.svg$/);
    await openFromNotification(page, 'Exported the phase diagram (SVG)');
    await s.wb.editorTab('basic.phase.svg').waitFor({ timeout: 30_000 });
    const svg = readFileSync(svgPath, 'utf8');
    const [, w, h] = /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
    for (const text of ['fixture: basic', 'gradient descent, 20 steps', '>outcome<', 'ηK₀ = 2', 'output scale γ (model.outputScale)']) assert.ok(svg.includes(text), `the figure says ${text}`);
    await focusPhase();
    await s.wb.runCommand('Feature Learning: Export Chart', 30_000, true);
    const pngPath = await pickAndSave(page, 'PNG at 2×');
    await openFromNotification(page, 'Exported the phase diagram (PNG, 2×)');
    const png = readFileSync(pngPath);
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [2 * w, 2 * h], 'the SVG figure at twice its size');
    // The image preview loads in a webview and takes the focus when it is ready: wait for it, then come back.
    await page.waitForTimeout(1000);
    await focusPhase();
    await s.wb.runCommand('Feature Learning: Export Data', 30_000, true);
    const csvPath = await pickAndSave(page, 'CSV');
    await openFromNotification(page, 'Exported the phase diagram (CSV)');
    const lines = readFileSync(csvPath, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'model.outputScale,init.scaleU,outcome,label,refused,kernelChange,tangentChange,zetaChange,alignment,disalignment,normChangeU,normChangeW,balanceChange,distance,deadStep');
    assert.equal(lines.length, 1 + 256 * 256, 'every cell, in full precision');
    await s.wb.screenshot('phase-exports');
    await focusPhase();
  });

  it('draws at the grid size the setting featureLearningLab.phaseGridSize says', async function () {
    this.timeout(120_000);
    const page = s.wb.page;
    const settingsFile = join(s.workspace, '.vscode', 'settings.json');
    const onDisk = (): string => {
      try {
        return readFileSync(settingsFile, 'utf8');
      } catch {
        return '';
      }
    };
    const setting = async (text: string): Promise<void> => {
      await s.wb.runCommand('Preferences: Open Workspace Settings (JSON)');
      await s.wb.editorTab('settings.json').waitFor({ timeout: 30_000 });
      // The keyboard and the clipboard need the page's focus, which the diagram's webview had. Under
      // load a paste can land before the editor takes it: pasted again until the file holds the text.
      for (let attempt = 0; attempt < 3 && onDisk() !== text; attempt++) {
        await s.wb.focusEditor('settings.json');
        await s.wb.pasteText('settings.json', text);
        await s.wb.save('settings.json');
        for (const started = Date.now(); Date.now() - started < 10_000 && onDisk() !== text; ) await page.waitForTimeout(100);
      }
      assert.equal(onDisk(), text, 'the workspace settings as pasted');
      await page.locator('.tabs-container .tab', { hasText: 'Phase: basic.flab.json' }).first().click();
    };
    await setting('{ "featureLearningLab.phaseGridSize": 64 }\n');
    const frame = await webviewWith(page, 'canvas.heatmap[data-drawn]');
    await frame.locator('.status', { hasText: /^64 × 64 cells/ }).waitFor({ timeout: 60_000 });
    await s.wb.screenshot('phase-grid-64');
    // Back to the flow and the default size for the tests that follow.
    await frame.locator('[data-choice="method"] [data-value="flow"]').click();
    await setting('{}\n');
    await (await webviewWith(page, 'canvas.heatmap[data-drawn]')).locator('.status', { hasText: /^256 × 256 cells in \d+ ms — exact flow/ }).waitFor({ timeout: 60_000 });
    await s.wb.focusEditor(FILE);
  });

  it('recomputes when the file is edited', async function () {
    this.timeout(120_000);
    const page = s.wb.page;
    const frame = await webviewWith(page, 'canvas.heatmap[data-drawn]');
    const before = await frame.locator('canvas.heatmap').getAttribute('data-drawn');
    const text = readFileSync(join(s.workspace, FILE), 'utf8').replace('"scaleW": 0.1', '"scaleW": 2');
    await s.wb.pasteText(FILE, text);
    await frame.waitForFunction((v) => {
      const d = document.querySelector('canvas.heatmap')?.getAttribute('data-drawn');
      return d !== null && d !== undefined && d !== v;
    }, before, { timeout: 60_000 });
    await s.wb.screenshot('phase-after-edit');
  });

  it('comes back with its axes after saving and reloading the window', async function () {
    this.timeout(180_000);
    const page = s.wb.page;
    // The clicked cell's copy (the click test opened it, with its dynamics panel) is restored with its panel.
    const cellTab = page.locator('.tabs-container .tab', { hasText: 'Dynamics: basic (phase cell).flab.json' });
    assert.ok((await cellTab.count()) >= 1, 'the cell\'s dynamics panel is open before the reload');
    const framed = await (await webviewWith(page, 'canvas.heatmap[data-previewed]', 30_000)).locator('canvas.heatmap').getAttribute('data-previewed');
    await s.wb.save(FILE);
    // Developer: Reload Window: a bare page.reload() races the workbench's state flush (panels were sometimes not restored).
    await s.wb.reloadWindow();
    // A restored webview loads when its tab is shown; the phase panel's group shows it.
    const frame = await webviewWith(page, 'canvas.heatmap[data-drawn]', 90_000);
    assert.match(await frame.locator('.status').innerText(), /256 × 256 cells/);
    const box = await frame.locator('canvas.heatmap').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await frame.locator('.tooltip [data-tip="x"]').waitFor({ timeout: 10_000 });
    assert.match(await frame.locator('.tooltip').innerText(), /model\.outputScale[\s\S]*init\.scaleU/, 'the same axes');
    // The cell whose copy VS Code kept open is framed again (it was not, before 2026-12-02).
    await frame.locator(`canvas.heatmap[data-previewed="${framed}"]`).waitFor({ timeout: 30_000 });
    // The clicked cell's copy (untitled, kept by VS Code's hot exit) comes back with its dynamics panel
    // (a background tab: VS Code restores it when it is shown). It came back closed before: the copy's
    // text loads only when its own tab is shown, after the panels are restored.
    await cellTab.first().click();
    const dynamics = await webviewWith(page, '[data-chart="zeta"] canvas', 90_000);
    assert.match(await dynamics.locator('.title').innerText(), /^basic at γ = [\d.e-]+, σ_u = [\d.e-]+$/);
    // Its text is the copy's, not an empty document's: the panel shows a result, no error.
    await dynamics.locator('[data-summary="label"]').waitFor({ timeout: 60_000 });
    assert.equal(await dynamics.locator('.banner').count(), 0, 'no error banner');
    await s.wb.screenshot('phase-after-reload');
    // Another cell reuses that copy: no second one.
    const phaseTab = page.locator('.tabs-container .tab', { hasText: 'Phase: basic.flab.json' });
    await phaseTab.first().click();
    const map = await webviewWith(page, 'canvas.heatmap[data-drawn]', 60_000);
    const mapBox = await map.locator('canvas.heatmap').boundingBox();
    assert.ok(mapBox);
    await page.mouse.click(mapBox.x + 78 + (mapBox.width - 92) * 0.6, mapBox.y + 12 + (mapBox.height - 66) * 0.3);
    await map.locator(`canvas.heatmap[data-previewed]:not([data-previewed="${framed}"])`).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.tabs-container .tab', { hasText: 'phase cell 2' }).count(), 0, 'the restored copy is reused');
  });
});

describe('phase diagram refused cells in code-server (user level)', function () {
  let s: Session;

  before(async function () {
    this.timeout(180_000);
    s = await openSession({ repo, name: 'ui-phase-refused', folder: join(repo, 'test', 'integration', 'fixtures'), ports: process.env.FLAB_TEST_PORTS ? PORTS : { from: 18400, to: 18499 } });
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && s) await s.wb.screenshot(`FAILED-phase-refused-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
  });

  it('σ from 1e-300 to 1e300: the extremes are hatched, the legend lists them with their share, the hover says why', async function () {
    this.timeout(300_000);
    const page = s.wb.page;
    await s.wb.openFile(FILE);
    await s.wb.runCommand('Feature Learning: Open Phase Diagram', 30_000, true);
    await pickInQuickInput(page, 'init.scaleW');
    await typeInInputBox(page, '1e-300:1e300');
    await pickInQuickInput(page, 'init.scaleU');
    await typeInInputBox(page, '1e-300:1e300');
    // In stages, so that a timeout says which one failed: the panel, its drawing, the refused cells' entry.
    const frame = await webviewWith(page, 'canvas.heatmap', 90_000);
    await frame.locator('canvas.heatmap[data-drawn]').waitFor({ timeout: 120_000 }).catch(async (e: unknown) => {
      throw new Error(`the diagram was not drawn: ${String(e)}; ${await describePage(page)}`);
    });
    await frame.locator('.legend-refused').waitFor({ timeout: 10_000 }).catch(async (e: unknown) => {
      throw new Error(`no refused cells in the legend: ${String(e)}; ${await describePage(page)}`);
    });
    const entry = frame.locator('.legend-refused');
    assert.equal((await entry.locator('.legend-name').innerText()).trim(), 'beyond 64 bits (refused)');
    const share = parseFloat(await entry.locator('.legend-share').innerText());
    assert.ok(share > 5 && share < 95, `a share of the cells (${share} %)`);
    assert.match(await frame.locator('.legend').innerText(), /Shares of all 65,536 cells, refused ones included/);
    // The top-right corner (σ_W = σ_u = 1e300) is refused.
    const box = await frame.locator('canvas.heatmap').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width - 14 - 4, box.y + 12 + 4);
    const tip = frame.locator('.tooltip');
    await tip.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal((await frame.locator('.tooltip [data-tip="label"]').innerText()).trim(), 'beyond 64 bits (refused)');
    assert.match(await frame.locator('.tooltip [data-tip="refused"]').innerText(), /^beyond 64 bits: flab solve of this cell is refused/);
    await s.wb.screenshot('phase-refused');
    // What the hover promises: a click opens the cell beside the diagram, and its dynamics name the field and the values that work.
    await page.mouse.click(box.x + box.width - 14 - 4, box.y + 12 + 4);
    const dynamics = await webviewWith(page, '.banner-errors li');
    const errors = await dynamics.locator('.banner-errors').innerText();
    assert.match(errors, /init\.scale[UW]/, `the field to blame: ${errors}`);
    assert.match(errors, /64 bits|beyond|representable/i, `why: ${errors}`);
    await s.wb.screenshot('phase-refused-cell');
  });
});

/** Types `text` into the input box (replacing its prefilled value) and accepts it. */
async function typeInInputBox(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: 30_000 });
  // The box is prefilled with the default range once shown: replace it after that, until it keeps the text.
  await page.waitForFunction(() => /:/.test((document.querySelector('.quick-input-widget input.input') as HTMLInputElement | null)?.value ?? ''), undefined, { timeout: 30_000 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    await input.fill(text);
    const kept = await page
      .waitForFunction((t) => (document.querySelector('.quick-input-widget input.input') as HTMLInputElement | null)?.value === t, text, { timeout: 2000 })
      .then(() => true, () => false);
    if (kept) break;
    if (Date.now() > deadline) throw new Error(`the input box did not keep "${text}"`);
  }
  await page.keyboard.press('Enter');
  await inputBoxAccepted(page, text);
}

/**
 * Waits until the input box holding `text` has gone (the command took the value). A box that still
 * holds it after a while is given Enter again, as a user would: a key press that arrived while the box
 * was still settling was not taken as an accept.
 */
async function inputBoxAccepted(page: Page, text: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const gone = await page
      .waitForFunction(
        (t) => {
          const w = document.querySelector<HTMLElement>('.quick-input-widget');
          return !w || w.style.display === 'none' || w.offsetParent === null || (w.querySelector<HTMLInputElement>('input.input')?.value ?? '') !== t;
        },
        text,
        { timeout: 5000 },
      )
      .then(() => true, () => false);
    if (gone) return;
    if (Date.now() > deadline) throw new Error(`the input box kept "${text}" after Enter; ${await describePage(page)}`);
    await page.keyboard.press('Enter');
  }
}
