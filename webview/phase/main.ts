/**
 * The phase-diagram panel: a heat map of the mechanism label (the exact flow) or of gradient
 * descent's outcome over two hyperparameters, from the host's messages (src/protocol/phase.ts). A
 * Flow / Descent switch asks the host for the other method (a view preference, never written to the
 * file). Hover shows a cell's numbers; a click (or Enter on the focused map) asks the host to open
 * that cell's dynamics, which stays framed on the map. Keeps only which file, axes, size and method it
 * shows (setState, for the host's serializer). Rasterises the host's SVG figure for Export Chart.
 */
import '../shared/common.css';
import './phase.css';
import type { ErrorInfo } from '../../src/protocol/common';
import { diagramCellsError, type Diagram, type FromPhase, type PhaseMethod, type PreviewedCell, type RasteriseRequest, type SavedPreview, type ToPhase } from '../../src/protocol/phase';
import { createHost } from '../host';
import { renderBanner } from '../shared/banner';
import { axisShort, axisTitle, DEAD_NOTE, descentOutcomeText, inOutcomeOrder, LABEL_COLOURS, LINE_DASHES, OUTCOME_COLOURS, outcomeShaded, REFUSED_NAME, refusedCssBackground, refusedNote, shadeNote, shadeWeight, shareText, SHADE_HIGH, SHADE_LEVELS, SHADE_LOW, thresholdClauses, widthPowered, widthPowerNote } from '../../src/core/analysis/phase/phaseStyle';
import { formatCount } from '../../src/core/experiment/diagnostic';
import { decadeLabel } from '../../src/core/figures/ticks';
import { el } from '../shared/dom';
import { formatReadout } from '../shared/numberFormat';
import { readPalette, resolveColour, watchTheme } from '../shared/theme';
import { createChoice } from '../shared/toolkit';
import { cellCentre, cellOfValue, cellUnder, drawHeatmap, hexRgb, type Rgb } from './heatmap';

/** The phase panel keeps no view preferences of its own: only which file, axes and method it shows. */
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

/** The label code of a cell without one (a diverged descent run; cellEvaluator.ts NO_LABEL). */
const NO_LABEL = 255;

/** The previewed cell as the state keeps it (null when none: the state then forgets an earlier one). */
function savedPreview(cell: PreviewedCell | null, uri: string | null): SavedPreview | null {
  return cell && uri ? { uri, cell } : null;
}

function decodeBytes(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A little-endian Float64Array from base64 (a copy: aligned). */
function decodeDoubles(b64: string): Float64Array {
  const bytes = decodeBytes(b64);
  return new Float64Array(bytes.buffer, 0, bytes.byteLength >> 3);
}

function decodeFloats(b64: string): Float32Array {
  const bytes = decodeBytes(b64);
  return new Float32Array(bytes.buffer, 0, bytes.byteLength >> 2);
}

/** Axis values in the panels' one readout format (docs/panel.md, "Numbers"): 6.05418e-5, not 0.0000605418. */
function fmtValue(v: number): string {
  return formatReadout(v);
}

/**
 * An axis value in the hover: the value, and for an axis of bases of a width power the value the cell
 * computes with, `0.0108649 → γ = 3.39528e-4` (d the file's width, or the cell's own on a width axis).
 */
function axisValueText(axis: Diagram['x'], other: Diagram['x'], v: number, otherValue: number): string {
  const power = axis.widthPower;
  if (!power || power.exponent === 0) return fmtValue(v);
  // The other axis is the width (power.width is then null): d is the cell's own.
  const width = other.path === 'model.width' || power.width === null ? otherValue : power.width;
  return `${fmtValue(v)} → ${axisShort(axis.path)} = ${fmtValue(widthPowered(v, power, width))}`;
}

/** The smallest normal single-precision number: below it a score was sent clamped (src/workers/phaseRun.ts). */
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/**
 * A score (sent as single precision) in the readout format; what was clamped says so: beyond the
 * single-precision range "> 3.4e38", a nonzero value below its normal range "< 1.2e-38"; undefined "—".
 */
function fmtScore(v: number): string {
  if (Number.isNaN(v)) return '—';
  if (v === Infinity) return '> 3.4e38';
  if (v === -Infinity) return '< −3.4e38';
  if (v !== 0 && Math.abs(v) < FLOAT32_MIN_NORMAL) return v > 0 ? '< 1.2e-38' : '> −1.2e-38';
  return formatReadout(v);
}

/** What opening a refused cell shows, after refusedNote's reason (the copy opens beside the diagram with its dynamics). */
const REFUSED_CLICK: Record<PhaseMethod, string> = {
  flow: 'click it to open the cell beside the diagram: its dynamics name the field to blame and the values that work.',
  descent: 'click it to open the cell beside the diagram (an untitled copy): flab simulate of that copy, once saved, names the field to blame and the values that work.',
};

class PhasePanel {
  private readonly title = el('h1', 'title', 'Phase diagram');
  private readonly status = el('span', 'status');
  private readonly method = createChoice<PhaseMethod>(
    'Dynamics',
    'method',
    [
      { value: 'flow', label: 'Flow', title: 'The exact gradient flow: each cell\'s label over t ∈ [0, ∞) (or up to time.end with classify.at "end")' },
      { value: 'descent', label: 'Descent', title: 'Gradient descent at each cell\'s rates for time.end steps: converged, catapult, unsettled (still above its start at the end) or diverged, and the label of the run' },
    ],
    'flow',
    (m) => post({ type: 'setMethod', method: m }),
  );
  private readonly bannerSlot = el('div', 'banner-slot');
  private readonly waiting = el('p', 'waiting', 'Computing the phase diagram…');
  private readonly figure = el('div', 'figure');
  private readonly canvas = el('canvas', 'heatmap');
  private readonly tooltip = el('div', 'tooltip');
  private readonly legend = el('div', 'legend');
  private readonly hint = el('p', 'hint', 'Hover a cell for its numbers; click it (or Enter) to open its dynamics, which stays framed on the map.');
  private diagram: Diagram | null = null;
  private labels: Uint8Array = new Uint8Array(0);
  /** 1 where the cell is refused (beyond 64 bits), 0 where it was computed. */
  private refused: Uint8Array = new Uint8Array(0);
  private outcomes: Uint8Array | null = null;
  /** Gradient descent: the step each dead cell's units died at (NaN elsewhere); null when no cell is dead. */
  private deadSteps: Float64Array | null = null;
  private scores: Record<string, Float32Array<ArrayBufferLike>> = {};
  private previewed: PreviewedCell | null = null;
  /** The file the panel shows (the state's key), from the host's `document` message. */
  private documentUri: string | undefined;
  private shownVersion = -Infinity;
  private size = { width: 0, height: 0 };
  /** The cell the keyboard is on. */
  private focus: { row: number; col: number } | null = null;

  constructor(private readonly root: HTMLElement) {
    root.classList.add('phase-panel', 'is-waiting');
    const header = el('header', 'panel-header');
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    header.append(this.title, this.method.element, this.status);
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Phase diagram over two hyperparameters (arrow keys move between cells, Enter opens one)');
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
        this.documentUri = m.documentUri;
        host.saveDocument(m.documentUri, { x: m.x, y: m.y, size: m.size, method: m.method, preview: savedPreview(m.previewed, m.preview) });
        this.method.value = m.method;
        if (this.diagram && this.diagram.method !== m.method) this.status.textContent = `Computing ${m.method === 'descent' ? 'gradient descent' : 'the exact flow'}…`;
        this.setPreviewed(m.previewed);
        if (!this.diagram) this.title.textContent = `Phase diagram: ${m.fileName}`;
        break;
      case 'diagram': {
        const labels = decodeBytes(m.labels);
        const refused = decodeBytes(m.refused);
        const outcomes = m.outcomes === null ? null : decodeBytes(m.outcomes);
        // A diagram whose cells do not fit its grid is not drawn: the status says what is wrong.
        const error = diagramCellsError(m, { labels, refused, outcomes });
        if (error) {
          this.status.textContent = `The host sent a malformed diagram: ${error}`;
          break;
        }
        this.diagram = m;
        this.labels = labels;
        this.refused = refused;
        this.outcomes = outcomes;
        this.deadSteps = m.deadSteps ? decodeDoubles(m.deadSteps) : null;
        this.scores = Object.fromEntries(Object.entries(m.scores).map(([k, v]) => [k, decodeFloats(v)]));
        this.title.textContent = `Phase diagram: ${m.title}`;
        this.setBanner(null);
        this.root.classList.remove('is-waiting', 'is-closed');
        this.root.dataset.method = m.method;
        this.status.textContent = `${m.x.values.length} × ${m.y.values.length} cells in ${Math.round(m.elapsedMs)} ms — ${this.methodText(m)}`;
        this.figure.dataset.version = String(m.version);
        this.draw();
        this.showLegend();
        break;
      }
      case 'invalid':
        this.setBanner(m.errors);
        this.status.textContent = '';
        break;
      case 'busy':
        this.status.textContent = `Computing… ${Math.round((100 * m.rowsDone) / Math.max(1, m.rows))} %`;
        break;
      case 'previewed':
        // Kept with the state, so that a reloaded window marks the cell again while its copy is open.
        if (this.documentUri !== undefined) host.saveDocument(this.documentUri, { preview: savedPreview(m.cell, m.preview) });
        this.setPreviewed(m.cell);
        break;
      case 'rasterise':
        void this.rasterise(m);
        break;
      case 'closed':
        this.root.classList.add('is-closed');
        this.status.textContent = m.reason;
        break;
    }
  }

  /** What the cells are: "gradient descent, 1,000 steps", "exact flow, t → ∞". */
  private methodText(d: Diagram): string {
    if (d.method === 'descent') return `gradient descent, ${d.budget === null ? 'the default number of' : formatCount(d.budget)} steps${d.defaultBudget ? ' (the file\'s default: set time.end to choose)' : ''}`;
    if (d.scoredOver === 'end') return `exact flow up to ${d.budget === null ? 'each cell\'s horizon' : `t = ${formatCount(d.budget)}`}`;
    return 'exact flow, t → ∞';
  }

  private setPreviewed(cell: PreviewedCell | null): void {
    const same = cell === this.previewed || (cell !== null && this.previewed !== null && cell.x === this.previewed.x && cell.y === this.previewed.y);
    this.previewed = cell;
    if (!same) this.draw();
  }

  /** The page's colours: its background (cells blend into it) and text. */
  private colours(): { background: Rgb; foreground: string; grid: string; font: string } {
    const p = readPalette();
    const probe = el('span');
    probe.hidden = true;
    document.body.append(probe);
    const background = resolveColour(probe, p.background) ?? [128, 128, 128];
    probe.remove();
    return { background, foreground: p.foreground, grid: p.grid, font: `${p.fontSize - 1}px ${p.fontFamily}` };
  }

  private draw(): void {
    const d = this.diagram;
    if (!d) return;
    const width = Math.max(260, Math.floor(this.figure.clientWidth || 600));
    const height = Math.max(240, Math.min(Math.round(width * 0.8), 640));
    this.size = { width, height };
    const c = this.colours();
    drawHeatmap(this.canvas, { x: d.x, y: d.y, labels: this.labels, refused: this.refused, shade: this.scores[d.shadeScore] ?? new Float32Array(this.labels.length), outcomes: this.outcomes, lines: d.lines, previewed: this.previewed, ...c }, width, height);
    this.canvas.dataset.drawn = String(d.version);
    const p = this.previewed;
    const row = p ? cellOfValue(d.y, p.y) : -1;
    const col = p ? cellOfValue(d.x, p.x) : -1;
    if (row >= 0 && col >= 0) this.canvas.dataset.previewed = `${row},${col}`;
    else delete this.canvas.dataset.previewed;
  }

  /**
   * The legend: each colour of the computed cells with its share of all the cells and its shade steps
   * (every colour the map uses), and the refused cells' hatch with theirs when there are any.
   */
  private showLegend(): void {
    const d = this.diagram;
    if (!d) return;
    const { background } = this.colours();
    const blend = (hex: string, w: number): string => {
      const colour = hexRgb(hex);
      return `rgb(${colour.map((v, k) => Math.round(background[k] + w * (v - background[k]))).join(', ')})`;
    };
    const ramp = (hex: string): HTMLElement => {
      const r = el('span', 'legend-ramp');
      r.setAttribute('aria-hidden', 'true');
      for (let level = 0; level < SHADE_LEVELS; level++) {
        const step = el('span', 'ramp-step');
        // CSSOM, not a style attribute: allowed under the CSP.
        step.style.backgroundColor = blend(hex, shadeWeight(level));
        r.append(step);
      }
      return r;
    };
    const total = this.labels.length;
    const count = (key: (k: number) => number): Map<number, number> => {
      const m = new Map<number, number>();
      for (let k = 0; k < total; k++) {
        const c = key(k);
        if (c >= 0) m.set(c, (m.get(c) ?? 0) + 1);
      }
      return new Map([...m].sort((a, b) => a[0] - b[0]));
    };
    const parts: HTMLElement[] = [];
    // Refused cells: their hatch and share, right after the colours of the computed cells.
    const refused = count((k) => (this.refused[k] ? 1 : -1)).get(1) ?? 0;
    const refusedEntry = (): void => {
      if (refused > 0) {
        const list = el('ul', 'legend-labels');
        const item = el('li', 'legend-refused');
        const swatch = el('span', 'swatch');
        swatch.style.backgroundImage = refusedCssBackground();
        item.append(swatch, el('span', 'legend-name', REFUSED_NAME), el('span', 'legend-share', shareText(refused, total)));
        list.append(item);
        parts.push(list);
      }
      parts.push(el('p', 'legend-shares', `Shares of all ${formatCount(total)} cells${refused > 0 ? ', refused ones included' : ''}.`));
    };
    const outcomes = this.outcomes;
    if (outcomes) {
      parts.push(el('p', 'legend-heading', 'Outcome of gradient descent'));
      const list = el('ul', 'legend-labels');
      // From the most settled outcome to the least: converged, catapult, unsettled, dead, diverged.
      for (const [code, n] of inOutcomeOrder(count((k) => (this.refused[k] ? -1 : outcomes[k])))) {
        const name = d.outcomeNames[code] ?? String(code);
        const item = el('li', 'legend-outcome');
        item.dataset.outcome = name;
        const swatch = el('span', 'swatch');
        swatch.style.backgroundColor = blend(OUTCOME_COLOURS[code], 1);
        item.append(swatch, el('span', 'legend-name', name), el('span', 'legend-share', shareText(n, total)));
        // Every outcome with scores is shaded (converged, catapult, unsettled); diverged and dead are flat.
        if (outcomeShaded(code)) item.append(ramp(OUTCOME_COLOURS[code]));
        // A dead network has no label: why, where the labels within would be.
        if (name === 'dead') item.append(el('span', 'legend-note', DEAD_NOTE));
        // The mechanisms within this outcome, largest share first.
        const within = [...count((k) => (outcomes[k] === code && !this.refused[k] && this.labels[k] !== NO_LABEL ? this.labels[k] : -1))].sort((a, b) => b[1] - a[1]);
        if (within.length > 0) {
          const sub = el('ul', 'legend-within');
          for (const [label, m] of within) {
            const li = el('li', 'legend-sub');
            li.dataset.label = d.labelNames[label] ?? String(label);
            li.append(el('span', 'legend-name', d.labelNames[label] ?? String(label)), el('span', 'legend-share', shareText(m, total)));
            sub.append(li);
          }
          item.append(sub);
        }
        list.append(item);
      }
      parts.push(list);
      refusedEntry();
      if (d.lines.length > 0) {
        parts.push(el('p', 'legend-heading', 'Critical rates (linearised)'));
        const lines = el('ul', 'legend-labels');
        d.lines.forEach((line, n) => {
          const item = el('li', 'legend-line');
          item.dataset.line = line.name;
          const sample = el('span', (LINE_DASHES[n] ?? []).length ? 'line-sample dashed' : 'line-sample');
          sample.setAttribute('aria-hidden', 'true');
          item.append(sample, el('span', 'legend-name', `${line.name}${line.segments.length === 0 ? ' (not in range)' : ''}`), el('span', 'legend-meaning', line.meaning));
          lines.append(item);
        });
        parts.push(lines);
      }
    } else {
      parts.push(el('p', 'legend-heading', 'Mechanism'));
      const list = el('ul', 'legend-labels');
      for (const [code, n] of count((k) => (this.refused[k] ? -1 : this.labels[k]))) {
        const item = el('li', 'legend-item');
        item.dataset.label = d.labelNames[code] ?? String(code);
        const swatch = el('span', 'swatch');
        swatch.style.backgroundColor = blend(LABEL_COLOURS[code], 1);
        item.append(swatch, el('span', 'legend-name', d.labelNames[code] ?? String(code)), el('span', 'legend-share', shareText(n, total)), ramp(LABEL_COLOURS[code]));
        list.append(item);
      }
      parts.push(list);
      refusedEntry();
    }
    parts.push(el('p', 'legend-heading', `Shade: ${SCORE_TEXT[d.shadeScore] ?? d.shadeScore}`));
    const scale = el('div', 'shade-scale');
    scale.append(el('span', undefined, `≤ ${decadeLabel(SHADE_LOW)}`), el('span', undefined, `≥ ${decadeLabel(SHADE_HIGH)}`));
    parts.push(scale);
    const colours = outcomes ? 'Each outcome\'s colour' : 'Each label\'s colour';
    parts.push(el('p', 'legend-note', `${shadeNote(colours)} Thresholds — ${thresholdClauses(d.thresholds).join('; ')}. Ring: this experiment; frame: the cell whose dynamics are open.`));
    // An axis of bases of a width power: what its values are and what the cells compute with.
    for (const note of [widthPowerNote(d.x.path, d.x.widthPower, d.y.path), widthPowerNote(d.y.path, d.y.widthPower, d.x.path)]) {
      if (!note) continue;
      const p = el('p', 'legend-note', `${note}.`);
      p.dataset.widthPowerNote = '';
      parts.push(p);
    }
    this.legend.replaceChildren(...parts);
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
    if (this.refused[k]) {
      const note = el('div', 'tip-note', refusedNote(d.method, REFUSED_CLICK[d.method]));
      note.dataset.tip = 'refused';
      t.replaceChildren(line(axisTitle(d.x.path, d.x.widthPower), axisValueText(d.x, d.y, d.x.values[col], d.y.values[row]), { tip: 'x' }), line(axisTitle(d.y.path, d.y.widthPower), axisValueText(d.y, d.x, d.y.values[row], d.x.values[col]), { tip: 'y' }), line('label', REFUSED_NAME, { tip: 'label' }), note);
      this.placeTooltip(px, py);
      return;
    }
    const code = this.labels[k];
    const outcome = this.outcomes ? (d.outcomeNames[this.outcomes[k]] ?? '?') : null;
    const label = code === NO_LABEL ? `— (none: ${outcome === 'dead' ? 'dead' : 'diverged'})` : (d.labelNames[code] ?? '?');
    const lines = [
      line(axisTitle(d.x.path, d.x.widthPower), axisValueText(d.x, d.y, d.x.values[col], d.y.values[row]), { tip: 'x' }),
      line(axisTitle(d.y.path, d.y.widthPower), axisValueText(d.y, d.x, d.y.values[row], d.x.values[col]), { tip: 'y' }),
      ...(outcome !== null ? [line('gradient descent', descentOutcomeText(outcome, code === NO_LABEL ? null : label, d.budget, this.deadSteps && Number.isFinite(this.deadSteps[k]) ? this.deadSteps[k] : null), { tip: 'outcome' })] : []),
      line('label', label, { tip: 'label' }),
      ...Object.keys(SCORE_TEXT)
        .filter((name) => this.scores[name])
        .map((name) => line(SCORE_TEXT[name], fmtScore(this.scores[name][k]), { tipScore: name })),
    ];
    t.replaceChildren(...lines);
    this.placeTooltip(px, py);
  }

  /** Shows the tooltip beside the pointer, kept inside the figure. */
  private placeTooltip(px: number, py: number): void {
    const t = this.tooltip;
    t.hidden = false;
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

  /** The host's SVG figure as a PNG at `scale` (an SVG from a data: URL leaves the canvas readable). */
  private async rasterise(m: RasteriseRequest): Promise<void> {
    const image = new Image();
    const loaded = new Promise<boolean>((resolve) => {
      image.onload = () => resolve(true);
      image.onerror = () => resolve(false);
    });
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(m.svg)}`;
    if (!(await loaded)) {
      post({ type: 'chartImage', requestId: m.requestId, error: 'the page could not load the SVG figure as an image' });
      return;
    }
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(image.naturalWidth * m.scale));
    canvas.height = Math.max(1, Math.round(image.naturalHeight * m.scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) {
      post({ type: 'chartImage', requestId: m.requestId, error: 'no 2D canvas in this page' });
      return;
    }
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    post({ type: 'chartImage', requestId: m.requestId, dataUrl: canvas.toDataURL('image/png') });
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
