/**
 * The phase-diagram panel: a heat map of the mechanism label over two hyperparameters, from the
 * host's messages (src/protocol/phase.ts). Hover shows a cell's numbers; a click (or
 * Enter on the focused map) asks the host to open that cell's dynamics. Keeps only which file and
 * axes it shows (setState, for the host's serializer).
 */
import '../shared/common.css';
import './phase.css';
import type { ErrorInfo } from '../../src/protocol/common';
import type { Diagram, FromPhase, ToPhase } from '../../src/protocol/phase';
import { createHost } from '../host';
import { renderBanner } from '../shared/banner';
import { axisTitle, LABEL_COLOURS, shadeNote, shadeWeight, SHADE_HIGH, SHADE_LEVELS, SHADE_LOW, thresholdClauses } from '../../src/core/analysis/phase/phaseStyle';
import { decadeLabel } from '../../src/core/figures/ticks';
import { el } from '../shared/dom';
import { readPalette, resolveColour, watchTheme } from '../shared/theme';
import { cellCentre, cellUnder, drawHeatmap, type Rgb } from './heatmap';

/** The phase panel keeps no view preferences of its own: only which file and axes it shows. */
const host = createHost<FromPhase, Record<string, never>>(() => ({}));
const post = (m: FromPhase): void => host.post(m);

/** Scores shown in the tooltip, with their names in the paper's words. */
const SCORE_TEXT: Record<string, string> = {
  kernelChange: 'max |K/K(0) − 1|',
  tangentChange: 'tangent-feature change',
  zetaChange: '|ζ| change',
  alignment: 'alignment',
  disalignment: 'disalignment',
  normChangeU: 'ln(|u| / |u₀|)',
  normChangeW: 'ln(‖W‖ / ‖W₀‖)',
  balanceChange: 'balance change',
  distance: '‖θ − θ₀‖ / ‖θ₀‖',
};


function decodeBytes(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function decodeFloats(b64: string): Float32Array {
  const bytes = decodeBytes(b64);
  return new Float32Array(bytes.buffer, 0, bytes.byteLength >> 2);
}

/** Axis values print in full; scores (single precision) to 4 significant digits. */
function fmtValue(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e15 ? String(v) : String(Number(v.toPrecision(6)));
}
function fmtScore(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '—';
}

class PhasePanel {
  private readonly title = el('h1', 'title', 'Phase diagram');
  private readonly status = el('span', 'status');
  private readonly bannerSlot = el('div', 'banner-slot');
  private readonly waiting = el('p', 'waiting', 'Computing the phase diagram…');
  private readonly figure = el('div', 'figure');
  private readonly canvas = el('canvas', 'heatmap');
  private readonly tooltip = el('div', 'tooltip');
  private readonly legend = el('div', 'legend');
  private readonly hint = el('p', 'hint', 'Hover a cell for its numbers; click it (or Enter) to open its dynamics.');
  private diagram: Diagram | null = null;
  private labels: Uint8Array = new Uint8Array(0);
  private scores: Record<string, Float32Array<ArrayBufferLike>> = {};
  private shownVersion = -Infinity;
  private size = { width: 0, height: 0 };
  /** The cell the keyboard is on. */
  private focus: { row: number; col: number } | null = null;

  constructor(private readonly root: HTMLElement) {
    root.classList.add('phase-panel', 'is-waiting');
    const header = el('header', 'panel-header');
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    header.append(this.title, this.status);
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Phase diagram: mechanism label over two hyperparameters (arrow keys move between cells, Enter opens one)');
    this.tooltip.hidden = true;
    this.tooltip.setAttribute('role', 'tooltip');
    this.figure.append(this.canvas, this.tooltip);
    const layout = el('div', 'phase-layout');
    layout.append(this.figure, this.legend);
    root.append(header, this.bannerSlot, this.waiting, layout, this.hint);

    this.canvas.addEventListener('mousemove', (e) => this.hover(e.offsetX, e.offsetY));
    // The tooltip goes with the pointer: leaving the map, the page, or the window hides it (the
    // keyboard shows it again on its own cell).
    const hide = (): void => {
      this.focus = null;
      this.tooltip.hidden = true;
    };
    this.canvas.addEventListener('pointerleave', hide);
    document.documentElement.addEventListener('pointerleave', hide);
    window.addEventListener('blur', hide);
    document.addEventListener('visibilitychange', hide);
    this.canvas.addEventListener('click', (e) => {
      const cell = this.cellAt(e.offsetX, e.offsetY);
      if (cell) this.open(cell.row, cell.col);
    });
    this.canvas.addEventListener('keydown', (e) => this.key(e));
    this.canvas.addEventListener('blur', hide);
    new ResizeObserver(() => this.draw()).observe(this.figure);
    watchTheme(() => {
      this.draw();
      this.showLegend();
    });
  }

  handle(m: ToPhase): void {
    if (m.type === 'diagram' || m.type === 'invalid') {
      if (m.version < this.shownVersion) return;
      this.shownVersion = m.version;
    }
    switch (m.type) {
      case 'document':
        host.saveDocument(m.documentUri, { x: m.x, y: m.y, size: m.size });
        if (!this.diagram) this.title.textContent = `Phase diagram: ${m.fileName}`;
        break;
      case 'diagram':
        this.diagram = m;
        this.labels = decodeBytes(m.labels);
        this.scores = Object.fromEntries(Object.entries(m.scores).map(([k, v]) => [k, decodeFloats(v)]));
        this.title.textContent = `Phase diagram: ${m.title}`;
        this.setBanner(null);
        this.root.classList.remove('is-waiting', 'is-closed');
        this.status.textContent = `${m.x.values.length} × ${m.y.values.length} cells in ${Math.round(m.elapsedMs)} ms`;
        this.figure.dataset.version = String(m.version);
        this.draw();
        this.showLegend();
        break;
      case 'invalid':
        this.setBanner(m.errors);
        this.status.textContent = '';
        break;
      case 'busy':
        this.status.textContent = `Computing… ${Math.round((100 * m.rowsDone) / Math.max(1, m.rows))} %`;
        break;
      case 'closed':
        this.root.classList.add('is-closed');
        this.status.textContent = m.reason;
        break;
    }
  }

  /** The colours of the diagram: the labels' colours of phaseStyle.ts (shared with the SVG and the legend) on the theme's background. */
  private colours(): { colours: Rgb[]; background: Rgb; foreground: string; grid: string; font: string } {
    const p = readPalette();
    const probe = el('span');
    probe.hidden = true;
    document.body.append(probe);
    const rgb = (css: string): Rgb => resolveColour(probe, css) ?? [128, 128, 128];
    const bg = rgb(p.background);
    const colours: Rgb[] = LABEL_COLOURS.map(rgb);
    probe.remove();
    return { colours, background: bg, foreground: p.foreground, grid: p.grid, font: `${p.fontSize - 1}px ${p.fontFamily}` };
  }

  private draw(): void {
    const d = this.diagram;
    if (!d) return;
    const width = Math.max(260, Math.floor(this.figure.clientWidth || 600));
    const height = Math.max(240, Math.min(Math.round(width * 0.8), 640));
    this.size = { width, height };
    const c = this.colours();
    drawHeatmap(this.canvas, { x: d.x, y: d.y, labels: this.labels, shade: this.scores[d.shadeScore] ?? new Float32Array(this.labels.length), ...c }, width, height);
    this.canvas.dataset.drawn = String(d.version);
  }

  /** The legend: each label present, its share of the cells, and its shade steps (every colour the map uses). */
  private showLegend(): void {
    const d = this.diagram;
    if (!d) return;
    const c = this.colours();
    const counts = new Map<number, number>();
    for (const code of this.labels) counts.set(code, (counts.get(code) ?? 0) + 1);
    const heading = el('p', 'legend-heading', 'Mechanism');
    const list = el('ul', 'legend-labels');
    const blend = (colour: Rgb, w: number): string => `rgb(${colour.map((v, k) => Math.round(c.background[k] + w * (v - c.background[k]))).join(', ')})`;
    for (const code of [...counts.keys()].sort((a, b) => a - b)) {
      const item = el('li', 'legend-item');
      item.dataset.label = d.labelNames[code] ?? String(code);
      const swatch = el('span', 'swatch');
      swatch.style.backgroundColor = blend(c.colours[code], 1);
      const share = (100 * (counts.get(code) ?? 0)) / this.labels.length;
      const ramp = el('span', 'legend-ramp');
      ramp.setAttribute('aria-hidden', 'true');
      for (let level = 0; level < SHADE_LEVELS; level++) {
        const step = el('span', 'ramp-step');
        // CSSOM, not a style attribute: allowed under the CSP.
        step.style.backgroundColor = blend(c.colours[code], shadeWeight(level));
        ramp.append(step);
      }
      item.append(swatch, el('span', 'legend-name', d.labelNames[code] ?? String(code)), el('span', 'legend-share', `${share < 1 ? share.toFixed(1) : Math.round(share)} %`), ramp);
      list.append(item);
    }
    const shadeHeading = el('p', 'legend-heading', `Shade: ${SCORE_TEXT[d.shadeScore] ?? d.shadeScore}`);
    const scale = el('div', 'shade-scale');
    scale.append(el('span', undefined, `≤ ${decadeLabel(SHADE_LOW)}`), el('span', undefined, `≥ ${decadeLabel(SHADE_HIGH)}`));
    const thresholds = el('p', 'legend-note', `${shadeNote()} Thresholds — ${thresholdClauses(d.thresholds).join('; ')}. Ring: this experiment.`);
    this.legend.replaceChildren(heading, list, shadeHeading, scale, thresholds);
  }

  private cellAt(px: number, py: number): { row: number; col: number } | null {
    const d = this.diagram;
    if (!d) return null;
    return cellUnder(d.x, d.y, this.size.width, this.size.height, px, py);
  }

  private hover(px: number, py: number): void {
    const cell = this.cellAt(px, py);
    if (!cell) {
      if (!this.focus) this.tooltip.hidden = true;
      return;
    }
    this.showTooltip(cell.row, cell.col, px, py);
  }

  private showTooltip(row: number, col: number, px: number, py: number): void {
    const d = this.diagram;
    if (!d) return;
    const k = row * d.x.values.length + col;
    const t = this.tooltip;
    t.dataset.row = String(row);
    t.dataset.col = String(col);
    const line = (name: string, value: string, attr: Record<string, string>): HTMLElement => {
      const div = el('div', 'tip-line');
      const v = el('span', 'tip-value', value);
      Object.assign(v.dataset, attr);
      div.append(el('span', 'tip-name', name), v);
      return div;
    };
    const lines = [
      line(axisTitle(d.x.path), fmtValue(d.x.values[col]), { tip: 'x' }),
      line(axisTitle(d.y.path), fmtValue(d.y.values[row]), { tip: 'y' }),
      line('label', d.labelNames[this.labels[k]] ?? '?', { tip: 'label' }),
      ...Object.keys(SCORE_TEXT)
        .filter((name) => this.scores[name])
        .map((name) => line(SCORE_TEXT[name], fmtScore(this.scores[name][k]), { tipScore: name })),
    ];
    t.replaceChildren(...lines);
    t.hidden = false;
    // Beside the pointer, kept inside the figure.
    const fw = this.figure.clientWidth;
    const tw = t.offsetWidth;
    const th = t.offsetHeight;
    const left = px + 14 + tw > fw ? Math.max(0, px - 14 - tw) : px + 14;
    const top = Math.max(0, Math.min(py + 14, this.size.height - th));
    t.style.left = `${left}px`;
    t.style.top = `${top}px`;
  }

  private key(e: KeyboardEvent): void {
    const d = this.diagram;
    if (!d) return;
    const nx = d.x.values.length;
    const ny = d.y.values.length;
    const moves: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [1, 0], ArrowDown: [-1, 0] };
    if (moves[e.key]) {
      e.preventDefault();
      const step = e.shiftKey ? Math.max(1, Math.round(nx / 16)) : 1;
      const f = this.focus ?? { row: Math.floor(ny / 2), col: Math.floor(nx / 2) };
      const [dr, dc] = moves[e.key];
      this.focus = { row: Math.min(ny - 1, Math.max(0, f.row + dr * step)), col: Math.min(nx - 1, Math.max(0, f.col + dc * step)) };
      const c = cellCentre(d.x, d.y, this.size.width, this.size.height, this.focus.row, this.focus.col);
      this.showTooltip(this.focus.row, this.focus.col, c.px, c.py);
    } else if (e.key === 'Enter' && this.focus) {
      e.preventDefault();
      this.open(this.focus.row, this.focus.col);
    }
  }

  private open(row: number, col: number): void {
    const d = this.diagram;
    if (!d) return;
    post({ type: 'openCell', version: d.version, row, col });
  }

  private setBanner(errors: ErrorInfo[] | null): void {
    const heading = this.diagram ? 'The experiment is invalid — showing the last phase diagram.' : 'No phase diagram for this experiment:';
    renderBanner(this.root, this.bannerSlot, errors, heading, (line, column) => post({ type: 'reveal', line, column }));
  }

}


const rootElement = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
const panel = new PhasePanel(rootElement);
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data;
  if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') panel.handle(data as ToPhase);
});
post({ type: 'ready' });
