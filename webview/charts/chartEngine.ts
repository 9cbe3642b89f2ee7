/**
 * The charts of a panel, drawn with uPlot as its author means it (docs/architecture.md, "Webviews"):
 * columnar data `[x, y1, y2, …]`, `setData` on every update, a ResizeObserver for the size, and one
 * `cursor.sync` key so the cursor and drag-zoom are linked across charts. A panel kind describes its
 * charts as a table of chart specs (webview/dynamics/chartSpecs.ts); each spec becomes a `ChartModel`,
 * and this engine draws models — a new chart is one more entry in a table.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { decadeLabel } from '../shared/dom';
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
  scale: string;
}

export interface ScaleSpec {
  key: string;
  label: string;
  log: boolean;
  range?: [number, number];
  side: 'left' | 'right';
}

export interface ChartModel {
  title: string;
  scales: ScaleSpec[];
  series: SeriesSpec[];
  data: uPlot.AlignedData;
  /** uPlot's own legend (off for sweeps: the panel shows one shared legend of the values). */
  legend: boolean;
  /**
   * The values as computed, in the same rows as `data`, for the legend: `data` has gaps where a value
   * cannot be drawn (a loss of exactly 0 on a log axis), the legend still says what it is.
   */
  raw?: uPlot.AlignedData;
  /** A window of the x axis shaded under the curves (a catapult), or null. */
  shade: { from: number; to: number } | null;
}


/** At most this many simulation markers per series, so dense step grids stay readable. */
const MAX_MARKERS = 80;
const PLOT_HEIGHT = 220;
const SYNC_KEY = 'flab-dynamics';

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

/** A log axis's range: whole decades around the data, never below LOG_FLOOR. */
function logRange(_u: uPlot, min: number, max: number): [number, number] {
  if (!(max > 0) || !Number.isFinite(max)) return [1e-3, 1];
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(min > 0 ? min : max, LOG_FLOOR))));
  const hi = Math.pow(10, Math.ceil(Math.log10(max)));
  return hi > lo ? [lo, hi] : [lo / 10, hi * 10];
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

/** Off the chart, the legend shows the last time and every series' value at that time. */
function showLastValues(u: uPlot): void {
  const last = u.data[0].length ? u.data[0].length - 1 : null;
  u.setLegend({ idxs: u.data.map(() => last) }, false);
}

/** Our own decade ticks, all labelled (uPlot's default log filter would blank some of them). */
const LOG_AXIS = { splits: logSplits, values: logValues, filter: (_u: uPlot, splits: number[]) => splits };

/** How every chart of a panel is drawn now: the x axis and the theme. */
export interface ChartView {
  /** A logarithmic x axis. */
  logX: boolean;
  /** The x axis's name (`t`, `step`). */
  xLabel: string;
  palette: Palette;
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

export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
}

function options(current: () => ChartModel, view: ChartView, width: number): uPlot.Options {
  const model = current();
  /** A series' value for the legend: the drawn one, else the one computed (a gap on a log axis). */
  const legendValue = (_u: uPlot, v: number | null, sidx: number, idx: number | null): string => formatValue(v ?? (idx === null ? null : (current().raw?.[sidx]?.[idx] ?? null)));
  const { palette } = view;
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
    x: view.logX
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
      drawClear: [shadeWindow(model.shade, palette.yellow)],
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
          c.dataset.xScale = view.logX ? 'log' : 'linear';
        },
      ],
    },
    axes: [
      { ...axisBase, scale: 'x', label: view.logX ? `${view.xLabel} (log)` : view.xLabel, labelSize: 18, size: 40, ...(view.logX ? LOG_AXIS : {}) },
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
      { label: view.xLabel, value: (_u: uPlot, v: number | null) => formatValue(v) },
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
              spanGaps: false,
              points: { show: false },
              value: legendValue,
            },
      ),
    ],
  };
}

interface Mounted {
  /** The options' callbacks read the model through the mounted record, so `setData` updates keep them current. */
  plot: uPlot;
  signature: string;
  model: ChartModel;
}

type XRange = { min: number; max: number };

export class Charts {
  private readonly mounted = new Map<string, Mounted>();
  private readonly resize: ResizeObserver;
  private readonly containers = new Map<string, HTMLElement>();

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

  private widthOf(key: string): number {
    const w = this.containers.get(key)?.clientWidth ?? 0;
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
  render(models: readonly { key: string; model: ChartModel }[], view: ChartView, rebuild = false): void {
    let zoom = this.currentZoom();
    if (zoom && view.logX && zoom.min <= 0) zoom = null;
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
        continue;
      }
      existing?.plot.destroy();
      // What is drawn, readable from the DOM (tests, and anyone inspecting the panel).
      container.dataset.series = String(model.series.length);
      if (model.shade) container.dataset.shade = `${model.shade.from}:${model.shade.to}`;
      else delete container.dataset.shade;
      const record = { model } as Mounted;
      const plot = new uPlot(options(() => record.model, view, this.widthOf(key)), model.data, container);
      if (zoom) plot.setScale('x', zoom);
      Object.assign(record, { plot, signature: sig });
      this.mounted.set(key, record);
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
  plot(key: string): uPlot | undefined {
    return this.mounted.get(key)?.plot;
  }

  /** All charts composed on one canvas with a background, titles and legends, as a PNG data URL. */
  toPng(palette: Palette): string {
    const ratio = window.devicePixelRatio || 1;
    const titleH = Math.round(24 * ratio);
    const lineH = Math.round(20 * ratio);
    const pad = Math.round(12 * ratio);
    const fontPx = Math.round(palette.fontSize * ratio);
    const parts = [...this.containers.keys()].map((k) => this.mounted.get(k)).filter((m): m is Mounted => !!m);
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
