/**
 * Every message between the extension host and the dynamics panel, imported by both sides
 * (docs/architecture.md, "Messages"). The host never posts before the webview has said `ready`;
 * every message from the webview is checked with `parseFromDynamics` before it is used.
 */
import { FIGURE_LIMITS, FigureAxis, FigureChart, FigureKeyEntry, FigureSeries, FigureSpec } from '../core/figures/chartFigure';
import type { Parameter } from '../core/figures/parameters';
import type { ClassifyThresholds } from '../core/mechanisms/classify';
import type { Trajectory } from '../core/trajectory/trajectory';
import { asRecord, Closed, CommonFromWebview, ErrorInfo, isFiniteNumber, parseCommon } from './common';

/** The hyperparameters the panel's controls edit, by their JSON path in the experiment file. */
export const CONTROL_KEYS = ['model.width', 'model.outputScale', 'init.scaleU', 'init.scaleW', 'learningRates.u', 'learningRates.W', 'data.y'] as const;
export type ControlKey = (typeof CONTROL_KEYS)[number];

/** A control's slider range (log scale unless `linear`); the number field accepts the whole domain. */
export interface ControlRange {
  min: number;
  max: number;
  linear: boolean;
  integer: boolean;
}

/** Slider ranges. Scales may also be 0, typed into the number field. */
export const CONTROL_RANGES: Record<ControlKey, ControlRange> = {
  'model.width': { min: 1, max: 1e6, linear: false, integer: true },
  'model.outputScale': { min: 1e-6, max: 1e6, linear: false, integer: false },
  'init.scaleU': { min: 1e-6, max: 1e3, linear: false, integer: false },
  'init.scaleW': { min: 1e-6, max: 1e3, linear: false, integer: false },
  'learningRates.u': { min: 1e-6, max: 1e3, linear: false, integer: false },
  'learningRates.W': { min: 1e-6, max: 1e3, linear: false, integer: false },
  'data.y': { min: -10, max: 10, linear: true, integer: false },
};

/** The values the experiment schema (media/flab.schema.json) accepts for each key, and its label. */
export interface ControlDomain {
  label: string;
  integer: boolean;
  min?: number;
  exclusiveMin?: number;
  max?: number;
}

export const CONTROL_DOMAINS: Record<ControlKey, ControlDomain> = {
  'model.width': { label: 'Width d', integer: true, min: 1, max: 1e7 },
  'model.outputScale': { label: 'Output scale γ', integer: false, exclusiveMin: 0 },
  'init.scaleU': { label: 'Init scale σ_u', integer: false, min: 0 },
  'init.scaleW': { label: 'Init scale σ_W', integer: false, min: 0 },
  'learningRates.u': { label: 'Learning rate η_u', integer: false, exclusiveMin: 0 },
  'learningRates.W': { label: 'Learning rate η_W', integer: false, exclusiveMin: 0 },
  'data.y': { label: 'Target y', integer: false },
};

/**
 * A value from the webview brought into its control's domain: rounded when the key is an integer,
 * clamped to the bounds; below an exclusive minimum, the slider's smallest value. The webview
 * refuses such values itself: this guards the document against a page that does not.
 */
export function clampToDomain(key: ControlKey, value: number): number {
  const d = CONTROL_DOMAINS[key];
  let v = d.integer ? Math.round(value) : value;
  if (d.min !== undefined && v < d.min) v = d.min;
  if (d.max !== undefined && v > d.max) v = d.max;
  if (d.exclusiveMin !== undefined && !(v > d.exclusiveMin)) v = CONTROL_RANGES[key].min;
  return v;
}

/** One control as the panel shows it. */
export interface ControlState extends ControlRange {
  key: ControlKey;
  /** Current value in the document; null when the document's form has no such value (e.g. explicit init). */
  value: number | null;
  /** The value as the document writes it (`1e9`, `0.0000605417987571`), when it is written there: what the number field shows. */
  text?: string;
  /**
   * When the key is a power of the width in the document (a plain number under a `parameterisation`;
   * docs/mechanisms.md, "Width scaling"), `value` is its base b, and the run uses b·d^exponent: the
   * exponent, the document's width d and that value (null where the width is not a valid number). Absent
   * for a key whose number is the value (exponent 0 too).
   */
  widthPower?: ControlWidthPower;
}

/** A control's width power (ControlState.widthPower): the value used is `value` = base·`width`^`exponent`. */
export interface ControlWidthPower {
  exponent: number;
  width: number | null;
  value: number | null;
}

/**
 * The slider's range for a value: CONTROL_RANGES[key] widened, within the key's domain, to the decades
 * around the value (log), or to a symmetric range of a 1-2-5 number above |value| (linear), so that
 * the slider shows the file's value and its arrow keys move from it. A width of 10⁷ on a slider that
 * ended at 10⁶ sat at its end, and one arrow key wrote 986279 into the file.
 */
export function sliderRange(key: ControlKey, value: number | null): ControlRange {
  const r = CONTROL_RANGES[key];
  if (value === null || !Number.isFinite(value)) return r;
  const d = CONTROL_DOMAINS[key];
  const within = (v: number) => Math.min(d.max ?? Infinity, Math.max(d.min ?? -Infinity, v));
  if (r.linear) {
    const a = Math.abs(value);
    if (a <= r.max && -a >= r.min) return r;
    const decade = 10 ** Math.floor(Math.log10(a));
    const nice = [1, 2, 5, 10].map((m) => m * decade).find((v) => v >= a) ?? 10 * decade;
    return { ...r, min: within(Math.min(r.min, -nice)), max: within(Math.max(r.max, nice)) };
  }
  if (value <= 0) return r;
  return { ...r, min: within(Math.min(r.min, 10 ** Math.floor(Math.log10(value)))), max: within(Math.max(r.max, 10 ** Math.ceil(Math.log10(value)))) };
}

/** One run of a sweep: the exact flow (when shown) and gradient descent (when shown) at one value. */
export interface SweepRunView {
  value: number;
  trajectory: Trajectory | null;
  simulation: Trajectory | null;
  /** The label's thresholds of this run (they differ between runs only in a sweep over `classify.*`). */
  thresholds: ClassifyThresholds;
}

/** A declared sweep (`"sweep"` in the experiment), as the panel draws it. */
export interface SweepView {
  /** The key as written and the JSON path it names. */
  key: string;
  path: string;
  runs: SweepRunView[];
  /**
   * When the swept key is a power of the width in the file (`axisWidthPower`): its values are the bases b
   * of b·d^exponent, d = `width`; absent or null when they are the values. Export Data heads their column
   * `model.outputScale.base` (csvValueColumn).
   */
  widthPower?: { exponent: number; width: number } | null;
  /** The file's own value of the swept key as the runs' values are (the base of a width power: `axisCurrent`), or null. */
  current?: number | null;
}

/** What the panel draws: the exact flow, gradient descent at the experiment's rates, or both together. */
export type DynamicsView = 'flow' | 'descent' | 'both';
export const DYNAMICS_VIEWS: readonly DynamicsView[] = ['flow', 'descent', 'both'];

/**
 * How far gradient descent strays from the flow in one drawn quantity (docs/panel.md, "Descent
 * against flow"), over the descent's steps, each compared with the exact flow at the same time
 * (t = step): `absolute` for ζ, the distance from initialisation and K/K(0) (the drawn ratio);
 * `relative` for |u| and ‖W‖_F (to the flow's largest value over the compared steps); `decades`
 * for the loss and the objective (|log₁₀(L_GD/L)|, as their log axis shows it, each loss raised to
 * 10⁻¹² of its initial value first: below that it has converged).
 */
export interface Deviation {
  /** The trajectory column: zeta, loss, objective, normU, normW, ntk, distance. */
  column: string;
  measure: 'absolute' | 'relative' | 'decades';
  /** The largest deviation. */
  max: number;
  /** The time (= step) where it is largest. */
  at: number;
  /** The deviation at the last step compared. */
  final: number;
}

/** What the panel computes for one state of the document (the dynamics worker's result). */
export interface DynamicsResult {
  title: string;
  /** The experiment's `description`, or null. */
  description: string | null;
  /** The parameters as run (src/core/figures/parameters.ts), for the figure header and the CSV header. */
  parameters: Parameter[];
  /** The label's thresholds (the file's `classify` over the defaults). */
  thresholds: ClassifyThresholds;
  trajectory: Trajectory;
  /** Gradient descent at the experiment's rates, when the view shows it. */
  simulation: Trajectory | null;
  /** Largest |ζ_simulated − ζ_exact| over the descent's steps, when both are computed. */
  deviation: number | null;
  /** The deviation of every drawn quantity, when both are computed; [] otherwise. */
  deviations: Deviation[];
  controls: ControlState[];
  /** The file's `compare.simulate`: the view's default. */
  compareSimulate: boolean;
  /** What this result was computed for: the panel's view preference, else the file's default. */
  view: DynamicsView;
  /** The experiment's declared sweep, one run per value; null when it declares none. */
  sweep: SweepView | null;
}

// ---- host → webview -----------------------------------------------------------------------------

/** A new result for the document's newest valid state. */
export interface Update extends DynamicsResult {
  type: 'update';
  /**
   * Increases with every newer state of the document the panel shows (a per-panel sequence, since
   * a document's own version restarts when it is reopened); `invalid` and `busy` share it.
   */
  version: number;
}

/** The document is invalid now: the errors over the last good result (which stays, greyed). */
export interface Invalid {
  type: 'invalid';
  version: number;
  errors: ErrorInfo[];
  controls: ControlState[] | null;
  /** The file's own `name` when its JSON is well formed and names it (the heading while no result is shown), else null. */
  title?: string | null;
}

/** A run for `version` is taking a while. */
export interface Busy {
  type: 'busy';
  version: number;
}

/** How Export Chart draws the figure. */
export interface FigureOptions {
  format: 'png' | 'svg';
  /** Pixels per CSS pixel of the PNG (1–4); the SVG is vector. */
  scale: number;
  /** `light`: a white page and print colours whatever the theme; `theme`: the editor's colours. */
  background: 'light' | 'theme';
}

/** Make the figure of the charts as shown: answer `chartImage` (PNG) or `chartFigure` (what the SVG draws). */
export interface ExportChartRequest extends FigureOptions {
  type: 'exportChart';
  requestId: number;
}

/**
 * Which file the panel shows; posted first after every `ready` and again after a rename. The webview
 * keeps `{ documentUri }` in `setState` (merged with its own view preferences) so that the host's
 * WebviewPanelSerializer can reopen the panel on that file after a window reload.
 */
export interface DocumentShown {
  type: 'document';
  documentUri: string;
  fileName: string;
}

export type ToDynamics = Update | Invalid | Busy | Closed | ExportChartRequest | DocumentShown;

// ---- webview → host -----------------------------------------------------------------------------

/** The user set a control: write the value into the document (`final` ends a slider drag's undo step). */
export interface SetValue {
  type: 'setValue';
  key: ControlKey;
  value: number;
  final: boolean;
}

/**
 * A view preference, never written to the file: draw the flow, the descent at the experiment's
 * rates, or both; null follows the file's `compare.simulate` (both when true, else the flow). The
 * host computes the descent only when it is shown.
 */
export interface SetView {
  type: 'setView';
  view: DynamicsView | null;
}

/** The answer to `exportChart` as a PNG. */
export interface ChartImage {
  type: 'chartImage';
  requestId: number;
  dataUrl: string;
}

/** The answer to `exportChart` as the figure's content, which the host draws as SVG (src/core/figures/chartFigure.ts). */
export interface ChartFigure {
  type: 'chartFigure';
  requestId: number;
  figure: FigureSpec;
}

export type FromDynamics = CommonFromWebview | SetValue | SetView | ChartImage | ChartFigure;

/** Largest chart image accepted from the webview. */
export const MAX_CHART_IMAGE_LENGTH = 50_000_000;

/** Validates a message from the dynamics webview; null for anything malformed. Values are clamped to their control's domain. */
export function parseFromDynamics(message: unknown): FromDynamics | null {
  const common = parseCommon(message);
  if (common) return common;
  const m = asRecord(message);
  if (!m) return null;
  switch (m.type) {
    case 'setValue':
      if (typeof m.key === 'string' && (CONTROL_KEYS as readonly string[]).includes(m.key) && isFiniteNumber(m.value) && typeof m.final === 'boolean') {
        const key = m.key as ControlKey;
        return { type: 'setValue', key, value: clampToDomain(key, m.value), final: m.final };
      }
      return null;
    case 'setView':
      return m.view === null || (DYNAMICS_VIEWS as readonly unknown[]).includes(m.view) ? { type: 'setView', view: m.view as DynamicsView | null } : null;
    default:
      return parseChartAnswer(m);
  }
}

/**
 * An answer to `exportChart` from a panel that draws its charts with the chart engine (the dynamics and
 * training panels): a PNG data URL, or the figure's content for the SVG; null for anything else.
 */
export function parseChartAnswer(m: Record<string, unknown>): ChartImage | ChartFigure | null {
  if (m.type === 'chartImage') {
    const ok = isFiniteNumber(m.requestId) && typeof m.dataUrl === 'string' && m.dataUrl.startsWith('data:image/png;base64,') && m.dataUrl.length < MAX_CHART_IMAGE_LENGTH;
    return ok ? { type: 'chartImage', requestId: m.requestId as number, dataUrl: m.dataUrl as string } : null;
  }
  if (m.type === 'chartFigure') {
    const figure = isFiniteNumber(m.requestId) ? parseFigureSpec(m.figure) : null;
    return figure ? { type: 'chartFigure', requestId: m.requestId as number, figure } : null;
  }
  return null;
}

// ---- the figure a webview sends for SVG export ----------------------------------------------------

/** A colour the SVG may carry: #hex, rgb() or rgba() — nothing that could close an attribute. */
const COLOUR = /^(#[0-9a-fA-F]{3,8}|rgba?\(\s*[\d.]+%?\s*,\s*[\d.]+%?\s*,\s*[\d.]+%?\s*(,\s*[\d.]+%?\s*)?\))$/;

function text(x: unknown): string | null {
  return typeof x === 'string' && x.length <= FIGURE_LIMITS.text ? x : null;
}

function colour(x: unknown): string | null {
  return typeof x === 'string' && x.length <= 64 && COLOUR.test(x) ? x : null;
}

function axis(x: unknown): FigureAxis | null {
  const a = asRecord(x);
  const label = text(a?.label);
  if (!a || label === null || typeof a.log !== 'boolean' || !isFiniteNumber(a.min) || !isFiniteNumber(a.max)) return null;
  if (a.integer !== undefined && typeof a.integer !== 'boolean') return null;
  // A sweep's values as the axis's ticks (FigureAxis.at): dropped here, the SVG was ticked at decades.
  if (a.at !== undefined && !(Array.isArray(a.at) && a.at.length <= FIGURE_LIMITS.ticks && a.at.every(isFiniteNumber))) return null;
  // The quantity's bounds (FigureAxis.within): dropped here, the SVG would tick past them (a ζ axis reaching 1.04 for a marker at 1).
  if (a.within !== undefined && !(Array.isArray(a.within) && a.within.length === 2 && a.within.every(isFiniteNumber) && (a.within[0] as number) < (a.within[1] as number))) return null;
  return { label, log: a.log, min: a.min, max: a.max, ...(a.integer ? { integer: true } : {}), ...(a.at ? { at: a.at as number[] } : {}), ...(a.within ? { within: [a.within[0], a.within[1]] as [number, number] } : {}) };
}

function column(x: unknown, length: number): (number | null)[] | null {
  if (!Array.isArray(x) || x.length !== length) return null;
  return x.every((v) => v === null || isFiniteNumber(v)) ? (x as (number | null)[]) : null;
}

function chart(x: unknown, budget: { points: number }): FigureChart | null {
  const c = asRecord(x);
  const title = text(c?.title);
  if (!c || title === null || !Array.isArray(c.y) || !Array.isArray(c.series) || !Array.isArray(c.key)) return null;
  const xAxis = axis(c.x);
  const yAxes = c.y.map(axis);
  if (!xAxis || yAxes.length < 1 || yAxes.length > 2 || yAxes.some((a) => a === null)) return null;
  if (c.series.length > FIGURE_LIMITS.seriesPerChart || c.key.length > FIGURE_LIMITS.keyEntries) return null;
  const series: FigureSeries[] = [];
  for (const raw of c.series) {
    const sr = asRecord(raw);
    const label = text(sr?.label);
    const stroke = colour(sr?.colour);
    if (!sr || label === null || !stroke || !Array.isArray(sr.x)) return null;
    // The size is checked before the columns are read.
    budget.points -= sr.x.length;
    if (budget.points < 0) return null;
    const xs = sr.x.every(isFiniteNumber) ? (sr.x as number[]) : null;
    const y = column(sr.y, sr.x.length);
    if (!xs || !y || !isFiniteNumber(sr.width) || sr.width < 0 || sr.width > 20 || typeof sr.dashed !== 'boolean' || typeof sr.points !== 'boolean' || (sr.axis !== 0 && sr.axis !== 1)) return null;
    if (sr.joined !== undefined && typeof sr.joined !== 'boolean') return null;
    series.push({ label, colour: stroke, width: sr.width, dashed: sr.dashed, points: sr.points, ...(sr.joined ? { joined: true } : {}), axis: sr.axis, x: xs, y });
  }
  const key: FigureKeyEntry[] = [];
  for (const raw of c.key) {
    const k = asRecord(raw);
    const label = text(k?.label);
    const stroke = colour(k?.colour);
    const group = k?.group === undefined ? undefined : text(k.group);
    if (!k || label === null || !stroke || !['line', 'dashed', 'points', 'swatch'].includes(k.mark as string) || group === null) return null;
    key.push({ label, colour: stroke, mark: k.mark as FigureKeyEntry['mark'], ...(group !== undefined ? { group } : {}) });
  }
  let shade: FigureChart['shade'] = null;
  if (c.shade !== null) {
    const sh = asRecord(c.shade);
    if (!sh || !isFiniteNumber(sh.from) || !isFiniteNumber(sh.to)) return null;
    shade = { from: sh.from, to: sh.to };
  }
  const note = c.note === undefined ? undefined : text(c.note);
  if (note === null) return null;
  return { title, x: xAxis, y: yAxes as FigureAxis[], series, key, shade, ...(note !== undefined ? { note } : {}) };
}

/**
 * A figure from a webview, checked before the host draws it: sizes within FIGURE_LIMITS (checked
 * before the columns are read), numbers finite, texts bounded, colours only #hex, rgb() or rgba().
 * Null for anything else.
 */
export function parseFigureSpec(x: unknown): FigureSpec | null {
  const f = asRecord(x);
  if (!f) return null;
  const title = text(f.title);
  const label = f.label === null ? null : text(f.label);
  const lines = (v: unknown): string[] | null => (Array.isArray(v) && v.length <= FIGURE_LIMITS.lines && v.every((s) => text(s) !== null) ? (v as string[]) : null);
  const parameters = lines(f.parameters);
  const notes = lines(f.notes);
  const c = asRecord(f.colours);
  const colours = c && { foreground: colour(c.foreground), background: colour(c.background), grid: colour(c.grid), shade: colour(c.shade) };
  if (title === null || (f.label !== null && label === null) || !parameters || !notes || !colours || Object.values(colours).some((v) => v === null)) return null;
  if (!Number.isInteger(f.columns) || (f.columns as number) < 1 || (f.columns as number) > 3) return null;
  if (!Array.isArray(f.charts) || f.charts.length > FIGURE_LIMITS.charts) return null;
  const budget = { points: FIGURE_LIMITS.points };
  const charts: FigureChart[] = [];
  for (const raw of f.charts) {
    const parsed = chart(raw, budget);
    if (!parsed) return null;
    charts.push(parsed);
  }
  return { title, label, parameters, notes, colours: colours as FigureSpec['colours'], columns: f.columns as number, charts };
}
