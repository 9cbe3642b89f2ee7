/**
 * The charts of a panel, drawn with uPlot as its author means it (docs/architecture.md, "Webviews"):
 * columnar data `[x, y1, y2, …]`, `setData` on every update, a ResizeObserver for the size, and one
 * `cursor.sync` key so the cursor and drag-zoom are linked across charts. A panel kind describes its
 * charts as a table of chart specs (webview/dynamics/chartSpecs.ts); each spec becomes a `ChartModel`,
 * and this engine draws models — a new chart is one more entry in a table.
 *
 * Readable by design (docs/panel.md, "Axes"): ticks and labels from the one tick format of every
 * figure (src/core/figures/ticks.ts); every chart's plotting area at the same offset and width (the
 * left axis has a fixed size and a chart without a right axis keeps its room empty), so the linked
 * cursor lines up; the horizontal crosshair only on the chart under the pointer and only where one
 * y scale gives it a meaning; a zoom kept across updates only while it still overlaps the data.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { FigureAxis, FigureChart, FigureKeyEntry, FigureSeries } from '../../src/core/figures/chartFigure';
import { flatRange, isFlat, isFlatOnLog, LABEL_ROOM_PX, linearAxisTicks, logAxisTicks, logTickLabels, logTicks, clippedTo, ticksWithin, valueTicks } from '../../src/core/figures/ticks';
import { defineTerm } from '../shared/definitionTip';
import { rovingStep } from '../shared/dom';
import { formatReadout } from '../shared/numberFormat';
import type { Palette } from '../shared/theme';

export interface SeriesSpec {
  label: string;
  /** Width of the line (sweeps draw thinner lines). */
  width?: number;
  colour: string;
  /** Dashed, so that curves which coincide stay distinguishable. */
  dashed: boolean;
  /** Markers only (the simulation), else a line. */
  points: boolean;
  /**
   * A quantity measured at some rows only (the trainer's ζ, ζ_top and kernel on their cadence): the
   * line joins the measurements across the rows between them, each marked with a dot. Else a null
   * breaks the line.
   */
  sparse?: boolean;
  scale: string;
}

/** A series' entry in an exported figure's key: its label, colour and how it is drawn. */
export function keyEntry(s: SeriesSpec): FigureKeyEntry {
  return { label: s.label, colour: s.colour, mark: s.points ? 'points' : s.dashed ? 'dashed' : 'line' };
}

export interface ScaleSpec {
  key: string;
  label: string;
  log: boolean;
  /** A fixed range. */
  range?: [number, number];
  /**
   * Bounds the quantity cannot leave (ζ in [0, 1], an accuracy): the axis fits the data as any linear
   * axis does, but never reaches past them — so ζ between 0.06 and 0.1 fills the chart instead of
   * lying along the bottom of a 0–1 axis, and a ζ near 1 shows no 1.1.
   */
  within?: [number, number];
  side: 'left' | 'right';
}

export interface ChartModel {
  title: string;
  scales: ScaleSpec[];
  series: SeriesSpec[];
  data: uPlot.AlignedData;
  /** uPlot's own legend with live values (off for sweeps: the chart's key says what each line is). */
  legend: boolean;
  /** What each line style and colour means, shown under the chart when uPlot's legend is off, and in exported figures. */
  key: FigureKeyEntry[];
  /**
   * The values as computed, in the same rows as `data`, for the legend: `data` has gaps where a value
   * cannot be drawn (a loss of exactly 0 on a log axis), the legend still says what it is.
   */
  raw?: uPlot.AlignedData;
  /** A window of the x axis shaded under the curves (a catapult), or null. */
  shade: { from: number; to: number } | null;
  /** What the chart's key or legend cannot say, under it and in the exported figure (sparse measurements). */
  note?: string;
}

/**
 * The room kept between the values drawn and the plot's edges, as a fraction of an axis's span (of its
 * decades, on a log axis), where a view asks for it (`ChartView.xAt`, `ChartView.markerRoom`): a marker
 * on an edge was cut in half — a sweep's first and last value, a measurement at step 0 or at the last
 * record, a kernel change of 0 on the floor of its axis, a ζ of 1 on the top of its.
 */
export const EDGE_ROOM = 0.04;

/** The x range past a sweep's first and last value (and a chart's first and last record, `ChartView.markerRoom`). */
const X_PAD = EDGE_ROOM;

/**
 * A y range `[lo, hi]` widened where a value sits within EDGE_ROOM of its span from an edge: `min` and
 * `max` are the values drawn (on a log axis, positive). Only an edge a value is near moves (a range
 * whose values are well inside — uPlot pads them by a tenth — stays as it is), and only for a value
 * inside the range: one beyond it (off the chart: past AXIS_LIMIT, a run that blew up past a fitted
 * range) stays off. Never past AXIS_LIMIT in size, nor below LOG_FLOOR on a log axis.
 */
export function withEdgeRoom(lo: number, hi: number, min: number | null, max: number | null, log: boolean): [number, number] {
  if (!(hi > lo) || min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [lo, hi];
  if (log && !(lo > 0 && min > 0)) return [lo, hi];
  const to = (v: number): number => (log ? Math.log10(v) : v);
  const from = (v: number): number => (log ? Math.pow(10, v) : v);
  const [a, b, vMin, vMax] = [to(lo), to(hi), to(min), to(max)];
  const room = EDGE_ROOM * (b - a);
  const A = vMin >= a && vMin - a < room ? vMin - room : a;
  const B = vMax <= b && b - vMax < room ? vMax + room : b;
  if (A === a && B === b) return [lo, hi];
  const bottom = log ? LOG_FLOOR : -AXIS_LIMIT;
  return [A === a ? lo : Math.max(bottom, from(A)), B === b ? hi : Math.min(AXIS_LIMIT, from(B))];
}

/** At most this many simulation markers per series, so dense step grids stay readable. */
const MAX_MARKERS = 80;
const PLOT_HEIGHT = 220;
const SYNC_KEY = 'flab-dynamics';
/** Width of a y axis's ticks and numbers, and of its name; the same on every chart so that plotting areas line up. */
export const Y_AXIS_SIZE = 62;
export const AXIS_LABEL_SIZE = 18;
/** Pixels per tick wanted along x and along y. */
const X_TICK_SPACING = 60;
const Y_TICK_SPACING = 30;

export type Column = (number | null)[];

/**
 * Smallest value drawn on a log axis: below it (subnormal numbers, a loss converged to 1e-323)
 * decades would underflow when the axis rounds its range, and nothing would be drawn.
 */
const LOG_FLOOR = 1e-300;

/** Non-finite values (and, on a log axis, values below LOG_FLOOR) become gaps. */
export function clean(ys: readonly (number | null)[], log: boolean): Column {
  return ys.map((y) => (y === null || !Number.isFinite(y) || (log && !(y >= LOG_FLOOR)) ? null : y));
}

/**
 * Largest size a y axis reaches: uPlot draws no axis whose end has more than 17 integer digits (its
 * search for a tick step gives up), so the loss of a diverging run (10³²) lost every tick. Larger
 * values are drawn, and run off the chart; the note under it says so, and the legend gives them.
 */
export const AXIS_LIMIT = 1e17;

/**
 * A log axis's range: whole decades around the data, never below LOG_FLOOR nor above AXIS_LIMIT; a
 * series whose spread no log axis shows (`isFlatOnLog`) in the middle of the decades either side of
 * it (`flatRange`), not on an edge.
 */
function logRange(_u: uPlot, min: number, max: number): [number, number] {
  if (!(max > 0) || !Number.isFinite(max)) return [1e-3, 1];
  if (isFlatOnLog(min, max)) {
    const [lo, hi] = flatRange((min + max) / 2, true);
    return [Math.max(LOG_FLOOR, lo), Math.min(AXIS_LIMIT, hi)];
  }
  const hi = Math.min(AXIS_LIMIT, Math.pow(10, Math.ceil(Math.log10(max))));
  const lo = Math.min(hi / 10, Math.pow(10, Math.floor(Math.log10(Math.max(min > 0 ? min : max, LOG_FLOOR)))));
  return hi > lo ? [lo, hi] : [lo / 10, hi * 10];
}

/**
 * A linear axis's range: uPlot's own (the data padded by a tenth), within ±AXIS_LIMIT. A constant
 * series (`isFlat`: equal values, or equal but for the rounding of values of size `unit`) gets
 * `flatRange`, the value in the middle:
 * uPlot's range of a spread in the 7th digit or below is zero-width or the extent itself, which drew
 * one value at the top and at the bottom. A range of uPlot's that does not hold the data is the data
 * padded by a tenth.
 */
function linearRange(_u: uPlot, min: number | null, max: number | null, unit = 0): uPlot.Range.MinMax {
  if (min === null || max === null) return [null, null];
  const clip = (lo: number, hi: number): uPlot.Range.MinMax => {
    const a = Math.max(-AXIS_LIMIT, lo);
    const b = Math.min(AXIS_LIMIT, hi);
    return b > a ? [a, b] : [AXIS_LIMIT / 2, AXIS_LIMIT];
  };
  if (isFlat(min, max, unit)) return clip(...flatRange((min + max) / 2, false));
  const [lo, hi] = uPlot.rangeNum(min, max, 0.1, true);
  if (lo !== null && hi !== null && lo <= min && hi >= max && hi > lo) return clip(lo, hi);
  const pad = (max - min) / 10;
  return clip(min - pad, max + pad);
}

/**
 * A linear axis's range fitted to the data (`linearRange`) and clipped to `bounds`, whose size is the
 * quantity's unit: values apart by less than its rounding are one (ζ = 10⁻¹⁰ ± 10⁻¹⁷ is flat).
 */
function rangeWithin(bounds: [number, number]): uPlot.Range.Function {
  return (u, min, max) => {
    if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return bounds;
    const [lo, hi] = linearRange(u, min, max, Math.max(Math.abs(bounds[0]), Math.abs(bounds[1])));
    const a = Math.max(bounds[0], lo ?? bounds[0]);
    const b = Math.min(bounds[1], hi ?? bounds[1]);
    return b > a ? [a, b] : bounds;
  };
}

/** The labels of the y axes on which a drawn value is larger than AXIS_LIMIT in size (off the chart). */
export function beyondAxis(model: ChartModel): string[] {
  const labels = new Set<string>();
  model.series.forEach((s, i) => {
    const scale = model.scales.find((sc) => sc.key === s.scale);
    if (scale && (model.data[i + 1] ?? []).some((v) => v != null && Math.abs(v) > AXIS_LIMIT)) labels.add(scale.label);
  });
  return [...labels];
}

/** ys / ys[0]; null where the initial value is 0 (the ratio is undefined). */
export function ratio(ys: readonly number[]): Column {
  const y0 = ys[0];
  return ys.map((y) => (y0 !== 0 && Number.isFinite(y0) ? y / y0 : null));
}

/**
 * Rows of a table kept on the time axis. On a log time axis t = 0 cannot be drawn, so that point
 * (and any t ≤ 0) is dropped rather than clamped: clamping would invent a time.
 */
export function keptRows(t: readonly number[], logTime: boolean, thin: boolean): number[] {
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

export function table(t: readonly number[], columns: Column[], rows: number[]): uPlot.AlignedData {
  return [rows.map((i) => t[i]), ...columns.map((c) => rows.map((i) => c[i] ?? null))] as uPlot.AlignedData;
}

/** The first and the last x of a chart's data, when they differ (the x range's room is past them). */
function dataEnds(u: uPlot): [number, number] | undefined {
  const xs = u.data[0] ?? [];
  const first = xs[0];
  const last = xs[xs.length - 1];
  return first !== undefined && last !== undefined && last > first ? [first, last] : undefined;
}

/**
 * The shared tick format (src/core/figures/ticks.ts) as uPlot's splits and values, for a log or
 * linear axis; `labelEnd`: a log axis's right end — the data's, `within`'s second value where the range
 * has room past it — gets its own label when no decade is near it (the time axis: where the run
 * stops); `at`: ticks at these values instead (a sweep's).
 */
function axisTicks(log: boolean, integer: boolean, spacing: number, labelEnd = false, at?: readonly number[], within?: [number, number] | ((u: uPlot) => [number, number] | undefined)): Pick<uPlot.Axis, 'splits' | 'values' | 'filter'> {
  let labels = new Map<number, string>();
  return {
    splits: (u: uPlot, axisIdx: number, min: number, max: number) => {
      const axis = u.axes[axisIdx];
      const length = axis.side === 0 || axis.side === 2 ? u.bbox.width / uPlot.pxRatio : u.bbox.height / uPlot.pxRatio;
      const count = Math.max(2, Math.floor(length / spacing));
      const given = at && at.length > 0 ? valueTicks(at, min, max, count, LABEL_ROOM_PX / Math.max(1, length), log) : null;
      // No tick past the quantity's bounds, or the data's ends, where the markers' room takes its axis (a ζ
      // of 1.04, step −4): ticked over the range within them, whose steps the room does not coarsen (ζ from
      // 0.1 to 1.04 read 0.5, 1) and whose end a log step axis labels (110 for a run to step 100).
      const bounds = typeof within === 'function' ? within(u) : within;
      const [lo, hi] = bounds ? clippedTo(min, max, bounds) : [min, max];
      const all = given && given.values.length > 0 ? given : log ? (labelEnd ? logAxisTicks(lo, hi, count, LABEL_ROOM_PX / Math.max(1, length)) : { values: logTicks(lo, hi, count), labels: logTickLabels(logTicks(lo, hi, count)) }) : linearAxisTicks(lo, hi, count, integer);
      const ticks = bounds ? ticksWithin(all, bounds) : all;
      labels = new Map(ticks.values.map((v, i) => [v, ticks.labels[i]]));
      return ticks.values;
    },
    values: (u: uPlot, splits: number[], axisIdx: number) => {
      const out = splits.map((v) => labels.get(v) ?? '');
      // The labels drawn, readable from the DOM (tests, and anyone inspecting the panel): data-ticks-<scale>.
      const c = u.root.parentElement;
      const scale = u.axes[axisIdx]?.scale;
      if (c && scale) c.dataset[`ticks${scale.charAt(0).toUpperCase()}${scale.slice(1)}`] = out.join('|');
      return out;
    },
    // Every tick labelled (uPlot's default log filter would blank some).
    filter: (_u: uPlot, splits: number[]) => splits,
  };
}

/**
 * Off the chart, the legend shows the last time and every series' last value: at that time, or — for a
 * series measured at some records only (a network's ζ and kernel, by their cadence) — at the last time
 * it was measured, which the value then says (`legendValue`).
 */
function showLastValues(u: uPlot, raw?: uPlot.AlignedData): void {
  const last = u.data[0].length ? u.data[0].length - 1 : null;
  // A value counts where it is drawn or computed (`raw`: a loss of exactly 0 on a log axis).
  const valueAt = (s: number, i: number) => u.data[s][i] ?? raw?.[s]?.[i];
  const lastValue = (s: number, from: number) => {
    for (let i = from; i >= 0; i--) if (valueAt(s, i) != null) return i;
    return from;
  };
  u.setLegend({ idxs: u.data.map((_, s) => (s === 0 || last === null ? last : lastValue(s, last))) }, false);
}

/**
 * A y axis's size: Y_AXIS_SIZE, so that every chart's plotting area has the same offset — wider only
 * when its labels need more room (a diverging run's `0.75×10¹⁷` ran into the axis's name): overlapping
 * text is worse than charts that no longer line up. The size drawn is readable from the DOM (tests):
 * data-axis-size-<side>.
 */
function yAxisSize(font: string): uPlot.Axis.Size {
  return (u: uPlot, values: string[] | null, axisIdx: number) => {
    let widest = 0;
    if (values) {
      u.ctx.save();
      u.ctx.font = font;
      for (const v of values) widest = Math.max(widest, u.ctx.measureText(v).width);
      u.ctx.restore();
    }
    // uPlot's tick marks (10 px) and the gap after them (5 px).
    const size = Math.max(Y_AXIS_SIZE, Math.ceil(widest + 15));
    const c = u.root.parentElement;
    if (c) c.dataset[`axisSize${u.axes[axisIdx]?.side === 1 ? 'Right' : 'Left'}`] = String(size);
    return size;
  };
}

/** How every chart of a panel is drawn now: the x axis and the theme. */
export interface ChartView {
  /** A logarithmic x axis. */
  logX: boolean;
  /** The x axis's name (`t`, `step`, `t = step`). */
  xLabel: string;
  /** Integer x ticks (gradient-descent steps). */
  xInteger: boolean;
  /**
   * x ticks at these values (a sweep's, one run each), as many as fit; absent: the axis's own ticks.
   * The x range then reaches X_PAD of its span (of its decades, on a log axis) past the first and the
   * last value, so that their markers show whole (they were cut in half at the plot's edges).
   */
  xAt?: number[];
  /**
   * Room for markers at every edge (EDGE_ROOM): the x range reaches X_PAD of its span past the first
   * and the last record, as a sweep's does past its values, and each y range past a value within that
   * of its ends (`withEdgeRoom`) — a scale's `within` bounds included, with no tick past them. A dot at
   * step 0 or at the last record, at a kernel change of 0 or at ζ = 1 was cut in half by the plot's edge.
   */
  markerRoom?: boolean;
  palette: Palette;
  /** Charts with the same key share their cursor and zoom (default: every chart of the panel over time). */
  syncKey?: string;
}

function signature(model: ChartModel, view: ChartView): string {
  return JSON.stringify([model.title, model.scales, model.series, model.legend, model.shade, view]);
}

/** Shades the window [from, to] of the x axis under the curves (drawn right after the canvas is cleared). */
function shadeWindow(window: { from: number; to: number } | null, colour: string): (u: uPlot) => void {
  return (u) => {
    if (!window) return;
    const { left, top, width, height } = u.bbox;
    const x0 = Math.max(left, u.valToPos(window.from, 'x', true));
    const x1 = Math.min(left + width, u.valToPos(window.to, 'x', true));
    if (!(x1 > x0)) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.globalAlpha = 0.22;
    ctx.fillStyle = colour;
    ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    ctx.restore();
  };
}

/**
 * The values exactly 0 on a log axis: (series index in the model, row) pairs. A log axis has no 0,
 * so such a value is a gap in `data`; it is still a value (a loss that reached 0 exactly), drawn at
 * the axis's floor by `drawZeros` and said under the chart, never dropped silently.
 */
export function zerosOnLog(model: ChartModel): { series: number; row: number }[] {
  const out: { series: number; row: number }[] = [];
  const raw = model.raw;
  if (!raw) return out;
  model.series.forEach((s, i) => {
    if (!model.scales.find((sc) => sc.key === s.scale)?.log) return;
    const drawn = model.data[i + 1] ?? [];
    const values = raw[i + 1] ?? [];
    for (let row = 0; row < values.length; row++) if (values[row] === 0 && drawn[row] == null) out.push({ series: i, row });
  });
  return out;
}

/** Half the width (and the height) of the mark of a 0 on a log axis, in CSS pixels. */
const ZERO_MARK = 4;

/** What the mark of a 0 on a log axis means, under the chart: `scales` are the log scales' names. */
export function zeroNote(scales: readonly string[]): string {
  return `▼ on the lower edge: ${scales.map((n) => `${n} = 0`).join(', ')} exactly there (a log axis has no 0).`;
}

/**
 * Marks each value exactly 0 on a log axis at the floor of the plotting area (its lower edge): a
 * small triangle pointing down, in its series' colour, at most one per 2 marks' width.
 */
function drawZeros(current: () => ChartModel): (u: uPlot) => void {
  return (u) => {
    const zeros = zerosOnLog(current());
    if (zeros.length === 0) return;
    const { left, top, width, height } = u.bbox;
    const r = ZERO_MARK * uPlot.pxRatio;
    const floor = top + height;
    const ctx = u.ctx;
    ctx.save();
    const lastX = new Map<number, number>();
    for (const { series, row } of zeros) {
      const s = u.series[series + 1];
      if (!s || s.show === false) continue;
      const x = u.valToPos(u.data[0][row], 'x', true);
      if (!(x >= left - 0.5 && x <= left + width + 0.5) || x - (lastX.get(series) ?? -Infinity) < 2 * r) continue;
      lastX.set(series, x);
      ctx.fillStyle = current().series[series].colour;
      ctx.beginPath();
      ctx.moveTo(x - r, floor - 2 * r);
      ctx.lineTo(x + r, floor - 2 * r);
      ctx.lineTo(x, floor);
      ctx.closePath();
      ctx.fill();
    }
    ctx.restore();
  };
}

/** Whether a series has few enough values in view for a dot at each to be read (`SeriesSpec.sparse`). */
function fewMeasured(u: uPlot, seriesIdx: number, i0: number, i1: number): boolean {
  const ys = u.data[seriesIdx] ?? [];
  let n = 0;
  for (let i = Math.max(0, i0); i <= i1 && i < ys.length; i++) if (ys[i] != null) n++;
  return n * 8 * uPlot.pxRatio <= u.bbox.width;
}

/**
 * uPlot's legend marks each series as the chart's key does (`keyEntry`, panel.css): a short line, solid
 * or dashed as drawn, a hollow circle for markers, with a dot on a line through measurements (`sparse`).
 * uPlot's own mark is a square with the line's border style, and a dashed square read as a solid one:
 * a sweep's final ζ (solid) and initial ζ (dashed) had the same mark.
 */
function markLegend(u: uPlot, model: ChartModel): void {
  u.root.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((row, i) => {
    const s = model.series[i - 1];
    const marker = row.querySelector<HTMLElement>('.u-marker');
    if (!s || !marker) return;
    marker.dataset.mark = keyEntry(s).mark;
    marker.toggleAttribute('data-measured', s.sparse === true && !s.points);
    // CSSOM, not a style attribute: allowed under the CSP. The dot of a measured line takes this colour.
    marker.style.color = s.colour;
  });
}

function options(current: () => ChartModel, view: ChartView, width: number, onScale: (u: uPlot) => void): uPlot.Options {
  const model = current();
  /** A series' value for the legend: the drawn one, else the one computed (a gap on a log axis). */
  const legendValue = (u: uPlot, v: number | null, sidx: number, idx: number | null): string => {
    const value = formatReadout(v ?? (idx === null ? null : (current().raw?.[sidx]?.[idx] ?? null)));
    // A value from an earlier time than the legend's (`showLastValues`) says when.
    const at = u.legend.idxs?.[0];
    return idx !== null && at != null && idx !== at ? `${value} (${view.xLabel} ${formatReadout(u.data[0][idx])})` : value;
  };
  const { palette } = view;
  const font = `${palette.fontSize - 1}px ${palette.fontFamily}`;
  const axisBase = {
    stroke: palette.foreground,
    font,
    labelFont: font,
    grid: { stroke: palette.grid, width: 1 },
    ticks: { stroke: palette.grid, width: 1 },
  };
  // A log time axis spans the data exactly (uPlot would round out to whole decades); a sweep's values a
  // little more, and the records of a view that keeps room for markers. uPlot passes a zoom through this
  // range too: only an end at the data's own end gets the room, so that a zoom kept across updates
  // (`keptZoom`) stays as dragged instead of growing by X_PAD at each.
  const pad = view.xAt || view.markerRoom ? X_PAD : 0;
  const padded = (u: uPlot, min: number, max: number): [number, number] => {
    const xs = u.data[0] ?? [];
    const left = xs.length > 0 && min <= xs[0] ? pad : 0;
    const right = xs.length > 0 && max >= xs[xs.length - 1] ? pad : 0;
    return view.logX ? [min * (min / max) ** left, max * (max / min) ** right] : [min - left * (max - min), max + right * (max - min)];
  };
  const scales: uPlot.Scales = {
    x: view.logX
      ? { time: false, distr: 3, log: 10, range: (u, min, max) => (max > min ? padded(u, min, max) : [min / 2, max * 2]) }
      : { time: false, range: (u, min, max) => (max > min ? padded(u, min, max) : [min - 1, max + 1]) },
  };
  for (const s of model.scales) {
    const range: uPlot.Range.Function = s.range ? () => s.range! : s.log ? logRange : s.within ? rangeWithin(s.within) : (u: uPlot, min: number, max: number) => linearRange(u, min, max);
    // Room for the markers at the ends of the range (`ChartView.markerRoom`); a fixed range has it from its spec.
    const roomy: uPlot.Range.Function = view.markerRoom && !s.range ? (u, min, max, key) => {
      const [lo, hi] = range(u, min, max, key);
      return lo === null || hi === null ? [lo, hi] : withEdgeRoom(lo, hi, min, max, s.log);
    } : range;
    scales[s.key] = s.log ? { distr: 3, log: 10, range: roomy } : { range: roomy };
  }
  const hasRight = model.scales.some((s) => s.side === 'right');
  return {
    title: model.title,
    width,
    height: PLOT_HEIGHT,
    // A chart without a right axis keeps its room empty: every plotting area has the same width.
    padding: [null, hasRight ? 0 : Y_AXIS_SIZE + AXIS_LABEL_SIZE, null, 0],
    cursor: {
      sync: { key: view.syncKey ?? SYNC_KEY, setSeries: false, scales: ['x', null] },
      drag: { x: true, y: false, setScale: true },
      points: { size: 7 },
      // A horizontal line reads a value only against one y scale (and only where the pointer is).
      y: model.scales.length === 1,
    },
    // A dashed series' marker is dashed too: ζ_top (dashed) and ζ (solid) of one pair share a colour.
    legend: { show: model.legend, live: true, markers: { dash: (u: uPlot, i: number) => (u.series[i].dash ? 'dashed' : 'solid') } },
    scales,
    hooks: {
      drawClear: [shadeWindow(model.shade, palette.yellow)],
      draw: [drawZeros(current)],
      // Off the chart, the legend shows each series' last value instead of dashes.
      setCursor: [(u: uPlot) => (u.cursor.idx == null ? showLastValues(u, current().raw) : undefined)],
      ready: [(u: uPlot) => showLastValues(u, current().raw), (u: uPlot) => markLegend(u, current())],
      setData: [(u: uPlot) => showLastValues(u, current().raw)],
      setScale: [
        (u: uPlot, key: string) => {
          // Each y scale's range, readable from the DOM as the x range's is: data-<key>-min, data-<key>-max.
          const box = u.root.parentElement;
          if (key !== 'x' && box && /^[a-z]\w*$/i.test(key)) {
            box.dataset[`${key}Min`] = String(u.scales[key]?.min);
            box.dataset[`${key}Max`] = String(u.scales[key]?.max);
          }
          if (key !== 'x') return;
          // The visible time range, readable from the DOM (tests, and anyone inspecting the panel).
          const c = u.root.parentElement;
          if (c) {
            c.dataset.xMin = String(u.scales.x.min);
            c.dataset.xMax = String(u.scales.x.max);
            c.dataset.xScale = view.logX ? 'log' : 'linear';
          }
          onScale(u);
        },
      ],
    },
    axes: [
      { ...axisBase, scale: 'x', label: view.logX ? `${view.xLabel} (log)` : view.xLabel, labelSize: AXIS_LABEL_SIZE, size: 40, ...axisTicks(view.logX, view.xInteger && !view.logX, X_TICK_SPACING, true, view.xAt, view.markerRoom ? dataEnds : undefined) },
      ...model.scales.map((s) => ({
        ...axisBase,
        ...axisTicks(s.log, false, Y_TICK_SPACING, false, undefined, s.within),
        scale: s.key,
        side: s.side === 'left' ? 3 : 1,
        label: s.label,
        labelSize: AXIS_LABEL_SIZE,
        size: yAxisSize(font),
        grid: s.side === 'left' ? axisBase.grid : { show: false },
      })),
    ] as uPlot.Axis[],
    series: [
      { label: view.xLabel, value: (_u: uPlot, v: number | null) => formatReadout(v) },
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
              value: legendValue,
            }
          : {
              label: s.label,
              scale: s.scale,
              stroke: s.colour,
              width: s.width ?? 2,
              dash: s.dashed ? [7, 4] : undefined,
              spanGaps: s.sparse === true,
              // Each measurement a dot while they are few enough to tell apart (8 px apart on average); a
              // dashed series' dots hollow, told from a solid one's where no line joins them (one value's two points).
              points: s.sparse ? { show: fewMeasured, size: 5, width: 1, stroke: s.colour, fill: s.dashed ? palette.background : s.colour } : { show: false },
              value: legendValue,
            },
      ),
    ],
  };
}

/**
 * A chart key's entry that is a control (`Charts.keyChoice`): a sweep value's, which chooses that
 * value's run as the panel's legend does. `pressed`: it is the value chosen; `name`: the button's
 * accessible name (its text first); `hint`: what a click does, on hover and on focus; `choose`: the
 * click, given the button clicked (the panel keeps it under the pointer as the page changes above it).
 */
export interface KeyChoice {
  pressed: boolean;
  name: string;
  hint: string;
  choose(button: HTMLElement): void;
}

interface Mounted {
  /** The options' callbacks read the model through the mounted record, so `setData` updates keep them current. */
  plot: uPlot;
  signature: string;
  model: ChartModel;
  view: ChartView;
  keyElement: HTMLElement;
  /** Under the key: what the marks of a 0 on a log axis mean, when there are any. */
  noteElement: HTMLElement;
}

export type XRange = { min: number; max: number };

/** A zoom kept across new data: its overlap with the data's range, or null (refit) when that is nothing or a sliver. */
export function keptZoom(zoom: XRange | null, data: XRange, log: boolean): XRange | null {
  if (!zoom) return null;
  const min = Math.max(zoom.min, data.min);
  const max = Math.min(zoom.max, data.max);
  if (!(max > min) || (log && !(min > 0))) return null;
  const span = (a: number, b: number): number => (log ? Math.log(b) - Math.log(a) : b - a);
  // Less than 1 % of the new range left in view: the zoom was of something else; show the whole run.
  if (span(min, max) < 0.01 * span(data.min, data.max)) return null;
  // The zoom covers the whole new range: nothing is zoomed any more.
  if (min <= data.min && max >= data.max) return null;
  return { min, max };
}

/** The `data-key-index` of the key's control that has the focus, or undefined. */
function keyFocusOf(key: HTMLElement): string | undefined {
  const active = document.activeElement;
  return active instanceof HTMLElement && key.contains(active) && active.classList.contains('key-choice') ? active.dataset.keyIndex : undefined;
}

/**
 * A key's controls as one tab stop (`Charts.keyChoice`): the one focused becomes the stop
 * (`data-stop`, kept when the key is drawn anew), and ←/→, ↑/↓, Home and End move between them.
 */
function watchKeyChoices(key: HTMLElement): void {
  const choices = () => [...key.querySelectorAll<HTMLElement>('.key-choice')];
  const stopAt = (to: HTMLElement) => {
    key.dataset.stop = to.dataset.keyIndex;
    for (const b of choices()) b.tabIndex = b === to ? 0 : -1;
  };
  key.addEventListener('focusin', (e) => {
    const b = e.target instanceof HTMLElement ? e.target.closest<HTMLElement>('.key-choice') : null;
    if (b) stopAt(b);
  });
  key.addEventListener('keydown', (e) => {
    const all = choices();
    const at = all.indexOf(e.target as HTMLElement);
    if (at < 0) return;
    const next = rovingStep(e.key, at, all.length);
    if (next === null) return;
    e.preventDefault();
    const to = all[next];
    stopAt(to);
    to.focus();
  });
}

export class Charts {
  private readonly mounted = new Map<string, Mounted>();
  private readonly resize: ResizeObserver;
  private readonly containers = new Map<string, HTMLElement>();
  private listeners: ((zoom: XRange | null) => void)[] = [];
  private zoomShown: XRange | null = null;
  /**
   * Which entries of a chart's key (`model.key[index]`, shown when uPlot's legend is off) are controls,
   * and what they do: null for a plain entry (the default, for every entry). A control entry is a
   * toggle button (`.key-choice`, `aria-pressed`, `data-key-index`); the buttons of one key are one tab
   * stop — the one last focused, else the pressed one, else the first — and the arrow keys, Home and
   * End move between them. Read at every `render`: the panel sets it once.
   */
  keyChoice: ((entry: FigureKeyEntry, index: number, model: ChartModel) => KeyChoice | null) | null = null;

  /** Charts drawn into `containers`, one per key, in this order (each container's `data-chart` is its key). */
  constructor(containers: readonly { key: string; element: HTMLElement }[]) {
    for (const c of containers) this.containers.set(c.key, c.element);
    // uPlot does not resize itself; follow each container's width.
    this.resize = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const key = (entry.target as HTMLElement).dataset.chart ?? '';
        const m = this.mounted.get(key);
        const width = this.widthOf(key);
        if (m && Math.abs(m.plot.width - width) >= 1) m.plot.setSize({ width, height: PLOT_HEIGHT });
      }
    });
    for (const c of containers) this.resize.observe(c.element);
  }

  /** Calls `listener` with the zoomed x range (null when the whole run shows) whenever it changes. */
  onZoom(listener: (zoom: XRange | null) => void): void {
    this.listeners.push(listener);
  }

  private widthOf(key: string): number {
    const w = this.containers.get(key)?.clientWidth ?? 0;
    return Math.max(200, Math.floor(w > 0 ? w : 400));
  }

  /** The x range of the data of the first chart. */
  private dataRange(plot: uPlot): XRange | null {
    const xs = plot.data[0];
    if (xs.length < 1) return null;
    return { min: xs[0], max: xs[xs.length - 1] };
  }

  /** The x range the user has zoomed to, or null when showing everything. */
  private currentZoom(): XRange | null {
    const first = this.mounted.values().next().value;
    if (!first) return null;
    const range = this.dataRange(first.plot);
    const { min, max } = first.plot.scales.x;
    if (!range || range.max <= range.min || min == null || max == null) return null;
    const eps = (range.max - range.min) * 1e-9;
    // The room past the data's ends (X_PAD) is not part of a zoom: a zoom to the last record reads as one.
    return min > range.min + eps || max < range.max - eps ? { min: Math.max(min, range.min), max: Math.min(max, range.max) } : null;
  }

  /** Tells the listeners when the zoom changes (a drag, a reset, a refit). */
  private scaled(): void {
    const zoom = this.currentZoom();
    const same = zoom === this.zoomShown || (zoom && this.zoomShown && zoom.min === this.zoomShown.min && zoom.max === this.zoomShown.max);
    if (same) return;
    this.zoomShown = zoom;
    for (const l of this.listeners) l(zoom);
  }

  /**
   * Draws (or redraws) every chart for a new result. A zoom is kept while it overlaps the new data
   * (clipped to it); when the new time range leaves it (an edit changed the horizon), the charts
   * show the whole run again rather than an empty window.
   */
  render(models: readonly { key: string; model: ChartModel }[], view: ChartView, rebuild = false): void {
    const previous = this.currentZoom();
    const xs = models[0]?.model.data[0] ?? [];
    const valid = view.logX ? xs.filter((x) => x > 0) : xs;
    const data = valid.length > 0 ? { min: valid[0], max: valid[valid.length - 1] } : null;
    const zoom = data ? keptZoom(previous, data, view.logX) : null;
    for (const { key, model } of models) {
      const container = this.containers.get(key);
      if (!container) continue;
      const sig = signature(model, view);
      const existing = this.mounted.get(key);
      if (existing && !rebuild && existing.signature === sig) {
        existing.model = model;
        existing.plot.batch(() => {
          existing.plot.setData(model.data);
          if (zoom) existing.plot.setScale('x', zoom);
        });
        this.showKey(existing.keyElement, model);
        this.showNote(container, existing.noteElement, model);
        continue;
      }
      // A key's control that had the focus keeps it in the key drawn anew (Enter on a value's entry
      // redraws every chart), and the key's tab stop stays where it was.
      const keyFocus = existing ? keyFocusOf(existing.keyElement) : undefined;
      const keyStop = existing?.keyElement.dataset.stop;
      existing?.plot.destroy();
      existing?.keyElement.remove();
      existing?.noteElement.remove();
      // What is drawn, readable from the DOM (tests, and anyone inspecting the panel).
      container.dataset.series = String(model.series.length);
      container.dataset.sparse = String(model.series.filter((s) => s.sparse).length);
      if (model.shade) container.dataset.shade = `${model.shade.from}:${model.shade.to}`;
      else delete container.dataset.shade;
      const record = { model, view } as Mounted;
      const plot = new uPlot(options(() => record.model, view, this.widthOf(key), () => this.scaled()), model.data, container);
      if (zoom) plot.setScale('x', zoom);
      const keyElement = document.createElement('ul');
      keyElement.className = 'chart-key';
      keyElement.setAttribute('aria-label', `Key of ${model.title}`);
      if (keyStop !== undefined) keyElement.dataset.stop = keyStop;
      watchKeyChoices(keyElement);
      const noteElement = document.createElement('p');
      noteElement.className = 'chart-note';
      container.append(keyElement, noteElement);
      this.showKey(keyElement, model, keyFocus);
      this.showNote(container, noteElement, model);
      Object.assign(record, { plot, signature: sig, keyElement, noteElement });
      this.mounted.set(key, record);
    }
    this.scaled();
  }

  /**
   * The note under a chart: values exactly 0 on a log axis (drawn as marks on its floor; their count
   * in `data-zeros`), and values larger than AXIS_LIMIT (off the chart; `data-beyond`).
   */
  private showNote(container: HTMLElement, element: HTMLElement, model: ChartModel): void {
    const zeros = zerosOnLog(model);
    const scales = [...new Set(zeros.map((z) => model.scales.find((sc) => sc.key === model.series[z.series].scale)?.label ?? ''))];
    const beyond = beyondAxis(model);
    const notes = [...(model.note ? [model.note] : []), ...(zeros.length ? [zeroNote(scales)] : []), ...(beyond.length ? [`Off the chart: ${beyond.join(', ')} beyond 10¹⁷ in size, more than the axis can draw (the legend gives the values).`] : [])];
    element.hidden = notes.length === 0;
    element.textContent = notes.join(' ');
    if (zeros.length > 0) container.dataset.zeros = String(zeros.length);
    else delete container.dataset.zeros;
    if (beyond.length > 0) container.dataset.beyond = beyond.join('|');
    else delete container.dataset.beyond;
    if (model.note) container.dataset.note = '';
    else delete container.dataset.note;
  }

  /**
   * The chart's key (line styles and colours) under it when uPlot's legend is off; its entries that
   * `keyChoice` makes controls are toggle buttons. `focused`: the `data-key-index` of the control to
   * focus once drawn (a key drawn anew in place of one that had it); by default, the one that had the
   * focus in this key keeps it.
   */
  private showKey(element: HTMLElement, model: ChartModel, focused = keyFocusOf(element)): void {
    element.hidden = model.legend;
    if (model.legend) {
      element.replaceChildren();
      return;
    }
    let group: string | undefined;
    element.replaceChildren(
      ...model.key.flatMap((k, index) => {
        const items: HTMLElement[] = [];
        if (k.group !== undefined && k.group !== group) {
          const name = document.createElement('li');
          name.className = 'key-group';
          name.textContent = `${k.group}:`;
          items.push(name);
        }
        group = k.group;
        const item = document.createElement('li');
        item.className = 'key-item';
        item.dataset.mark = k.mark;
        const mark = document.createElement('span');
        mark.className = `key-mark key-${k.mark}`;
        // CSSOM, not a style attribute: allowed under the CSP.
        if (k.mark === 'swatch') mark.style.backgroundColor = k.colour;
        else mark.style.borderColor = k.colour;
        const label = document.createElement('span');
        label.textContent = k.label;
        const choice = this.keyChoice?.(k, index, model) ?? null;
        if (choice) {
          // A button in the list's item: the list stays a list, the entry a control (Enter and Space click it).
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'key-choice';
          button.dataset.keyIndex = String(index);
          button.setAttribute('aria-pressed', String(choice.pressed));
          button.setAttribute('aria-label', choice.name);
          button.append(mark, label);
          button.addEventListener('click', () => choice.choose(button));
          defineTerm(button, choice.hint, { control: true });
          item.append(button);
        } else item.append(mark, label);
        items.push(item);
        return items;
      }),
    );
    const choices = [...element.querySelectorAll<HTMLElement>('.key-choice')];
    if (choices.length === 0) return;
    const stop = choices.find((b) => b.dataset.keyIndex === element.dataset.stop) ?? choices.find((b) => b.getAttribute('aria-pressed') === 'true') ?? choices[0];
    for (const b of choices) b.tabIndex = b === stop ? 0 : -1;
    if (focused !== undefined) choices.find((b) => b.dataset.keyIndex === focused)?.focus();
  }

  /** Shows the whole time range again on every chart. */
  resetZoom(): void {
    for (const m of this.mounted.values()) {
      const range = this.dataRange(m.plot);
      if (range && range.max > range.min) m.plot.setScale('x', range);
    }
  }

  /** The zoomed x range, or null when the whole run shows. */
  get zoom(): XRange | null {
    return this.currentZoom();
  }

  get hasCharts(): boolean {
    return this.mounted.size > 0;
  }

  /** The uPlot instance of a chart (for tests and export). */
  plot(key: string): uPlot | undefined {
    return this.mounted.get(key)?.plot;
  }

  /**
   * The charts as shown now, for an exported figure (src/core/figures/chartFigure.ts): each chart's
   * title, its axes over the ranges on screen (the zoom included), its series and its key. `restyle`
   * gives a model in another palette (a light figure) with the same data.
   */
  figureCharts(restyle: (key: string, model: ChartModel) => ChartModel): FigureChart[] {
    const out: FigureChart[] = [];
    for (const key of this.containers.keys()) {
      const m = this.mounted.get(key);
      if (!m) continue;
      const model = restyle(key, m.model);
      const plot = m.plot;
      const x = plot.scales.x;
      // Ticked within the data's ends, as on screen, where the range has room past them (ChartView.markerRoom).
      const ends = m.view.markerRoom ? dataEnds(plot) : undefined;
      const xAxis: FigureAxis = { label: m.view.logX ? `${m.view.xLabel} (log)` : m.view.xLabel, log: m.view.logX, min: x.min ?? 0, max: x.max ?? 1, ...(m.view.xInteger ? { integer: true } : {}), ...(m.view.xAt ? { at: m.view.xAt } : {}), ...(ends ? { within: ends } : {}) };
      const yAxes: FigureAxis[] = model.scales.map((s) => {
        const sc = plot.scales[s.key];
        return { label: s.label, log: s.log, min: sc?.min ?? 0, max: sc?.max ?? 1, ...(s.within ? { within: s.within } : {}) };
      });
      const data = model.data;
      const series: FigureSeries[] = model.series.map((s, i) => {
        // Rows another run put in the joined table (uPlot.join's `undefined`) are not points of this series.
        const column = data[i + 1] ?? [];
        const raw = model.raw?.[i + 1];
        const log = model.scales.find((sc) => sc.key === s.scale)?.log === true;
        const x: number[] = [];
        const y: (number | null)[] = [];
        column.forEach((v, row) => {
          if (v === undefined) return;
          x.push(Number(data[0][row]));
          // A 0 on a log axis is a gap in the drawn column; the figure marks it on the axis's floor.
          y.push(typeof v === 'number' && Number.isFinite(v) ? v : log && raw?.[row] === 0 ? 0 : null);
        });
        // A sparse series keeps its measurements only: joined, and marked (FigureSeries.joined).
        const kept = s.sparse ? x.map((_, k) => k).filter((k) => y[k] !== null) : null;
        return {
          label: s.label,
          colour: s.colour,
          width: s.width ?? 2,
          dashed: s.dashed,
          points: s.points,
          ...(kept ? { joined: true, x: kept.map((k) => x[k]), y: kept.map((k) => y[k]) } : { x, y }),
          axis: model.scales.findIndex((sc) => sc.key === s.scale) === 1 ? 1 : 0,
        };
      });
      out.push({ title: model.title, x: xAxis, y: yAxes, series, key: model.key, shade: model.shade, ...(model.note ? { note: model.note } : {}) });
    }
    return out;
  }
}
