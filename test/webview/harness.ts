/**
 * The webview bundle in real Chromium, under the panel's real CSP: a tiny HTTP server serves
 * dist/ and a page shaped like the host's HTML, with a stub of `acquireVsCodeApi` that records what
 * the webview posts. Messages are posted the way VS Code delivers them (window `message` events).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, afterEach, before } from 'node:test';
import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join, normalize, extname } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { lineAndColumn } from '../../src/core/experiment/diagnostic';
import { webviewHtml } from '../../src/extension/panels/webviewHtml';
import type { DynamicsView, ToDynamics as ToWebview } from '../../src/protocol/dynamics';
import { runExperiment } from '../../src/workers/dynamicsRun';

export const ROOT = process.cwd();
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
const TMP = join(ROOT, '.tmp', 'webview');
const NONCE = 'dGVzdC1ub25jZS13ZWJ2aWV3';

/** Two themes with deliberately distinct chart colours, so a recolour is visible in the pixels. */
export const THEMES = {
  dark: {
    kind: 'vscode-dark',
    vars: {
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editor-background': '#1e1e1e',
      '--vscode-font-family': 'DejaVu Sans, sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-focusBorder': '#007fd4',
      '--vscode-input-background': '#3c3c3c',
      '--vscode-input-foreground': '#cccccc',
      '--vscode-button-background': '#0e639c',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-textLink-foreground': '#3794ff',
      '--vscode-errorForeground': '#f48771',
      '--vscode-inputValidation-errorBorder': '#be1100',
      '--vscode-inputValidation-errorBackground': '#5a1d1d',
    },
  },
  light: {
    kind: 'vscode-light',
    vars: {
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-blue': '#c000c0',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-purple': '#652d90',
      '--vscode-foreground': '#333333',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-editor-background': '#ffffff',
      '--vscode-font-family': 'DejaVu Sans, sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-focusBorder': '#0090f1',
      '--vscode-input-background': '#ffffff',
      '--vscode-input-foreground': '#616161',
      '--vscode-button-background': '#007acc',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-textLink-foreground': '#006ab1',
      '--vscode-errorForeground': '#a1260d',
      '--vscode-inputValidation-errorBorder': '#be1100',
      '--vscode-inputValidation-errorBackground': '#f2dede',
    },
  },
} as const;
export type ThemeName = keyof typeof THEMES;

/** Runs before the bundle (as the real host's script would): the API stub, CSP listener, theme. */
const STUB = `(() => {
  const themes = ${JSON.stringify(THEMES)};
  window.__posted = [];
  window.__violations = [];
  window.__setStateCalls = 0;
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber);
  });
  const params = new URLSearchParams(location.search);
  let state = params.has('state') ? JSON.parse(params.get('state')) : undefined;
  let acquired = false;
  window.__getState = () => state;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi must be called only once');
    acquired = true;
    return {
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => state,
      setState: (s) => { window.__setStateCalls++; state = JSON.parse(JSON.stringify(s)); },
    };
  };
  // send()'s barrier: a message only the harness sees (this listener comes before the page's and stops
  // it there), posted right after the host's message. Posted messages arrive in order, so when the
  // barrier arrives the page has run its handler of the host's message.
  window.__barriers = new Map();
  window.addEventListener('message', (e) => {
    const id = e.data && e.data.__flabTestBarrier;
    if (id === undefined) return;
    e.stopImmediatePropagation();
    const done = window.__barriers.get(id);
    window.__barriers.delete(id);
    if (done) done();
  });
  // As VS Code does: variables on <html> through CSSOM, theme classes on <body>.
  window.__setTheme = (name) => {
    const t = themes[name];
    for (const [k, v] of Object.entries(t.vars)) document.documentElement.style.setProperty(k, v);
    document.body.classList.remove('vscode-dark', 'vscode-light');
    document.body.classList.add(t.kind);
    document.body.dataset.vscodeThemeKind = t.kind;
  };
  window.__setTheme(params.get('theme') || 'dark');
})();`;

/** The host's own HTML (src/extension/webviewHtml.ts), plus the API stub before the bundle (`webview` or `phase`). */
function pageHtml(origin: string, name = 'dynamics', page?: string): string {
  const html = webviewHtml({ cspSource: origin, scriptUri: `${origin}/dist/${name}.js`, styleUri: `${origin}/dist/${name}.css`, nonce: NONCE, title: 'Feature Learning Lab', ...(page ? { page } : {}) });
  const bundle = `<script nonce="${NONCE}" src="${origin}/dist/${name}.js">`;
  if (!html.includes(bundle)) throw new Error(`the host HTML no longer loads dist/${name}.js as expected`);
  return html.replace(bundle, `<script nonce="${NONCE}" src="${origin}/stub.js"></script>\n${bundle}`);
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.html': 'text/html' };

export interface Harness {
  origin: string;
  context: BrowserContext;
  /** Opens the panel page; resolves once the webview has posted `ready`. */
  /** `pageId`: the page's id in its HTML, as the host writes it (src/extension/panels/pageHandshake.ts). */
  open(options?: { theme?: ThemeName; state?: unknown; width?: number; height?: number; page?: 'panel' | 'phase' | 'training'; pageId?: string }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * The ports the server tries, first to last: 18300–18399, or FLAB_TEST_PORTS ("18710-18729") when
 * runs on one machine each keep to their own. A malformed FLAB_TEST_PORTS is refused, not ignored.
 */
export function testPorts(spec = process.env.FLAB_TEST_PORTS): [number, number] {
  if (spec === undefined || spec === '') return [18300, 18399];
  const m = /^(\d+)-(\d+)$/.exec(spec.trim());
  const [first, last] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(first >= 1024 && last >= first && last <= 65535)) throw new Error(`FLAB_TEST_PORTS must be a range of ports such as 18710-18729 (from 1024 to 65535), not "${spec}"`);
  return [first, last];
}

async function listen(server: Server): Promise<number> {
  const [first, last] = testPorts();
  for (let port = first; port <= last; port++) {
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return port;
  }
  throw new Error(`no free port in ${first}–${last}`);
}

/** Starts the server and Chromium (fresh profile). Requires `npm run build` first. */
export async function startHarness(): Promise<Harness> {
  if (!existsSync(join(ROOT, 'dist', 'dynamics.js')) || !existsSync(join(ROOT, 'dist', 'dynamics.css'))) {
    throw new Error('dist/dynamics.js or dist/dynamics.css is missing: run `npm run build` before `npm run test:webview`');
  }
  mkdirSync(TMP, { recursive: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  let origin = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const pages: Record<string, string> = { '/': 'dynamics', '/panel.html': 'dynamics', '/phase.html': 'phase', '/training.html': 'training' };
    if (pages[url.pathname]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(pageHtml(origin, pages[url.pathname], url.searchParams.get('pageId') ?? undefined));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname === '/stub.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(STUB);
      return;
    }
    const file = normalize(join(ROOT, decodeURIComponent(url.pathname)));
    if (!file.startsWith(join(ROOT, 'dist')) || !existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  const port = await listen(server);
  origin = `http://127.0.0.1:${port}`;
  const profile = mkdtempSync(join(TMP, 'profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    timeout: 60_000,
  });
  return {
    origin,
    context,
    async open(options = {}) {
      const page = await context.newPage();
      await page.setViewportSize({ width: options.width ?? 1280, height: options.height ?? 900 });
      const problems: string[] = [];
      page.on('console', (m) => {
        // The tests' own pixel reads (getImageData) make Chromium suggest willReadFrequently.
        if ((m.type() === 'error' || m.type() === 'warning') && !m.text().includes('willReadFrequently')) problems.push(`console.${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      (page as Page & { problems?: string[] }).problems = problems;
      const params = new URLSearchParams({ theme: options.theme ?? 'dark' });
      if (options.state !== undefined) params.set('state', JSON.stringify(options.state));
      if (options.pageId !== undefined) params.set('pageId', options.pageId);
      await page.goto(`${origin}/${options.page ?? 'panel'}.html?${params}`);
      await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'), null, { timeout: 30_000 });
      return page;
    },
    async close() {
      await context.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Console errors/warnings, page errors and CSP violations seen by a page so far. */
/** Waits until the dynamics page has drawn its four charts (uPlot commits in a microtask and draws on the next frame). */
export async function waitForCharts(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('[data-chart] canvas').length === 4, null, { timeout: 20_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * Drags across chart `chart` (its data-chart name) from `from` to `to`, fractions of its plot's width,
 * at mid-height, as a user selects a range to zoom: through the middle, in small moves.
 */
export async function dragAcross(page: Page, chart: string, from: number, to: number): Promise<void> {
  const box = await page.locator(`[data-chart="${chart}"] .u-over`).boundingBox();
  if (!box) throw new Error(`dragAcross: chart ${chart} has no plot on screen`);
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((from + to) / 2), y, { steps: 5 });
  await page.mouse.move(box.x + box.width * to, y, { steps: 5 });
  await page.mouse.up();
}

/**
 * The definition of the first element matching `selector`: the text of what its aria-describedby
 * names (webview/shared/definitionTip.ts), '' without one.
 */
export async function definitionOf(page: Page, selector: string): Promise<string> {
  return page.locator(selector).first().evaluate((e) =>
    (e.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => (id ? (document.getElementById(id)?.textContent ?? '') : ''))
      .filter((t) => t)
      .join(' '),
  );
}

/**
 * Elements with a `title` attribute — a hint shown on hover only, never on keyboard focus — each as
 * its tag, data attributes and title; the panels should have none (docs/panel.md, "Definitions").
 */
export async function hoverOnlyHints(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[title]')].map((e) => `<${e.tagName.toLowerCase()}${Object.entries(e.dataset).map(([k, v]) => ` data-${k}="${v}"`).join('')}> ${e.getAttribute('title')}`),
  );
}

/** The text of an example file of the repository. */
export const example = (name: string): string => readFileSync(join(ROOT, 'examples', name), 'utf8');

/**
 * The set-up every test file of panels shares: one harness for the file (started before its first test,
 * closed after its last), and each page it opens checked when its test ends — no console errors, page
 * errors or CSP violations — then closed. Returns how to open a page (`page`: the panel kind, for all of them).
 */
export function panelPages(defaults: Parameters<Harness['open']>[0] = {}): { open(options?: Parameters<Harness['open']>[0]): Promise<Page>; harness(): Harness } {
  let harness: Harness | undefined;
  const pages: Page[] = [];
  before(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) {
      const problems = await problemsOf(page);
      await page.close();
      assert.deepEqual(problems, [], 'no console errors, page errors or CSP violations');
    }
  });
  after(async () => {
    await harness?.close();
  });
  return {
    async open(options = {}) {
      const page = await harness!.open({ ...options, ...defaults });
      pages.push(page);
      return page;
    },
    harness: () => harness!,
  };
}

export async function problemsOf(page: Page): Promise<string[]> {
  const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  return [...((page as Page & { problems?: string[] }).problems ?? []), ...violations.map((v) => `CSP violation: ${v}`)];
}

/**
 * Posts a host message to the webview, as VS Code delivers it, and returns once the page has handled
 * it (a barrier message posted after it has arrived) and drawn two frames since: a test reads what the
 * message made without polling for each kind of change (what the page does later, asynchronously, still
 * needs a wait for its condition).
 */
export async function send(page: Page, message: ToWebview): Promise<void> {
  await page.evaluate(
    (m) =>
      new Promise<void>((resolve) => {
        const w = window as unknown as { __barriers: Map<number, () => void>; __barrierCount?: number };
        const id = (w.__barrierCount = (w.__barrierCount ?? 0) + 1);
        w.__barriers.set(id, () => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
        window.postMessage(m, '*');
        window.postMessage({ __flabTestBarrier: id }, '*');
      }),
    message,
  );
}

export async function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
}

/** An experiment file's text, as a user would write it. */
export interface ExperimentOverrides {
  name?: string;
  width?: number;
  outputScale?: number;
  scaleU?: number;
  scaleW?: number;
  y?: number;
  activation?: string;
  simulate?: boolean;
  /** Both learning rates. */
  rate?: number;
  time?: { end: number; points: number };
  sweep?: Record<string, unknown>;
}

export function experimentText(overrides: ExperimentOverrides = {}): string {
  return JSON.stringify({
    name: overrides.name ?? 'Alignment from a small initialisation',
    model: { width: overrides.width ?? 200, outputScale: overrides.outputScale ?? 1, activation: overrides.activation ?? 'linear' },
    data: { x: [1], y: overrides.y ?? 1 },
    init: { scaleU: overrides.scaleU ?? 0.02, scaleW: overrides.scaleW ?? 0.02, seed: 7 },
    learningRates: { u: overrides.rate ?? 0.05, W: overrides.rate ?? 0.05 },
    ...(overrides.time ? { time: overrides.time } : {}),
    compare: { simulate: overrides.simulate ?? false },
    ...(overrides.sweep ? { sweep: overrides.sweep } : {}),
  }, null, 2);
}

/** A run of gradient descent with a catapult (K₀ ≈ 2.5 per step): the loss rises over steps 1–10, then falls. */
export const CATAPULT: ExperimentOverrides = { name: 'Catapult', scaleU: 0.3, scaleW: 0.3, rate: 0.07351, time: { end: 300, points: 301 } };
/** The same network at rates past the stable limit: gradient descent blows up within ten steps. */
export const DIVERGENT: ExperimentOverrides = { ...CATAPULT, name: 'Divergent', rate: 0.1764 };

/** Most points per series the host sends (the `maxPoints` setting's order of magnitude). */
const MAX_POINTS = 2000;

/** The `update` message the host posts for an experiment text, made by the host's own runExperiment. */
export function updateFor(version: number, overrides: ExperimentOverrides = {}, options: { view?: DynamicsView } = {}): Extract<ToWebview, { type: 'update' }> {
  return updateForText(version, experimentText(overrides), options);
}

/** The `update` message the host posts for any experiment text (an example file, say). */
export function updateForText(version: number, text: string, options: { view?: DynamicsView } = {}): Extract<ToWebview, { type: 'update' }> {
  const outcome = runExperiment(text, { maxPoints: MAX_POINTS, fileName: 'test.flab.json', ...(options.view ? { view: options.view } : {}) });
  if (outcome.kind !== 'result') throw new Error(`fixture experiment did not run: ${JSON.stringify(outcome).slice(0, 500)}`);
  const { kind: _kind, ...result } = outcome;
  return { type: 'update', version, ...result };
}

/** The `invalid` message the host posts for a broken experiment text. */
export function invalidFor(version: number, text: string): Extract<ToWebview, { type: 'invalid' }> {
  const outcome = runExperiment(text, { maxPoints: MAX_POINTS, fileName: 'test.flab.json' });
  if (outcome.kind !== 'invalid') throw new Error('fixture text is unexpectedly valid');
  const errors = outcome.diagnostics.map((d) => {
    const p = lineAndColumn(text, d.offset);
    return { message: d.message, line: p.line + 1, column: p.column + 1 };
  });
  return { type: 'invalid', version, errors, controls: outcome.controls };
}
