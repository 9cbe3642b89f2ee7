/**
 * The four uPlot charts of the panel, used as uPlot's author means them: columnar data
 * `[t, y1, y2, …]`, `setData` on every update, a ResizeObserver for the size, and one
 * `cursor.sync` key so the cursor and drag-zoom are linked across charts.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Trajectory } from '../src/core/trajectory/trajectory';
import type { SweepView } from '../src/protocol';
import type { ViewPrefs } from './vscodeApi';
import { decadeLabel } from './dom';
import { rampColours, type Palette } from './theme';

export const CHART_KEYS = ['zeta', 'loss', 'norms', 'ntk'] as const;
export type ChartKey = (typeof CHART_KEYS)[number];

/** What the charts draw: the flow, gradient descent at the experiment's rates, or both together. */
export type DynamicsMode = 'flow' | 'descent' | 'both';

export interface ChartInput {
  trajectory: Trajectory;
  /** Gradient descent at the experiment's rates, when the host computed it. */
  simulation: Trajectory | null;
  /** What to draw (the panel has already settled what is available). */
  mode: DynamicsMode;
  /** A declared sweep: one curve per value instead of the single run. */
  sweep: SweepView | null;
  prefs: ViewPrefs;
  palette: Palette;
}

/** A descent is drawn up to the first step whose loss passes this multiple of its initial loss. */
export const BLOW_UP_FACTOR = 1e3;

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

interface SeriesSpec {
  label: string;
  /** Width of the line (sweeps draw thinner lines). */
  width?: number;
  colour: string;
  /** Dashed, so that curves which coincide stay distinguishable. */
  dashed: boolean;
  /** Markers only (the simulation), else a line. */
  points: boolean;
  scale: string;
}

interface ScaleSpec {
  key: string;
  label: string;
  log: boolean;
  range?: [number, number];
  side: 'left' | 'right';
}

interface ChartModel {
  title: string;
  scales: ScaleSpec[];
  series: SeriesSpec[];
  data: uPlot.AlignedData;
  /** uPlot's own legend (off for sweeps: the panel shows one shared legend of the values). */
  legend: boolean;
  catapult: { fromStep: number; toStep: number } | null;
}

/** At most this many simulation markers per series, so dense step grids stay readable. */
const MAX_MARKERS = 80;
const PLOT_HEIGHT = 220;
const SYNC_KEY = 'flab-dynamics';

type Column = (number | null)[];

/**
 * Smallest value drawn on a log axis: below it (subnormal numbers, a loss converged to 1e-323)
 * decades would underflow when the axis rounds its range, and nothing would be drawn.
 */
const LOG_FLOOR = 1e-300;

/** Non-finite values (and, on a log axis, values below LOG_FLOOR) become gaps. */
function clean(ys: readonly (number | null)[], log: boolean): Column {
  return ys.map((y) => (y === null || !Number.isFinite(y) || (log && !(y >= LOG_FLOOR)) ? null : y));
}

/** A log axis's range: whole decades around the data, never below LOG_FLOOR. */
function logRange(_u: uPlot, min: number, max: number): [number, number] {
  if (!(max > 0) || !Number.isFinite(max)) return [1e-3, 1];
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(min > 0 ? min : max, LOG_FLOOR))));
  const hi = Math.pow(10, Math.ceil(Math.log10(max)));
  return hi > lo ? [lo, hi] : [lo / 10, hi * 10];
}

/** ys / ys[0]; null where the initial value is 0 (the ratio is undefined). */
function ratio(ys: readonly number[]): Column {
  const y0 = ys[0];
  return ys.map((y) => (y0 !== 0 && Number.isFinite(y0) ? y / y0 : null));
}

/**
 * Rows of a table kept on the time axis. On a log time axis t = 0 cannot be drawn, so that point
 * (and any t ≤ 0) is dropped rather than clamped: clamping would invent a time.
 */
function keptRows(t: readonly number[], logTime: boolean, thin: boolean): number[] {
  const rows: number[] = [];
  const pos = (x: number): number => (logTime ? Math.log(x) : x);
  const valid = t.map((x, i) => (Number.isFinite(x) && (!logTime || x > 0) ? i : -1)).filter((i) => i >= 0);
  if (!thin || valid.length <= MAX_MARKERS) return valid;
  const lo = pos(t[valid[0]]);
  const hi = pos(t[valid[valid.length - 1]]);
  const step = (hi - lo) / (MAX_MARKERS - 1);
  let last = -Infinity;
  for (const i of valid) {
    const p = pos(t[i]);
    if (p - last >= step || i === valid[valid.length - 1]) {
      rows.push(i);
      last = p;
    }
  }
  return rows;
}

function table(t: readonly number[], columns: Column[], rows: number[]): uPlot.AlignedData {
  return [rows.map((i) => t[i]), ...columns.map((c) => rows.map((i) => c[i] ?? null))] as uPlot.AlignedData;
}

/** The objective column (runs with weight decay only; absent from older cores). */
function objectiveOf(tr: Trajectory): number[] | undefined {
  return (tr as Trajectory & { objective?: number[] }).objective;
}

/** Builds one chart's scales, series and aligned data from the trajectories. */
function buildModel(key: ChartKey, input: ChartInput): ChartModel {
  const { trajectory: exact, simulation: sim, prefs, palette } = input;
  let title: string;
  let scales: ScaleSpec[];
  let lines: { label: string; colour: string; scale: string; column: (tr: Trajectory) => Column }[];
  switch (key) {
    case 'zeta':
      title = 'Alignment ζ(t) = cos∠(u, W n)';
      scales = [{ key: 'y', label: 'ζ', log: false, range: [-1, 1], side: 'left' }];
      lines = [{ label: 'ζ', colour: palette.blue, scale: 'y', column: (tr) => clean(tr.zeta, false) }];
      break;
    case 'loss':
      title = 'Loss L(t) (log scale)';
      scales = [{ key: 'y', label: 'L', log: true, side: 'left' }];
      lines = [{ label: 'L', colour: palette.red, scale: 'y', column: (tr) => clean(tr.loss, true) }];
      // With weight decay the training objective differs from the loss: draw both.
      if (objectiveOf(exact) || (sim && objectiveOf(sim))) {
        title = 'Loss L(t) and objective (log scale)';
        lines.push({ label: 'L + ½ρ‖θ‖²', colour: palette.orange, scale: 'y', column: (tr) => { const o = objectiveOf(tr); return o ? clean(o, true) : tr.t.map(() => null); } });
      }
      break;
    case 'norms':
      title = prefs.ratioToInitial ? 'Weight norms relative to initialisation' : 'Weight norms |u| and ‖W‖_F';
      scales = [{ key: 'y', label: prefs.ratioToInitial ? 'ratio' : 'norm', log: false, side: 'left' }];
      lines = prefs.ratioToInitial
        ? [
            { label: '|u| / |u₀|', colour: palette.orange, scale: 'y', column: (tr) => clean(ratio(tr.normU), false) },
            { label: '‖W‖_F / ‖W₀‖_F', colour: palette.green, scale: 'y', column: (tr) => clean(ratio(tr.normW), false) },
          ]
        : [
            { label: '|u|', colour: palette.orange, scale: 'y', column: (tr) => clean(tr.normU, false) },
            { label: '‖W‖_F', colour: palette.green, scale: 'y', column: (tr) => clean(tr.normW, false) },
          ];
      break;
    case 'ntk':
      title = 'Tangent kernel K(t)/K(0) and distance from initialisation';
      scales = [
        { key: 'k', label: 'K/K₀', log: false, side: 'left' },
        { key: 'd', label: '‖θ−θ₀‖/‖θ₀‖', log: false, side: 'right' },
      ];
      lines = [
        { label: 'K(t)/K(0)', colour: palette.purple, scale: 'k', column: (tr) => (tr.ntk ? clean(ratio(tr.ntk), false) : tr.t.map(() => null)) },
        { label: '‖θ−θ₀‖/‖θ₀‖', colour: palette.yellow, scale: 'd', column: (tr) => clean(tr.distance, false) },
      ];
      if (!exact.ntk && !sim?.ntk) {
        lines.shift();
        scales = [{ ...scales[1], side: 'left' }];
      }
      break;
  }
  const series: SeriesSpec[] = [];
  const tables: uPlot.AlignedData[] = [];
  /** One run drawn as lines (each line its colour, or all in `colour`) or as hollow markers. */
  const add = (tr: Trajectory, as: 'line' | 'points', suffix: string, colour?: string, width?: number): void => {
    lines.forEach((l, i) => series.push({ label: `${l.label}${suffix}`, colour: colour ?? l.colour, dashed: as === 'line' && i > 0, points: as === 'points', scale: l.scale, width }));
    tables.push(table(tr.t, lines.map((l) => l.column(tr)), keptRows(tr.t, prefs.logTime, as === 'points')));
  };
  const sweep = input.sweep;
  const showFlow = input.mode !== 'descent' || !sim;
  const showDescent = input.mode !== 'flow' && !!sim;
  if (sweep) {
    const colours = rampColours(palette, sweep.runs.length);
    sweep.runs.forEach((run, i) => {
      const suffix = ` (${sweep.key} = ${formatValue(run.value)})`;
      const flow = input.mode !== 'descent' || !run.simulation ? run.trajectory : null;
      const descent = input.mode !== 'flow' ? run.simulation : null;
      if (flow) add(flow, 'line', suffix, colours[i], 1.5);
      if (descent) add(untilBlowUp(descent), flow ? 'points' : 'line', `${suffix} (GD)`, colours[i], 1.5);
    });
  } else {
    if (showFlow) add(exact.summary.solver === 'simulate' ? untilBlowUp(exact) : exact, 'line', '');
    if (showDescent && sim) add(untilBlowUp(sim), showFlow ? 'points' : 'line', ' (GD)');
  }
  // Different time grids: join them; alignment gaps are `undefined`, which lines span.
  const data = tables.length === 1 ? tables[0] : uPlot.join(tables);
  const catapult = catapultOf(input);
  return { title, scales, series, data, legend: !sweep, catapult: catapult && { fromStep: catapult.fromStep, toStep: catapult.toStep } };
}

/** Ticks of a log axis: whole decades, at most about six of them; within one decade, four geometric steps. */
function logSplits(_u: uPlot, _axis: number, min: number, max: number): number[] {
  if (!(min > 0) || !(max > min)) return [min, max].filter((v) => v > 0);
  const first = Math.ceil(Math.log10(min) - 1e-9);
  const last = Math.floor(Math.log10(max) + 1e-9);
  if (last - first < 1) return [0, 1, 2, 3].map((k) => min * Math.pow(max / min, k / 3));
  const step = Math.max(1, Math.ceil((last - first + 1) / 6));
  const out: number[] = [];
  for (let e = Math.ceil(first / step) * step; e <= last; e += step) out.push(Math.pow(10, e));
  return out;
}

function logValues(_u: uPlot, splits: (number | null)[]): string[] {
  return splits.map((v) => {
    if (v === null || !(v > 0)) return '';
    const e = Math.log10(v);
    if (Math.abs(e - Math.round(e)) > 1e-9) return String(Number(v.toPrecision(3)));
    return decadeLabel(Math.round(e));
  });
}

/** Sets every legend value to its series' last drawn point. */
function showLastValues(u: uPlot): void {
  const idxs = u.data.map((column, sidx) => {
    if (sidx === 0) return column.length ? column.length - 1 : null;
    for (let i = column.length - 1; i >= 0; i--) if (column[i] != null) return i;
    return null;
  });
  u.setLegend({ idxs }, false);
}

/** Our own decade ticks, all labelled (uPlot's default log filter would blank some of them). */
const LOG_AXIS = { splits: logSplits, values: logValues, filter: (_u: uPlot, splits: number[]) => splits };

function signature(model: ChartModel, prefs: ViewPrefs, palette: Palette): string {
  return JSON.stringify([model.title, model.scales, model.series, model.legend, model.catapult, prefs.logTime, palette]);
}

/** Shades the catapult window [fromStep, toStep] under the curves (drawn right after the canvas is cleared). */
function shadeCatapult(window: { fromStep: number; toStep: number } | null, colour: string): (u: uPlot) => void {
  return (u) => {
    if (!window) return;
    const { left, top, width, height } = u.bbox;
    const x0 = Math.max(left, u.valToPos(window.fromStep, 'x', true));
    const x1 = Math.min(left + width, u.valToPos(window.toStep, 'x', true));
    if (!(x1 > x0)) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.globalAlpha = 0.22;
    ctx.fillStyle = colour;
    ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    ctx.restore();
  };
}

function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
}

function options(model: ChartModel, input: ChartInput, width: number): uPlot.Options {
  const { palette, prefs } = input;
  const font = `${palette.fontSize - 1}px ${palette.fontFamily}`;
  const axisBase = {
    stroke: palette.foreground,
    font,
    labelFont: font,
    grid: { stroke: palette.grid, width: 1 },
    ticks: { stroke: palette.grid, width: 1 },
  };
  // A log time axis spans the data exactly (uPlot would round out to whole decades).
  const scales: uPlot.Scales = {
    x: prefs.logTime
      ? { time: false, distr: 3, log: 10, range: (_u, min, max) => (max > min ? [min, max] : [min / 2, max * 2]) }
      : { time: false },
  };
  for (const s of model.scales) {
    scales[s.key] = s.log ? { distr: 3, log: 10, range: logRange } : s.range ? { range: s.range } : {};
  }
  return {
    title: model.title,
    width,
    height: PLOT_HEIGHT,
    cursor: {
      sync: { key: SYNC_KEY, setSeries: false, scales: ['x', null] },
      drag: { x: true, y: false, setScale: true },
      points: { size: 7 },
    },
    legend: { show: model.legend, live: true },
    scales,
    hooks: {
      drawClear: [shadeCatapult(model.catapult, palette.yellow)],
      // Off the chart, the legend shows each series' last value instead of dashes.
      setCursor: [(u: uPlot) => (u.cursor.idx == null ? showLastValues(u) : undefined)],
      ready: [showLastValues],
      setData: [showLastValues],
      // The visible time range, readable from the DOM (tests, and anyone inspecting the panel).
      setScale: [
        (u: uPlot, key: string) => {
          if (key !== 'x') return;
          const c = u.root.parentElement;
          if (!c) return;
          c.dataset.xMin = String(u.scales.x.min);
          c.dataset.xMax = String(u.scales.x.max);
          c.dataset.xScale = prefs.logTime ? 'log' : 'linear';
        },
      ],
    },
    axes: [
      { ...axisBase, scale: 'x', label: prefs.logTime ? 't (log)' : 't', labelSize: 18, size: 40, ...(prefs.logTime ? LOG_AXIS : {}) },
      ...model.scales.map((s) => ({
        ...axisBase,
        ...(s.log ? LOG_AXIS : {}),
        scale: s.key,
        side: s.side === 'left' ? 3 : 1,
        label: s.label,
        labelSize: 18,
        size: 58,
        grid: s.side === 'left' ? axisBase.grid : { show: false },
      })),
    ] as uPlot.Axis[],
    series: [
      { label: 't', value: (_u: uPlot, v: number | null) => formatValue(v) },
      ...model.series.map((s): uPlot.Series =>
        s.points
          ? {
              label: s.label,
              scale: s.scale,
              stroke: s.colour,
              width: 0,
              paths: () => null,
              // Hollow markers: the exact curve stays visible through them.
              points: { show: true, size: 7, width: 1.5, stroke: s.colour, fill: palette.background },
              value: (_u: uPlot, v: number | null) => formatValue(v),
            }
          : {
              label: s.label,
              scale: s.scale,
              stroke: s.colour,
              width: s.width ?? 2,
              dash: s.dashed ? [7, 4] : undefined,
              spanGaps: false,
              points: { show: false },
              value: (_u: uPlot, v: number | null) => formatValue(v),
            },
      ),
    ],
  };
}

interface Mounted {
  plot: uPlot;
  signature: string;
  model: ChartModel;
}

type XRange = { min: number; max: number };

export class Charts {
  private readonly mounted = new Map<ChartKey, Mounted>();
  private readonly resize: ResizeObserver;

  constructor(private readonly containers: Record<ChartKey, HTMLElement>) {
    // uPlot does not resize itself; follow each container's width.
    this.resize = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const key = (entry.target as HTMLElement).dataset.chart as ChartKey;
        const m = this.mounted.get(key);
        const width = this.widthOf(key);
        if (m && Math.abs(m.plot.width - width) >= 1) m.plot.setSize({ width, height: PLOT_HEIGHT });
      }
    });
    for (const key of CHART_KEYS) this.resize.observe(containers[key]);
  }

  private widthOf(key: ChartKey): number {
    const w = this.containers[key].clientWidth;
    return Math.max(200, Math.floor(w > 0 ? w : 400));
  }

  /** The x range the user has zoomed to, or null when showing everything. */
  private currentZoom(): XRange | null {
    const first = this.mounted.values().next().value;
    if (!first) return null;
    const xs = first.plot.data[0];
    const { min, max } = first.plot.scales.x;
    if (xs.length < 2 || min == null || max == null) return null;
    const lo = xs[0];
    const hi = xs[xs.length - 1];
    const eps = (hi - lo) * 1e-9;
    return min > lo + eps || max < hi - eps ? { min, max } : null;
  }

  /** Draws (or redraws) every chart for a new result; keeps the user's zoom when there is one. */
  render(input: ChartInput, rebuild = false): void {
    let zoom = this.currentZoom();
    if (zoom && input.prefs.logTime && zoom.min <= 0) zoom = null;
    for (const key of CHART_KEYS) {
      const model = buildModel(key, input);
      const sig = signature(model, input.prefs, input.palette);
      const existing = this.mounted.get(key);
      if (existing && !rebuild && existing.signature === sig) {
        existing.model = model;
        existing.plot.batch(() => {
          existing.plot.setData(model.data);
          if (zoom) existing.plot.setScale('x', zoom);
        });
        continue;
      }
      existing?.plot.destroy();
      const container = this.containers[key];
      // What is drawn, readable from the DOM (tests, and anyone inspecting the panel).
      container.dataset.series = String(model.series.length);
      if (model.catapult) container.dataset.catapult = `${model.catapult.fromStep}:${model.catapult.toStep}`;
      else delete container.dataset.catapult;
      const plot = new uPlot(options(model, input, this.widthOf(key)), model.data, container);
      if (zoom) plot.setScale('x', zoom);
      this.mounted.set(key, { plot, signature: sig, model });
    }
  }

  /** Shows the whole time range again on every chart. */
  resetZoom(): void {
    for (const m of this.mounted.values()) {
      const xs = m.plot.data[0];
      if (xs.length >= 2) m.plot.setScale('x', { min: xs[0], max: xs[xs.length - 1] });
    }
  }

  get hasCharts(): boolean {
    return this.mounted.size > 0;
  }

  /** The uPlot instance of a chart (for tests and export). */
  plot(key: ChartKey): uPlot | undefined {
    return this.mounted.get(key)?.plot;
  }

  /** All charts composed on one canvas with a background, titles and legends, as a PNG data URL. */
  toPng(palette: Palette): string {
    const ratio = window.devicePixelRatio || 1;
    const titleH = Math.round(24 * ratio);
    const lineH = Math.round(20 * ratio);
    const pad = Math.round(12 * ratio);
    const fontPx = Math.round(palette.fontSize * ratio);
    const parts = CHART_KEYS.map((k) => this.mounted.get(k)).filter((m): m is Mounted => !!m);
    const width = Math.max(400 * ratio, ...parts.map((m) => m.plot.ctx.canvas.width)) + 2 * pad;
    const canvas = document.createElement('canvas');
    const measure = canvas.getContext('2d');
    if (!measure) throw new Error('no 2D canvas context');
    // Legend entries wrap onto as many lines as the width needs.
    measure.font = `${fontPx}px ${palette.fontFamily}`;
    const swatch = 16 * ratio;
    const gap = 16 * ratio;
    const legends = parts.map((m) => {
      const rows: { spec: SeriesSpec; x: number }[][] = [[]];
      let x = pad;
      for (const spec of m.model.series) {
        const w = swatch + measure.measureText(spec.label).width + gap;
        if (x + w > width - pad && rows[rows.length - 1].length > 0) {
          rows.push([]);
          x = pad;
        }
        rows[rows.length - 1].push({ spec, x });
        x += w;
      }
      return rows;
    });
    const height = parts.length === 0 ? 60 * ratio : pad + parts.reduce((h, m, i) => h + titleH + m.plot.ctx.canvas.height + legends[i].length * lineH + pad, 0);
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    ctx.fillStyle = palette.background;
    ctx.fillRect(0, 0, width, height);
    ctx.textBaseline = 'middle';
    if (parts.length === 0) {
      ctx.fillStyle = palette.foreground;
      ctx.font = `${fontPx}px ${palette.fontFamily}`;
      ctx.fillText('No valid result to export yet.', pad, height / 2);
    }
    let y = pad;
    parts.forEach((m, i) => {
      ctx.fillStyle = palette.foreground;
      ctx.font = `bold ${fontPx}px ${palette.fontFamily}`;
      ctx.textAlign = 'center';
      ctx.fillText(m.model.title, width / 2, y + titleH / 2);
      y += titleH;
      ctx.drawImage(m.plot.ctx.canvas, pad, y);
      y += m.plot.ctx.canvas.height;
      ctx.font = `${fontPx}px ${palette.fontFamily}`;
      ctx.textAlign = 'left';
      for (const row of legends[i]) {
        const mid = y + lineH / 2;
        for (const { spec, x } of row) {
          ctx.strokeStyle = spec.colour;
          ctx.lineWidth = 2 * ratio;
          ctx.beginPath();
          if (spec.points) {
            ctx.fillStyle = palette.background;
            ctx.arc(x + 6 * ratio, mid, 3.5 * ratio, 0, 2 * Math.PI);
            ctx.fill();
          } else {
            ctx.setLineDash(spec.dashed ? [4 * ratio, 2 * ratio] : []);
            ctx.moveTo(x, mid);
            ctx.lineTo(x + 12 * ratio, mid);
          }
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.fillStyle = palette.foreground;
          ctx.fillText(spec.label, x + swatch, mid);
        }
        y += lineH;
      }
      y += pad;
    });
    return canvas.toDataURL('image/png');
  }
}
