// Drives the code-server workbench in Debian's Chromium as a user would: palette commands, Ctrl+P,
// clipboard paste, the dynamics panel's nested webview frames. Recipe: docs/architecture.md, "Tests" (and the README's test part).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';

export const CHROMIUM = process.env.FLAB_CHROMIUM || '/usr/bin/chromium';

// The network is closed: without the last three, Chromium floods refused connections.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a fresh profile (Playwright refuses --user-data-dir in args). */
export async function launchBrowser(profileDir: string, viewport = { width: 1400, height: 900 }): Promise<BrowserContext> {
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
}

export const PANEL_TITLE_COMMAND = 'Feature Learning: Open Dynamics Panel';

export class Workbench {
  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly baseUrl: string,
    readonly screenshotDir: string,
  ) {}

  /** Opens `folder` in a new tab of `context` and waits for the workbench; returns ms to ready. */
  static async open(context: BrowserContext, baseUrl: string, folder: string, screenshotDir: string): Promise<{ wb: Workbench; readyMs: number }> {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const page = context.pages()[0] ?? (await context.newPage());
    const wb = new Workbench(context, page, baseUrl, screenshotDir);
    const t0 = Date.now();
    await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
    await wb.waitReady();
    return { wb, readyMs: Date.now() - t0 };
  }

  async waitReady(timeout = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout });
    await this.page.locator('.statusbar').waitFor({ timeout });
    // The explorer shows the folder once the remote file system answers.
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout });
  }

  /**
   * Opens the palette (F1) with `>query` and waits for a row containing `rowText`. The palette's
   * list is computed when it opens, so while the extension host is still registering
   * contributions it is closed and opened again until the row shows up; so it is when the palette
   * closes again before it can be typed into (focus taken by a webview that has just drawn: the
   * input was there, then hidden, and a fill waited 30 s for it once in CI).
   */
  private async paletteWithRow(query: string, rowText: string, timeout: number, exact = false): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget input.input');
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    const row = (exact ? rows.filter({ has: this.page.locator('.label-name').getByText(rowText, { exact: true }) }) : rows.filter({ hasText: rowText })).first();
    const deadline = Date.now() + timeout;
    for (;;) {
      try {
        await this.page.keyboard.press('F1');
        await input.waitFor({ timeout: Math.min(timeout, 10_000) });
        await input.fill(`>${query}`, { timeout: 5000 });
        await row.waitFor({ timeout: 3000 });
        return row;
      } catch (e) {
        // Leave no palette open over the workbench for whatever comes next.
        await this.page.keyboard.press('Escape');
        await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
        if (Date.now() > deadline) throw e;
      }
    }
  }

  /**
   * Runs a command by its palette title (F1, `>title`, Enter on the row with that label). With
   * `opensPicker`, the command shows a quick pick of its own: the palette's widget stays open.
   */
  async runCommand(title: string, timeout = 30_000, opensPicker = false): Promise<void> {
    // Click the row with exactly this label: Enter would take the first row, which may be
    // another command that also matches (e.g. "Preferences: Browse Color Themes…").
    const row = await this.paletteWithRow(title, title, timeout, true);
    await row.click();
    if (opensPicker) {
      // The palette's own text gives way to the command's picker.
      await this.page.waitForFunction(() => !(document.querySelector<HTMLInputElement>('.quick-input-widget input.input')?.value ?? '').startsWith('>'), undefined, { timeout });
      return;
    }
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout });
  }

  /** Labels of the palette's rows for `query` once one shows `expected`, then closes the palette. */
  async paletteLabels(query: string, expected = query, timeout = 60_000): Promise<string[]> {
    await this.paletteWithRow(query, expected, timeout);
    const labels = await this.page.locator('.quick-input-list .monaco-list-row .label-name').allTextContents();
    await this.page.keyboard.press('Escape');
    return labels.map((l) => l.replace(/\s+/g, ' ').trim());
  }

  /**
   * Reloads the window as VS Code does ("Developer: Reload Window"): the workbench shuts down,
   * flushing its state (open editors, webview panels and their state), then the page reloads.
   * A bare page.reload() races that flush (IndexedDB in the browser): in our trials the panel
   * was sometimes not restored, through no fault of the extension.
   */
  async reloadWindow(timeout = 90_000): Promise<void> {
    const navigated = this.page.waitForEvent('framenavigated', { predicate: (f) => f === this.page.mainFrame(), timeout });
    await this.runCommand('Developer: Reload Window');
    await navigated;
    await this.waitReady(timeout);
  }

  /** Opens a file by name with Ctrl+P, as a user would, and waits for its editor tab. */
  async openFile(name: string, timeout = 30_000): Promise<void> {
    const input = this.page.locator('.quick-input-widget input.input');
    await this.page.keyboard.press('Control+P');
    await input.waitFor({ timeout });
    await input.fill(name);
    // The row Enter opens is the focused one: wait until the filter has made it this file's (the
    // recently opened rows, another file first among them, show before the filter applies).
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor({ timeout });
    await this.page.keyboard.press('Enter');
    await this.editorTab(name).waitFor({ timeout });
    await this.editor(name).waitFor({ timeout });
  }

  editorTab(name: string): Locator {
    return this.page.locator('.tabs-container .tab', { hasText: name }).first();
  }

  /** The text editor showing a file whose URI ends with `name`. */
  editor(name: string): Locator {
    return this.page.locator(`.monaco-editor[data-uri$="${encodeURI(name)}"]`).first();
  }

  /** Focuses the editor of `name`: its tab when it is hidden, then a click into its text area. */
  async focusEditor(name: string): Promise<void> {
    const editor = this.editor(name);
    if (!(await editor.isVisible())) await this.editorTab(name).click();
    await editor.waitFor();
    // Left, half-way down: below the tab's hover (which would take the click) and inside the
    // text area whatever its scroll; a click there only moves the cursor.
    const box = await editor.boundingBox();
    if (!box) throw new Error(`the editor of ${name} has no box`);
    await this.page.mouse.click(box.x + 80, box.y + box.height / 2);
  }

  /** Replaces the whole text of `name`'s editor by clipboard paste; returns Date.now() just before the paste. */
  async pasteText(name: string, text: string): Promise<number> {
    await this.page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await this.focusEditor(name);
    await this.page.keyboard.press('Control+A');
    const t0 = Date.now();
    await this.page.keyboard.press('Control+V');
    return t0;
  }

  /** The editor's visible text (small files fit on screen), lines in order, non-breaking spaces undone. */
  async editorText(name: string): Promise<string> {
    return this.editor(name)
      .locator('.view-lines')
      .evaluate((el) => {
        const lines = Array.from(el.querySelectorAll<HTMLElement>('.view-line'));
        lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
        return lines.map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n');
      });
  }

  async save(name: string): Promise<void> {
    await this.focusEditor(name);
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.dirty', { hasText: name }).waitFor({ state: 'detached', timeout: 30_000 });
  }

  /** The dynamics panel's webview document (two nested frames). */
  panel(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  /** Waits until the panel shows all four charts, each with a uPlot canvas. */
  async waitForCharts(timeout = 60_000): Promise<void> {
    for (const chart of ['zeta', 'loss', 'norms', 'ntk']) {
      await this.panel().locator(`[data-chart="${chart}"] canvas`).first().waitFor({ timeout });
    }
  }

  summary(key: string): Locator {
    return this.panel().locator(`[data-summary="${key}"]`);
  }

  async readSummary(key: string, timeout = 30_000): Promise<string> {
    const loc = this.summary(key);
    await loc.waitFor({ timeout });
    return ((await loc.textContent()) ?? '').trim();
  }

  /** Waits until summary `key` reads something other than `old`; returns the new text. */
  async waitForSummaryChange(key: string, old: string, timeout = 30_000): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const now = await this.readSummary(key, Math.max(1, deadline - Date.now()));
      if (now !== old) return now;
      if (Date.now() > deadline) throw new Error(`summary ${key} still reads ${JSON.stringify(old)} after ${timeout} ms`);
      await this.page.waitForTimeout(50);
    }
  }

  /**
   * Arms a MutationObserver inside the webview that records Date.now() when any of the summaries
   * `keys` first reads something other than its current text; `collect()` waits for it. The time
   * is taken in the page, so polling from here adds no latency to the measurement.
   */
  async watchSummary(keys: string | string[]): Promise<{ before: string; collect: (timeout?: number) => Promise<{ at: number; text: string }> }> {
    const list = Array.isArray(keys) ? keys : [keys];
    return this.watchText(list.map((k) => `[data-summary="${k}"]`));
  }

  /** Like watchSummary, for any elements of the webview given by CSS selectors (e.g. its title, for a change that needs no solving). */
  async watchText(selectors: string[]): Promise<{ before: string; collect: (timeout?: number) => Promise<{ at: number; text: string }> }> {
    const list = selectors;
    await this.panel().locator(list[0]).first().waitFor();
    const before = await this.panel()
      .locator('body')
      .evaluate((body, ks) => {
        const w = window as unknown as { __flabWatch?: { at: number; text: string } | null };
        w.__flabWatch = null;
        const read = () => ks.map((k) => (document.querySelector(k)?.textContent ?? '').trim()).join(' | ');
        const start = read();
        const obs = new MutationObserver(() => {
          const text = read();
          if (text !== start && !w.__flabWatch) {
            w.__flabWatch = { at: Date.now(), text };
            obs.disconnect();
          }
        });
        obs.observe(body, { subtree: true, childList: true, characterData: true });
        return start;
      }, list);
    const collect = async (timeout = 30_000): Promise<{ at: number; text: string }> => {
      const deadline = Date.now() + timeout;
      for (;;) {
        const got = await this.panel()
          .locator('body')
          .evaluate(() => (window as unknown as { __flabWatch?: { at: number; text: string } | null }).__flabWatch ?? null);
        if (got) return got;
        if (Date.now() > deadline) throw new Error(`${list.join(', ')} did not change from ${JSON.stringify(before)} within ${timeout} ms`);
        await this.page.waitForTimeout(20);
      }
    };
    return { before, collect };
  }

  /** Error and warning counts from the status bar's problems item. */
  async problemCounts(): Promise<{ errors: number; warnings: number }> {
    const item = this.page.locator('[id="status.problems"]');
    await item.waitFor();
    const label = (await item.locator('a, .statusbar-item-label').first().getAttribute('aria-label')) ?? (await item.textContent()) ?? '';
    const errors = /(\d+)\s+Error/i.exec(label);
    const warnings = /(\d+)\s+Warning/i.exec(label);
    if (errors || warnings) return { errors: errors ? Number(errors[1]) : 0, warnings: warnings ? Number(warnings[1]) : 0 };
    if (/no problems/i.test(label)) return { errors: 0, warnings: 0 };
    // Fallback: the item's text is "<errors> <warnings>" next to their icons.
    const nums = ((await item.textContent()) ?? '').match(/\d+/g) ?? [];
    return { errors: Number(nums[0] ?? 0), warnings: Number(nums[1] ?? 0) };
  }

  /** Waits until the status bar's error count is `errors` (or satisfies it, when a predicate). */
  async waitForProblemCount(errors: number | ((n: number) => boolean), timeout = 30_000): Promise<number> {
    const ok = typeof errors === 'number' ? (n: number) => n === errors : errors;
    const deadline = Date.now() + timeout;
    for (;;) {
      const c = await this.problemCounts();
      if (ok(c.errors)) return c.errors;
      if (Date.now() > deadline) throw new Error(`status bar shows ${c.errors} errors, expected ${String(errors)}`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Opens the Problems panel (Ctrl+Shift+M) unless it is showing, and returns the text of its rows. */
  async problemsPanelRows(timeout = 30_000): Promise<string[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ timeout });
    const rows = panel.locator('.monaco-list-row');
    await rows.first().waitFor({ timeout });
    return (await rows.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** Waits until a row of the Problems panel satisfies `predicate`; returns all rows then. */
  async waitForProblemRow(what: string, predicate: (row: string) => boolean, timeout = 30_000): Promise<string[]> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const rows = await this.problemsPanelRows(Math.max(1000, deadline - Date.now()));
      if (rows.some(predicate)) return rows;
      if (Date.now() > deadline) throw new Error(`no Problems row ${what}; rows: ${JSON.stringify(rows)}`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Closes the panel area (Problems) when it is open. */
  async closeProblems(): Promise<void> {
    if (await this.page.locator('.markers-panel').isVisible()) await this.runCommand('View: Toggle Panel Visibility');
    await this.page.locator('.markers-panel').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(this.screenshotDir, { recursive: true });
    const path = join(this.screenshotDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
