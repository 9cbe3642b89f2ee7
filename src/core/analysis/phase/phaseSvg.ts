/**
 * A phase diagram as a standalone SVG figure (`flab phase --svg`, and the phase panel's Export Chart):
 * cells coloured by label (the flow) or by outcome (gradient descent) and shaded by the tangent
 * kernel's change, refused cells (beyond 64 bits) hatched on a neutral fill, the critical lines of
 * the linearised dynamics over a descent diagram, axes with ticks, a legend with each colour's share,
 * and the experiment's own point marked. Colours, shading
 * and axis names come from phaseStyle.ts (shared with the panel), ticks from the one tick format of
 * every figure (src/core/figures/ticks.ts).
 */
import { formatCount } from '../../experiment/diagnostic';
import { decadeLabel, linearTickLabels, linearTicks, logTickLabels, logTicks } from '../../figures/ticks';
import { DEAD, DESCENT_OUTCOMES } from '../../linearFlow/stability';
import type { ClassifyThresholds, ScoredOver } from '../../mechanisms/classify';
import { NO_LABEL, type PhaseMethod } from './cellEvaluator';
import type { CriticalLine } from './criticalLines';
import type { PhaseWidthPower } from './phaseDiagram';
import { axisTitle, cellStyle, DEAD_NOTE, LABEL_COLOURS, LINE_DASHES, LINE_HALO, LINE_INK, inOutcomeOrder, OUTCOME_COLOURS, outcomeShaded, REFUSED_FILL, REFUSED_HATCH, REFUSED_HATCH_PERIOD, REFUSED_HATCH_WIDTH, REFUSED_NAME, shadeWeight, shareText, SHADE_HIGH, SHADE_LEVELS, SHADE_LOW, thresholdClauses, widthPowerNote } from './phaseStyle';

export { LABEL_COLOURS };

/** What the figure draws: a PhaseDiagram, or the panel's diagram decoded from its message. */
export interface PhaseFigureInput {
  method: PhaseMethod;
  /** Each axis; `widthPower` (PhaseDiagram's): its values and `current` are bases b of b·d^exponent, and its title and the legend say so. */
  x: { path: string; values: ArrayLike<number>; current: number | null; widthPower?: PhaseWidthPower | null };
  y: { path: string; values: ArrayLike<number>; current: number | null; widthPower?: PhaseWidthPower | null };
  labels: ArrayLike<number>;
  /** 1 where the cell is refused (beyond 64 bits: no label, scores or outcome), 0 where it was computed. */
  refused: ArrayLike<number>;
  labelNames: readonly string[];
  scores: { kernelChange: ArrayLike<number> };
  outcomes: ArrayLike<number> | null;
  lines: readonly CriticalLine[];
  thresholds: ClassifyThresholds;
  budget: number | null;
  defaultBudget: boolean;
  scoredOver: ScoredOver;
}

const W = 780;
/** The plot's size in pixels (the figure is W wide): more cells than these are not seen. */
export const PLOT_W = 440;
export const PLOT_H = 420;

/**
 * Largest grid side a figure is drawn for: the phase panel's largest side (its figures are exported
 * with this function), about 2.4 cells a pixel of the plot, which a viewer's zoom still separates.
 * `flab phase --svg` refuses a larger side before the file is read: the cells would not be seen, and
 * 1024 × 1024 cells of the flow take about 15 s on two cores (docs/limits.md, "flab phase").
 */
export const MAX_FIGURE_SIDE = 1024;
/** The least height: the plot and its axes; a taller legend makes the figure taller. */
const H = 560;
const LEFT = 92;
const TOP = 48;
const LEGEND_X = LEFT + PLOT_W + 28;

/** The subtitle: which dynamics, and over how much training. */
export function phaseSubtitle(p: Pick<PhaseFigureInput, 'method' | 'budget' | 'defaultBudget' | 'scoredOver'>): string {
  if (p.method === 'descent') return `gradient descent, ${p.budget === null ? 'each cell\'s default number of' : formatCount(p.budget)} steps${p.defaultBudget ? ' (the file\'s default: no time.end)' : ''}`;
  if (p.scoredOver === 'end') return `exact gradient flow, scored up to ${p.budget === null ? 'each cell\'s horizon' : `t = ${formatCount(p.budget)}`}`;
  return 'exact gradient flow, scored over t ∈ [0, ∞)';
}

/** The fill of refused cells: the hatch pattern defined once in the figure (REFUSED_FILL crossed by REFUSED_HATCH). */
const REFUSED_PATTERN = 'url(#refused)';

/**
 * The figure as SVG text. Refused cells (`refused` 1) are hatched (phaseStyle.ts, REFUSED_FILL and
 * REFUSED_HATCH) whatever their label or outcome code, and the legend lists them as "beyond 64 bits
 * (refused)" when there is at least one; every share in the legend is of all the cells, so the
 * shares, refused included, add up to 100 %.
 */
export function phaseSvg(p: PhaseFigureInput, options: { title?: string } = {}): string {
  const nx = p.x.values.length;
  const ny = p.y.values.length;
  const xLog = isLog(p.x.values);
  const yLog = isLog(p.y.values);
  const cw = PLOT_W / nx;
  const ch = PLOT_H / ny;
  const outcomes = p.outcomes;
  const out: string[] = [];
  // The header is written last, once the legend's height is known.
  out.push('', '');
  out.push(`<text x="${LEFT + PLOT_W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(options.title ?? 'Phase diagram')}</text>`);
  out.push(`<text x="${LEFT + PLOT_W / 2}" y="39" text-anchor="middle" font-size="11" fill="#444">${esc(phaseSubtitle(p))}</text>`);
  const refusedCount = countRefused(p.refused);
  // Refused cells: a light neutral fill crossed by diagonal lines x + y = n·period ("/"), defined once.
  if (refusedCount > 0) {
    const q = REFUSED_HATCH_PERIOD;
    out.push(
      `<defs><pattern id="refused" patternUnits="userSpaceOnUse" width="${q}" height="${q}"><rect width="${q}" height="${q}" fill="${REFUSED_FILL}"/>` +
        `<path d="M-1 1L1 -1M0 ${q}L${q} 0M${q - 1} ${q + 1}L${q + 1} ${q - 1}" stroke="${REFUSED_HATCH}" stroke-width="${REFUSED_HATCH_WIDTH}"/></pattern></defs>`,
    );
  }
  // Cells: runs of equal colour and shade along a row become one rectangle.
  out.push('<g shape-rendering="crispEdges">');
  const style = (k: number) => (p.refused[k] ? { colour: REFUSED_PATTERN, weight: 1 } : cellStyle(outcomes ? outcomes[k] : null, p.labels[k], p.scores.kernelChange[k]));
  // Cell edges on whole pixels, so that neighbouring rectangles leave no hairline seams.
  const xEdge = (j: number): number => Math.round(LEFT + j * cw);
  const yEdge = (i: number): number => Math.round(TOP + PLOT_H - i * ch);
  for (let i = 0; i < ny; i++) {
    const y = yEdge(i + 1);
    const height = yEdge(i) - y;
    if (height <= 0) continue;
    let j = 0;
    while (j < nx) {
      const s = style(i * nx + j);
      let end = j + 1;
      for (; end < nx; end++) {
        const t = style(i * nx + end);
        if (t.colour !== s.colour || t.weight !== s.weight) break;
      }
      const width = xEdge(end) - xEdge(j);
      if (width > 0) out.push(`<rect x="${xEdge(j)}" y="${y}" width="${width}" height="${height}" fill="${s.colour}" fill-opacity="${s.weight.toFixed(3)}"/>`);
      j = end;
    }
  }
  out.push('</g>');
  const xPos = (v: number): number => LEFT + axisFraction(v, p.x.values, xLog) * PLOT_W;
  const yPos = (v: number): number => TOP + PLOT_H - axisFraction(v, p.y.values, yLog) * PLOT_H;
  // The critical lines, clipped to the plot.
  if (p.lines.length > 0) {
    out.push(`<defs><clipPath id="plot"><rect x="${LEFT}" y="${TOP}" width="${PLOT_W}" height="${PLOT_H}"/></clipPath></defs>`);
    out.push('<g clip-path="url(#plot)" fill="none" stroke-linecap="round">');
    p.lines.forEach((line, n) => {
      const d = pathOf(line.segments, xPos, yPos);
      if (!d) return;
      const dash = LINE_DASHES[n] ?? [];
      out.push(`<path d="${d}" stroke="${LINE_HALO}" stroke-width="3.5" stroke-opacity="0.8"/>`);
      out.push(`<path d="${d}" stroke="${LINE_INK}" stroke-width="1.5"${dash.length ? ` stroke-dasharray="${dash.join(' ')}"` : ''}/>`);
    });
    out.push('</g>');
  }
  out.push(`<rect x="${LEFT}" y="${TOP}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#222" stroke-width="1"/>`);
  // Axes.
  const xt = ticks(p.x.values, xLog);
  xt.values.forEach((t, i) => {
    const x = xPos(t);
    out.push(`<line x1="${fmt(x)}" y1="${TOP + PLOT_H}" x2="${fmt(x)}" y2="${TOP + PLOT_H + 5}" stroke="#222"/>`);
    out.push(`<text x="${fmt(x)}" y="${TOP + PLOT_H + 19}" text-anchor="middle">${esc(xt.labels[i])}</text>`);
  });
  const yt = ticks(p.y.values, yLog);
  yt.values.forEach((t, i) => {
    const y = yPos(t);
    out.push(`<line x1="${LEFT - 5}" y1="${fmt(y)}" x2="${LEFT}" y2="${fmt(y)}" stroke="#222"/>`);
    out.push(`<text x="${LEFT - 8}" y="${fmt(y + 4)}" text-anchor="end">${esc(yt.labels[i])}</text>`);
  });
  out.push(`<text x="${LEFT + PLOT_W / 2}" y="${TOP + PLOT_H + 42}" text-anchor="middle" font-size="13">${esc(axisTitle(p.x.path, p.x.widthPower))}</text>`);
  out.push(`<text transform="translate(${LEFT - 62} ${TOP + PLOT_H / 2}) rotate(-90)" text-anchor="middle" font-size="13">${esc(axisTitle(p.y.path, p.y.widthPower))}</text>`);
  // The experiment itself.
  const cx = p.x.current;
  const cy = p.y.current;
  if (cx !== null && cy !== null && inRange(cx, p.x.values) && inRange(cy, p.y.values)) {
    out.push(`<circle cx="${fmt(xPos(cx))}" cy="${fmt(yPos(cy))}" r="6" fill="none" stroke="#ffffff" stroke-width="3"/>`);
    out.push(`<circle cx="${fmt(xPos(cx))}" cy="${fmt(yPos(cy))}" r="6" fill="none" stroke="#000000" stroke-width="1.5"/>`);
  }
  let ly = TOP + 6;
  // The shares' column says what the shares count.
  out.push(`<text x="${W - 12}" y="${ly}" text-anchor="end" font-size="11" fill="#555">share of all cells</text>`);
  ly = outcomes ? outcomeLegend(out, p, outcomes, ly) : labelLegend(out, p, ly);
  if (refusedCount > 0) {
    out.push(`<rect x="${LEGEND_X}" y="${ly}" width="16" height="16" fill="${REFUSED_PATTERN}" stroke="#999" stroke-width="0.5"/>`);
    out.push(`<text x="${LEGEND_X + 22}" y="${ly + 12}">${esc(REFUSED_NAME)}</text>`);
    out.push(`<text x="${W - 12}" y="${ly + 12}" text-anchor="end" font-size="11" fill="#555">${esc(shareText(refusedCount, p.refused.length))}</text>`);
    ly += 28;
  }
  if (outcomes) ly = linesLegend(out, p, ly);
  // The shading: one ramp per colour that is shaded.
  ly += 14;
  out.push(`<text x="${LEGEND_X}" y="${ly}" font-weight="bold">shading: kernel change</text>`);
  ly += 6;
  out.push(`<text x="${LEGEND_X}" y="${ly + 12}" font-size="11">max |K(t)/K(0) − 1|, from pale to full</text>`);
  ly += 20;
  for (const colour of shadedColours(p)) {
    for (let level = 0; level < SHADE_LEVELS; level++) {
      out.push(`<rect x="${LEGEND_X + level * 22}" y="${ly}" width="22" height="10" fill="${colour}" fill-opacity="${shadeWeight(level).toFixed(3)}"/>`);
    }
    ly += 12;
  }
  out.push(`<text x="${LEGEND_X}" y="${ly + 14}" font-size="11">≤ ${esc(decadeLabel(SHADE_LOW))}</text>`);
  out.push(`<text x="${LEGEND_X + SHADE_LEVELS * 22}" y="${ly + 14}" font-size="11" text-anchor="end">≥ ${esc(decadeLabel(SHADE_HIGH))}</text>`);
  ly += 40;
  // The rule's thresholds, every criterion of the verdict (the tangent-feature change included), wrapped to the legend's width.
  out.push(`<text x="${LEGEND_X}" y="${ly}" font-size="11" font-weight="bold">thresholds</text>`);
  for (const line of thresholdClauses(p.thresholds).flatMap((c) => wrap(c, LEGEND_CHARS))) {
    ly += 14;
    out.push(`<text x="${LEGEND_X}" y="${ly}" font-size="11">${esc(line)}</text>`);
  }
  // An axis of bases: what its values are and what the cells compute with.
  for (const note of axesWidthNotes(p)) {
    ly += 8;
    for (const line of wrap(note, LEGEND_CHARS)) {
      ly += 14;
      out.push(`<text x="${LEGEND_X}" y="${ly}" font-size="11">${esc(line)}</text>`);
    }
  }
  ly -= 15;
  if (cx !== null && cy !== null) {
    out.push(`<circle cx="${LEGEND_X + 8}" cy="${ly + 36}" r="6" fill="none" stroke="#000" stroke-width="1.5"/>`);
    out.push(`<text x="${LEGEND_X + 22}" y="${ly + 40}" font-size="11">this experiment</text>`);
  }
  const height = Math.max(H, Math.ceil(ly + 60));
  out[0] = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`;
  out[1] = `<rect width="${W}" height="${height}" fill="#ffffff"/>`;
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The legend's notes on axes whose values are bases of width powers (phaseStyle.ts, widthPowerNote). */
export function axesWidthNotes(p: Pick<PhaseFigureInput, 'x' | 'y'>): string[] {
  return [widthPowerNote(p.x.path, p.x.widthPower, p.y.path), widthPowerNote(p.y.path, p.y.widthPower, p.x.path)].filter((n): n is string => n !== null);
}

/** The flow's legend: each label present in a computed cell with its share of all the cells. */
function labelLegend(out: string[], p: PhaseFigureInput, ly: number): number {
  const counts = countBy(p.labels, (k) => (p.refused[k] ? -1 : p.labels[k]));
  out.push(`<text x="${LEGEND_X}" y="${ly}" font-weight="bold">label</text>`);
  ly += 10;
  for (const [code, n] of counts) {
    out.push(`<rect x="${LEGEND_X}" y="${ly}" width="16" height="16" fill="${LABEL_COLOURS[code]}"/>`);
    out.push(`<text x="${LEGEND_X + 22}" y="${ly + 12}">${esc(p.labelNames[code] ?? String(code))}</text>`);
    out.push(`<text x="${W - 12}" y="${ly + 12}" text-anchor="end" font-size="11" fill="#555">${esc(shareText(n, p.labels.length))}</text>`);
    ly += 22;
  }
  return ly;
}

/**
 * Gradient descent's legend: each outcome of a computed cell with its share of all the cells, and the
 * labels within it, from the most settled to the least (OUTCOME_ORDER: converged, catapult, unsettled,
 * dead, diverged); a dead outcome says why it has no label (DEAD_NOTE).
 */
function outcomeLegend(out: string[], p: PhaseFigureInput, outcomes: ArrayLike<number>, ly: number): number {
  const total = outcomes.length;
  out.push(`<text x="${LEGEND_X}" y="${ly}" font-weight="bold">outcome</text>`);
  ly += 10;
  for (const [code, n] of inOutcomeOrder(countBy(outcomes, (k) => (p.refused[k] ? -1 : outcomes[k])))) {
    out.push(`<rect x="${LEGEND_X}" y="${ly}" width="16" height="16" fill="${OUTCOME_COLOURS[code]}"/>`);
    out.push(`<text x="${LEGEND_X + 22}" y="${ly + 12}">${esc(DESCENT_OUTCOMES[code] ?? String(code))}</text>`);
    out.push(`<text x="${W - 12}" y="${ly + 12}" text-anchor="end" font-size="11" fill="#555">${esc(shareText(n, total))}</text>`);
    ly += 18;
    // A dead network has no label: why, in the place of the labels within.
    if (code === DEAD) {
      for (const text of wrap(DEAD_NOTE, 40)) {
        out.push(`<text x="${LEGEND_X + 22}" y="${ly + 9}" font-size="10" fill="#444">${esc(text)}</text>`);
        ly += 13;
      }
    }
    // The mechanisms within this outcome, largest share first (a diverged or dead run has none).
    const within = [...countBy(p.labels, (k) => (outcomes[k] === code && !p.refused[k] ? p.labels[k] : -1))].filter(([label]) => label >= 0 && label !== NO_LABEL).sort((a, b) => b[1] - a[1]);
    for (const [label, m] of within.slice(0, 3)) {
      out.push(`<text x="${LEGEND_X + 22}" y="${ly + 9}" font-size="10" fill="#444">${esc(p.labelNames[label] ?? String(label))}</text>`);
      out.push(`<text x="${W - 12}" y="${ly + 9}" text-anchor="end" font-size="10" fill="#444">${esc(shareText(m, total))}</text>`);
      ly += 13;
    }
    if (within.length > 3) {
      out.push(`<text x="${LEGEND_X + 22}" y="${ly + 9}" font-size="10" fill="#444">${within.length - 3} more label${within.length - 3 === 1 ? '' : 's'}</text>`);
      ly += 13;
    }
    ly += 6;
  }
  return ly;
}

/** The critical lines' legend (a descent diagram of the linear network). */
function linesLegend(out: string[], p: PhaseFigureInput, ly: number): number {
  if (p.lines.length > 0) {
    ly += 8;
    out.push(`<text x="${LEGEND_X}" y="${ly}" font-weight="bold">critical rates (linearised)</text>`);
    ly += 8;
    p.lines.forEach((line, n) => {
      const dash = LINE_DASHES[n] ?? [];
      out.push(`<line x1="${LEGEND_X}" y1="${ly + 8}" x2="${LEGEND_X + 24}" y2="${ly + 8}" stroke="${LINE_INK}" stroke-width="1.5"${dash.length ? ` stroke-dasharray="${dash.join(' ')}"` : ''}/>`);
      out.push(`<text x="${LEGEND_X + 30}" y="${ly + 12}">${esc(line.name)}${line.segments.length === 0 ? ' (not in range)' : ''}</text>`);
      for (const text of wrap(line.meaning, 36)) {
        out.push(`<text x="${LEGEND_X + 30}" y="${ly + 25}" font-size="10" fill="#444">${esc(text)}</text>`);
        ly += 12;
      }
      ly += 20;
    });
  }
  return ly;
}

/** Characters of 11 px text that fit the legend's column (W − LEGEND_X − a margin). */
const LEGEND_CHARS = 34;

/** Words in lines of at most `width` characters (a longer word on a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The colours the map shades (every label of a computed cell; the outcomes of computed cells other than diverged, in the legend's order). */
function shadedColours(p: PhaseFigureInput): string[] {
  const outcomes = p.outcomes;
  if (!outcomes) return [...countBy(p.labels, (k) => (p.refused[k] ? -1 : p.labels[k])).keys()].map((code) => LABEL_COLOURS[code]);
  return [...inOutcomeOrder(countBy(outcomes, (k) => (p.refused[k] ? -1 : outcomes[k]))).keys()].filter(outcomeShaded).map((code) => OUTCOME_COLOURS[code]);
}

function countRefused(refused: ArrayLike<number>): number {
  let n = 0;
  for (let k = 0; k < refused.length; k++) if (refused[k]) n++;
  return n;
}

/** How many cells have each key, in ascending key order; a key < 0 is not counted. */
function countBy(cells: ArrayLike<number>, key: (k: number) => number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let k = 0; k < cells.length; k++) {
    const c = key(k);
    if (c >= 0) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return new Map([...counts].sort((a, b) => a[0] - b[0]));
}

/** An SVG path of segments [x1, y1, x2, y2, …] in the axes' values, joining segments that continue one another. */
function pathOf(segments: readonly number[], xPos: (v: number) => number, yPos: (v: number) => number): string {
  const parts: string[] = [];
  let lastX = NaN;
  let lastY = NaN;
  for (let s = 0; s + 3 < segments.length; s += 4) {
    const x1 = fmt(xPos(segments[s]));
    const y1 = fmt(yPos(segments[s + 1]));
    const x2 = fmt(xPos(segments[s + 2]));
    const y2 = fmt(yPos(segments[s + 3]));
    if (x1 === String(lastX) && y1 === String(lastY)) parts.push(`L${x2} ${y2}`);
    else parts.push(`M${x1} ${y1}L${x2} ${y2}`);
    lastX = Number(x2);
    lastY = Number(y2);
  }
  return parts.join('');
}

function isLog(values: ArrayLike<number>): boolean {
  if (values.length < 3 || !(values[0] > 0)) return false;
  const a = values[1] - values[0];
  const b = values[2] - values[1];
  return Math.abs(a - b) > 1e-9 * Math.abs(b);
}

/** Where a value sits along the axis, 0 at the first cell's left edge and 1 at the last cell's right edge. */
function axisFraction(v: number, values: ArrayLike<number>, log: boolean): number {
  const n = values.length;
  const f = log ? (x: number) => Math.log(x) : (x: number) => x;
  if (n === 1) return 0.5;
  const step = (f(values[n - 1]) - f(values[0])) / (n - 1);
  return (f(v) - f(values[0]) + step / 2) / (step * n);
}

function inRange(v: number, values: ArrayLike<number>): boolean {
  const lo = Math.min(values[0], values[values.length - 1]);
  const hi = Math.max(values[0], values[values.length - 1]);
  return v >= lo && v <= hi;
}

/** The axis's ticks within its cells' values, in the one tick format of every figure. */
function ticks(values: ArrayLike<number>, log: boolean): { values: number[]; labels: string[] } {
  const lo = Math.min(values[0], values[values.length - 1]);
  const hi = Math.max(values[0], values[values.length - 1]);
  if (log) {
    const ts = logTicks(lo, hi, 8);
    return { values: ts, labels: logTickLabels(ts) };
  }
  const ts = linearTicks(lo, hi, 6);
  return { values: ts, labels: linearTickLabels(ts) };
}

function fmt(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
