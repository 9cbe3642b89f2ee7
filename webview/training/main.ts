/**
 * The training panel (docs/networks.md, "The panel"): a deep network trained in the extension, or a
 * folder of checkpoints written by an outside trainer, drawn live as records arrive. Everything it
 * shows comes from the host's messages (src/protocol/training.ts); the only state of its own is the
 * view preferences (the step axis, the open description), kept with the webview.
 *
 * From the top: the title, the verdict (the label and why) — in a sweep, under the sweep's legend (each
 * value's label; the value chosen is the one the verdict describes) — the description, the run's
 * progress with Stop and Resume, what a reader must know (notices), then the charts over training and,
 * for a sweep, the summary views against the swept value.
 */
import '../shared/common.css';
import '../shared/panel.css';
import './training.css';
import type { ErrorInfo } from '../../src/protocol/common';
import type { ExportChartRequest } from '../../src/protocol/dynamics';
import type { Parameter } from '../../src/core/figures/parameters';
import { formatDuration, hasRecords, sweepValueOf, timeLeftWords, type FromTraining, type RunProgress, type RunView, type SweepView, type ToTraining, type Training, type VerdictView } from '../../src/protocol/training';
import { Charts, type ChartModel, type KeyChoice } from '../charts/chartEngine';
import type { FigureKeyEntry } from '../../src/core/figures/chartFigure';
import { figureSpec, rasterise } from '../dynamics/figure';
import { boolPref, createHost } from '../host';
import { renderBanner } from '../shared/banner';
import { defineTerm, RovingFocus } from '../shared/definitionTip';
import { el, withFormulas } from '../shared/dom';
import { renderSweepLegend, valueWithLabel } from '../shared/sweepLegend';
import { labelColour } from '../../src/core/analysis/phase/phaseStyle';
import { formatAgainst, formatExact } from '../../src/core/mechanisms/explain';
import { prefersLogAxis } from '../../src/core/figures/ticks';
import { labelHeadline, sweepHeadline } from '../../src/core/figures/chartFigure';
import { formatReadout } from '../shared/numberFormat';
import { lightPalette, readPalette, sweepColoursOf, watchTheme, type Palette } from '../shared/theme';
import { type Choice, createButton, createChoice, createToggle } from '../shared/toolkit';
import { ZoomControl } from '../shared/zoomControl';
import { SO_FAR, sweepRunLabel, TRAINING_CHARTS, type TrainingChartInput } from './chartSpecs';

interface ViewPrefs {
  logStep: boolean;
  descriptionOpen: boolean;
  /**
   * In a sweep, the value the user chose, whose run the verdict describes (null: none, the sweep's
   * views only) — when `sweepChosen`; until then the file's own value when it is one of the sweep's
   * (`SweepView.current`), else none.
   */
  sweepRun: number | null;
  /** Whether `sweepRun` is the user's (a value chosen, or null: chosen none), kept across edits and redraws. */
  sweepChosen: boolean;
  /** In a sweep, the pair of layers whose ζ the chart over training draws (its index, W₁→W₂ first). */
  zetaPair: number;
}

/** The sweep legend's hint with no value chosen, and with one (panel.css keeps the room of the wider). */
const NONE_CHOSEN = 'choose a value for its verdict and reasons:';
const CHOSEN = 'the chosen value\'s verdict is below; choose it again for none:';

const host = createHost<FromTraining, ViewPrefs>((s) => ({
  logStep: boolPref(s, 'logStep', false),
  descriptionOpen: boolPref(s, 'descriptionOpen', false),
  sweepRun: typeof s.sweepRun === 'number' && Number.isFinite(s.sweepRun) ? s.sweepRun : null,
  // A state saved before the default choice: a value in it was the user's.
  sweepChosen: typeof s.sweepChosen === 'boolean' ? s.sweepChosen : typeof s.sweepRun === 'number',
  zetaPair: typeof s.zetaPair === 'number' && Number.isInteger(s.zetaPair) && s.zetaPair >= 0 ? s.zetaPair : 0,
}));
const post = (m: FromTraining): void => host.post(m);

/** Time charts share one cursor; the sweep's summary views (x = the swept value) share another. */
const TIME_KEYS = ['zeta', 'loss', 'accuracy', 'norms', 'distance', 'kernel'];
const SWEEP_KEYS = ['sweepZeta', 'sweepAccuracy', 'sweepDistance', 'sweepNorm'];

class TrainingPanel {
  private readonly title = el('h1', 'title', 'Feature Learning Lab');
  private readonly status = el('span', 'status');
  /** The shown run's state in words (showStatus), and whether the error banner says it is the last run that could. */
  private statusWords: string | null = null;
  private cannotRun = false;
  private readonly bannerSlot = el('div', 'banner-slot');
  private readonly verdict = el('section', 'verdict');
  /** The criteria's names: one tab stop, the arrow keys move between them (definitionTip.ts). */
  private readonly roving = new RovingFocus(this.verdict, '.criterion-name', (name) => name.closest<HTMLElement>('[data-criterion]')?.dataset.criterion ?? '');
  private readonly description = el('details', 'description');
  private readonly descriptionText = el('p', 'description-text');
  /** What the shown run was trained on: the data line `flab train --summary` prints (a CSV's row index left out, its classes, the normalisation). */
  private readonly dataLine = el('div', 'data-line');
  private readonly progress = el('section', 'progress');
  private readonly bar = el('progress', 'progress-bar');
  private readonly progressText = el('span', 'progress-text');
  /** The file's name, and its own `name` from an invalid text: the heading while no run is shown. */
  private fileName: string | null = null;
  private namedTitle: string | null = null;
  /** The progress line's run and when it came, for the clock between two messages (`writeProgress`). */
  private progressShown: { progress: RunProgress; training: boolean; at: number } | null = null;
  private readonly stop: HTMLElement;
  private readonly resume: HTMLElement;
  private readonly notices = el('ul', 'notices');
  private readonly sweepLegend = el('div', 'sweep-legend');
  /** The step axis's controls: shown with the charts over training only. */
  private readonly toolbar = el('div', 'toolbar');
  private readonly waiting = el('p', 'waiting', 'Waiting for a valid experiment… The panel trains as soon as the file parses and validates.');
  private readonly timeSection = el('section', 'charts');
  private readonly sweepSection = el('section', 'charts sweep-charts');
  private readonly timeCharts: Charts;
  private readonly sweepCharts: Charts;
  private readonly containers = new Map<string, HTMLElement>();
  private readonly logStep = createToggle('Log step axis', 'log-step', (on) => this.setPrefs({ logStep: on }));
  /**
   * In a sweep of a network with several pairs of layers, which pair's ζ the chart over training draws,
   * one curve per value (it drew the first pair only; a pair per value in one chart is too many lines).
   * Rebuilt when the pairs' names change; null while there is no choice to make.
   */
  private pairChoice: { names: string; choice: Choice<string> } | null = null;
  private prefs: ViewPrefs = host.prefs;
  private palette: Palette = readPalette();
  private last: Training | null = null;
  private shownVersion = -Infinity;
  /** The pair of layers whose ζ the charts drew last (`showPairChoice`): an exported figure redraws with it. */
  private zetaPair = 0;

  constructor(private readonly root: HTMLElement) {
    // The elapsed time of a run in progress counts on between messages (`writeProgress`).
    setInterval(() => this.writeProgress(), 1000);
    root.classList.add('panel', 'training-panel', 'is-waiting');
    const header = el('header', 'panel-header');
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    header.append(this.title, this.status);

    this.verdict.setAttribute('aria-label', 'Verdict: the label and why');
    this.verdict.hidden = true;
    this.description.append(el('summary', 'description-summary', 'About this experiment'), this.descriptionText);
    this.description.open = this.prefs.descriptionOpen;
    this.description.hidden = true;
    this.description.addEventListener('toggle', () => {
      if (this.description.open !== this.prefs.descriptionOpen) this.setPrefs({ descriptionOpen: this.description.open }, false);
    });

    this.stop = createButton('Stop', 'stop', () => post({ type: 'stop' }));
    this.resume = createButton('Resume', 'resume', () => post({ type: 'resume' }));
    // Shown with a run that can stop or resume (`showRun`), never before one.
    this.stop.hidden = this.resume.hidden = true;
    this.bar.max = 1;
    this.bar.value = 0;
    this.bar.setAttribute('aria-label', 'Training progress');
    // Not announced: it changes every second while a run trains (the status above is).
    this.progressText.setAttribute('aria-live', 'off');
    const buttons = el('span', 'progress-buttons');
    buttons.append(this.stop, this.resume);
    this.progress.append(this.bar, this.progressText, buttons);
    this.progress.hidden = true;
    this.notices.setAttribute('aria-label', 'What to know about this run');

    const toolbar = this.toolbar;
    this.logStep.checked = this.prefs.logStep;
    toolbar.append(this.logStep.element);

    const containers = (keys: string[], section: HTMLElement) =>
      keys.map((key) => {
        const spec = TRAINING_CHARTS.find((s) => s.key === key)!;
        const c = el('div', 'chart');
        c.dataset.chart = key;
        c.setAttribute('role', 'group');
        c.setAttribute('aria-label', spec.label);
        c.hidden = true;
        section.append(c);
        this.containers.set(key, c);
        return { key, element: c };
      });
    this.timeCharts = new Charts(containers(TIME_KEYS, this.timeSection));
    this.sweepCharts = new Charts(containers(SWEEP_KEYS, this.sweepSection));
    // Reset zoom is enabled only while the charts over training are zoomed, as in the dynamics panel.
    toolbar.append(new ZoomControl(this.timeCharts, () => 'steps').element);
    this.sweepSection.hidden = true;
    this.timeSection.setAttribute('aria-label', 'Charts over training (drag to zoom the step axis, double-click to reset)');
    this.sweepLegend.hidden = true;
    this.sweepLegend.setAttribute('role', 'group');
    this.sweepLegend.setAttribute('aria-label', 'Sweep values and their labels: choose the run the verdict describes');
    this.sweepSection.setAttribute('aria-label', 'The sweep against its swept value');

    this.dataLine.hidden = true;
    // A sweep's legend above the verdict it chooses: the verdict of a value chosen (about 250 px) came in
    // above the legend, which jumped down from under the pointer, and back up when unchosen. The legend
    // gives every value's label, the sweep's verdict at a glance; the chosen value's reasons follow it.
    root.append(header, this.bannerSlot, this.sweepLegend, this.verdict, this.description, this.dataLine, this.progress, this.notices, this.waiting, toolbar, this.timeSection, this.sweepSection);
    // A sweep value's entry in a chart's key chooses it too, as the legend's button does.
    this.timeCharts.keyChoice = (entry, index, model) => this.keyChoice(entry, index, model);
    watchTheme(() => {
      this.palette = readPalette();
      this.draw(true);
    });
  }

  private setPrefs(change: Partial<ViewPrefs>, redraw = true): void {
    this.prefs = { ...this.prefs, ...change };
    host.savePrefs(this.prefs);
    if (redraw) this.draw(true);
  }

  handle(message: ToTraining): void {
    if (message.type === 'training' || message.type === 'invalid') {
      if (message.version < this.shownVersion) return;
      this.shownVersion = message.version;
    }
    switch (message.type) {
      case 'document':
        host.saveDocument(message.documentUri);
        this.fileName = message.fileName;
        if (!this.last) this.title.textContent = this.namedTitle ?? message.fileName;
        break;
      case 'training':
        this.last = message;
        this.title.textContent = message.title;
        this.setBanner(null);
        this.root.classList.remove('is-waiting', 'is-closed');
        this.root.classList.toggle('is-previous', message.previous === true);
        this.draw(false);
        break;
      case 'invalid':
        // No run on screen: the heading is the file's own name when its JSON says it (not its file name).
        this.namedTitle = message.title ?? null;
        if (!this.last) this.title.textContent = this.namedTitle ?? this.fileName ?? this.title.textContent;
        this.setBanner(message.errors);
        break;
      case 'closed':
        this.root.classList.add('is-closed');
        this.status.textContent = message.reason;
        this.stop.hidden = this.resume.hidden = true;
        break;
      case 'exportChart':
        void this.exportChart(message);
        break;
    }
  }

  private draw(rebuild: boolean): void {
    const m = this.last;
    if (!m) return;
    const run = m.run;
    this.showStatus(m);
    const chosen = this.chosenRun(m.sweep);
    const subject = chosen ?? run;
    // A verdict is said at its run's last record: the last run's, shown greyed until the new one's first
    // record ("so far (step 0)" over curves to step 1150 contradicted them), and a run's in progress,
    // whose progress is the step its trainer is at, past the records.
    const step = subject.curves.step[subject.curves.step.length - 1] ?? subject.progress?.step ?? 0;
    this.showVerdict(m.sweep ? this.chosenVerdict(m.sweep, chosen) : run.verdict, m.previous ? 'previous' : subject.status, step, this.which(m.sweep));
    this.showSweepLegend(m.sweep);
    this.description.hidden = !m.description;
    this.descriptionText.textContent = m.description ?? '';
    this.showData(subject, chosen ? null : m.sweep);
    this.notices.replaceChildren(...run.notices.map((n) => el('li', 'notice-item', n)));
    this.notices.hidden = run.notices.length === 0;
    const zetaPair = this.showPairChoice(m);
    this.zetaPair = zetaPair;
    const input = this.chartInput(m, this.palette);
    // Charts over training need a record to draw: a run not trained (a loss not finite at θ₀) drew
    // empty frames on an axis from −1 to 1.
    const recorded = hasRecords(m);
    const models = (keys: string[]) =>
      keys.flatMap((key) => {
        const spec = TRAINING_CHARTS.find((s) => s.key === key)!;
        const container = this.containers.get(key)!;
        const applies = spec.applies(input) && (recorded || !TIME_KEYS.includes(key));
        container.hidden = !applies;
        return applies ? [{ key, model: spec.build(input) }] : [];
      });
    const timeModels = models(TIME_KEYS);
    // A run that failed before its first record has no chart: no axis to put on a log scale or reset.
    this.toolbar.hidden = timeModels.length === 0;
    // Room for the markers at every edge (ChartView.markerRoom): ζ and the kernel are measured at step 0
    // and at the last record, dots the plot's edges cut in half; a bridge's points too.
    this.timeCharts.render(timeModels, { logX: this.prefs.logStep, xLabel: 'step', xInteger: true, markerRoom: true, palette: this.palette }, rebuild);
    this.sweepSection.hidden = !m.sweep;
    if (m.sweep) {
      // Ticks at the swept values, each a run (a log axis labelled 10², 10³ and 2048 left 32 without one).
      this.sweepCharts.render(models(SWEEP_KEYS), { logX: prefersLogAxis(m.sweep.values), xLabel: m.sweep.key, xInteger: false, xAt: m.sweep.values, markerRoom: true, palette: this.palette, syncKey: 'flab-training-sweep' }, rebuild);
    }
  }

  /** What the charts are built from, in `palette`: the screen's, or an exported figure's light page. */
  private chartInput(m: Training, palette: Palette): TrainingChartInput {
    return { run: m.run, sweep: m.sweep, palette, logStep: this.prefs.logStep, kind: m.kind, zetaPair: this.zetaPair };
  }

  /**
   * The pair of layers whose ζ a sweep's chart over training draws (the one chosen, within the pairs
   * there are), and its choice in the toolbar: shown in a sweep with more than one pair only.
   */
  private showPairChoice(m: Training): number {
    const pairs = m.sweep ? (m.sweep.runs.find((r) => r !== null && r.curves.alignment.length > 0)?.curves.alignment.map((a) => a.name) ?? []) : [];
    const names = pairs.join('\u0000');
    if (pairs.length < 2) {
      this.pairChoice?.choice.element.remove();
      this.pairChoice = null;
      return 0;
    }
    const chosen = Math.min(this.prefs.zetaPair, pairs.length - 1);
    if (this.pairChoice?.names !== names) {
      this.pairChoice?.choice.element.remove();
      const options = pairs.map((name, i) => ({ value: String(i), label: name, title: `Draw ζ of ${name}, one curve per value` }));
      const choice = createChoice('ζ of', 'zeta-pair', options, String(chosen), (v) => this.setPrefs({ zetaPair: Number(v) }));
      this.toolbar.insertBefore(choice.element, this.logStep.element);
      this.pairChoice = { names, choice };
    }
    this.pairChoice.choice.value = String(chosen);
    return chosen;
  }

  /** In a sweep, the run the verdict describes: the chosen value's, once it has one. */
  /**
   * The data line of the run shown (its `data` parameter, the data line of `flab train --summary`): the
   * run's, or a sweep's chosen value's; a sweep none of whose values is chosen, and whose values read
   * different data, gives one line per value, named by it (one line of every value's, run together,
   * did not say which was which). None for checkpoints, which carry no data, and before the first snapshot.
   */
  private showData(run: RunView, sweep: SweepView | null): void {
    const sourceOf = (r: RunView | null) => r?.parameters.find((p) => p.path === 'data')?.value ?? null;
    const each = sweep ? sweep.runs.map(sourceOf) : [];
    if (sweep && new Set(each.filter((v) => v !== null)).size > 1) {
      const items = sweep.values.map((v, i) => {
        const item = el('li', 'data-value');
        item.append(el('span', 'data-value-name', `${sweep.key} = ${formatReadout(v)}:`), ` ${each[i] ?? 'not started yet'}`);
        return item;
      });
      const list = el('ul', 'data-values');
      list.append(...items);
      this.dataLine.hidden = false;
      this.dataLine.replaceChildren(el('span', 'data-line-label', 'Data, per value'), list);
      return;
    }
    const source = sourceOf(run);
    this.dataLine.hidden = source === null;
    if (source === null) return;
    this.dataLine.replaceChildren(el('span', 'data-line-label', 'Data'), ` ${source}`);
  }

  /**
   * In a sweep, the value whose run the verdict describes: the user's choice (a value, or none), else
   * — until the user chooses — the file's own value of the swept key when it is one of the sweep's
   * (`sweepValueOf`: the message's field checked), so that a sweep shows a verdict at once; else none.
   * Null outside a sweep, for none, and for a choice that is not one of this sweep's values.
   */
  private chosenValue(sweep: SweepView | null): number | null {
    if (!sweep) return null;
    const value = this.prefs.sweepChosen ? this.prefs.sweepRun : sweepValueOf(sweep.values, sweep.current);
    return value !== null && sweep.values.includes(value) ? value : null;
  }

  /** In a sweep, the run of the value chosen (`chosenValue`); null for none, and for a value not started yet. */
  private chosenRun(sweep: SweepView | null): RunView | null {
    const value = this.chosenValue(sweep);
    return sweep && value !== null ? (sweep.runs[sweep.values.indexOf(value)] ?? null) : null;
  }

  /**
   * The verdict a sweep shows: its chosen value's run's — or, while that run has none (not started,
   * loading its data, before its first records, failed), what stands for it, under the same "for
   * init.scale = 1": a value chosen (by default, the file's own) showed nothing until its run had a
   * verdict. Null with no value chosen.
   */
  private chosenVerdict(sweep: SweepView, run: RunView | null): VerdictView | null {
    if (this.chosenValue(sweep) === null) return null;
    if (run?.verdict) return run.verdict;
    const why = !run
      ? 'not started yet: its verdict comes with its first records'
      : run.status === 'loading'
        ? 'loading its data: its verdict comes with its first records'
        : run.status === 'failed'
          ? 'no label: its run failed (the file\'s problems say why)'
          : SO_FAR.has(run.status)
            ? 'no verdict yet: it comes with its first records'
            : 'no label';
    return { label: null, regime: why, criteria: [], reasons: [] };
  }

  /**
   * In a sweep, which run the verdict describes, in words ("init.scale = 0.1"): the legend's outline
   * alone did not say it. Null outside a sweep, or with no value chosen (no verdict).
   */
  private which(sweep: SweepView | null): string | null {
    const value = this.chosenValue(sweep);
    return sweep && value !== null ? `${sweep.key} = ${formatReadout(value)}` : null;
  }

  /**
   * Chooses `value`'s run for the verdict, or none when it is the one chosen: the user's choice from now
   * on. `from`: a chart key's button clicked, which the page then scrolls to keep under the pointer —
   * the verdict above it comes or goes (about 250 px), and the key moved from under the pointer as the
   * legend did (the legend, above the verdict, does not move).
   */
  private toggleSweepValue(sweep: SweepView, value: number, from?: HTMLElement): void {
    const chart = from?.closest<HTMLElement>('[data-chart]')?.dataset.chart;
    const index = from?.dataset.keyIndex;
    const before = from?.getBoundingClientRect().top;
    this.setPrefs({ sweepRun: this.chosenValue(sweep) === value ? null : value, sweepChosen: true }, false);
    // The charts are not drawn anew (nothing in them depends on the choice): their keys say it in place,
    // and the page's layout is final here (a chart drawn anew is sized by uPlot a moment later).
    this.draw(false);
    if (chart === undefined || index === undefined || before === undefined) return;
    const after = this.containers.get(chart)?.querySelector<HTMLElement>(`.key-choice[data-key-index="${index}"]`)?.getBoundingClientRect().top;
    if (after !== undefined && after !== before) window.scrollBy(0, after - before);
  }

  /**
   * A chart's key entry that is a sweep value's (a colour swatch of the sweep's key, in the values'
   * order: chartSpecs.ts) chooses that value as the legend's button does; null for any other entry.
   */
  private keyChoice(entry: FigureKeyEntry, index: number, model: ChartModel): KeyChoice | null {
    const sweep = this.last?.sweep;
    if (!sweep || entry.mark !== 'swatch' || entry.group !== sweep.key) return null;
    const first = model.key.findIndex((k) => k.mark === 'swatch' && k.group === sweep.key);
    const value = sweep.values[index - first];
    if (first < 0 || value === undefined) return null;
    const pressed = this.chosenValue(sweep) === value;
    return {
      pressed,
      // The entry's text first (as read and as seen), then which chart's key: the legend's button is "0.3 alignment".
      name: `${entry.label} — key of ${model.title}`,
      hint: pressed ? 'Its verdict is shown at the top; click again for none' : `Show the verdict of ${sweep.key} = ${formatReadout(value)}`,
      choose: (button) => this.toggleSweepValue(sweep, value, button),
    };
  }

  /**
   * One legend for a sweep, as the dynamics panel's: each value's colour, value and label (— until it
   * has one); a click shows that run's verdict below, a second click none. Nothing in it moves when a
   * value is chosen: its hint keeps the room of both its texts (`hintRoom`).
   */
  private showSweepLegend(sweep: SweepView | null): void {
    if (!sweep) return renderSweepLegend(this.sweepLegend, null);
    const colours = sweepColoursOf(this.palette, sweep.values.length);
    const chosen = this.chosenValue(sweep);
    renderSweepLegend(this.sweepLegend, {
      key: sweep.key,
      title: `${sweep.path}. The colours are the values in every chart; choose a value for its verdict (here or in a chart's key).`,
      // Said, not only on hover: with none chosen the panel shows labels and no verdict, and a reader
      // saw no way to the reasons.
      hint: chosen === null ? NONE_CHOSEN : CHOSEN,
      hintRoom: [NONE_CHOSEN, CHOSEN],
      entries: sweep.values.map((v, i) => {
        const run = sweep.runs[i];
        const pressed = chosen === v;
        return {
          value: v,
          colour: colours[i],
          // A value still training (or stopped) is labelled by its records so far, as the verdict says.
          label: sweepRunLabel(run),
          pressed,
          title: pressed ? 'Its verdict is shown below; click again for none' : 'Show this run\'s verdict',
          onClick: () => this.toggleSweepValue(sweep, v),
        };
      }),
    });
  }

  private showStatus(m: Training): void {
    const { run } = m;
    const p = run.progress;
    const words: Record<RunView['status'], string> = {
      loading: 'Loading the data…',
      training: 'Training',
      stopped: 'Stopped',
      finished: m.cached ? 'Finished (shown from the cache of finished runs)' : 'Finished',
      diverged: 'Diverged',
      notTrained: 'Loss not finite at start: the loss at θ₀ is not finite, nothing was trained',
      following: 'Following the checkpoint folder',
      failed: 'Failed',
    };
    this.root.dataset.status = run.status;
    this.statusWords = m.previous ? `${words[run.status]} (the last run is shown greyed until this one's first record)` : words[run.status];
    this.showStatusWords();
    const showProgress = m.kind === 'network' && run.status !== 'failed';
    this.progress.hidden = !showProgress;
    this.stop.hidden = !(m.stoppable && (run.status === 'training' || run.status === 'loading'));
    this.resume.hidden = !(m.stoppable && run.status === 'stopped');
    this.progressShown = null;
    if (!p) {
      // Indeterminate (animated) only while something is under way: a run stopped before its first
      // step has no progress to show, and an animated bar would say it is still working.
      if (run.status === 'loading' || run.status === 'training') this.bar.removeAttribute('value');
      else this.bar.value = 0;
      this.progressText.textContent = run.status === 'loading' ? 'loading the data' : '';
      return;
    }
    const fraction = p.totalSteps ? Math.min(1, p.step / p.totalSteps) : 0;
    this.bar.value = fraction;
    this.progressShown = { progress: p, training: run.status === 'training', at: performance.now() };
    this.writeProgress();
    this.progress.dataset.step = String(p.step);
  }

  /**
   * The progress line of the last run shown; while it trains, its elapsed time counts on between two
   * messages (a first step of a minute showed "0 s elapsed" throughout), and the time left counts down.
   */
  private writeProgress(): void {
    if (!this.progressShown) return;
    const { progress: p, training, at } = this.progressShown;
    const since = training ? performance.now() - at : 0;
    // A sweep: its values ended so far, and the steps summed over all of them ("about" until each has
    // said its length).
    const about = p.values && p.values.sized < p.values.count ? 'about ' : '';
    const steps = `step ${formatReadout(p.step)}${p.totalSteps ? ` of ${about}${formatReadout(p.totalSteps)}` : ''}${p.values ? ' over the values' : ''}`;
    const parts = p.values ? [`${p.values.done} of ${p.values.count} values done`, steps] : [steps];
    // Three significant digits: a progress line, not a value to read off (epoch 3.67, not 3.67089).
    if (p.epoch !== null) parts.push(`epoch ${formatReadout(p.epoch, 3)}`);
    parts.push(`${formatDuration(p.elapsedMs + since)} elapsed`);
    if (training && p.remainingMs !== null) parts.push(timeLeftWords(p.remainingMs - since));
    this.progressText.textContent = parts.join(' · ');
  }

  /**
   * `step`: the run's last step (a label so far says it); `status` 'previous': the last run's verdict,
   * shown greyed while the new run loads, said at its last record; `which`: the sweep value it is of, or null.
   */
  private showVerdict(v: VerdictView | null, status: RunView['status'] | 'previous', step: number, which: string | null): void {
    this.verdict.hidden = !v;
    if (!v) return;
    const label = el('span', 'verdict-label', v.label ?? '—');
    label.dataset.summary = 'label';
    // The label's colour of the phase diagram, as in the dynamics panel's verdict (through CSSOM: allowed under the CSP).
    const colour = v.label ? labelColour(v.label) : null;
    if (colour) this.verdict.style.setProperty('--label-colour', colour);
    else this.verdict.style.removeProperty('--label-colour');
    this.verdict.dataset.label = v.label ?? '';
    // Until the run ends, the label describes the records so far.
    const sofar = status !== 'previous' && SO_FAR.has(status);
    const when = status === 'previous' ? ` · the last run's, at step ${formatReadout(step)}` : sofar && v.label ? ` · so far (step ${formatReadout(step)})` : '';
    const regime = el('span', 'verdict-regime', `${v.regime}${when}`);
    const head = el('div', 'verdict-head');
    head.append(label, regime);
    // In a sweep, the run it describes, as the dynamics panel's verdict says it.
    if (which) head.append(el('span', 'verdict-which', `for ${which}`));
    this.verdict.setAttribute('aria-label', which ? `Verdict for ${which}: the label and why` : 'Verdict: the label and why');
    const hadFocus = this.verdict.contains(document.activeElement);
    const criteria = el('ul', 'criteria');
    criteria.setAttribute('aria-label', 'The criteria of the label, each score against its threshold: one tab stop, the arrow keys move between them');
    criteria.append(
      ...v.criteria.map((c) => {
        const item = el('li', 'criterion');
        item.dataset.criterion = c.name;
        item.dataset.reached = String(c.reached);
        item.dataset.decisive = String(c.decisive);
        const name = el('span', 'criterion-name');
        name.append(...withFormulas(c.text));
        // As the dynamics panel's verdict (docs/panel.md, "Numbers"): three significant digits, or the
        // more it takes to stay on its side of the threshold printed beside it, which prints as set.
        const value = el('span', 'criterion-value', c.value === null ? '—' : formatAgainst(c.value, [c.threshold]));
        value.dataset.criterionValue = c.value === null ? '' : String(c.value);
        const test = el('span', 'criterion-test', `${c.reached ? '≥' : '<'} ${formatExact(c.threshold)}`);
        test.dataset.threshold = String(c.threshold);
        item.append(name, value, test, el('span', 'criterion-outcome', c.reached ? 'reached' : 'below its threshold'));
        // The score in full, on the name's focus or a hover anywhere on the row (the row shows three digits).
        defineTerm(name, `${c.text}: ${c.value === null ? 'undefined' : formatReadout(c.value)}, against its threshold ${formatExact(c.threshold)}.`, { focusable: false, hoverTargets: [item] });
        return item;
      }),
    );
    const reasons = el('div', 'verdict-reasons');
    reasons.append(
      ...v.reasons.map((r) => {
        const p = el('p', 'verdict-reason');
        p.append(...withFormulas(r));
        return p;
      }),
    );
    this.verdict.replaceChildren(head, criteria, reasons);
    this.roving.refresh(hadFocus);
  }

  /** The error banner exists only while the document is invalid; the last good result stays, greyed. */
  private setBanner(errors: ErrorInfo[] | null): void {
    const shown = this.last !== null && hasRecords(this.last);
    // "Cannot run": the file's own errors, and its data's (a missing file, a NaN in a CSV), alike.
    // Resume is disabled meanwhile (a disabled button cannot take focus to say why): the heading says it.
    // Only over a run shown stopped, which Resume would continue: a file invalid when its panel opened
    // was told of a Resume and an interrupted run that did not exist (the buttons are not hidden before
    // the first run, only the bar that holds them; a fresh user's report, 2026-12-03).
    const stopped = this.last !== null && this.last.stoppable && this.last.run.status === 'stopped' && !this.last.previous;
    const resumes = errors !== null && stopped && !this.resume.hidden ? ' Resume waits for a valid file: a run the edit interrupted continues once the text is valid again.' : '';
    const heading = (shown ? 'The experiment cannot run — showing the last run that could.' : 'The experiment cannot run.') + resumes;
    renderBanner(this.root, this.bannerSlot, errors, heading, (line, column) => post({ type: 'reveal', line, column }));
    // Nothing can resume from an invalid file: the run interrupted by the edit continues when the text is back.
    this.resume.toggleAttribute('disabled', errors !== null);
    this.cannotRun = errors !== null && shown;
    this.showStatusWords();
  }

  /**
   * The status line: the shown run's state — and, under the error banner, that it is the last run
   * that could (it read "Finished (shown from the cache…)" right under "The experiment cannot run").
   */
  private showStatusWords(): void {
    if (this.root.classList.contains('is-closed') || this.statusWords === null) return;
    this.status.textContent = this.cannotRun ? `The last run that could: ${this.statusWords.charAt(0).toLowerCase()}${this.statusWords.slice(1)}` : this.statusWords;
  }

  /** Answers Export Chart: the figure of the charts as shown, as SVG content or a rasterised PNG. */
  private async exportChart(request: ExportChartRequest): Promise<void> {
    const m = this.last;
    const palette = request.background === 'light' ? lightPalette(this.palette) : this.palette;
    // The charts as shown, in the figure's palette (as the dynamics panel restyles them): on a light page
    // the screen's dark-theme colours drew the network's distance and the final distance in the theme's
    // light grey foreground, and the sweep's values in colours chosen against a dark background.
    const input = m ? this.chartInput(m, palette) : null;
    const restyle = (key: string, model: ChartModel): ChartModel => {
      const spec = input ? TRAINING_CHARTS.find((s) => s.key === key) : undefined;
      return spec && input ? spec.build(input) : model;
    };
    const charts = [...this.timeCharts.figureCharts(restyle), ...(m?.sweep ? this.sweepCharts.figureCharts(restyle) : [])];
    // A sweep's figure has the headline of what is on screen over its charts: a chosen value's verdict,
    // named; with none chosen, the legend's values and their labels, said to be the sweep's.
    const chosen = m ? this.chosenRun(m.sweep) : null;
    const subject = m?.sweep ? chosen : (m?.run ?? null);
    const verdict = subject?.verdict ?? null;
    // The last run shown greyed (`previous`) is said as it is on screen: no "so far" of the new run's step.
    const sofar = subject && !m?.previous && SO_FAR.has(subject.status) ? (subject.progress?.step ?? 0) : null;
    const sweep = m?.sweep ?? null;
    const label = verdict ? verdictLine(verdict, sofar, m ? this.which(m.sweep) : null) : sweep && !chosen ? sweepHeadline(sweep.key, sweep.values.map((v, i) => valueWithLabel(v, sweepRunLabel(sweep.runs[i] ?? null)))) : null;
    const spec = figureSpec({
      title: m?.title ?? 'No run to export yet',
      label,
      parameters: m ? figureParameters(m.run.parameters, m.sweep) : [],
      notes: m?.run.notices ?? [],
      charts,
      palette,
    });
    if (request.format === 'svg') post({ type: 'chartFigure', requestId: request.requestId, figure: spec });
    else post({ type: 'chartImage', requestId: request.requestId, dataUrl: await rasterise(spec, Math.min(4, Math.max(1, request.scale))) });
  }
}

/**
 * The figure's label line, as the verdict above the charts reads (docs/panel.md, "Figures for papers"):
 * the label, its regime, "so far (step N)" for a run that has not ended, and each criterion's score
 * against its threshold in the verdict's digits — "Label: alignment (feature learning) — largest rise
 * of ζ over the pairs 0.7 ≥ 0.1, …". Without a label (a divergence, frozen weights): the verdict's own
 * "no label: why". In a sweep, `which` names the value it is of ("Label for init.scale = 0.1: …").
 */
function verdictLine(v: VerdictView, sofarStep: number | null, which: string | null): string {
  if (!v.label) return `${v.regime.charAt(0).toUpperCase()}${v.regime.slice(1)}${which ? ` (${which})` : ''}`;
  const when = sofarStep === null ? '' : `, so far (step ${formatReadout(sofarStep)})`;
  const criteria = v.criteria
    .filter((c) => c.value !== null)
    .map((c) => `${c.text.charAt(0).toLowerCase()}${c.text.slice(1)} ${formatAgainst(c.value as number, [c.threshold])} ${c.reached ? '≥' : '<'} ${formatExact(c.threshold)}`);
  return labelHeadline(v.label, `${v.regime}${when}`, criteria, which);
}

/** The figure's parameters: the run's, with a sweep's key giving its values instead of one. */
function figureParameters(parameters: readonly Parameter[], sweep: SweepView | null): Parameter[] {
  if (!sweep) return [...parameters];
  const swept = `swept: ${sweep.values.map(formatReadout).join(', ')}`;
  const out = parameters.map((p) => (p.path === sweep.path ? { ...p, value: swept } : p));
  if (!parameters.some((p) => p.path === sweep.path)) out.push({ path: sweep.path, symbol: sweep.key, value: swept });
  return out;
}

const rootElement = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
const panel = new TrainingPanel(rootElement);
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data;
  if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') panel.handle(data as ToTraining);
});
// Only now is the panel listening: the host posts nothing before this.
post({ type: 'ready' });
