/**
 * Axis ticks and their labels, in one format for every figure the project draws — the panels' charts
 * (uPlot), the phase diagram, and the SVG figures of `flab phase --svg` and Export Chart
 * (docs/panel.md, "Axes"):
 * - a log axis is labelled at whole decades, each written 10ⁿ (10⁻⁴, 10⁰, 10²); other values on it
 *   (a 1-2-5 tick within a single decade, the data's end) as a linear axis writes them;
 * - a linear axis is labelled at 1, 2, 2.5 or 5 × 10ᵏ steps, every label with the same number of
 *   decimals — as many as the step needs, so that 1 … 1.00012 reads 1.00000, 1.00004, … and no two
 *   ticks print alike; when the values are tiny or huge (|v| < 10⁻³ or ≥ 10⁵) the labels share one
 *   power of ten: 2×10⁻⁵, 4×10⁻⁵;
 * - an integer axis (gradient-descent steps) has integer steps only;
 * - negative numbers use the minus sign −.
 * Pure functions, no DOM.
 */
import { superscript } from '../experiment/diagnostic';

/** The label of the decade 10ⁿ: 10⁻⁴, 10⁰, 10³. */
export function decadeLabel(n: number): string {
  return `10${superscript(n)}`;
}

/** ASCII hyphen-minus → the minus sign. */
function minus(s: string): string {
  return s.replace(/^-/, '−');
}

const MANTISSAS = [1, 2, 2.5, 5, 10];

/**
 * About `count` (at least 2) evenly spaced round values within [min, max]: a step of 1, 2, 2.5 or
 * 5 × 10ᵏ (integers ≥ 1 only when `integer`), ticks at its multiples. [min] when min = max.
 */
export function linearTicks(min: number, max: number, count: number, integer = false): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  // A range below the resolution of the values themselves has no distinct round steps inside it.
  if (max - min <= 1e-12 * Math.max(Math.abs(min), Math.abs(max))) return [min];
  const raw = (max - min) / Math.max(1, count);
  let step = raw;
  const mag = 10 ** Math.floor(Math.log10(raw));
  // Integer steps: no 2.5 below 25 (it would leave the integers).
  const mantissas = integer && mag < 10 ? MANTISSAS.filter((m) => m !== 2.5) : MANTISSAS;
  for (const m of mantissas) {
    if (m * mag >= raw * (1 - 1e-9)) {
      step = m * mag;
      break;
    }
  }
  if (integer) step = Math.max(1, Math.round(step));
  const out: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  // Bounded: the step is at least (max − min)/count, so there are at most count + 1 multiples.
  for (let k = first; k <= last; k++) out.push(cleanMultiple(k, step));
  return out;
}

/** k·step without the binary noise of the product (0.1·3 = 0.30000000000000004). */
function cleanMultiple(k: number, step: number): number {
  const v = k * step;
  return v === 0 ? 0 : Number(v.toPrecision(12));
}

/** Whole decades within [min, max] (every k-th when there are more than `count`); within one decade, 1-2-5 steps. */
export function logTicks(min: number, max: number, count: number): number[] {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  const first = Math.ceil(Math.log10(min) - 1e-9);
  const last = Math.floor(Math.log10(max) + 1e-9);
  if (last - first >= 1) {
    const every = Math.max(1, Math.ceil((last - first + 1) / Math.max(2, count)));
    const out: number[] = [];
    for (let e = Math.ceil(first / every) * every; e <= last; e += every) out.push(10 ** e);
    return out;
  }
  // Less than two decades: 1, 2, 5 × 10ᵏ inside the range, or evenly spaced values when even those are too few.
  const out: number[] = [];
  for (let e = first - 1; e <= last; e++) for (const m of [1, 2, 5]) {
    const v = m * 10 ** e;
    if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(Number(v.toPrecision(12)));
  }
  return out.length >= 2 ? out : linearTicks(min, max, count).filter((v) => v > 0);
}

/** Whether `v` is a whole decade 10ⁿ (to 1e-9 relative). */
export function isDecade(v: number): boolean {
  if (!(v > 0)) return false;
  const e = Math.round(Math.log10(v));
  return Math.abs(10 ** e - v) <= 1e-9 * v;
}

/**
 * Labels of a linear axis's ticks: one number of decimals for all, the fewest that print every
 * tick exactly (to 10⁻⁹ of the step) and no two alike; a shared power of ten when the values are
 * tiny or huge.
 */
export function linearTickLabels(ticks: readonly number[]): string[] {
  if (ticks.length === 0) return [];
  const mag = Math.max(...ticks.map((t) => Math.abs(t)));
  if (mag === 0) return ticks.map(() => '0');
  const exp = mag >= 1e5 || mag < 1e-3 ? Math.floor(Math.log10(mag)) : 0;
  const scale = 10 ** exp;
  const scaled = ticks.map((t) => t / scale);
  const step = ticks.length > 1 ? Math.min(...ticks.slice(1).map((t, i) => Math.abs(t - ticks[i]) / scale).filter((d) => d > 0)) : Math.abs(scaled[0]) || 1;
  let decimals = 0;
  for (; decimals < 15; decimals++) {
    const printed = scaled.map((v) => v.toFixed(decimals));
    const exact = scaled.every((v) => Math.abs(Number(v.toFixed(decimals)) - v) <= 1e-9 * Math.max(step, Math.abs(v) * 1e-6));
    if (exact && new Set(printed).size === printed.length) break;
  }
  return scaled.map((v) => {
    const text = minus(fixed(v, decimals));
    if (exp === 0) return text;
    return v === 0 ? '0' : `${text}×${decadeLabel(exp)}`;
  });
}

/** toFixed without a negative zero. */
function fixed(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** Labels of a log axis's ticks: decades as 10ⁿ, any other value as `formatTickValue` writes it. */
export function logTickLabels(ticks: readonly number[]): string[] {
  return ticks.map((v) => (isDecade(v) ? decadeLabel(Math.round(Math.log10(v))) : formatTickValue(v)));
}

/** A lone value on an axis (an end, a 1-2-5 tick): three significant digits, m×10ⁿ when tiny or huge. */
export function formatTickValue(v: number): string {
  if (!Number.isFinite(v)) return '';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return minus(String(Number(v.toPrecision(3))));
  const e = Math.floor(Math.log10(a));
  const m = Number((v / 10 ** e).toPrecision(3));
  return m === 1 ? decadeLabel(e) : `${minus(String(m))}×${decadeLabel(e)}`;
}

/**
 * Relative spread below which a series' values are one value: equal, or apart by their rounding only
 * (ζ computed as 1e-10 at one step and 1.0000001e-10 at the next).
 */
export const FLAT_SPREAD = 1e-9;

/**
 * Whether the values from `min` to `max` are one value (a constant series: a zero-width extent, or
 * one narrower than FLAT_SPREAD of their size, or of `unit` — the size of the quantity's own scale,
 * whose rounding a tiny value carries: ζ, a cosine of size 1, computed as 10⁻¹⁰ is 10⁻¹⁰ ± 10⁻¹⁷).
 * An axis fitted to such an extent spreads rounding over its whole height, and draws one value at
 * its top and at its bottom as if they differed.
 */
export function isFlat(min: number, max: number, unit = 0): boolean {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return false;
  return Math.abs(max - min) <= FLAT_SPREAD * Math.max(Math.abs(min), Math.abs(max), Math.abs(unit));
}

/**
 * Relative spread below which positive values are one value on a log axis, whose range is whole
 * decades (`flatRange` gives two): 10⁻³ of the value is 0.0004 of a decade, under a pixel on any axis
 * the panels or figures draw, so the series draws as a flat line however it is placed — in the middle,
 * not on the decade's edge where it lies (ζ = 10⁻¹⁰ ± 10⁻¹⁷ lay on the bottom edge of 10⁻¹⁰ … 10⁻⁹).
 */
export const LOG_FLAT_SPREAD = 1e-3;

/** Whether positive values from `min` to `max` draw as one value on a log axis (`LOG_FLAT_SPREAD`); false for values ≤ 0 or not finite. */
export function isFlatOnLog(min: number, max: number): boolean {
  return min > 0 && Number.isFinite(max) && max >= min && max - min <= LOG_FLAT_SPREAD * max;
}

/**
 * The range of an axis over a constant value `v`, with `v` in it and away from its ends, over which
 * ticks read as the value's size and do not pretend a spread: on a linear axis from 0 to 2v (0 in
 * the middle of −1 … 1 when v = 0); on a log axis (v > 0) whole decades with v in their middle half:
 * its own decade when v is in that decade's middle half (10⁻¹⁰ … 10⁻⁹ for 3×10⁻¹⁰), else the decades
 * either side of the nearest power of ten (10⁻¹¹ … 10⁻⁹ for 10⁻¹⁰, and for 10⁻¹⁰ + 10⁻¹⁷). A value that cannot be placed (not finite;
 * ≤ 0 on a log axis) gets −1 … 1 (10⁻¹ … 10 on a log axis).
 */
export function flatRange(v: number, log: boolean): [number, number] {
  if (log && !(v > 0 && Number.isFinite(v))) return [0.1, 10];
  if (!Number.isFinite(v)) return [-1, 1];
  if (log) {
    const e = Math.log10(v);
    const k = Math.floor(e);
    // Its own decade when v lies in that decade's middle half; else the decades either side of the
    // nearest power of ten, which is then the middle (v just above 10⁻¹⁰ lay on the bottom edge of 10⁻¹⁰ … 10⁻⁹).
    if (e - k >= 0.25 && e - k <= 0.75) return [10 ** k, 10 ** (k + 1)];
    const m = Math.round(e);
    return [10 ** (m - 1), 10 ** (m + 1)];
  }
  if (v === 0) return [-1, 1];
  return v > 0 ? [0, 2 * v] : [2 * v, 0];
}

/** Room an axis label needs along a horizontal axis, in CSS pixels: closer than this, two labels run together. */
export const LABEL_ROOM_PX = 48;

/**
 * A log axis's ticks and labels, with its right end always labelled (a time axis spans the data
 * exactly, so its end is rarely a decade, and a reader wants to know where the run stops): `gap` is
 * the fraction of the axis's log-width within which the last tick is too near the end for both
 * labels to be read — the charts pass the width of a label over the axis's length in pixels. When
 * the last tick is that near, the end takes its place in the labels (the tick keeps its grid line,
 * unlabelled), unless the end prints as that very tick (10² for an end at 100.1): then the tick's
 * label stands for the end. A whole end below 10⁵ is printed in full (2048, not 2050).
 */
export function logAxisTicks(min: number, max: number, count: number, gap = 0.12): { values: number[]; labels: string[] } {
  const values = logTicks(min, max, count);
  const labels = logTickLabels(values);
  if (values.length > 0 && max > min && min > 0) {
    const lastTick = values[values.length - 1];
    const endPrinted = valueLabel(max);
    const endIsTick = Math.abs(max - lastTick) <= 1e-9 * max || endPrinted === labels[labels.length - 1] || Number(endPrinted.replace('−', '-')) === lastTick;
    if (!endIsTick) {
      const width = Math.log10(max) - Math.log10(min);
      if ((Math.log10(max) - Math.log10(lastTick)) / width <= gap) labels[labels.length - 1] = '';
      values.push(max);
      labels.push(endPrinted);
    }
  }
  return { values, labels };
}

/**
 * Ticks at given values (a sweep's, one run each: 32, 128, 512, 2048 rather than 10², 10³ and an end
 * that left 32 unlabelled), those within [min, max], each labelled as written — a whole number below
 * 10⁵ exactly, else in the tick format. Empty when none is within the range.
 * `room`: the room a label of LABEL_ROOM_PX takes, as a fraction of the axis (LABEL_ROOM_PX over its
 * length), on a log axis when `log`. Two labels need the room their widths take (`labelRoomPx`: half of
 * each, about VALUE_CHAR_PX a character, and LABEL_GAP_PX between), at most LABEL_ROOM_PX: a tick
 * closer than that to the last labelled one keeps its mark without a label, and the last value's label
 * wins over its neighbour's (η = 0.001 and 0.003 on an axis to 10⁶ printed "0.00.003"). With a `room`,
 * every value keeps its mark while the values are VALUE_MARK_PX apart on average; beyond that, and
 * without a `room`, every k-th of them is kept (the first and the last too) when more than `count` —
 * the axis's round-tick count — would crowd the axis. Until 2026-12-03 `count` (a tick per 60 px) and
 * the 48 px of any two labels thinned 32, 128, 512, 2048 on the 136-px plot of a 320-px panel to 32
 * and 2048, their labels 42 px apart (a fresh tester's L2).
 */
export function valueTicks(at: readonly number[], min: number, max: number, count: number, room = 0, log = false): { values: number[]; labels: string[] } {
  const within = [...new Set(at)].filter((v) => Number.isFinite(v) && v >= min - 1e-9 * Math.abs(min) && v <= max + 1e-9 * Math.abs(max)).sort((a, b) => a - b);
  const marks = room > 0 ? Math.floor(LABEL_ROOM_PX / room / VALUE_MARK_PX) : 0;
  const step = Math.max(1, Math.ceil(within.length / Math.max(2, count, marks)));
  const values = within.filter((_, i) => i % step === 0 || i === within.length - 1);
  // The last but one goes when thinning put it right beside the last.
  if (step > 1 && values.length > 2 && (within.length - 1) % step !== 0) values.splice(values.length - 2, 1);
  const labels = values.map(valueLabel);
  const at01 = (v: number) => (log ? Math.log(v / min) / Math.log(max / min) : (v - min) / (max - min));
  if (room > 0 && max > min && (!log || min > 0)) {
    const needs = (i: number, j: number) => (room * labelRoomPx(labels[i], labels[j])) / LABEL_ROOM_PX;
    let labelled = -1;
    values.forEach((v, i) => {
      if (labelled < 0 || at01(v) - at01(values[labelled]) >= needs(labelled, i)) labelled = i;
      else if (i === values.length - 1) {
        // The last value's label over its neighbour's, which then goes.
        labels[labelled] = '';
        labelled = i;
      } else labels[i] = '';
    });
  }
  return { values, labels };
}

/** About the width of a character of a tick label (11 px type), in CSS pixels: a digit is 6–6.5 px. */
export const VALUE_CHAR_PX = 7;
/** The least gap between two tick labels, in CSS pixels. */
export const LABEL_GAP_PX = 10;
/** The least distance, on average, between a sweep's value ticks before they are thinned, in CSS pixels. */
export const VALUE_MARK_PX = 12;

/** The distance two tick labels' centres need, in CSS pixels: half of each one's width and a gap, at most LABEL_ROOM_PX. */
export function labelRoomPx(a: string, b: string): number {
  return Math.min(LABEL_ROOM_PX, ((a.length + b.length) / 2) * VALUE_CHAR_PX + LABEL_GAP_PX);
}

/** A value as a tick that is one of the data's own: a whole number below 10⁵ as it is (2048, not "2050", a value no run had), anything else in the tick format. */
function valueLabel(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e5 ? String(v).replace('-', '−') : formatTickValue(v);
}

/** A linear axis's ticks and labels. */
export function linearAxisTicks(min: number, max: number, count: number, integer = false): { values: number[]; labels: string[] } {
  const values = linearTicks(min, max, count, integer);
  return { values, labels: linearTickLabels(values) };
}

/**
 * Whether the values a chart's x axis takes (a sweep's, one point each) read better on a log axis:
 * all positive, and spanning more than 30×, or at least 10× while spaced more evenly on a log scale
 * than on a linear one — σ = 0.1, 0.3, 1, 3 spans exactly 30× and on a linear axis crowded three of
 * its four values into the first tenth.
 */
export function prefersLogAxis(values: readonly number[]): boolean {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length < 2 || v[0] <= 0) return false;
  const span = v[v.length - 1] / v[0];
  if (span > 30) return true;
  if (span < 10) return false;
  const spread = (gaps: number[]) => Math.max(...gaps) / Math.min(...gaps);
  const linear: number[] = [];
  const log: number[] = [];
  for (let i = 1; i < v.length; i++) {
    if (v[i] === v[i - 1]) continue;
    linear.push(v[i] - v[i - 1]);
    log.push(Math.log(v[i] / v[i - 1]));
  }
  return log.length < 2 || spread(log) < spread(linear);
}

/**
 * The ticks inside `[lo, hi]`, each with its label (within a rounding of the bounds): an axis that
 * reaches a little past a quantity's bounds (ζ and an accuracy in [0, 1], with room for a marker at 1)
 * has no tick past them.
 */
export function ticksWithin(ticks: { values: number[]; labels: string[] }, [lo, hi]: readonly [number, number]): { values: number[]; labels: string[] } {
  const eps = 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi));
  const keep = ticks.values.map((v) => v >= lo - eps && v <= hi + eps);
  return { values: ticks.values.filter((_, i) => keep[i]), labels: ticks.labels.filter((_, i) => keep[i]) };
}

/** The range `[min, max]` within `[lo, hi]`, or `[min, max]` itself when they do not overlap (nothing within to tick). */
export function clippedTo(min: number, max: number, [lo, hi]: readonly [number, number]): [number, number] {
  const a = Math.max(min, lo);
  const b = Math.min(max, hi);
  return b > a ? [a, b] : [min, max];
}
