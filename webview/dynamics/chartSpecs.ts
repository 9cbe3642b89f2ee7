/**
 * The dynamics panel's charts, as a table of chart specs (docs/architecture.md, "Webviews"): each
 * entry names its chart, its scales and its lines — each line a column of a trajectory — and the
 * engine (webview/charts/chartEngine.ts) draws them. A new chart is one more entry.
 */
import uPlot from 'uplot';
import type { FigureKeyEntry } from '../../src/core/figures/chartFigure';
import type { Trajectory } from '../../src/core/trajectory/trajectory';
import type { DynamicsView, SweepView } from '../../src/protocol/dynamics';
import { ChartModel, clean, Column, keyEntry, keptRows, ratio, ScaleSpec, SeriesSpec, table } from '../charts/chartEngine';
import { deadFromStep } from '../../src/core/descent/deadUnits';
import { formatReadout } from '../shared/numberFormat';
import { valueWithLabel } from '../shared/sweepLegend';
import { widthPowerFormula } from '../../src/core/experiment/widthFormula';
import { axisShort } from '../../src/core/analysis/phase/phaseStyle';
import { sweepColoursOf, type Palette } from '../shared/theme';
import { BLOW_UP_FACTOR } from './notices';

/**
 * How a sweep's key is named beside its values (the legend's heading, a line's suffix, the verdict's
 * run, a figure's key): `outputScale`, or `outputScale base b` when they are the bases b of a width
 * power in the file (SweepView.widthPower), as `flab sweep --table` names them.
 */
export function sweepKeyName(sweep: Pick<SweepView, 'key' | 'widthPower'>): string {
  return sweep.widthPower && sweep.widthPower.exponent !== 0 ? `${sweep.key} base b` : sweep.key;
}

/** What a width-powered sweep's values are, for the legend's definition: ` — each value is the base b of γ = b·d^(−1/2), d = 1024 (the file's width)`; '' otherwise. */
export function sweepBaseNote(sweep: Pick<SweepView, 'path' | 'widthPower'>): string {
  const p = sweep.widthPower;
  return p && p.exponent !== 0 ? ` — each value is the base b of ${widthPowerFormula(axisShort(sweep.path), p.exponent)}, d = ${p.width} (the file's width)` : '';
}

/** What the charts draw: the flow, gradient descent at the experiment's rates, or both together. */
export type DynamicsMode = DynamicsView;

/** The view preferences the charts depend on. */
export interface ChartPrefs {
  logTime: boolean;
  ratioToInitial: boolean;
}

export interface ChartInput {
  trajectory: Trajectory;
  /** Gradient descent at the experiment's rates, when the host computed it. */
  simulation: Trajectory | null;
  /** What to draw (the panel has already settled what is available). */
  mode: DynamicsMode;
  /** A declared sweep: one curve per value instead of the single run. */
  sweep: SweepView | null;
  prefs: ChartPrefs;
  palette: Palette;
}

/** One line of a chart: a column of every run drawn. */
export interface LineSpec {
  label: string;
  colour: string;
  scale: string;
  /** What is drawn (gaps where a value cannot be). */
  column(tr: Trajectory): Column;
  /** What the legend says where the drawn column has a gap; the drawn column when absent. */
  raw?(tr: Trajectory): Column;
}

/** One chart of the panel. */
export interface ChartSpec {
  key: string;
  /** For screen readers: what the chart shows. */
  label: string;
  /** Its title, scales and lines for this input; lines may depend on what the runs have. */
  build(input: ChartInput): { title: string; scales: ScaleSpec[]; lines: LineSpec[] };
}

const gaps = (tr: Trajectory): Column => tr.t.map(() => null);

export const DYNAMICS_CHARTS: readonly ChartSpec[] = [
  {
    key: 'zeta',
    label: 'Alignment ζ over time',
    build: ({ palette }) => ({
      title: 'Alignment ζ(t) = cos∠(u, W n)',
      scales: [{ key: 'y', label: 'ζ', log: false, within: [-1, 1], side: 'left' }],
      lines: [{ label: 'ζ', colour: palette.blue, scale: 'y', column: (tr) => clean(tr.zeta, false) }],
    }),
  },
  {
    key: 'loss',
    label: 'Loss over time, log scale',
    build: ({ trajectory, simulation, palette }) => {
      const lines: LineSpec[] = [{ label: 'L', colour: palette.red, scale: 'y', column: (tr) => clean(tr.loss, true), raw: (tr) => tr.loss }];
      // With weight decay the training objective differs from the loss: draw both.
      const decay = trajectory.objective !== undefined || simulation?.objective !== undefined;
      if (decay) {
        lines.push({ label: 'L + ½ρ‖θ‖²', colour: palette.orange, scale: 'y', column: (tr) => (tr.objective ? clean(tr.objective, true) : gaps(tr)), raw: (tr) => tr.objective ?? gaps(tr) });
      }
      return { title: decay ? 'Loss L(t) and objective (log scale)' : 'Loss L(t) (log scale)', scales: [{ key: 'y', label: 'L', log: true, side: 'left' }], lines };
    },
  },
  {
    key: 'norms',
    label: 'Weight norms over time',
    build: ({ prefs, palette }) =>
      prefs.ratioToInitial
        ? {
            title: 'Weight norms relative to initialisation',
            scales: [{ key: 'y', label: 'ratio', log: false, side: 'left' }],
            lines: [
              { label: '|u| / |u₀|', colour: palette.orange, scale: 'y', column: (tr) => clean(ratio(tr.normU), false) },
              { label: '‖W‖_F / ‖W₀‖_F', colour: palette.green, scale: 'y', column: (tr) => clean(ratio(tr.normW), false) },
            ],
          }
        : {
            title: 'Weight norms |u| and ‖W‖_F',
            scales: [{ key: 'y', label: 'norm', log: false, side: 'left' }],
            lines: [
              { label: '|u|', colour: palette.orange, scale: 'y', column: (tr) => clean(tr.normU, false) },
              { label: '‖W‖_F', colour: palette.green, scale: 'y', column: (tr) => clean(tr.normW, false) },
            ],
          },
  },
  {
    key: 'ntk',
    label: 'Tangent kernel and distance from initialisation over time',
    build: ({ trajectory, simulation, palette }) => {
      const distance: LineSpec = { label: '‖θ−θ₀‖/‖θ₀‖', colour: palette.yellow, scale: 'd', column: (tr) => clean(tr.distance, false) };
      const title = 'Tangent kernel K(t)/K(0) and distance from initialisation';
      if (!trajectory.ntk && !simulation?.ntk) return { title, scales: [{ key: 'd', label: '‖θ−θ₀‖/‖θ₀‖', log: false, side: 'left' }], lines: [distance] };
      return {
        title,
        scales: [
          { key: 'k', label: 'K/K₀', log: false, side: 'left' },
          { key: 'd', label: '‖θ−θ₀‖/‖θ₀‖', log: false, side: 'right' },
        ],
        lines: [{ label: 'K(t)/K(0)', colour: palette.purple, scale: 'k', column: (tr) => (tr.ntk ? clean(ratio(tr.ntk), false) : gaps(tr)) }, distance],
      };
    },
  },
];


/**
 * A diverged run cut where its loss first passes BLOW_UP_FACTOR × the initial loss (the arrays of a
 * diverged run end at its last finite step, which may be astronomically large); other runs as they are.
 */
export function untilBlowUp(tr: Trajectory): Trajectory {
  if (!tr.summary.diverged || tr.loss.length === 0) return tr;
  const limit = BLOW_UP_FACTOR * Math.max(tr.loss[0], Number.MIN_VALUE);
  let end = tr.loss.findIndex((l) => !(l <= limit));
  if (end < 0) return tr;
  end = Math.max(1, end);
  const n = tr.t.length;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tr)) out[k] = Array.isArray(v) && v.length === n ? v.slice(0, end) : v;
  return out as unknown as Trajectory;
}

/** The catapult window to shade: the shown descent's, when there is one and a single run is drawn. */
export function catapultOf(input: Pick<ChartInput, 'trajectory' | 'simulation' | 'mode' | 'sweep'>): { fromStep: number; toStep: number; peakLoss: number } | null {
  if (input.sweep) return null;
  const descent = input.trajectory.summary.solver === 'simulate' ? input.trajectory : input.mode !== 'flow' ? input.simulation : null;
  return descent?.summary.catapult ?? null;
}

/** One chart's model: the spec's lines over every run drawn (flow and descent, or a sweep's runs). */
export function chartModel(spec: ChartSpec, input: ChartInput): ChartModel {
  const { trajectory: exact, simulation: sim, prefs, palette } = input;
  const { title, scales, lines } = spec.build(input);
  const series: SeriesSpec[] = [];
  const tables: uPlot.AlignedData[] = [];
  const rawTables: uPlot.AlignedData[] = [];
  /** One run drawn as lines (each line its colour, or all in `colour`) or as hollow markers. */
  const add = (tr: Trajectory, as: 'line' | 'points', suffix: string, colour?: string, width?: number): void => {
    lines.forEach((l, i) => series.push({ label: `${l.label}${suffix}`, colour: colour ?? l.colour, dashed: as === 'line' && i > 0, points: as === 'points', scale: l.scale, width }));
    const rows = keptRows(tr.t, prefs.logTime, as === 'points');
    tables.push(table(tr.t, lines.map((l) => l.column(tr)), rows));
    rawTables.push(table(tr.t, lines.map((l) => (l.raw ?? l.column)(tr)), rows));
  };
  const sweep = input.sweep;
  let key: FigureKeyEntry[];
  if (sweep) {
    const colours = sweepColoursOf(palette, sweep.runs.length);
    let flows = false;
    let markers = false;
    sweep.runs.forEach((run, i) => {
      const suffix = ` (${sweepKeyName(sweep)} = ${formatReadout(run.value)})`;
      const flow = input.mode !== 'descent' || !run.simulation ? run.trajectory : null;
      const descent = input.mode !== 'flow' ? run.simulation : null;
      if (flow) add(flow, 'line', suffix, colours[i], 1.5);
      if (descent) add(untilBlowUp(descent), flow ? 'points' : 'line', `${suffix} (GD)`, colours[i], 1.5);
      flows ||= flow !== null;
      markers ||= flow !== null && descent !== null;
    });
    // A sweep's key: what each line style is (in the text colour), then what each colour is.
    const styles: FigureKeyEntry[] = lines.map((l, i) => ({ label: flows ? l.label : `${l.label} (gradient descent)`, colour: palette.foreground, mark: i > 0 ? 'dashed' : 'line' }));
    if (markers) styles.push({ label: 'gradient descent', colour: palette.foreground, mark: 'points' });
    // Each value with its label, as the sweep legend on screen reads ("0.1 alignment").
    const values: FigureKeyEntry[] = sweep.runs.map((run, i) => ({ label: valueWithLabel(run.value, sweepRunLabel(run)), colour: colours[i], mark: 'swatch', group: sweepKeyName(sweep) }));
    key = [...styles, ...values];
  } else {
    const showFlow = input.mode !== 'descent' || !sim;
    if (showFlow) add(exact.summary.solver === 'simulate' ? untilBlowUp(exact) : exact, 'line', '');
    if (input.mode !== 'flow' && sim) add(untilBlowUp(sim), showFlow ? 'points' : 'line', ' (GD)');
    key = series.map(keyEntry);
  }
  // Different time grids: join them; alignment gaps are `undefined`, which lines span.
  const data = tables.length === 1 ? tables[0] : uPlot.join(tables);
  const raw = rawTables.length === 1 ? rawTables[0] : uPlot.join(rawTables);
  const catapult = catapultOf(input);
  return { title, scales, series, data, raw, legend: !sweep, key, shade: catapult && { from: catapult.fromStep, to: catapult.toStep } };
}

/** What a sweep value's run is, in the legend's and the figure key's words: its label, "diverged at step N", "dead from step N" (a dead ReLU network: deadFromStep), or — without one. */
export function sweepRunLabel(run: SweepView['runs'][number]): string {
  const shown = run.trajectory ?? run.simulation;
  const descent = (run.simulation ?? (run.trajectory?.summary.solver === 'simulate' ? run.trajectory : null))?.summary;
  const diverged = descent?.diverged;
  const dead = descent?.dead;
  const label = shown?.summary.label;
  return diverged ? `diverged at step ${formatReadout(diverged.step)}` : typeof label === 'string' && label ? label : dead ? deadFromStep(dead.step) : descent?.stationary ? 'stationary at θ₀' : '—';
}
