// The training panel as a user meets it in code-server (issue 11, "Live in VS Code"): open a network
// example with Ctrl+P and the palette's Open Dynamics Panel, watch the records stream in (the step
// and the curves grow while the progress bar moves), Stop and Resume, and an edit that starts the new
// run; the verdict on top; a sweep's legend choosing the value whose verdict is shown. Screenshots: test-results/screenshots/vscode/training-*.png.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '../harness/codeServer';
import { openSession, Session } from '../harness/session';
import { PANEL_TITLE_COMMAND } from '../harness/workbench';

const repo = findRepoRoot(__dirname);
const FOLDER = join(repo, 'examples', 'networks');
const LONG = 'mnist-four-layer-zeta.flab.json';
const SHORT = 'bridge-linear-network.flab.json';
const SWEEP = 'mnist-four-layer-sigma.flab.json';

/** What Export Data's JSON says of a run: its records' steps and its summary. */
interface ExportedRun {
  step: number[];
  summary: { status: string; totalSteps: number };
}

/**
 * Export Data as JSON from the palette, saved as `name` beside the experiment (the save dialog's
 * proposed folder), read back once written.
 */
async function exportJson(s: Session, name: string): Promise<ExportedRun> {
  const page = s.wb.page;
  await s.wb.runCommand('Feature Learning: Export Data', 30_000, true);
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor();
  await input.fill('JSON');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'JSON' }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /\.json$/.test((document.querySelector('.quick-input-widget input.input') as HTMLInputElement | null)?.value ?? ''), undefined, { timeout: 30_000 });
  const path = (await input.inputValue()).replace(/[^/]*$/, name);
  await input.fill(path);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 30_000 });
  const deadline = Date.now() + 30_000;
  while (!existsSync(path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return JSON.parse(readFileSync(path, 'utf8')) as ExportedRun;
}

describe('training panel in code-server (user level)', function () {
  let s: Session;

  before(async function () {
    this.timeout(180_000);
    s = await openSession({ repo, name: 'ui-training', folder: FOLDER });
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && s) await s.wb.screenshot(`FAILED-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
  });

  const page = () => s.wb.panel();
  const status = () => page().locator('.training-panel').getAttribute('data-status');
  const step = async () => Number((await page().locator('.progress').getAttribute('data-step')) ?? -1);

  it('streams a training: the step and the curves grow while it runs; Stop and Resume', async function () {
    this.timeout(300_000);
    // The example trains for about two seconds here: six times its epochs, so that Stop lands mid-run on
    // a machine several times faster too.
    const path = join(s.workspace, LONG);
    const example = readFileSync(path, 'utf8');
    writeFileSync(path, example.replace('"epochs": 10,', '"epochs": 60,'));
    assert.notEqual(readFileSync(path, 'utf8'), example);
    await s.wb.openFile(LONG);
    await s.wb.runCommand(PANEL_TITLE_COMMAND);
    await page().locator('.training-panel[data-status="training"]').waitFor({ timeout: 120_000 });
    await page().locator('[data-chart="zeta"] canvas').first().waitFor({ timeout: 60_000 });
    // Streaming: two different steps seen while it trains.
    const first = await step();
    let later = first;
    const deadline = Date.now() + 60_000;
    while (later <= first && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      later = await step();
    }
    assert.ok(later > first, `the step moved from ${first} to ${later} while training`);
    assert.match(await page().locator('.progress-text').innerText(), /step \d+ of \d+ · epoch/);
    await s.wb.screenshot('training-1-streaming');
    // Stop: the step stays; Resume continues from it.
    await page().locator('vscode-button:has-text("Stop")').click();
    await page().locator('.training-panel[data-status="stopped"]').waitFor({ timeout: 30_000 });
    const stoppedAt = await step();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await step(), stoppedAt, 'nothing trains while stopped');
    assert.equal(await status(), 'stopped');
    await s.wb.screenshot('training-2-stopped');
    // Export Data of the stopped run: its records so far, to where the panel shows it stopped (it wrote
    // the run shown before it until 2026-12-03, or nothing for a first run), status "stopped".
    const stopped = await exportJson(s, 'stopped-export.json');
    const stoppedLast = stopped.step[stopped.step.length - 1];
    assert.equal(stopped.summary.status, 'stopped');
    const shownStep = await step();
    assert.ok(stoppedLast <= shownStep && stoppedLast > 0, `the export ends at step ${stoppedLast}, the panel stopped at ${shownStep}`);
    assert.ok(stopped.summary.totalSteps > shownStep, `${stopped.summary.totalSteps} steps planned`);
    await page().locator('vscode-button:has-text("Resume")').click();
    await page().locator('.training-panel[data-status="training"], .training-panel[data-status="finished"]').first().waitFor({ timeout: 60_000 });
    // Export Data after Resume: the same run, on from where it stopped (training still, or finished).
    const resumed = await exportJson(s, 'resumed-export.json');
    assert.ok(['training', 'finished'].includes(resumed.summary.status), resumed.summary.status);
    assert.equal(resumed.summary.totalSteps, stopped.summary.totalSteps);
    assert.deepEqual(resumed.step.slice(0, stopped.step.length), stopped.step, 'the records before Stop, then the ones after');
    await page().locator('.training-panel[data-status="finished"]').waitFor({ timeout: 240_000 });
    assert.ok((await step()) > stoppedAt);
    assert.ok((await page().locator('[data-summary="label"]').innerText()).length > 0, 'a label once finished');
    await s.wb.screenshot('training-3-finished');
  });

  it('an edit of the file stops the run in progress and trains the new text; the verdict is on top', async function () {
    this.timeout(240_000);
    await s.wb.openFile(SHORT);
    await s.wb.runCommand(PANEL_TITLE_COMMAND);
    await page().locator('.training-panel[data-status="finished"]').waitFor({ timeout: 120_000 });
    assert.equal(await page().locator('[data-summary="label"]').innerText(), 'alignment');
    const box = await page().locator('.verdict').boundingBox();
    const viewport = s.wb.page.viewportSize();
    assert.ok(box && viewport && box.y + box.height < viewport.height, `the verdict is on screen: ${JSON.stringify(box)}`);
    // Fewer steps: the new run ends at the new budget.
    const text = readFileSync(join(s.workspace, SHORT), 'utf8').replace('"steps": 1500', '"steps": 300');
    await s.wb.pasteText(SHORT, text);
    await s.wb.page.waitForTimeout(200);
    await page().locator('.training-panel[data-status="finished"] .progress[data-step="300"]').waitFor({ timeout: 120_000 });
    await s.wb.screenshot('training-4-after-edit');
  });

  it('a network sweep\'s legend chooses a value, by click or keyboard, for its verdict and reasons; the file\'s own value at first; a chart\'s key too', async function () {
    // A fresh-eyes tester on Fig. 2b's sweep saw each value's label and no reason: nothing said a value
    // could be chosen, and "0.3 alignment" clicked by its text was the chart's key, which is no button.
    this.timeout(300_000);
    await s.wb.openFile(SWEEP);
    await s.wb.runCommand(PANEL_TITLE_COMMAND);
    // The file's own init.scale (1) is one of the sweep's values: its verdict from the first results.
    await page().locator('.verdict .verdict-which:has-text("for init.scale = 1")').waitFor({ timeout: 60_000 });
    await page().locator('.training-panel[data-status="finished"]').waitFor({ timeout: 240_000 });
    assert.equal(await page().locator('.sweep-legend [data-sweep-value="1"]').getAttribute('aria-pressed'), 'true', 'the file\'s value chosen');
    assert.match(await page().locator('.sweep-legend .sweep-hint').innerText(), /the chosen value's verdict is below/);
    await s.wb.screenshot('training-5-sweep-default');
    // Nothing moves under the pointer as a value is chosen: the legend stands above the verdict. Its
    // box in the panel's page (a click on a chart's key below scrolls the page to it).
    const legendBox = () =>
      page()
        .locator('.sweep-legend')
        .evaluate((e) => {
          const r = e.getBoundingClientRect();
          return { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height };
        });
    const before = await legendBox();
    await page().getByRole('button', { name: '0.3 alignment', exact: true }).click();
    await page().locator('.verdict .verdict-which:has-text("for init.scale = 0.3")').waitFor({ timeout: 10_000 });
    assert.deepEqual(await legendBox(), before, 'the legend where it was');
    assert.equal(await page().locator('.verdict .verdict-label').innerText(), 'alignment');
    assert.ok((await page().locator('.verdict .criterion').count()) >= 4, 'every criterion against its threshold');
    assert.match((await page().locator('.verdict .verdict-reason').allInnerTexts()).join(' '), /alignment/);
    await s.wb.screenshot('training-5-sweep-chosen');
    // From the keyboard: the next value's button takes focus and Enter chooses it.
    await page().getByRole('button', { name: '3 rescaling', exact: true }).focus();
    await s.wb.page.keyboard.press('Enter');
    await page().locator('.verdict .verdict-which:has-text("for init.scale = 3")').waitFor({ timeout: 10_000 });
    assert.equal(await page().locator('.verdict .verdict-label').innerText(), 'rescaling');
    assert.match((await page().locator('.verdict .verdict-reason').allInnerTexts()).join(' '), /rescal/);
    // A chart's key chooses too: the first value in the loss chart's key; a second click, none.
    const key = page().locator('[data-chart="loss"] .chart-key .key-choice').first();
    await key.click();
    await page().locator('.verdict .verdict-which:has-text("for init.scale = 0.1")').waitFor({ timeout: 10_000 });
    assert.equal(await page().locator('.sweep-legend [data-sweep-value="0.1"]').getAttribute('aria-pressed'), 'true');
    await s.wb.screenshot('training-5-sweep-key-chosen');
    const keyBox = await key.boundingBox();
    await key.click();
    await page().locator('.verdict').waitFor({ state: 'hidden', timeout: 10_000 });
    // Within a pixel: the page scrolls by whole pixels to keep it there, the verdict's height is not one.
    const keyNow = await page().locator('[data-chart="loss"] .chart-key .key-choice').first().boundingBox();
    assert.ok(keyBox && keyNow && Math.abs(keyNow.x - keyBox.x) < 1 && Math.abs(keyNow.y - keyBox.y) < 1, `the key's value under the pointer still: ${JSON.stringify(keyNow)}, was ${JSON.stringify(keyBox)}`);
    assert.match(await page().locator('.sweep-legend .sweep-hint').innerText(), /choose a value for its verdict and reasons/);
    assert.deepEqual(await legendBox(), before, 'the legend where it was, none chosen');
    // The keyboard's focus back in the file's editor, out of the panel's page: Quick Open from inside
    // the page left the next file's tab inactive behind the panel.
    await s.wb.focusEditor(SWEEP);
  });

  it('offers Open Phase Diagram in the editor title for the linear model\'s file, not for a network experiment', async function () {
    this.timeout(120_000);
    // The workbench evaluates the menus' `when` clauses (`resourcePath not in featureLearningLab.notLinearExperiments`).
    writeFileSync(join(s.workspace, 'menu-linear.flab.json'), readFileSync(join(repo, 'examples', 'alignment.flab.json'), 'utf8').replace(/"\$schema": "[^"]*",/, ''));
    const action = (title: string) => s.wb.page.locator(`.editor-actions .action-label[aria-label^="${title}"]`);
    await s.wb.openFile(SHORT);
    await action('Open Dynamics Panel').first().waitFor({ timeout: 30_000 });
    await action('Open Phase Diagram').first().waitFor({ state: 'detached', timeout: 30_000 });
    await s.wb.openFile('menu-linear.flab.json');
    await action('Open Phase Diagram').first().waitFor({ timeout: 30_000 });
    await s.wb.editorTab(SHORT).click();
    await action('Open Phase Diagram').first().waitFor({ state: 'detached', timeout: 30_000 });
  });
});
