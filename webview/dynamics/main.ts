/**
 * The dynamics panel (docs/panel.md). Everything it shows comes from the host's messages
 * (src/protocol/dynamics.ts); the only state of its own is the view preferences — the time axis,
 * the norm ratio, flow / descent / both, the open description, the sweep run described — kept with
 * the webview and never written to the document.
 *
 * From the top: the title, the verdict (the label and why), the experiment's description, what
 * gradient descent does at these rates, then the view toolbar, the controls and the summary beside
 * the charts (stacked when narrow).
 */
import '../shared/common.css';
import '../shared/panel.css';
import type { Trajectory } from '../../src/core/trajectory/trajectory';
import type { ErrorInfo } from '../../src/protocol/common';
import type { DynamicsView, ExportChartRequest, FromDynamics, Invalid, SweepRunView, SweepView, ToDynamics, Update } from '../../src/protocol/dynamics';
import { Charts, type ChartModel } from '../charts/chartEngine';
import { boolPref, createHost } from '../host';
import { renderBanner } from '../shared/banner';
import { defineTerm } from '../shared/definitionTip';
import { el } from '../shared/dom';
import { renderSweepLegend } from '../shared/sweepLegend';
import { formatReadout } from '../shared/numberFormat';
import { deadRunNote } from '../../src/core/descent/deadUnits';
import { lightPalette, readPalette, sweepColoursOf, watchTheme, type Palette } from '../shared/theme';
import { createChoice, createToggle } from '../shared/toolkit';
import { ZoomControl } from '../shared/zoomControl';
import { chartModel, DYNAMICS_CHARTS, sweepBaseNote, sweepKeyName, sweepRunLabel, type ChartInput } from './chartSpecs';
import { Controls, staleResultNote } from './controls';
import { DEFINITIONS } from './definitions';
import { figureSpec, labelLine, rasterise } from './figure';
import { descentNotices } from './notices';
import { SummaryView } from './summary';
import { VerdictView } from './verdict';

/** View preferences: the only state kept in the webview (everything else comes from the document). */
interface ViewPrefs {
  logTime: boolean;
  ratioToInitial: boolean;
  /** The user has set the time axis; until then a sweep whose horizons span decades is drawn on a log axis. */
  logTimeChosen: boolean;
  /** Flow, descent or both as chosen in the panel; null follows the file's compare.simulate. */
  view: DynamicsView | null;
  /** The file's compare.simulate when the view was chosen: when the file's changes, the file wins again. */
  viewFileDefault: boolean | null;
  descriptionOpen: boolean;
  /** The sweep value whose run the verdict and the summary describe; null: the file's own values. */
  sweepRun: number | null;
}

const host = createHost<FromDynamics, ViewPrefs>((s) => {
  const view = s.view === 'flow' || s.view === 'descent' || s.view === 'both' ? s.view : boolPref(s, 'descent', false) ? 'descent' : null;
  return {
    logTime: boolPref(s, 'logTime', false),
    ratioToInitial: boolPref(s, 'ratioToInitial', false),
    logTimeChosen: boolPref(s, 'logTimeChosen', false),
    view,
    viewFileDefault: typeof s.viewFileDefault === 'boolean' ? s.viewFileDefault : null,
    descriptionOpen: boolPref(s, 'descriptionOpen', false),
    sweepRun: typeof s.sweepRun === 'number' && Number.isFinite(s.sweepRun) ? s.sweepRun : null,
  };
});
const post = (m: FromDynamics): void => host.post(m);

/** The view a file asks for by default. */
const fileView = (compareSimulate: boolean): DynamicsView => (compareSimulate ? 'both' : 'flow');

/** Which run the verdict, the summary and the notices describe, and in what words. */
interface Subject {
  /** The exact flow of that run (null for a nonlinear network, or a sweep run drawn as descent only). */
  flow: Trajectory | null;
  /** Its gradient descent as drawn (null when none is). */
  descent: Trajectory | null;
  /** The run the verdict explains. */
  main: Trajectory;
  what: string;
  which: string | null;
  thresholds: Update['thresholds'];
}

class Panel {
  private readonly root: HTMLElement;
  private readonly title = el('h1', 'title', 'Feature Learning Lab');
  /** The file's name, and its own `name` from an invalid text: the heading while no result is shown. */
  private fileName: string | null = null;
  private namedTitle: string | null = null;
  private readonly status = el('span', 'status');
  private readonly bannerSlot = el('div', 'banner-slot');
  private readonly verdict = new VerdictView();
  private readonly description = el('details', 'description');
  private readonly descriptionText = el('p', 'description-text');
  private readonly waiting = el('p', 'waiting', 'Waiting for a valid experiment… The panel draws as soon as the file parses and validates.');
  private readonly chartsSection = el('section', 'charts');
  private readonly controls = new Controls(post);
  /** While the file is invalid over a greyed result: which values that result was computed with, against the controls'. */
  private readonly staleNote = el('p', 'stale-note');
  private readonly summary = new SummaryView();
  private readonly charts: Charts;
  private readonly noticeSlot = el('div', 'notice-slot');
  private readonly sweepLegend = el('div', 'sweep-legend');
  private readonly zoom: ZoomControl;
  /** Flow, descent or both: a view preference; the file's compare.simulate is only its default. */
  private readonly dynamics = createChoice<DynamicsView>(
    'Dynamics',
    'dynamics',
    [
      { value: 'flow', label: 'Flow', title: 'Gradient flow (exact for the linear network): the limit of small learning rates' },
      { value: 'descent', label: 'Descent', title: 'Gradient descent at the experiment\'s learning rates, t counting steps (exact O(1) recursion for the linear network)' },
      { value: 'both', label: 'Both', title: 'Gradient descent (markers) drawn over the flow (lines), with their deviation in every quantity. A view preference: the file is not changed (its "compare": { "simulate": true } only sets the default)' },
    ],
    'flow',
    (mode) => this.chooseView(mode),
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

    const summaryLine = el('summary', 'description-summary', 'About this experiment');
    this.description.append(summaryLine, this.descriptionText);
    this.description.open = this.prefs.descriptionOpen;
    this.description.hidden = true;
    this.description.addEventListener('toggle', () => {
      if (this.description.open !== this.prefs.descriptionOpen) this.setPrefs({ descriptionOpen: this.description.open }, false);
    });

    const toolbar = el('div', 'toolbar');
    toolbar.setAttribute('role', 'group');
    toolbar.setAttribute('aria-label', 'View');
    this.dynamics.disabled = true;
    this.logTime.checked = this.prefs.logTime;
    this.ratio.checked = this.prefs.ratioToInitial;
    toolbar.append(this.dynamics.element, this.logTime.element, this.ratio.element);

    const containers = DYNAMICS_CHARTS.map((spec) => {
      const c = el('div', 'chart');
      c.dataset.chart = spec.key;
      c.setAttribute('role', 'group');
      c.setAttribute('aria-label', spec.label);
      this.chartsSection.append(c);
      return { key: spec.key, element: c };
    });
    this.sweepLegend.hidden = true;
    this.sweepLegend.setAttribute('role', 'group');
    this.sweepLegend.setAttribute('aria-label', 'Sweep values: choose the run the verdict and the summary describe');
    this.chartsSection.prepend(this.sweepLegend);
    this.chartsSection.setAttribute('aria-label', 'Charts (drag to zoom the time axis, double-click to reset)');
    this.charts = new Charts(containers);
    this.zoom = new ZoomControl(this.charts, () => (this.last && this.chartView(this.last, false).xLabel === 'step' ? 'steps' : 't'));
    toolbar.append(this.zoom.element);

    this.staleNote.dataset.staleNote = '';
    this.staleNote.setAttribute('role', 'status');
    this.staleNote.setAttribute('aria-live', 'polite');
    this.staleNote.hidden = true;
    const side = el('div', 'side');
    // Below the controls: a focused field's definition, once drawn over the page above the field, hid
    // a note above the first control (the list of differing values) while one was being corrected.
    side.append(toolbar, this.controls.element, this.staleNote, this.summary.element);
    const main = el('div', 'layout');
    main.append(side, this.chartsSection);
    root.append(header, this.bannerSlot, this.verdict.element, this.description, this.noticeSlot, this.waiting, main);

    watchTheme(() => {
      this.palette = readPalette();
      if (this.last) this.draw(true);
    });
  }

  private setPrefs(change: Partial<ViewPrefs>, redraw = true): void {
    this.prefs = { ...this.prefs, ...change };
    host.savePrefs(this.prefs);
    if (redraw && this.last) this.draw(true);
  }

  /** The user picked flow, descent or both: a view preference, told to the host (which computes the descent only when shown); the file is not touched. */
  private chooseView(view: DynamicsView): void {
    const fileDefault = this.last?.compareSimulate ?? null;
    // Choosing what the file asks for anyway is following the file.
    const follows = fileDefault !== null && view === fileView(fileDefault);
    this.setPrefs({ view: follows ? null : view, viewFileDefault: follows ? null : fileDefault }, false);
    post({ type: 'setView', view: follows ? null : view });
  }

  /** What is chosen now: the preference, else the file's default. */
  private chosenView(): DynamicsView {
    if (this.last && this.last.trajectory.summary.solver === 'simulate') return 'descent';
    return this.prefs.view ?? fileView(this.last?.compareSimulate ?? false);
  }

  /** The sweep run the user chose, when it is still one of the sweep's values. */
  private chosenRun(sweep: SweepView | null): SweepRunView | null {
    if (!sweep || this.prefs.sweepRun === null) return null;
    return sweep.runs.find((r) => r.value === this.prefs.sweepRun) ?? null;
  }

  /** Which run the verdict, the summary and the notices describe now. */
  private subject(u: Update): Subject {
    const view = u.view;
    const sweep = u.sweep;
    const run = this.chosenRun(sweep);
    const nonlinear = u.trajectory.summary.solver === 'simulate';
    const source = run ? { trajectory: run.trajectory, simulation: run.simulation, thresholds: run.thresholds } : { trajectory: u.trajectory, simulation: u.simulation, thresholds: u.thresholds };
    const flow = !nonlinear && source.trajectory?.summary.solver === 'exact' ? source.trajectory : null;
    const descent = nonlinear ? source.trajectory : view !== 'flow' ? source.simulation : null;
    let which: string | null = null;
    if (sweep) {
      const own = u.parameters.find((p) => p.path === sweep.path)?.value;
      which = run ? `${sweepKeyName(sweep)} = ${formatReadout(run.value)} (sweep run ${sweep.runs.indexOf(run) + 1} of ${sweep.runs.length})` : `the file's own values${own !== undefined ? ` (${sweep.key} = ${typeof own === 'number' ? formatReadout(own) : String(own)})` : ''}`;
    }
    const main = (view === 'descent' || !flow ? descent : flow) ?? source.trajectory ?? u.trajectory;
    const what = main.summary.solver === 'exact' ? 'exact gradient flow' : nonlinear ? 'gradient descent' : 'gradient descent at the experiment\'s rates';
    return { flow, descent, main, what, which, thresholds: source.thresholds };
  }

  private draw(rebuild: boolean): void {
    const u = this.last;
    if (!u) return;
    const sweep = u.sweep ?? null;
    const subject = this.subject(u);
    const also = subject.main === subject.flow && subject.descent ? `Gradient descent at these rates: ${subject.descent.summary.label ?? (subject.descent.summary.diverged ? `no label (diverged at step ${formatReadout(subject.descent.summary.diverged.step)})` : subject.descent.summary.dead ? `no label (${deadRunNote(subject.descent.summary.dead.step)})` : 'no label')}.` : null;
    this.verdict.show({ run: subject.main, thresholds: subject.thresholds, what: subject.what, which: subject.which, also });
    const shownSimulation = subject.main === subject.flow ? subject.descent : null;
    const deviations = subject.main === u.trajectory && shownSimulation === u.simulation ? u.deviations : [];
    this.summary.show(subject.main, shownSimulation, deviations, `${subject.which ?? ''}${subject.which ? ', ' : ''}${subject.what}`);
    this.showNotices(subject, u.view);
    // A sweep whose runs end decades apart is unreadable on a linear time axis: log, until the user chooses.
    const prefs = this.prefs.logTimeChosen || !spansDecades(sweep) ? this.prefs : { ...this.prefs, logTime: true };
    this.logTime.checked = prefs.logTime;
    const models = DYNAMICS_CHARTS.map((spec) => ({ key: spec.key, model: chartModel(spec, this.chartInput(u, this.palette, prefs)) }));
    this.charts.render(models, this.chartView(u, prefs.logTime), rebuild);
    this.showSweepLegend(sweep);
  }

  private chartInput(u: Update, palette: Palette, prefs: ViewPrefs): ChartInput {
    return { trajectory: u.trajectory, simulation: u.simulation, mode: u.view, sweep: u.sweep ?? null, prefs, palette };
  }

  /**
   * The x axis: time for the flow, steps for gradient descent alone (integer ticks), both when compared.
   * Room for the markers at every edge, as the training panel keeps (ChartView.markerRoom): descent's
   * markers at t = 0 and at the last step, a ζ at ±1, were cut in half by the plot's edges.
   */
  private chartView(u: Update, logTime: boolean): { logX: boolean; xLabel: string; xInteger: boolean; markerRoom: boolean; palette: Palette } {
    const descentOnly = u.view === 'descent' || u.trajectory.summary.solver === 'simulate';
    return { logX: logTime, xLabel: descentOnly ? 'step' : u.view === 'both' ? 't = step' : 't', xInteger: descentOnly, markerRoom: true, palette: this.palette };
  }

  /** One shared legend for a sweep: each value's colour, value and label; a click picks the run the verdict and the summary describe. */
  private showSweepLegend(sweep: SweepView | null): void {
    if (!sweep) return renderSweepLegend(this.sweepLegend, null);
    const colours = sweepColoursOf(this.palette, sweep.runs.length);
    const chosen = this.chosenRun(sweep);
    renderSweepLegend(this.sweepLegend, {
      key: sweepKeyName(sweep),
      title: `${sweep.path}${sweepBaseNote(sweep)}. Solid and dashed lines are the quantities of each chart (its key says which); the colours are the values. Choose a value for its verdict and summary.`,
      entries: sweep.runs.map((run, i) => {
        return {
          value: run.value,
          colour: colours[i],
          label: sweepRunLabel(run),
          pressed: run === chosen,
          title: run === chosen ? 'Described by the verdict and the summary; click again for the file\'s own values' : 'Show this run\'s verdict and summary',
          onClick: () => this.setPrefs({ sweepRun: run === chosen ? null : run.value }),
        };
      }),
    });
  }

  /** What gradient descent does at these rates: said whenever it is not what the flow promises. */
  private showNotices(subject: Subject, view: DynamicsView): void {
    const notices = descentNotices(subject.flow, subject.descent, view);
    this.noticeSlot.replaceChildren(
      ...notices.map((n) => {
        const notice = el('div', 'notice', n.text);
        notice.dataset.notice = n.kind;
        notice.setAttribute('role', 'status');
        defineTerm(notice, DEFINITIONS.maxStableRateScale);
        return notice;
      }),
    );
  }

  handle(message: ToDynamics): void {
    if (message.type === 'update' || message.type === 'invalid') {
      if (message.version < this.shownVersion) return;
      this.shownVersion = message.version;
    }
    switch (message.type) {
      case 'document':
        host.saveDocument(message.documentUri);
        this.fileName = message.fileName;
        if (!this.last) this.title.textContent = this.namedTitle ?? message.fileName;
        break;
      case 'update':
        this.update(message);
        break;
      case 'invalid':
        // No result on screen: the heading is the file's own name when its JSON says it (not its file name).
        this.namedTitle = message.title ?? null;
        if (!this.last) this.title.textContent = this.namedTitle ?? this.fileName ?? this.title.textContent;
        this.setBanner(message.errors);
        this.controls.update(message.controls);
        this.showStale(message.controls);
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
        void this.exportChart(message);
        break;
    }
  }

  private update(message: Update): void {
    // The file's default changed since the view was chosen: the file wins again.
    if (this.prefs.view !== null && this.prefs.viewFileDefault !== null && this.prefs.viewFileDefault !== message.compareSimulate) {
      this.setPrefs({ view: null, viewFileDefault: null }, false);
      post({ type: 'setView', view: null });
    }
    this.last = message;
    this.title.textContent = message.title;
    this.description.hidden = !message.description;
    this.descriptionText.textContent = message.description ?? '';
    this.setBanner(null);
    this.showStale(null);
    this.root.classList.remove('is-waiting', 'is-closed');
    this.controls.update(message.controls);
    this.showDynamicsChoice();
    this.draw(false);
    if (this.busyVersion !== null && message.version >= this.busyVersion) this.setStatus('');
  }

  /** Answers Export Chart: the figure of the charts as shown, as SVG content or as a rasterised PNG. */
  private async exportChart(request: ExportChartRequest): Promise<void> {
    // A panel shown for the export has just drawn its charts: let uPlot commit their scales first.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const u = this.last;
    try {
      const palette = request.background === 'light' ? lightPalette(this.palette) : this.palette;
      const prefs = this.prefs.logTimeChosen || !spansDecades(u?.sweep ?? null) ? this.prefs : { ...this.prefs, logTime: true };
      const restyled = new Map<string, ChartModel>(u ? DYNAMICS_CHARTS.map((spec) => [spec.key, chartModel(spec, this.chartInput(u, palette, prefs))]) : []);
      const charts = this.charts.figureCharts((key, model) => restyled.get(key) ?? model);
      const subject = u ? this.subject(u) : null;
      const notes: string[] = [];
      if (u?.view === 'both' && u.simulation) notes.push('Gradient descent at the experiment\'s rates (markers) over the exact gradient flow (lines), t = step.');
      if (u?.sweep) notes.push(`Sweep over ${sweepKeyName(u.sweep)}: ${u.sweep.runs.map((r) => `${formatReadout(r.value)} ${(r.trajectory ?? r.simulation)?.summary.label ?? '—'}`).join(', ')}.`);
      const zeros = charts.filter((c) => c.series.some((sr) => c.y[sr.axis]?.log && sr.y.some((v) => v === 0)));
      if (zeros.length > 0) notes.push(`▼ on the lower edge of a log axis: a value exactly 0 (${zeros.map((c) => c.title).join('; ')}).`);
      const zoom = this.charts.zoom;
      if (zoom) notes.push(`Zoomed to ${formatReadout(zoom.min)} … ${formatReadout(zoom.max)} on the time axis.`);
      const spec = figureSpec({
        title: u?.title ?? 'No valid result to export yet',
        label: subject ? labelLine(subject.main, subject.thresholds, subject.what, subject.which) : null,
        parameters: u?.parameters ?? [],
        notes,
        charts,
        palette,
      });
      if (request.format === 'svg') post({ type: 'chartFigure', requestId: request.requestId, figure: spec });
      else post({ type: 'chartImage', requestId: request.requestId, dataUrl: await rasterise(spec, Math.min(4, Math.max(1, request.scale))) });
    } catch (err) {
      // No answer: the host's request times out with its own message.
      console.warn(`export failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The flow/descent/both control: a nonlinear network has only descent. */
  private showDynamicsChoice(): void {
    const last = this.last;
    if (!last) return;
    const nonlinear = last.trajectory.summary.solver === 'simulate';
    this.dynamics.disabled = false;
    this.dynamics.value = nonlinear ? 'descent' : this.chosenView();
    this.dynamics.disabled = nonlinear;
    this.dynamics.hint = nonlinear ? 'A nonlinear activation has no exact flow: the panel shows gradient descent.' : '';
  }

  private setStatus(text: string): void {
    if (!text) this.busyVersion = null;
    this.status.textContent = text;
  }

  /**
   * Over a greyed result, the note that it was computed with the last valid values and which controls
   * now show others (`now`: the invalid document's); none while the result is current (`null`) or
   * no result is shown.
   */
  private showStale(now: Invalid['controls'] | null): void {
    const stale = this.last !== null && this.root.classList.contains('is-invalid');
    this.staleNote.hidden = !stale;
    this.staleNote.textContent = stale && this.last ? staleResultNote(this.last.controls, now) : '';
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
// The host computes the descent only when shown: tell it this panel's view preference.
if (host.prefs.view !== null) post({ type: 'setView', view: host.prefs.view });
