/**
 * The dynamics panel. Everything it shows comes from the host's messages (src/protocol.ts); the
 * only state of its own is the view preferences (time axis, ratio toggle), kept with setState.
 */
import './main.css';
import type { ErrorInfo, ToWebview } from '../src/protocol';
import { CHART_KEYS, Charts, type ChartKey } from './charts';
import { Controls } from './controls';
import { SummaryView } from './summary';
import { readPalette, watchTheme, type Palette } from './theme';
import { createButton, createToggle } from './toolkit';
import { loadPrefs, post, saveDocument, savePrefs, type ViewPrefs } from './vscodeApi';

type Update = Extract<ToWebview, { type: 'update' }>;

const CHART_LABELS: Record<ChartKey, string> = {
  zeta: 'Alignment ζ over time',
  loss: 'Loss over time, log scale',
  norms: 'Weight norms over time',
  ntk: 'Tangent kernel and distance from initialisation over time',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

class Panel {
  private readonly root: HTMLElement;
  private readonly title = el('h1', 'title', 'Feature Learning Lab');
  private readonly status = el('span', 'status');
  private readonly bannerSlot = el('div', 'banner-slot');
  private readonly waiting = el('p', 'waiting', 'Waiting for a valid experiment… The panel draws as soon as the file parses and validates.');
  private readonly chartsSection = el('section', 'charts');
  private readonly controls = new Controls();
  private readonly summary = new SummaryView();
  private readonly charts: Charts;
  private readonly compare = createToggle('Compare with gradient descent', 'compare', (on) => post({ type: 'setCompare', simulate: on }));
  private readonly logTime = createToggle('Log time axis', 'log-time', (on) => this.setPrefs({ logTime: on }));
  private readonly ratio = createToggle('Norms relative to initial', 'ratio', (on) => this.setPrefs({ ratioToInitial: on }));
  private prefs: ViewPrefs = loadPrefs();
  private palette: Palette = readPalette();
  private last: Update | null = null;
  private busyVersion: number | null = null;
  /** Version of the last update/invalid shown; older ones arriving late are stale. */
  private shownVersion = -Infinity;

  constructor(root: HTMLElement) {
    this.root = root;
    root.classList.add('panel', 'is-waiting');
    const header = el('header', 'panel-header');
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    header.append(this.title, this.status);

    const toolbar = el('div', 'toolbar');
    toolbar.setAttribute('role', 'group');
    toolbar.setAttribute('aria-label', 'View');
    this.compare.disabled = true;
    this.logTime.checked = this.prefs.logTime;
    this.ratio.checked = this.prefs.ratioToInitial;
    toolbar.append(this.compare.element, this.logTime.element, this.ratio.element, createButton('Reset zoom', 'reset-zoom', () => this.charts.resetZoom()));

    const containers = {} as Record<ChartKey, HTMLElement>;
    for (const key of CHART_KEYS) {
      const c = el('div', 'chart');
      c.dataset.chart = key;
      c.setAttribute('role', 'group');
      c.setAttribute('aria-label', CHART_LABELS[key]);
      containers[key] = c;
      this.chartsSection.append(c);
    }
    this.chartsSection.setAttribute('aria-label', 'Charts (drag to zoom the time axis, double-click to reset)');
    this.charts = new Charts(containers);

    const side = el('div', 'side');
    side.append(toolbar, this.controls.element, this.summary.element);
    const main = el('div', 'layout');
    main.append(side, this.chartsSection);
    root.append(header, this.bannerSlot, this.waiting, main);

    watchTheme(() => {
      this.palette = readPalette();
      if (this.last) this.draw(true);
    });
  }

  private setPrefs(change: Partial<ViewPrefs>): void {
    this.prefs = { ...this.prefs, ...change };
    savePrefs(this.prefs);
    if (this.last) this.draw(true);
  }

  private draw(rebuild: boolean): void {
    if (!this.last) return;
    this.charts.render({ trajectory: this.last.trajectory, simulation: this.last.simulation, prefs: this.prefs, palette: this.palette }, rebuild);
  }

  handle(message: ToWebview): void {
    if (message.type === 'update' || message.type === 'invalid') {
      if (message.version < this.shownVersion) return;
      this.shownVersion = message.version;
    }
    switch (message.type) {
      case 'document':
        saveDocument(message.documentUri);
        if (!this.last) this.title.textContent = message.fileName;
        break;
      case 'update':
        this.last = message;
        this.title.textContent = message.title;
        this.setBanner(null);
        this.root.classList.remove('is-waiting', 'is-closed');
        this.controls.update(message.controls);
        this.compare.disabled = false;
        this.compare.checked = message.compareSimulate;
        this.summary.show(message.trajectory, message.simulation, message.deviation);
        this.draw(false);
        if (this.busyVersion !== null && message.version >= this.busyVersion) this.setStatus('');
        break;
      case 'invalid':
        this.setBanner(message.errors);
        this.controls.update(message.controls);
        if (this.busyVersion !== null && message.version >= this.busyVersion) this.setStatus('');
        break;
      case 'busy':
        this.busyVersion = message.version;
        this.setStatus('Computing…');
        break;
      case 'closed':
        this.root.classList.add('is-closed');
        this.setStatus(message.reason);
        this.controls.disableAll();
        this.compare.disabled = true;
        break;
      case 'exportChart':
        post({ type: 'chartImage', requestId: message.requestId, dataUrl: this.charts.toPng(this.palette) });
        break;
    }
  }

  private setStatus(text: string): void {
    if (!text) this.busyVersion = null;
    this.status.textContent = text;
  }

  /** The error banner exists only while the document is invalid; the last good result stays, greyed. */
  private setBanner(errors: ErrorInfo[] | null): void {
    this.root.classList.toggle('is-invalid', errors !== null);
    if (errors === null) {
      this.bannerSlot.replaceChildren();
      return;
    }
    const banner = el('div', 'banner');
    banner.dataset.summary = 'error';
    banner.setAttribute('role', 'alert');
    const heading = el('p', 'banner-heading', this.last ? 'The experiment is invalid — showing the last valid result.' : 'The experiment is invalid.');
    const list = el('ul', 'banner-errors');
    for (const error of errors) {
      const item = el('li');
      const link = el('button', 'error-link');
      link.type = 'button';
      link.dataset.line = String(error.line);
      link.dataset.column = String(error.column);
      link.title = 'Show in the editor';
      const where = el('span', 'error-where', `Line ${error.line}, column ${error.column}: `);
      link.append(where, document.createTextNode(error.message));
      link.addEventListener('click', () => post({ type: 'reveal', line: error.line, column: error.column }));
      item.append(link);
      list.append(item);
    }
    banner.append(heading, list);
    this.bannerSlot.replaceChildren(banner);
  }
}

const rootElement = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
const panel = new Panel(rootElement);
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data;
  if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') panel.handle(data as ToWebview);
});
// Only now is the panel listening: the host posts nothing before this.
post({ type: 'ready' });
