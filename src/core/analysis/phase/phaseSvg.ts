/**
 * A phase diagram as a standalone SVG figure: cells coloured by label and shaded by the tangent
 * kernel's change, axes with ticks, a legend, and the experiment's own point marked. Colours,
 * shading and axis names come from phaseStyle.ts (shared with the panel), ticks from the one tick
 * format of every figure (src/core/figures/ticks.ts).
 */
import { decadeLabel, linearTickLabels, linearTicks, logTickLabels, logTicks } from '../../figures/ticks';
import { PhaseDiagram } from './phaseDiagram';
import { axisTitle, LABEL_COLOURS, shadeLevel, shadeWeight, SHADE_HIGH, SHADE_LEVELS, SHADE_LOW, thresholdClauses } from './phaseStyle';

export { LABEL_COLOURS };

const W = 760;
const H = 560;
const LEFT = 92;
const TOP = 48;
const PLOT_W = 440;
const PLOT_H = 420;
const LEGEND_X = LEFT + PLOT_W + 28;

/** The figure as SVG text. */
export function phaseSvg(p: PhaseDiagram, options: { title?: string } = {}): string {
  const nx = p.x.values.length;
  const ny = p.y.values.length;
  const xLog = isLog(p.x.values);
  const yLog = isLog(p.y.values);
  const cw = PLOT_W / nx;
  const ch = PLOT_H / ny;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${LEFT + PLOT_W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(options.title ?? 'Phase diagram')}</text>`);
  // Cells: runs of equal label and shade along a row become one rectangle.
  out.push('<g shape-rendering="crispEdges">');
  const present = new Set<number>();
  // Cell edges on whole pixels, so that neighbouring rectangles leave no hairline seams.
  const xEdge = (j: number): number => Math.round(LEFT + j * cw);
  const yEdge = (i: number): number => Math.round(TOP + PLOT_H - i * ch);
  for (let i = 0; i < ny; i++) {
    const y = yEdge(i + 1);
    const height = yEdge(i) - y;
    if (height <= 0) continue;
    let j = 0;
    while (j < nx) {
      const k = i * nx + j;
      const code = p.labels[k];
      const level = shadeLevel(p.scores.kernelChange[k]);
      let end = j + 1;
      while (end < nx && p.labels[i * nx + end] === code && shadeLevel(p.scores.kernelChange[i * nx + end]) === level) end++;
      present.add(code);
      const width = xEdge(end) - xEdge(j);
      if (width > 0) out.push(`<rect x="${xEdge(j)}" y="${y}" width="${width}" height="${height}" fill="${LABEL_COLOURS[code]}" fill-opacity="${opacity(level)}"/>`);
      j = end;
    }
  }
  out.push('</g>');
  out.push(`<rect x="${LEFT}" y="${TOP}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#222" stroke-width="1"/>`);
  // Axes.
  const xPos = (v: number): number => LEFT + axisFraction(v, p.x.values, xLog) * PLOT_W;
  const yPos = (v: number): number => TOP + PLOT_H - axisFraction(v, p.y.values, yLog) * PLOT_H;
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
  out.push(`<text x="${LEFT + PLOT_W / 2}" y="${TOP + PLOT_H + 42}" text-anchor="middle" font-size="13">${esc(axisTitle(p.x.path))}</text>`);
  out.push(`<text transform="translate(${LEFT - 62} ${TOP + PLOT_H / 2}) rotate(-90)" text-anchor="middle" font-size="13">${esc(axisTitle(p.y.path))}</text>`);
  // The experiment itself.
  const cx = p.x.current;
  const cy = p.y.current;
  if (cx !== null && cy !== null && inRange(cx, p.x.values) && inRange(cy, p.y.values)) {
    out.push(`<circle cx="${fmt(xPos(cx))}" cy="${fmt(yPos(cy))}" r="6" fill="none" stroke="#ffffff" stroke-width="3"/>`);
    out.push(`<circle cx="${fmt(xPos(cx))}" cy="${fmt(yPos(cy))}" r="6" fill="none" stroke="#000000" stroke-width="1.5"/>`);
  }
  // Legend: labels present, then the shading scale.
  let ly = TOP + 6;
  out.push(`<text x="${LEGEND_X}" y="${ly}" font-weight="bold">label</text>`);
  ly += 10;
  for (let code = 0; code < LABEL_COLOURS.length; code++) {
    if (!present.has(code)) continue;
    out.push(`<rect x="${LEGEND_X}" y="${ly}" width="16" height="16" fill="${LABEL_COLOURS[code]}"/>`);
    out.push(`<text x="${LEGEND_X + 22}" y="${ly + 12}">${esc(p.labelNames[code])}</text>`);
    ly += 22;
  }
  ly += 14;
  out.push(`<text x="${LEGEND_X}" y="${ly}" font-weight="bold">shading: kernel change</text>`);
  ly += 6;
  out.push(`<text x="${LEGEND_X}" y="${ly + 12}" font-size="11">max |K(t)/K(0) − 1|, each label's colour</text>`);
  ly += 20;
  // One row of shade steps per label present: every colour the map uses is in the legend.
  for (let code = 0; code < LABEL_COLOURS.length; code++) {
    if (!present.has(code)) continue;
    for (let level = 0; level < SHADE_LEVELS; level++) {
      out.push(`<rect x="${LEGEND_X + level * 22}" y="${ly}" width="22" height="10" fill="${LABEL_COLOURS[code]}" fill-opacity="${opacity(level)}"/>`);
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
  ly -= 15;
  if (cx !== null && cy !== null) {
    out.push(`<circle cx="${LEGEND_X + 8}" cy="${ly + 36}" r="6" fill="none" stroke="#000" stroke-width="1.5"/>`);
    out.push(`<text x="${LEGEND_X + 22}" y="${ly + 40}" font-size="11">this experiment</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Characters of 11 px text that fit the legend's column (W − LEGEND_X − a margin). */
const LEGEND_CHARS = 34;

/** Words into lines of at most `width` characters (a longer word on a line of its own). */
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

function opacity(level: number): string {
  return shadeWeight(level).toFixed(3);
}

function isLog(values: Float64Array): boolean {
  if (values.length < 3 || !(values[0] > 0)) return false;
  const a = values[1] - values[0];
  const b = values[2] - values[1];
  return Math.abs(a - b) > 1e-9 * Math.abs(b);
}

/** Where a value sits along the axis, 0 at the first cell's left edge and 1 at the last cell's right edge. */
function axisFraction(v: number, values: Float64Array, log: boolean): number {
  const n = values.length;
  const f = log ? (x: number) => Math.log(x) : (x: number) => x;
  if (n === 1) return 0.5;
  const step = (f(values[n - 1]) - f(values[0])) / (n - 1);
  return (f(v) - f(values[0]) + step / 2) / (step * n);
}

function inRange(v: number, values: Float64Array): boolean {
  const lo = Math.min(values[0], values[values.length - 1]);
  const hi = Math.max(values[0], values[values.length - 1]);
  return v >= lo && v <= hi;
}

/** The axis's ticks within its cells' values, in the one tick format of every figure. */
function ticks(values: Float64Array, log: boolean): { values: number[]; labels: string[] } {
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
