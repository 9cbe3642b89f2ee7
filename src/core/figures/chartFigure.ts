/**
 * A figure of charts as SVG (docs/panel.md, "Figures for papers"): the same series the dynamics
 * panel draws with uPlot on canvas, re-drawn as vectors — a header (the experiment's title, its label
 * and parameters), then each chart with its title, axes (src/core/figures/ticks.ts), grid, lines,
 * gradient-descent markers, a shaded window and its key. Export Chart writes it as .svg and
 * rasterises the same SVG for .png, so both formats show one figure. Pure: text in, text out.
 */
import { flatRange, isFlat, isFlatOnLog, LABEL_ROOM_PX, linearAxisTicks, logAxisTicks, logTickLabels, logTicks, clippedTo, ticksWithin, valueTicks } from './ticks';

/** One axis: its name, its scale and the range shown. */
export interface FigureAxis {
  label: string;
  log: boolean;
  min: number;
  max: number;
  /** Ticks at integers only (gradient-descent steps). */
  integer?: boolean;
  /** Ticks at these values instead (a sweep's: `valueTicks`). */
  at?: number[];
  /** The quantity's bounds (ζ, an accuracy in [0, 1]): no tick past them where the range reaches past (a marker's room). */
  within?: [number, number];
}

/** One drawn series: its points (x, y), against the left (0) or right (1) axis; a null y breaks the line. */
export interface FigureSeries {
  label: string;
  colour: string;
  /** Line width in px. */
  width: number;
  dashed: boolean;
  /** Hollow markers instead of a line. */
  points: boolean;
  /** A line through measurements made at some steps only, each marked with a dot (its nulls dropped). */
  joined?: boolean;
  axis: 0 | 1;
  x: number[];
  y: (number | null)[];
}

/** An entry of a chart's key. */
export interface FigureKeyEntry {
  label: string;
  colour: string;
  /** 'line', 'dashed', 'points' or a colour 'swatch'. */
  mark: 'line' | 'dashed' | 'points' | 'swatch';
  /** Entries of one group (a sweep's values) follow its name, written once: "outputScale: ▬ 0.1 ▬ 1". */
  group?: string;
}

export interface FigureChart {
  title: string;
  x: FigureAxis;
  /** The left axis, and the right one when the chart has two scales. */
  y: FigureAxis[];
  series: FigureSeries[];
  key: FigureKeyEntry[];
  /** A window of the x axis shaded under the curves (a catapult), or null. */
  shade: { from: number; to: number } | null;
  /** What the key cannot say, under it (the dots of measurements made at some steps only). */
  note?: string;
}

export interface FigureColours {
  foreground: string;
  background: string;
  grid: string;
  /** The shaded window's colour. */
  shade: string;
}

export interface FigureSpec {
  title: string;
  /** The label and why, one line (e.g. "alignment — |ζ| rose by 0.978 ≥ 0.1"), or null. */
  label: string | null;
  /** The experiment's parameters, one `symbol = value` each. */
  parameters: string[];
  /** Further lines under the parameters (what is compared, the sweep, the zoom). */
  notes: string[];
  charts: FigureChart[];
  colours: FigureColours;
  /** Charts per row. */
  columns: number;
}

/**
 * A figure's headline, its label line (`FigureSpec.label`), as the verdict over the panel's charts reads:
 * the label, what the parentheses say (`detail`: its regime, the dynamics) and each criterion against its
 * threshold — "Label: alignment (feature learning, exact gradient flow) — kernel change 12.3 ≥ 0.1, …".
 * In a sweep, `which` names the run it is of, first, as the verdict's "for …" does: "Label for σ_u = 2
 * (sweep run 2 of 3): alignment (…) — …" (in the parentheses, or not at all, it read as the sweep's).
 */
export function labelHeadline(label: string, detail: string, criteria: readonly string[], which: string | null): string {
  return `Label${which ? ` for ${which}` : ''}: ${label} (${detail})${criteria.length > 0 ? ` — ${criteria.join(', ')}` : ''}`;
}

/**
 * The headline of a sweep's figure when no value is chosen (the panel shows no verdict, its legend each
 * value's label): what the figure then summarises, each value with its label as the legend writes it —
 * "Sweep over init.scale: 0.1 alignment, 0.3 rescaling, 1 —". Nothing about choosing: a paper's figure
 * has no legend to choose in ("no value chosen" read as a choice the reader was not offered).
 */
export function sweepHeadline(key: string, valuesWithLabels: readonly string[]): string {
  return `Sweep over ${key}: ${valuesWithLabels.join(', ')}`;
}

/** What a figure may hold; larger specs are refused (they come from a webview). */
export const FIGURE_LIMITS = { charts: 16, seriesPerChart: 400, points: 2_000_000, text: 2000, keyEntries: 400, lines: 64, ticks: 10_000 } as const;

const FONT = 'Helvetica, Arial, sans-serif';
const CHART_W = 470;
const PLOT_H = 210;
const LEFT = 66;
const RIGHT_AXIS = 62;
const RIGHT_PAD = 18;
const CHART_TITLE_H = 26;
/** A chart title's line height, and its size: a title wider than its chart wraps (it ran off a PNG's edge). */
const CHART_TITLE_LINE = 16;
const CHART_TITLE_SIZE = 13;

/** A chart's title as the lines it takes in its cell. */
function titleLines(c: FigureChart): string[] {
  return wrap(c.title, CHART_W - 4, CHART_TITLE_SIZE);
}
const X_AXIS_H = 44;
const KEY_ROW_H = 18;
const GAP = 18;
const PAD = 20;
const FONT_SIZE = 12;

/** Approximate width of text in px (Helvetica-like: 0.56 em per character). */
function textWidth(s: string, size = FONT_SIZE): number {
  return [...s].length * size * 0.56;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function r2(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** Words wrapped into lines of at most `width` px. */
function wrap(text: string, width: number, size = FONT_SIZE): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, size) > width) {
      out.push(line);
      line = word;
    } else line = next;
  }
  if (line) out.push(line);
  return out;
}

/**
 * Items joined by `sep` into lines of at most `width` px, an item split only when it is wider than a
 * line by itself (its words then wrap: a data set's description ran off the figure's edge).
 */
function wrapItems(items: readonly string[], sep: string, width: number, size = FONT_SIZE): string[] {
  return wrapPieces(items.map((item, i) => (i < items.length - 1 ? item + sep.trimEnd() : item)), width, size);
}

/** Pieces joined by spaces into lines of at most `width` px, a piece split (at its words) only when wider than a line. */
function wrapPieces(pieces: readonly string[], width: number, size = FONT_SIZE): string[] {
  const out: string[] = [];
  let line = '';
  pieces.forEach((piece) => {
    const next = line ? `${line} ${piece}` : piece;
    if (line && textWidth(next, size) > width) {
      out.push(line);
      line = piece;
    } else line = next;
    if (textWidth(line, size) > width) {
      const lines = wrap(line, width, size);
      out.push(...lines.slice(0, -1));
      line = lines[lines.length - 1] ?? '';
    }
  });
  if (line) out.push(line);
  return out;
}

/**
 * A label line's pieces: cut after each " —" and "," that no parenthesis encloses, the mark kept on the
 * piece before ("Label: x (a, b) — c 1 ≥ 0.1, d" → "Label: x (a, b) —", "c 1 ≥ 0.1,", "d").
 */
function labelPieces(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (c === ',' || c === '—') && text[i + 1] === ' ' && (c === ',' || text[i - 1] === ' ')) {
      out.push(text.slice(start, i + 1).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter(Boolean);
}

/** One drawn item of a key: a group's name, or an entry. */
type KeyItem = { name: string } | FigureKeyEntry;

/** The key's items: each group's name before its first entry. */
function keyItems(key: readonly FigureKeyEntry[]): KeyItem[] {
  const out: KeyItem[] = [];
  let group: string | undefined;
  for (const k of key) {
    if (k.group !== undefined && k.group !== group) out.push({ name: `${k.group}:` });
    group = k.group;
    out.push(k);
  }
  return out;
}

function itemWidth(k: KeyItem): number {
  return 'name' in k ? textWidth(k.name) + 8 : 24 + textWidth(k.label) + 14;
}

/** Rows of key items that fit `width`. */
function keyRows(key: readonly FigureKeyEntry[], width: number): KeyItem[][] {
  const rows: KeyItem[][] = [[]];
  let x = 0;
  for (const k of keyItems(key)) {
    const w = itemWidth(k);
    if (x + w > width && rows[rows.length - 1].length > 0) {
      rows.push([]);
      x = 0;
    }
    rows[rows.length - 1].push(k);
    x += w;
  }
  return rows.filter((r) => r.length > 0);
}

/**
 * The axis as drawn: as given, unless its range is one value (`isFlat`: zero-width, or narrower than
 * the values' rounding — a constant series' extent), which would draw a constant at the top and at the
 * bottom as if its values differed, with one tick — on a log axis, narrower than it shows
 * (`isFlatOnLog`) — : then the range around that value that `flatRange` gives, as the panel's charts
 * draw it (docs/panel.md, "Axes").
 */
function drawnAxis(a: FigureAxis): FigureAxis {
  if (a.max > a.min && !(a.log ? isFlatOnLog(a.min, a.max) : isFlat(a.min, a.max))) return a;
  const [min, max] = flatRange((a.min + a.max) / 2, a.log);
  return { ...a, min, max };
}

/** Position along an axis as a fraction 0 … 1 (NaN outside what the scale can place: ≤ 0 on a log axis). */
function fraction(a: FigureAxis, v: number): number {
  if (a.log) {
    if (!(v > 0) || !(a.min > 0) || !(a.max > a.min)) return NaN;
    return (Math.log(v) - Math.log(a.min)) / (Math.log(a.max) - Math.log(a.min));
  }
  return a.max > a.min ? (v - a.min) / (a.max - a.min) : 0.5;
}

/**
 * A series' values exactly 0 on a log axis, which has no place for them: a small ▼ on the axis's lower
 * edge (`floor`) at each, in the series' colour, as the panel draws them (docs/panel.md, "Axes").
 */
function zeroMarks(s: FigureSeries, axis: FigureAxis, xPos: (v: number) => number, floor: number, out: string[]): void {
  if (!axis.log) return;
  let d = '';
  let last = -Infinity;
  for (let i = 0; i < s.x.length; i++) {
    if (s.y[i] !== 0) continue;
    const x = xPos(s.x[i]);
    // One mark per 8 px: a run of zeros is a row of marks, not a smear.
    if (!Number.isFinite(x) || x - last < 8) continue;
    last = x;
    d += `M${r2(x - 4)} ${r2(floor - 8)}L${r2(x + 4)} ${r2(floor - 8)}L${r2(x)} ${r2(floor)}Z`;
  }
  if (d) out.push(`<path class="zeros" d="${d}" fill="${esc(s.colour)}"/>`);
}

/** An axis's ticks; a log x axis also labels its right end (it spans the data exactly), a log y axis does not. */
function axisTicks(a: FigureAxis, lengthPx: number, perTickPx: number, labelEnd = false): { values: number[]; labels: string[] } {
  if (!a.within) return allTicks(a, lengthPx, perTickPx, labelEnd);
  // Ticked over the range within the quantity's bounds, none past them (`FigureAxis.within`).
  const [min, max] = clippedTo(a.min, a.max, a.within);
  return ticksWithin(allTicks({ ...a, min, max }, lengthPx, perTickPx, labelEnd), a.within);
}

function allTicks(a: FigureAxis, lengthPx: number, perTickPx: number, labelEnd: boolean): { values: number[]; labels: string[] } {
  if (a.at && a.at.length > 0) {
    const ticks = valueTicks(a.at, a.min, a.max, Math.max(2, Math.floor(lengthPx / perTickPx)), LABEL_ROOM_PX / Math.max(1, lengthPx), a.log);
    if (ticks.values.length > 0) return ticks;
  }
  const count = Math.max(2, Math.floor(lengthPx / perTickPx));
  if (!a.log) return linearAxisTicks(a.min, a.max, count, a.integer === true);
  if (labelEnd) return logAxisTicks(a.min, a.max, count, LABEL_ROOM_PX / Math.max(1, lengthPx));
  const values = logTicks(a.min, a.max, count);
  return { values, labels: logTickLabels(values) };
}

/**
 * The SVG of one chart, its top-left corner at (x0, y0); returns the markup and its height. `rowTitleLines`:
 * the most lines a title of its row takes, so that the plots of a row line up under titles that wrap.
 */
function chartSvg(given: FigureChart, index: number, x0: number, y0: number, rightMargin: number, colours: FigureColours, rowTitleLines = 1): { svg: string[]; height: number } {
  const c: FigureChart = { ...given, x: drawnAxis(given.x), y: given.y.map(drawnAxis) };
  const out: string[] = [];
  const plotW = CHART_W - LEFT - rightMargin;
  const px = x0 + LEFT;
  const py = y0 + CHART_TITLE_H + (Math.max(1, rowTitleLines) - 1) * CHART_TITLE_LINE;
  const xPos = (v: number): number => px + fraction(c.x, v) * plotW;
  const yPos = (a: FigureAxis, v: number): number => py + PLOT_H - fraction(a, v) * PLOT_H;
  titleLines(c).forEach((line, k) => out.push(`<text x="${r2(x0)}" y="${r2(y0 + 16 + k * CHART_TITLE_LINE)}" font-size="${CHART_TITLE_SIZE}" font-weight="bold">${esc(line)}</text>`));
  // Grid and ticks.
  const xt = axisTicks(c.x, plotW, 60, true);
  const left = c.y[0];
  const yt = left ? axisTicks(left, PLOT_H, 36) : { values: [], labels: [] };
  out.push(`<g stroke="${esc(colours.grid)}" stroke-width="1">`);
  for (const v of xt.values) {
    const x = xPos(v);
    if (Number.isFinite(x)) out.push(`<line x1="${r2(x)}" y1="${r2(py)}" x2="${r2(x)}" y2="${r2(py + PLOT_H)}"/>`);
  }
  if (left) for (const v of yt.values) {
    const y = yPos(left, v);
    if (Number.isFinite(y)) out.push(`<line x1="${r2(px)}" y1="${r2(y)}" x2="${r2(px + plotW)}" y2="${r2(y)}"/>`);
  }
  out.push('</g>');
  // The shaded window, then the curves, clipped to the plot area.
  out.push(`<clipPath id="plot${index}"><rect x="${r2(px)}" y="${r2(py)}" width="${r2(plotW)}" height="${PLOT_H}"/></clipPath>`);
  out.push(`<g clip-path="url(#plot${index})">`);
  if (c.shade) {
    const a = Math.max(px, xPos(c.shade.from));
    const b = Math.min(px + plotW, xPos(c.shade.to));
    if (b > a) out.push(`<rect x="${r2(a)}" y="${r2(py)}" width="${r2(Math.max(1, b - a))}" height="${PLOT_H}" fill="${esc(colours.shade)}" fill-opacity="0.22"/>`);
  }
  for (const s of c.series) {
    const axis = c.y[s.axis] ?? left;
    if (!axis) continue;
    if (s.points) {
      zeroMarks(s, axis, xPos, py + PLOT_H, out);
      const marks: string[] = [];
      for (let i = 0; i < s.x.length; i++) {
        const v = s.y[i];
        if (v === null || v === undefined || !Number.isFinite(v)) continue;
        const x = xPos(s.x[i]);
        const y = yPos(axis, v);
        if (Number.isFinite(x) && Number.isFinite(y)) marks.push(`<circle cx="${r2(x)}" cy="${r2(y)}" r="3"/>`);
      }
      out.push(`<g fill="${esc(colours.background)}" stroke="${esc(s.colour)}" stroke-width="1.5">${marks.join('')}</g>`);
      continue;
    }
    let d = '';
    let pen = false;
    zeroMarks(s, axis, xPos, py + PLOT_H, out);
    for (let i = 0; i < s.x.length; i++) {
      const v = s.y[i];
      const x = xPos(s.x[i]);
      const y = v === null || v === undefined || !Number.isFinite(v) ? NaN : yPos(axis, v);
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${r2(x)} ${r2(y)}`;
      pen = true;
    }
    if (d) out.push(`<path d="${d}" fill="none" stroke="${esc(s.colour)}" stroke-width="${r2(s.width)}" stroke-linejoin="round"${s.dashed ? ' stroke-dasharray="7 4"' : ''}/>`);
    if (s.joined) {
      const dots: string[] = [];
      for (let i = 0; i < s.x.length; i++) {
        const v = s.y[i];
        const x = xPos(s.x[i]);
        const y = v === null || v === undefined || !Number.isFinite(v) ? NaN : yPos(axis, v);
        if (Number.isFinite(x) && Number.isFinite(y)) dots.push(`<circle cx="${r2(x)}" cy="${r2(y)}" r="2.5"/>`);
      }
      // A dashed series' dots hollow, as the panel draws them.
      if (dots.length) out.push(s.dashed ? `<g fill="${esc(colours.background)}" stroke="${esc(s.colour)}" stroke-width="1">${dots.join('')}</g>` : `<g fill="${esc(s.colour)}">${dots.join('')}</g>`);
    }
  }
  out.push('</g>');
  out.push(`<rect x="${r2(px)}" y="${r2(py)}" width="${r2(plotW)}" height="${PLOT_H}" fill="none" stroke="${esc(colours.foreground)}" stroke-opacity="0.6"/>`);
  // Tick labels and axis names.
  out.push(`<g font-size="11" fill="${esc(colours.foreground)}">`);
  xt.values.forEach((v, i) => {
    const x = xPos(v);
    if (Number.isFinite(x)) out.push(`<text x="${r2(x)}" y="${r2(py + PLOT_H + 15)}" text-anchor="middle">${esc(xt.labels[i])}</text>`);
  });
  if (left) yt.values.forEach((v, i) => {
    const y = yPos(left, v);
    if (Number.isFinite(y)) out.push(`<text x="${r2(px - 6)}" y="${r2(y + 4)}" text-anchor="end">${esc(yt.labels[i])}</text>`);
  });
  const right = c.y[1];
  if (right) {
    const rt = axisTicks(right, PLOT_H, 36);
    rt.values.forEach((v, i) => {
      const y = yPos(right, v);
      if (Number.isFinite(y)) out.push(`<text x="${r2(px + plotW + 6)}" y="${r2(y + 4)}">${esc(rt.labels[i])}</text>`);
    });
  }
  out.push('</g>');
  out.push(`<text x="${r2(px + plotW / 2)}" y="${r2(py + PLOT_H + 34)}" text-anchor="middle" font-size="12">${esc(c.x.label)}</text>`);
  if (left) out.push(`<text transform="translate(${r2(x0 + 14)} ${r2(py + PLOT_H / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${esc(left.label)}</text>`);
  if (right) out.push(`<text transform="translate(${r2(px + plotW + RIGHT_AXIS - 8)} ${r2(py + PLOT_H / 2)}) rotate(90)" text-anchor="middle" font-size="12">${esc(right.label)}</text>`);
  // The key.
  let y = py + PLOT_H + X_AXIS_H;
  for (const row of keyRows(c.key, CHART_W - 8)) {
    let x = x0 + 8;
    const mid = y + KEY_ROW_H / 2;
    for (const k of row) {
      if ('name' in k) {
        out.push(`<text x="${r2(x)}" y="${r2(mid + 4)}">${esc(k.name)}</text>`);
        x += itemWidth(k);
        continue;
      }
      if (k.mark === 'points') out.push(`<circle cx="${r2(x + 9)}" cy="${r2(mid)}" r="3.5" fill="${esc(colours.background)}" stroke="${esc(k.colour)}" stroke-width="1.5"/>`);
      else if (k.mark === 'swatch') out.push(`<rect x="${r2(x + 2)}" y="${r2(mid - 2.5)}" width="16" height="5" fill="${esc(k.colour)}"/>`);
      else out.push(`<line x1="${r2(x)}" y1="${r2(mid)}" x2="${r2(x + 18)}" y2="${r2(mid)}" stroke="${esc(k.colour)}" stroke-width="2"${k.mark === 'dashed' ? ' stroke-dasharray="5 3"' : ''}/>`);
      out.push(`<text x="${r2(x + 24)}" y="${r2(mid + 4)}">${esc(k.label)}</text>`);
      x += itemWidth(k);
    }
    y += KEY_ROW_H;
  }
  if (c.note) {
    for (const line of wrap(c.note, CHART_W - 8, 11)) {
      out.push(`<text x="${r2(x0 + 8)}" y="${r2(y + 12)}" font-size="11" fill-opacity="0.75">${esc(line)}</text>`);
      y += 15;
    }
  }
  return { svg: out, height: y - y0 };
}

/** The whole figure as SVG text (a standalone document, sized in px). */
export function figureSvg(spec: FigureSpec): string {
  const columns = Math.max(1, Math.min(3, Math.floor(spec.columns) || 1, Math.max(1, spec.charts.length)));
  const width = PAD * 2 + columns * CHART_W + (columns - 1) * GAP;
  const textWidthAvail = width - 2 * PAD;
  const head: string[] = [];
  let y = PAD;
  for (const line of wrap(spec.title, textWidthAvail, 17)) {
    y += 20;
    head.push(`<text x="${PAD}" y="${r2(y)}" font-size="17" font-weight="bold">${esc(line)}</text>`);
  }
  if (spec.label) {
    // A label line lists its criteria after a dash: lines break between them, not inside one.
    for (const line of wrapPieces(labelPieces(spec.label), textWidthAvail, 13)) {
      y += 18;
      head.push(`<text x="${PAD}" y="${r2(y)}" font-size="13" font-weight="bold">${esc(line)}</text>`);
    }
  }
  for (const line of wrapItems(spec.parameters, ', ', textWidthAvail)) {
    y += 16;
    head.push(`<text x="${PAD}" y="${r2(y)}" font-size="12">${esc(line)}</text>`);
  }
  for (const note of spec.notes) for (const line of wrap(note, textWidthAvail)) {
    y += 16;
    head.push(`<text x="${PAD}" y="${r2(y)}" font-size="12" fill-opacity="0.75">${esc(line)}</text>`);
  }
  y += 14;
  // Every chart keeps the same right margin, so that their plot areas line up.
  const rightMargin = spec.charts.some((c) => c.y.length > 1) ? RIGHT_AXIS : RIGHT_PAD;
  const body: string[] = [];
  for (let row = 0; row * columns < spec.charts.length; row++) {
    let rowHeight = 0;
    const rowCharts = spec.charts.slice(row * columns, (row + 1) * columns);
    const rowTitleLines = Math.max(1, ...rowCharts.map((c) => titleLines(c).length));
    for (let col = 0; col < columns; col++) {
      const i = row * columns + col;
      const c = spec.charts[i];
      if (!c) break;
      const drawn = chartSvg(c, i, PAD + col * (CHART_W + GAP), y, rightMargin, spec.colours, rowTitleLines);
      body.push(...drawn.svg);
      rowHeight = Math.max(rowHeight, drawn.height);
    }
    y += rowHeight + GAP;
  }
  const height = Math.ceil(y + PAD - GAP);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="${FONT_SIZE}">`,
    `<rect width="${width}" height="${height}" fill="${esc(spec.colours.background)}"/>`,
    `<g fill="${esc(spec.colours.foreground)}">`,
    ...head,
    ...body,
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}
