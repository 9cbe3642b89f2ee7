/**
 * The phase diagram drawn on a canvas: one cell per grid point, coloured by its mechanism label (the
 * flow) or its outcome (gradient descent) and shaded by the tangent kernel's change on a log scale
 * (phaseStyle.ts, as the SVG), refused cells (beyond 64 bits) hatched on a neutral fill as in the
 * SVG, the critical lines over a descent diagram, log or linear axes with
 * ticks, the experiment's own point ringed and the previewed cell framed. Pure geometry is exported
 * for the tests.
 */
import { axisTitle, cellStyle, LABEL_COLOURS, LINE_DASHES, LINE_HALO, LINE_INK, OUTCOME_COLOURS, REFUSED_FILL, REFUSED_HATCH, REFUSED_HATCH_PERIOD, REFUSED_HATCH_WIDTH } from '../../src/core/analysis/phase/phaseStyle';
import { linearTickLabels, linearTicks, logTickLabels, logTicks } from '../../src/core/figures/ticks';
import type { LineView, PhaseAxisView, PreviewedCell } from '../../src/protocol/phase';

export type Rgb = [number, number, number];

/** The plot area's margins inside the canvas, in CSS pixels. */
export const MARGIN = { left: 78, right: 14, top: 12, bottom: 54 };

/** Position of a value along an axis, as a fraction 0 … 1 of its length: cell centres at (i + ½)/n. */
export function axisFraction(axis: Pick<PhaseAxisView, 'values' | 'scale'>, v: number): number {
  const n = axis.values.length;
  const a = axis.values[0];
  const b = axis.values[n - 1];
  if (n < 2 || a === b) return 0.5;
  const f = axis.scale === 'log' ? (Math.log(v) - Math.log(a)) / (Math.log(b) - Math.log(a)) : (v - a) / (b - a);
  return (f * (n - 1) + 0.5) / n;
}

/** The cell index along an axis at a fraction 0 … 1 of its length (clamped to the grid). */
export function cellAt(n: number, fraction: number): number {
  return Math.min(n - 1, Math.max(0, Math.floor(fraction * n)));
}


/** Ticks of an axis within its cell centres, in the one tick format of every figure (src/core/figures/ticks.ts). */
export function ticks(axis: Pick<PhaseAxisView, 'values' | 'scale'>): { value: number; label: string }[] {
  const vs = axis.values;
  const lo = Math.min(vs[0], vs[vs.length - 1]);
  const hi = Math.max(vs[0], vs[vs.length - 1]);
  const values = axis.scale === 'log' ? logTicks(lo, hi, 8) : linearTicks(lo, hi, 5);
  const labels = axis.scale === 'log' ? logTickLabels(values) : linearTickLabels(values);
  return values.map((value, i) => ({ value, label: labels[i] }));
}

export interface HeatmapInput {
  x: PhaseAxisView;
  y: PhaseAxisView;
  labels: Uint8Array;
  /** 1 where the cell is refused (beyond 64 bits): drawn hatched, whatever its label or outcome code. */
  refused: Uint8Array;
  shade: Float32Array;
  /** Gradient descent: the outcome code per cell; null for the flow. */
  outcomes: Uint8Array | null;
  lines: readonly LineView[];
  /** The cell whose dynamics are open, framed; null for none. */
  previewed: PreviewedCell | null;
  background: Rgb;
  foreground: string;
  grid: string;
  font: string;
}

/** `#rrggbb` → [r, g, b]. */
export function hexRgb(hex: string): Rgb {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const RGB = new Map<string, Rgb>([...LABEL_COLOURS, ...OUTCOME_COLOURS].map((c) => [c, hexRgb(c)]));
const REFUSED_RGB = hexRgb(REFUSED_FILL);

/** The cell of an axis value: the one whose value is nearest (in the axis's own scale), or −1 outside the axis's range. */
export function cellOfValue(axis: Pick<PhaseAxisView, 'values' | 'scale'>, v: number): number {
  if (!inside(axis as PhaseAxisView, v)) return -1;
  const n = axis.values.length;
  return cellAt(n, axisFraction(axis, v));
}

/** Draws the whole figure onto `canvas` at `width` × `height` CSS pixels. */
export function drawHeatmap(canvas: HTMLCanvasElement, input: HeatmapInput, width: number, height: number): void {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const nx = input.x.values.length;
  const ny = input.y.values.length;
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - MARGIN.top - MARGIN.bottom;
  // One pixel per cell, row 0 (the smallest y) at the bottom, then scaled up without smoothing.
  const cells = document.createElement('canvas');
  cells.width = nx;
  cells.height = ny;
  const cctx = cells.getContext('2d');
  if (!cctx) return;
  const image = cctx.createImageData(nx, ny);
  const [br, bg, bb] = input.background;
  // Refused cells, as runs along each row (row 0 at the bottom), for their hatch.
  const refused = new Path2D();
  let anyRefused = false;
  for (let i = 0; i < ny; i++) {
    const rowOut = ny - 1 - i;
    for (let j = 0; j < nx; j++) {
      const k = i * nx + j;
      const o = 4 * (rowOut * nx + j);
      if (input.refused[k]) {
        let end = j + 1;
        while (end < nx && input.refused[i * nx + end]) end++;
        refused.rect(MARGIN.left + (j * pw) / nx, MARGIN.top + (rowOut * ph) / ny, ((end - j) * pw) / nx, ph / ny);
        anyRefused = true;
        for (let r = j; r < end; r++) {
          const q = 4 * (rowOut * nx + r);
          image.data.set(REFUSED_RGB, q);
          image.data[q + 3] = 255;
        }
        j = end - 1;
        continue;
      }
      // The colours and shade steps of phaseStyle.ts, as in the SVG and the legend.
      const style = cellStyle(input.outcomes ? input.outcomes[k] : null, input.labels[k], input.shade[k]);
      const c = RGB.get(style.colour) ?? [128, 128, 128];
      const s = style.weight;
      image.data[o] = Math.round(br + s * (c[0] - br));
      image.data[o + 1] = Math.round(bg + s * (c[1] - bg));
      image.data[o + 2] = Math.round(bb + s * (c[2] - bb));
      image.data[o + 3] = 255;
    }
  }
  cctx.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(cells, MARGIN.left, MARGIN.top, pw, ph);
  // The hatch over the refused cells: the lines x + y = n·period from the plot's corner, as the SVG's pattern.
  if (anyRefused) {
    ctx.save();
    ctx.clip(refused);
    ctx.strokeStyle = REFUSED_HATCH;
    ctx.lineWidth = REFUSED_HATCH_WIDTH;
    ctx.beginPath();
    for (let c = 0; c <= pw + ph + REFUSED_HATCH_PERIOD; c += REFUSED_HATCH_PERIOD) {
      ctx.moveTo(MARGIN.left + c, MARGIN.top);
      ctx.lineTo(MARGIN.left + c - ph, MARGIN.top + ph);
    }
    ctx.stroke();
    ctx.restore();
  }
  // Frame, ticks and labels.
  ctx.strokeStyle = input.foreground;
  ctx.lineWidth = 1;
  ctx.strokeRect(MARGIN.left + 0.5, MARGIN.top + 0.5, pw - 1, ph - 1);
  ctx.fillStyle = input.foreground;
  ctx.font = input.font;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of ticks(input.x)) {
    const px = MARGIN.left + axisFraction(input.x, t.value) * pw;
    ctx.beginPath();
    ctx.moveTo(px, MARGIN.top + ph);
    ctx.lineTo(px, MARGIN.top + ph + 5);
    ctx.stroke();
    ctx.fillText(t.label, px, MARGIN.top + ph + 8);
  }
  ctx.fillText(axisTitle(input.x.path, input.x.widthPower), MARGIN.left + pw / 2, MARGIN.top + ph + 30);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of ticks(input.y)) {
    const py = MARGIN.top + ph - axisFraction(input.y, t.value) * ph;
    ctx.beginPath();
    ctx.moveTo(MARGIN.left - 5, py);
    ctx.lineTo(MARGIN.left, py);
    ctx.stroke();
    ctx.fillText(t.label, MARGIN.left - 8, py);
  }
  ctx.save();
  ctx.translate(16, MARGIN.top + ph / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(axisTitle(input.y.path, input.y.widthPower), 0, 0);
  ctx.restore();
  const xAt = (v: number): number => MARGIN.left + axisFraction(input.x, v) * pw;
  const yAt = (v: number): number => MARGIN.top + ph - axisFraction(input.y, v) * ph;
  // The critical lines, clipped to the plot: a light halo under a dark stroke, dashed for the second.
  if (input.lines.length > 0) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top, pw, ph);
    ctx.clip();
    ctx.lineCap = 'round';
    input.lines.forEach((line, n) => {
      const path = new Path2D();
      for (let s = 0; s + 3 < line.segments.length; s += 4) {
        path.moveTo(xAt(line.segments[s]), yAt(line.segments[s + 1]));
        path.lineTo(xAt(line.segments[s + 2]), yAt(line.segments[s + 3]));
      }
      ctx.setLineDash([]);
      ctx.globalAlpha = 0.8;
      ctx.lineWidth = 3.5;
      ctx.strokeStyle = LINE_HALO;
      ctx.stroke(path);
      ctx.globalAlpha = 1;
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = LINE_INK;
      ctx.setLineDash([...(LINE_DASHES[n] ?? [])]);
      ctx.stroke(path);
    });
    ctx.restore();
  }
  // The previewed cell: a square frame, dark inside light, at least 12 px whatever the grid.
  const p = input.previewed;
  if (p) {
    const col = cellOfValue(input.x, p.x);
    const row = cellOfValue(input.y, p.y);
    if (col >= 0 && row >= 0) {
      const c = cellCentre(input.x, input.y, width, height, row, col);
      const w = Math.max(12, pw / nx);
      const h = Math.max(12, ph / ny);
      ctx.lineWidth = 4;
      ctx.strokeStyle = '#ffffff';
      ctx.strokeRect(c.px - w / 2, c.py - h / 2, w, h);
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#000000';
      ctx.strokeRect(c.px - w / 2, c.py - h / 2, w, h);
    }
  }
  // The experiment itself: a ring, light inside dark, visible on any cell colour.
  const cx = input.x.current;
  const cy = input.y.current;
  if (cx !== null && cy !== null && inside(input.x, cx) && inside(input.y, cy)) {
    const px = MARGIN.left + axisFraction(input.x, cx) * pw;
    const py = MARGIN.top + ph - axisFraction(input.y, cy) * ph;
    ctx.lineWidth = 4;
    ctx.strokeStyle = '#ffffff';
    ctx.beginPath();
    ctx.arc(px, py, 7, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#000000';
    ctx.beginPath();
    ctx.arc(px, py, 7, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

function inside(axis: PhaseAxisView, v: number): boolean {
  const a = Math.min(axis.values[0], axis.values[axis.values.length - 1]);
  const b = Math.max(axis.values[0], axis.values[axis.values.length - 1]);
  return v >= a && v <= b && (axis.scale !== 'log' || v > 0);
}

/** The cell under a point of the canvas (CSS pixels), or null outside the plot area. */
export function cellUnder(x: PhaseAxisView, y: PhaseAxisView, width: number, height: number, px: number, py: number): { row: number; col: number } | null {
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - MARGIN.top - MARGIN.bottom;
  const fx = (px - MARGIN.left) / pw;
  const fy = (MARGIN.top + ph - py) / ph;
  if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1)) return null;
  return { row: cellAt(y.values.length, fy), col: cellAt(x.values.length, fx) };
}

/** The centre of a cell in canvas CSS pixels. */
export function cellCentre(x: PhaseAxisView, y: PhaseAxisView, width: number, height: number, row: number, col: number): { px: number; py: number } {
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - MARGIN.top - MARGIN.bottom;
  return { px: MARGIN.left + ((col + 0.5) / x.values.length) * pw, py: MARGIN.top + ph - ((row + 0.5) / y.values.length) * ph };
}
