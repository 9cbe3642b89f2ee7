// The dynamics panel as a user meets it in code-server: open an example with Ctrl+P, run the
// command from the palette, see the charts; paste edits and see the summary follow; paste broken
// JSON and see one Problems entry per fault and the banner; move a slider and see the file change (and
// undo it); choose Both and see the file untouched; save, reload the window and see the panel come
// back. Screenshots: test-results/screenshots.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, modify, parse } from 'jsonc-parser';
import { findRepoRoot } from '../harness/codeServer';
import { formatReadout } from '../../../webview/shared/numberFormat';
import { openPanel, openSession, pasteAndMeasure, Session } from '../harness/session';

const repo = findRepoRoot(__dirname);
// The folder a user opens and the example in it (overridable to try other files).
const FOLDER = process.env.FLAB_UI_FOLDER || join(repo, 'examples');
const EXAMPLE = process.env.FLAB_UI_EXAMPLE || 'alignment.flab.json';
const TITLES = ['Open Dynamics Panel', 'New Experiment', 'Export Data', 'Export Chart'].map((t) => `Feature Learning: ${t}`);

/** `text` with the value at `path` replaced (comments and layout kept). */
function withValue(text: string, path: (string | number)[], value: unknown): string {
  return applyEdits(text, modify(text, path, value, {}));
}

function valueAt(text: string, path: string[]): unknown {
  let v: unknown = parse(text, [], { allowTrailingComma: true });
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** Non-transparent pixels in the first canvas of chart `name` (0 for a blank chart). */
async function inkedPixels(s: Session, name: string): Promise<number> {
  return s.wb
    .panel()
    .locator(`[data-chart="${name}"] canvas`)
    .first()
    .evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) return 0;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
      return n;
    });
}

describe('dynamics panel in code-server (user level)', function () {
  let s: Session;
  let original = '';
  let edited = '';
  const timings: Record<string, number> = {};

  before(async function () {
    this.timeout(180_000);
    s = await openSession({ repo, name: 'ui', folder: FOLDER });
    timings['start-up (code-server spawn → workbench ready)'] = s.startupMs;
    original = readFileSync(join(s.workspace, EXAMPLE), 'utf8');
  });

  after(async function () {
    this.timeout(60_000);
    for (const [k, v] of Object.entries(timings)) console.log(`      timing: ${k}: ${v} ms`);
    await s?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && s) {
      await s.wb.screenshot(`FAILED-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
    }
  });

  it('lists Open Dynamics Panel and New Experiment in the palette', async () => {
    // Export Data/Chart act on a panel: the palette offers them once one is open (next test).
    const labels = await s.wb.paletteLabels('Feature Learning', TITLES[0]);
    for (const t of TITLES.slice(0, 2)) assert.ok(labels.includes(t), `palette lacks "${t}"; has ${JSON.stringify(labels)}`);
  });

  it('opens an example with Ctrl+P and shows the charts from the palette command', async () => {
    const t0 = Date.now();
    await openPanel(s.wb, EXAMPLE);
    timings['open example + command → four charts'] = Date.now() - t0;
    for (const chart of ['zeta', 'loss', 'norms', 'ntk']) assert.ok((await inkedPixels(s, chart)) > 100, `chart ${chart} is blank`);
    const zeta = Number(await s.wb.readSummary('zeta-final'));
    const loss = Number(await s.wb.readSummary('loss-final'));
    assert.ok(Number.isFinite(zeta) && Math.abs(zeta) <= 1, `zeta-final reads ${zeta}`);
    assert.ok(Number.isFinite(loss) && loss >= 0, `loss-final reads ${loss}`);
    assert.equal(await s.wb.summary('error').count(), 0, 'an error banner on a valid example');
    await s.wb.screenshot('1-panel-opened');
    const labels = await s.wb.paletteLabels('Feature Learning', TITLES[2]);
    for (const t of TITLES) assert.ok(labels.includes(t), `with a panel open, the palette lacks "${t}"; has ${JSON.stringify(labels)}`);
  });

  it('follows a pasted edit of the file (summary changes)', async () => {
    const y = valueAt(original, ['data', 'y']);
    assert.equal(typeof y, 'number', 'the example has no data.y');
    // A comment too: the write-back test later checks it survives.
    edited = withValue(original, ['data', 'y'], (y as number) * 2 + 1).replace(/^\{\n/, '{\n  // a comment the panel must keep\n');
    assert.ok(edited.includes('// a comment the panel must keep'));
    const r = await pasteAndMeasure(s.wb, EXAMPLE, edited, ['zeta-final', 'loss-final']);
    timings['pasted edit → new summary in the panel (round trip)'] = r.ms;
    assert.notEqual(r.after, r.before);
    for (const v of r.after.split(' | ')) assert.ok(Number.isFinite(Number(v)), `summary reads ${r.after}`);
    await s.wb.screenshot('2-after-pasted-edit');
  });

  /** Pastes a valid text and waits until the panel shows no error. */
  async function resetTo(text: string): Promise<void> {
    await s.wb.pasteText(EXAMPLE, text);
    await s.wb.summary('error').waitFor({ state: 'detached', timeout: 30_000 });
    await s.wb.summary('zeta-final').waitFor({ timeout: 30_000 });
  }

  it('shows invalid JSON in the Problems panel and in the banner, keeping the charts', async () => {
    await resetTo(edited);
    const before = await s.wb.problemCounts();
    // A missing comma between two properties: a syntax error on a known line.
    const broken = edited.replace(/("model"\s*:\s*\{[^}]*\})\s*,/, '$1');
    assert.notEqual(broken, edited, 'could not break the example');
    await s.wb.pasteText(EXAMPLE, broken);
    await s.wb.summary('error').waitFor({ timeout: 30_000 });
    const banner = (await s.wb.summary('error').textContent()) ?? '';
    assert.ok(banner.trim().length > 0, 'empty error banner');
    await s.wb.waitForProblemCount((n) => n > before.errors, 30_000);
    // The last good result stays drawn under the banner.
    await s.wb.panel().locator('[data-chart="zeta"] canvas').first().waitFor();
    assert.ok((await inkedPixels(s, 'zeta')) > 100, 'the zeta chart went blank on an invalid document');
    // One Problems entry for the fault: VS Code's JSON service reports the syntax error, ours stays in the banner.
    const rows = await s.wb.waitForProblemRow('about the syntax error', (r) => /\[Ln \d+, Col \d+\]/.test(r));
    const line = /\[Ln (\d+), Col \d+\]/.exec(rows.find((r) => /\[Ln \d+/.test(r)) ?? '')?.[1];
    await s.wb.page.waitForTimeout(1500);
    const again = await s.wb.problemsPanelRows();
    assert.equal(again.filter((r) => r.includes(`[Ln ${line},`)).length, 1, `one entry for the fault on line ${line}: ${JSON.stringify(again)}`);
    await s.wb.screenshot('3-invalid-json');
    await s.wb.closeProblems();
  });

  it('reports an invalid value with the CLI\'s message, in the Problems panel and the banner', async () => {
    await resetTo(edited);
    const bad = withValue(edited, ['learningRates', 'u'], -1);
    const file = join(s.dir.root, 'cli-check.flab.json');
    writeFileSync(file, bad);
    const cli = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'solve', file], { encoding: 'utf8' });
    assert.equal(cli.status, 1, `flab solve exit ${cli.status}: ${cli.stderr}`);
    const m = /:(\d+):(\d+): error: (.*)$/m.exec(cli.stderr);
    assert.ok(m, `unexpected CLI output ${cli.stderr}`);
    const message = m[3];
    await s.wb.pasteText(EXAMPLE, bad);
    await s.wb.panel().locator('[data-summary="error"]', { hasText: message }).waitFor({ timeout: 30_000 });
    await s.wb.waitForProblemRow(`"${message}" at Ln ${m[1]}, Col ${m[2]}`, (r) => r.includes(message) && r.includes(`[Ln ${m[1]}, Col ${m[2]}]`));
    // One entry for the fault: not also VS Code's "Value is below the exclusive minimum of 0".
    await s.wb.page.waitForTimeout(2000);
    const rows = await s.wb.problemsPanelRows();
    assert.deepEqual(rows.filter((r) => r.includes(`[Ln ${m[1]},`)).length, 1, `one entry: ${JSON.stringify(rows)}`);
    assert.ok(!rows.some((r) => /Value is below/.test(r)), `no schema duplicate: ${JSON.stringify(rows)}`);
    await s.wb.screenshot('4-invalid-value');
    await s.wb.closeProblems();
    // Back to the valid edit: the banner goes away.
    await resetTo(edited);
  });

  it('writes a moved slider into the file as one undoable edit that keeps the comments', async () => {
    await resetTo(edited);
    const key = 'model.outputScale';
    const path = key.split('.');
    const textBefore = await s.wb.editorText(EXAMPLE);
    const slider = s.wb.panel().locator(`input[type=range][data-control="${key}"]`);
    await slider.waitFor({ timeout: 30_000 });
    await slider.focus();
    await slider.press('ArrowRight');
    let textAfter = textBefore;
    const deadline = Date.now() + 30_000;
    while (valueAt(textAfter, path) === valueAt(textBefore, path) && Date.now() < deadline) {
      await s.wb.page.waitForTimeout(100);
      textAfter = await s.wb.editorText(EXAMPLE);
    }
    assert.notEqual(valueAt(textAfter, path), valueAt(textBefore, path), `${key} did not change in the editor`);
    await s.wb.page.locator('.tabs-container .tab.dirty', { hasText: EXAMPLE }).first().waitFor({ timeout: 10_000 });
    assert.ok(textAfter.includes('// a comment the panel must keep'), 'the comment was lost');
    // Exactly one value changed, nothing else (layout, comments, other values).
    assert.equal(textAfter, withValue(textBefore, path, valueAt(textAfter, path)));
    await s.wb.screenshot('5-slider-moved');
    // Undo in the editor restores the text exactly.
    await s.wb.focusEditor(EXAMPLE);
    await s.wb.page.keyboard.press('Control+Z');
    const undoDeadline = Date.now() + 15_000;
    let undone = await s.wb.editorText(EXAMPLE);
    while (undone !== textBefore && Date.now() < undoDeadline) {
      await s.wb.page.waitForTimeout(100);
      undone = await s.wb.editorText(EXAMPLE);
    }
    assert.equal(undone, textBefore, 'Ctrl+Z did not restore the text');
    // Move it again and keep it for the reload test.
    await slider.focus();
    await slider.press('ArrowRight');
    const deadline2 = Date.now() + 30_000;
    while (valueAt(await s.wb.editorText(EXAMPLE), path) === valueAt(textBefore, path) && Date.now() < deadline2) await s.wb.page.waitForTimeout(100);
    assert.notEqual(valueAt(await s.wb.editorText(EXAMPLE), path), valueAt(textBefore, path));
  });

  it('draws gradient descent over the flow when "Both" is chosen, without writing into the file (a view preference)', async () => {
    const textBefore = await s.wb.editorText(EXAMPLE);
    const both = s.wb.panel().getByRole('radio', { name: 'Both' });
    await both.click();
    const deviation = Number(await s.wb.readSummary('deviation'));
    assert.ok(Number.isFinite(deviation) && deviation >= 0, `deviation reads ${deviation}`);
    await s.wb.screenshot('6-compare-both');
    assert.equal(await s.wb.editorText(EXAMPLE), textBefore, 'choosing Both edited the document');
    // Back to the flow alone for the tests that follow: nothing to undo in the file.
    await s.wb.panel().getByRole('radio', { name: 'Flow' }).click();
    await s.wb.summary('deviation').waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await s.wb.editorText(EXAMPLE), textBefore, 'choosing Flow edited the document');
  });

  // A key written as { widthExponent, base } had a disabled control (a session's closing note, 2026-12-03):
  // its base is typed in the panel and written into `base`, the exponent and the rest of the file kept.
  it('writes a typed base of a key written as { widthExponent, base } into its base, nothing else', async () => {
    if ((await s.wb.panel().locator('[data-control-row="model.outputScale"]').count()) === 0) await openPanel(s.wb, EXAMPLE);
    const textBefore = await s.wb.editorText(EXAMPLE);
    const powered = withValue(textBefore, ['model', 'outputScale'], { widthExponent: -0.5, base: 2 });
    assert.ok(powered.includes('"base":2'), powered);
    await resetTo(powered);
    const field = s.wb.panel().locator('input[type="number"][data-control-number="model.outputScale"]');
    await s.wb.panel().locator('[data-control-effective]:not([hidden])', { hasText: '→ γ = b·d^(−1/2) = 0.25 at d = 64' }).waitFor({ timeout: 30_000 });
    assert.equal(await field.isDisabled(), false, 'the control of the base is enabled');
    assert.equal(await field.inputValue(), '2');
    await field.fill('0.5');
    await field.press('Enter');
    const path = ['model', 'outputScale', 'base'];
    let textAfter = await s.wb.editorText(EXAMPLE);
    const deadline = Date.now() + 30_000;
    while (valueAt(textAfter, path) !== 0.5 && Date.now() < deadline) {
      await s.wb.page.waitForTimeout(100);
      textAfter = await s.wb.editorText(EXAMPLE);
    }
    assert.equal(textAfter, powered.replace('"base":2', '"base":0.5'), 'only the base changed');
    await s.wb.panel().locator('[data-control-effective]:not([hidden])', { hasText: '→ γ = b·d^(−1/2) = 0.0625 at d = 64' }).waitFor({ timeout: 30_000 });
    await s.wb.screenshot('6a-width-power-base-typed');
    await resetTo(textBefore);
  });

  it('comes back with its charts after saving and reloading the window', async () => {
    // Nothing of the slider's edit is saved until the user saves.
    assert.equal(readFileSync(join(s.workspace, EXAMPLE), 'utf8'), original);
    await s.wb.save(EXAMPLE);
    const saved = readFileSync(join(s.workspace, EXAMPLE), 'utf8');
    assert.notEqual(saved, original, 'the saved file has none of the edits');
    // What the restored panel must show: the CLI's result for the saved file.
    const cli = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'solve', join(s.workspace, EXAMPLE), '--summary'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const zetaFinal = (JSON.parse(cli.stdout) as { zetaFinal: number }).zetaFinal;
    const expected = formatReadout(zetaFinal);
    const t0 = Date.now();
    await s.wb.reloadWindow();
    await s.wb.waitForCharts(90_000);
    timings['window reload → panel restored with charts'] = Date.now() - t0;
    await s.wb.panel().locator('[data-summary="zeta-final"]', { hasText: expected }).waitFor({ timeout: 30_000 });
    assert.ok((await inkedPixels(s, 'zeta')) > 100, 'restored zeta chart is blank');
    await s.wb.screenshot('6b-after-reload');
  });

  it('creates a new experiment from a template, with its panel beside it', async () => {
    await s.wb.runCommand('View: Close All Editors');
    await s.wb.page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 30_000 });
    await s.wb.runCommand('Feature Learning: New Experiment', 30_000, true);
    const input = s.wb.page.locator('.quick-input-widget input.input');
    await input.waitFor();
    await input.fill('Kernel regime');
    await s.wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Kernel regime' }).first().waitFor();
    await s.wb.page.keyboard.press('Enter');
    // The examples folder has a kernel.flab.json already: the new file takes the next free name.
    await s.wb.editorTab('kernel-2.flab.json').waitFor({ timeout: 30_000 });
    await s.wb.waitForCharts();
    assert.equal(await s.wb.summary('error').count(), 0, 'the template is invalid');
    const cli = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'solve', join(s.workspace, 'kernel-2.flab.json'), '--summary'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, `the template fails in the CLI: ${cli.stderr}`);
    const zetaFinal = (JSON.parse(cli.stdout) as { zetaFinal: number }).zetaFinal;
    await s.wb.panel().locator('[data-summary="zeta-final"]', { hasText: formatReadout(zetaFinal) }).waitFor({ timeout: 30_000 });
    await s.wb.screenshot('7-new-experiment');
  });

  it('takes its colours from the theme and redraws when it changes', async () => {
    const background = () => s.wb.panel().locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
    const luminance = (rgb: string) => {
      const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const chartPixels = () =>
      s.wb
        .panel()
        .locator('[data-chart="zeta"] canvas')
        .first()
        .evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? []).join(','));
    const darkBg = await background();
    const darkChart = await chartPixels();
    assert.ok(luminance(darkBg) < 100, `dark theme background ${darkBg}`);
    await s.wb.runCommand('Preferences: Color Theme', 30_000, true);
    const input = s.wb.page.locator('.quick-input-widget input.input');
    await input.waitFor();
    await input.fill('Light Modern');
    // Click the installed theme's row itself (Enter could land on "Browse Additional Color Themes…").
    const row = s.wb.page.locator('.quick-input-list .monaco-list-row').filter({ has: s.wb.page.getByText('Light Modern', { exact: true }) }).first();
    await row.waitFor();
    await row.click();
    const deadline = Date.now() + 30_000;
    while (luminance(await background()) < 150 && Date.now() < deadline) await s.wb.page.waitForTimeout(100);
    assert.ok(luminance(await background()) >= 150, `light theme background ${await background()}`);
    const redrawDeadline = Date.now() + 30_000;
    while ((await chartPixels()) === darkChart && Date.now() < redrawDeadline) await s.wb.page.waitForTimeout(100);
    assert.notEqual(await chartPixels(), darkChart, 'the chart was not redrawn for the light theme');
    await s.wb.screenshot('9-light-theme');
  });

  it('the phase diagram\'s axis picker gives each key\'s range once, with its scale once (issue 10 review)', async () => {
    // The experiment made from a template two tests ago, its editor focused (the command asks for the active file's axes).
    await s.wb.focusEditor('kernel-2.flab.json');
    await s.wb.runCommand('Feature Learning: Open Phase Diagram', 30_000, true);
    const rows = s.wb.page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'model.outputScale' }).first().waitFor({ timeout: 30_000 });
    const texts = await rows.allInnerTexts();
    await s.wb.screenshot('10-axis-picker');
    await s.wb.page.keyboard.press('Escape');
    assert.ok(texts.length >= 4, JSON.stringify(texts));
    const linear = texts.filter((t) => /linear scale/.test(t));
    assert.ok(linear.length >= 1, `a linear key (data.y) among ${JSON.stringify(texts)}`);
    for (const t of texts) {
      // Before: "−10:10 linear (linear)".
      assert.doesNotMatch(t, /\((linear|log)\)/, t);
      assert.equal(t.match(/\b(linear|log)\b/g)?.length, 1, `the scale said once: ${t}`);
      assert.match(t, /\S+ to \S+, (log|linear) scale/, t);
    }
  });
});
