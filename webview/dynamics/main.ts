/**
 * The dynamics panel. Everything it shows comes from the host's messages (src/protocol/dynamics.ts);
 * the only state of its own is the view preferences (time axis, ratio toggle), kept with the webview.
 */
import '../shared/common.css';
import './dynamics.css';
import type { Trajectory } from '../../src/core/trajectory/trajectory';
import type { ErrorInfo } from '../../src/protocol/common';
import type { FromDynamics, SweepView, ToDynamics, Update } from '../../src/protocol/dynamics';
import { Charts } from '../charts/chartEngine';
import { boolPref, createHost } from '../host';
import { renderBanner } from '../shared/banner';
import { el } from '../shared/dom';
import { formatNumber } from '../shared/numberFormat';
import { rampColours, readPalette, watchTheme, type Palette } from '../shared/theme';
import { createButton, createChoice, createToggle } from '../shared/toolkit';
import { BLOW_UP_FACTOR, chartModel, DYNAMICS_CHARTS, type DynamicsMode } from './chartSpecs';
import { Controls } from './controls';
import { SummaryView } from './summary';

/** View preferences: the only state kept in the webview (everything else comes from the document). */
interface ViewPrefs {
  logTime: boolean;
  ratioToInitial: boolean;
  /** Draw gradient descent instead of the flow when the file does not ask for both. */
  descent: boolean;
  /** The user has set the time axis; until then a sweep whose horizons span decades is drawn on a log axis. */
  logTimeChosen: boolean;
}

const host = createHost<FromDynamics, ViewPrefs>((s) => ({
  logTime: boolPref(s, 'logTime', false),
  ratioToInitial: boolPref(s, 'ratioToInitial', false),
  descent: boolPref(s, 'descent', false),
  logTimeChosen: boolPref(s, 'logTimeChosen', false),
}));
const post = (m: FromDynamics): void => host.post(m);


class Panel {
  private readonly root: HTMLElement;
  private readonly title = el('h1', 'title', 'Feature Learning Lab');
  private readonly status = el('span', 'status');
  private readonly bannerSlot = el('div', 'banner-slot');
  private readonly waiting = el('p', 'waiting', 'Waiting for a valid experiment… The panel draws as soon as the file parses and validates.');
  private readonly chartsSection = el('section', 'charts');
  private readonly controls = new Controls(post);
  private readonly summary = new SummaryView();
  private readonly charts: Charts;
  private readonly noticeSlot = el('div', 'notice-slot');
  private readonly sweepLegend = el('div', 'sweep-legend');
  /** Flow, descent or both: "both" is the file's `compare.simulate`; flow or descent alone is a view preference. */
  private readonly dynamics = createChoice<DynamicsMode>(
    'Dynamics',
    'dynamics',
    [
      { value: 'flow', label: 'Flow', title: 'Gradient flow (exact for the linear network)' },
      { value: 'descent', label: 'Descent', title: 'Gradient descent at the experiment\'s learning rates (exact O(1) recursion for the linear network)' },
      { value: 'both', label: 'Both', title: 'Descent drawn over the flow (sets "compare": { "simulate": true } in the file)' },
    ],
    'flow',
    (mode) => this.chooseDynamics(mode),
  );
  private readonly logTime = createToggle('Log time axis', 'log-time', (on) => this.setPrefs({ logTime: on, logTimeChosen: true }));
  private readonly ratio = createToggle('Norms relative to initial', 'ratio', (on) => this.setPrefs({ ratioToInitial: on }));
  private prefs: ViewPrefs = host.prefs;
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
    this.dynamics.disabled = true;
    this.logTime.checked = this.prefs.logTime;
    this.ratio.checked = this.prefs.ratioToInitial;
    toolbar.append(this.dynamics.element, this.logTime.element, this.ratio.element, createButton('Reset zoom', 'reset-zoom', () => this.charts.resetZoom()));

    const containers = DYNAMICS_CHARTS.map((spec) => {
      const c = el('div', 'chart');
      c.dataset.chart = spec.key;
      c.setAttribute('role', 'group');
      c.setAttribute('aria-label', spec.label);
      this.chartsSection.append(c);
      return { key: spec.key, element: c };
    });
    this.sweepLegend.hidden = true;
    this.sweepLegend.setAttribute('role', 'list');
    this.sweepLegend.setAttribute('aria-label', 'Sweep values');
    this.chartsSection.prepend(this.sweepLegend);
    this.chartsSection.setAttribute('aria-label', 'Charts (drag to zoom the time axis, double-click to reset)');
    this.charts = new Charts(containers);

    const side = el('div', 'side');
    side.append(toolbar, this.controls.element, this.summary.element);
    const main = el('div', 'layout');
    main.append(side, this.chartsSection);
    root.append(header, this.bannerSlot, this.noticeSlot, this.waiting, main);

    watchTheme(() => {
      this.palette = readPalette();
      if (this.last) this.draw(true);
    });
  }

  private setPrefs(change: Partial<ViewPrefs>): void {
    this.prefs = { ...this.prefs, ...change };
    host.savePrefs(this.prefs);
    if (this.last) this.draw(true);
  }

  /** The user picked flow, descent or both. */
  private chooseDynamics(mode: DynamicsMode): void {
    if (mode === 'both') {
      post({ type: 'setCompare', simulate: true });
      return;
    }
    const descent = mode === 'descent';
    if (descent !== this.prefs.descent) {
      this.setPrefs({ descent });
      post({ type: 'showDescent', descent });
    }
    // Leaving "both" clears the file's compare flag.
    if (this.last?.compareSimulate) post({ type: 'setCompare', simulate: false });
  }

  /** What the charts draw now: the file's compare flag wins, then the view preference. */
  private mode(): DynamicsMode {
    if (!this.last) return this.prefs.descent ? 'descent' : 'flow';
    if (this.last.compareSimulate) return 'both';
    return this.prefs.descent ? 'descent' : 'flow';
  }

  private draw(rebuild: boolean): void {
    if (!this.last) return;
    const sweep = this.last.sweep ?? null;
    // Descent alone: the summary is the descent's (its label, its final values).
    const { trajectory, simulation, deviation } = this.last;
    if (this.mode() === 'descent' && simulation) this.summary.show(simulation, null, null);
    else this.summary.show(trajectory, simulation, deviation);
    // A sweep whose runs end decades apart is unreadable on a linear time axis: log, until the user chooses.
    const prefs = this.prefs.logTimeChosen || !spansDecades(sweep) ? this.prefs : { ...this.prefs, logTime: true };
    this.logTime.checked = prefs.logTime;
    const input = { trajectory: this.last.trajectory, simulation: this.last.simulation, mode: this.mode(), sweep, prefs, palette: this.palette };
    const models = DYNAMICS_CHARTS.map((spec) => ({ key: spec.key, model: chartModel(spec, input) }));
    this.charts.render(models, { logX: prefs.logTime, xLabel: 't', palette: this.palette }, rebuild);
    this.showSweepLegend(sweep);
    this.showDivergence();
  }

  /** One shared legend for a sweep: each value's colour (the charts' ramp), value and label. */
  private showSweepLegend(sweep: SweepView | null): void {
    this.sweepLegend.hidden = !sweep;
    if (!sweep) {
      this.sweepLegend.replaceChildren();
      return;
    }
    const colours = rampColours(this.palette, sweep.runs.length);
    const heading = el('span', 'sweep-heading', `Sweep over ${sweep.key}`);
    heading.title = sweep.path;
    const items = sweep.runs.map((run, i) => {
      const item = el('span', 'sweep-item');
      item.setAttribute('role', 'listitem');
      item.dataset.sweepValue = String(run.value);
      const swatch = el('span', 'sweep-swatch');
      // CSSOM, not a style attribute: allowed under the CSP.
      swatch.style.backgroundColor = colours[i];
      const shown = run.trajectory ?? run.simulation;
      const diverged = (run.simulation ?? (run.trajectory?.summary.solver === 'simulate' ? run.trajectory : null))?.summary.diverged;
      const label = shown?.summary.label;
      const value = el('span', 'sweep-value', String(Number(run.value.toPrecision(4))));
      value.title = formatNumber(run.value);
      const what = el('span', 'sweep-label', diverged ? `diverged at step ${formatNumber(diverged.step)}` : typeof label === 'string' && label ? label : '—');
      what.dataset.sweepLabel = '';
      item.append(swatch, value, what);
      return item;
    });
    this.sweepLegend.replaceChildren(heading, ...items);
  }

  /** A diverged descent is said in a notice; the charts draw it only up to where it blows up. */
  private showDivergence(): void {
    const last = this.last;
    const mode = this.mode();
    const shown: { who: string; tr: Trajectory }[] = [];
    if (last && !last.sweep) {
      if (last.trajectory.summary.solver === 'simulate') shown.push({ who: 'Gradient descent', tr: last.trajectory });
      else if (mode !== 'flow' && last.simulation) shown.push({ who: 'Gradient descent at the experiment\'s rates', tr: last.simulation });
    }
    const diverged = shown.find((s) => s.tr.summary.diverged);
    if (!diverged) {
      this.noticeSlot.replaceChildren();
      return;
    }
    const s = diverged.tr.summary;
    const notice = el('div', 'notice');
    notice.dataset.notice = 'diverged';
    notice.setAttribute('role', 'status');
    const scale = s.maxStableRateScale;
    const parts = [
      `${diverged.who} diverged at step ${formatNumber(s.diverged?.step)}.`,
      `Its curves are drawn only until the loss passes ${formatNumber(BLOW_UP_FACTOR)}× its initial value.`,
    ];
    if (typeof scale === 'number' && Number.isFinite(scale)) parts.push(`It converges for learning rates up to ×${formatNumber(scale)} of these.`);
    notice.textContent = parts.join(' ');
    this.noticeSlot.replaceChildren(notice);
  }

  handle(message: ToDynamics): void {
    if (message.type === 'update' || message.type === 'invalid') {
      if (message.version < this.shownVersion) return;
      this.shownVersion = message.version;
    }
    switch (message.type) {
      case 'document':
        host.saveDocument(message.documentUri);
        if (!this.last) this.title.textContent = message.fileName;
        break;
      case 'update':
        this.last = message;
        this.title.textContent = message.title;
        this.setBanner(null);
        this.root.classList.remove('is-waiting', 'is-closed');
        this.controls.update(message.controls);
        this.showDynamicsChoice();
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
        this.dynamics.disabled = true;
        break;
      case 'exportChart':
        post({ type: 'chartImage', requestId: message.requestId, dataUrl: this.charts.toPng(this.palette) });
        break;
    }
  }

  /** The flow/descent/both control: a nonlinear network has only descent. */
  private showDynamicsChoice(): void {
    const last = this.last;
    if (!last) return;
    const nonlinear = last.trajectory.summary.solver === 'simulate';
    this.dynamics.disabled = false;
    this.dynamics.value = nonlinear ? 'descent' : this.mode();
    this.dynamics.disabled = nonlinear;
    this.dynamics.hint = nonlinear ? 'A nonlinear activation has no exact flow: the panel shows gradient descent.' : '';
  }

  private setStatus(text: string): void {
    if (!text) this.busyVersion = null;
    this.status.textContent = text;
  }

  /** The error banner exists only while the document is invalid; the last good result stays, greyed. */
  private setBanner(errors: ErrorInfo[] | null): void {
    const heading = this.last ? 'The experiment is invalid — showing the last valid result.' : 'The experiment is invalid.';
    renderBanner(this.root, this.bannerSlot, errors, heading, (line, column) => post({ type: 'reveal', line, column }));
  }

}

/** Whether a sweep's runs end more than two decades apart in time. */
function spansDecades(sweep: SweepView | null): boolean {
  if (!sweep) return false;
  const ends = sweep.runs.map((r) => (r.trajectory ?? r.simulation)?.summary.horizon ?? NaN).filter((h) => h > 0);
  return ends.length > 1 && Math.max(...ends) > 100 * Math.min(...ends);
}

const rootElement = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
const panel = new Panel(rootElement);
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data;
  if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') panel.handle(data as ToDynamics);
});
// Only now is the panel listening: the host posts nothing before this.
post({ type: 'ready' });
// The host computes the descent only when shown: tell it this panel's preference.
if (host.prefs.descent) post({ type: 'showDescent', descent: true });
