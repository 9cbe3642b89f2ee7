/**
 * Every message between the extension host and the phase-diagram panel, imported by both sides
 * (docs/architecture.md, "Messages"); messages from the webview are checked with `parseFromPhase`.
 */
import { NO_LABEL, NO_OUTCOME, type PhaseMethod } from '../core/analysis/phase/cellEvaluator';
import { MAX_FIGURE_SIDE } from '../core/analysis/phase/phaseSvg';
import { asRecord, Closed, CommonFromWebview, ErrorInfo, isFiniteNumber, isIndex, parseCommon, parsePanelState } from './common';
// Largest chart image accepted from a webview (a 3× PNG of the figure is a few MB): one bound for every panel.
import { MAX_CHART_IMAGE_LENGTH } from './dynamics';

export type { PhaseMethod };

/** The methods a phase panel can show, as the switch offers them. */
export const PHASE_PANEL_METHODS: readonly PhaseMethod[] = ['flow', 'descent'];

/** One axis of a phase diagram as asked for: a numeric key (JSON path) and its range. */
export interface PhaseAxisSpec {
  key: string;
  from: number;
  to: number;
  scale: 'log' | 'linear';
}

/**
 * One computed axis: its JSON path, the cell centres' values and the experiment's own value; for a key
 * that is a width power in the file, its exponent and the file's width (the values and `current` are
 * then bases b, and a cell computes with b·d^exponent: PhaseDiagramAxis), else null.
 */
export interface PhaseAxisView extends PhaseAxisSpec {
  path: string;
  values: number[];
  current: number | null;
  widthPower: { exponent: number; width: number | null; widthAxis?: 'x' | 'y' } | null;
}

/** Largest grid side the phase panel asks for: the largest its figure (phaseSvg.ts) is drawn for, as `flab phase --svg` allows. */
export const MAX_PHASE_SIZE = MAX_FIGURE_SIDE;

/** The grid sides the setting `featureLearningLab.phaseGridSize` allows, and its default. */
export const MIN_PHASE_GRID_SIZE = 64;
export const DEFAULT_PHASE_GRID_SIZE = 256;

/** What a phase panel computes: two axes, the grid's side, and the method (a view preference of the panel, never written to the file). */
export interface PhaseConfig {
  x: PhaseAxisSpec;
  y: PhaseAxisSpec;
  size: number;
  method: PhaseMethod;
}

/** A critical line as the webview draws it (src/core/analysis/phase/criticalLines.ts). */
export interface LineView {
  name: string;
  ntk: number;
  meaning: string;
  /** [x1, y1, x2, y2, …] in the axes' values. */
  segments: number[];
}

/** The cell whose dynamics were opened beside the diagram, by its two values (it stays marked while the axes include it). */
export interface PreviewedCell {
  x: number;
  y: number;
}

// ---- host → webview -----------------------------------------------------------------------------

/** A computed diagram. */
export interface Diagram {
  type: 'diagram';
  /** Per-panel sequence, shared with `invalid` and `busy`: older ones are stale. */
  version: number;
  title: string;
  x: PhaseAxisView;
  y: PhaseAxisView;
  /** Label code per cell, row-major (row = y index, column = x index), base64 of a Uint8Array; NO_LABEL (255) where there is none (a diverged descent run — a blow-up —, a refused cell). */
  labels: string;
  /**
   * 1 where the cell is refused — its run would print a number beyond 64 bits, so `flab solve` (the
   * flow) or `flab simulate` (descent) of it is refused — 0 where it was computed; row-major, base64
   * of a Uint8Array. A refused cell has no label, no outcome and NaN scores.
   */
  refused: string;
  /** The text of each label code. */
  labelNames: string[];
  /**
   * Each score per cell, base64 of a little-endian Float32Array (NaN where undefined or where the cell
   * has no scores). Values beyond the single-precision range are sent as ±Infinity, meaning "beyond
   * ±3.4e38", and nonzero values below its normal range as ±1.4e-45, meaning "below 1.2e-38": the
   * hover says so rather than showing a wrong number (encodePhase).
   */
  scores: Record<string, string>;
  /** How the cells were computed. */
  method: PhaseMethod;
  /** Gradient descent: the outcome code per cell (base64 of a Uint8Array; names in `outcomeNames`; NO_OUTCOME (255) where refused); null for the flow. */
  outcomes: string | null;
  outcomeNames: string[];
  /**
   * Gradient descent: the step each dead cell's ReLU units died at (PhaseDiagram.deadSteps), base64 of
   * a little-endian Float64Array, NaN in every other cell; null for the flow and for a descent diagram
   * with no dead cell (the linear network's never die), so that a large diagram sends no column of NaN.
   */
  deadSteps: string | null;
  /** Gradient descent of the linear network: the critical lines; [] otherwise. */
  lines: LineView[];
  /** Steps of each descent cell; T for a flow scored at its end (null: each cell's horizon, or ∞). */
  budget: number | null;
  /** Descent: the file sets no time.end, and its default number of steps was run. */
  defaultBudget: boolean;
  /** Where the flow is scored: over t ∈ [0, ∞) or up to the end of the run (`classify.at`). */
  scoredOver: 'infinity' | 'end';
  /** The score that shades the cells (the tangent kernel's change). */
  shadeScore: string;
  thresholds: Record<string, number>;
  /** Time the grid took in the worker. */
  elapsedMs: number;
}

/** A diagram's per-cell bytes, decoded from its base64 fields. */
export interface DiagramCells {
  labels: Uint8Array;
  refused: Uint8Array;
  outcomes: Uint8Array | null;
}

/**
 * Checks a diagram's per-cell bytes against its grid (both ends decode the base64 with their own
 * decoder, then call this): each array has one byte per cell (x values × y values); a label is a code
 * of `labelNames` or NO_LABEL; `refused` is 0 or 1, and a refused cell has neither label nor outcome;
 * descent has an outcome per cell, a code of `outcomeNames` or NO_OUTCOME (only where refused), and
 * the flow none. Returns null when all hold, else the first problem: which array, which cell, what
 * was expected and what was found.
 */
export function diagramCellsError(d: Pick<Diagram, 'x' | 'y' | 'labelNames' | 'outcomeNames' | 'method'>, cells: DiagramCells): string | null {
  const n = d.x.values.length * d.y.values.length;
  const arrays: [string, Uint8Array | null][] = [['labels', cells.labels], ['refused', cells.refused], ['outcomes', cells.outcomes]];
  for (const [name, bytes] of arrays) {
    if (bytes && bytes.length !== n) return `diagram ${name}: ${bytes.length} bytes for ${d.x.values.length} × ${d.y.values.length} = ${n} cells`;
  }
  if ((d.method === 'descent') !== (cells.outcomes !== null)) return `diagram outcomes: ${d.method === 'descent' ? 'missing for gradient descent' : 'given for the flow, which has none'}`;
  const { labels, refused, outcomes } = cells;
  for (let k = 0; k < n; k++) {
    const at = `cell ${k} (row ${Math.floor(k / d.x.values.length)}, column ${k % d.x.values.length})`;
    if (refused[k] > 1) return `diagram refused: ${at} is ${refused[k]}, expected 0 or 1`;
    if (!(labels[k] < d.labelNames.length || labels[k] === NO_LABEL)) return `diagram labels: ${at} is ${labels[k]}, expected a code below ${d.labelNames.length} or ${NO_LABEL} (none)`;
    if (outcomes && !(outcomes[k] < d.outcomeNames.length || (outcomes[k] === NO_OUTCOME && refused[k] === 1))) {
      return `diagram outcomes: ${at} is ${outcomes[k]}, expected a code below ${d.outcomeNames.length}${refused[k] ? ` or ${NO_OUTCOME} (refused)` : ''}`;
    }
    if (refused[k] === 1 && (labels[k] !== NO_LABEL || (outcomes && outcomes[k] !== NO_OUTCOME))) {
      return `diagram refused: ${at} is refused but has label ${labels[k]}${outcomes ? ` and outcome ${outcomes[k]}` : ''}, expected ${NO_LABEL} (none)`;
    }
  }
  return null;
}

/** The document is invalid now: the errors over the last diagram. */
export interface Invalid {
  type: 'invalid';
  version: number;
  errors: ErrorInfo[];
}

/** The grid of `version` is being computed: rows done so far. */
export interface Busy {
  type: 'busy';
  version: number;
  rowsDone: number;
  rows: number;
}

/**
 * Which file, axes and method the panel shows, and the previewed cell; the webview keeps the file,
 * axes and method, and the preview, in `setState` for the serializer.
 */
export interface DocumentShown extends PhaseConfig {
  type: 'document';
  documentUri: string;
  fileName: string;
  previewed: PreviewedCell | null;
  /** The untitled copy that previews `previewed` (its URI), null when none does. */
  preview: string | null;
}

/** The cell whose dynamics are open beside the diagram changed (null: none, or its copy was closed). */
export interface Previewed {
  type: 'previewed';
  cell: PreviewedCell | null;
  /** The copy's URI, null with a null cell. */
  preview: string | null;
}

/**
 * A previewed cell as the webview's state keeps it: the copy's URI and the cell's two values. A
 * reloaded window marks the cell again while VS Code has kept the copy (an untitled document, kept by
 * hot exit) open in a tab.
 */
export interface SavedPreview {
  uri: string;
  cell: PreviewedCell;
}

/** Rasterise this SVG figure (the one Export Chart writes as SVG) at `scale` pixels per px and answer `chartImage`. */
export interface RasteriseRequest {
  type: 'rasterise';
  requestId: number;
  svg: string;
  scale: number;
}

export type ToPhase = Diagram | Invalid | Busy | DocumentShown | Previewed | RasteriseRequest | Closed;

// ---- webview → host -----------------------------------------------------------------------------

/** Open the dynamics of one cell of the diagram `version` (its row = y index, column = x index). */
export interface OpenCell {
  type: 'openCell';
  version: number;
  row: number;
  col: number;
}

/** The switch: show the flow or gradient descent (a view preference of the panel, never written to the file). */
export interface SetMethod {
  type: 'setMethod';
  method: PhaseMethod;
}

/** The answer to `rasterise`: the figure as a PNG data URL, or why the page could not draw it. */
export type ChartImage = { type: 'chartImage'; requestId: number; dataUrl: string } | { type: 'chartImage'; requestId: number; error: string };

/** Longest error text accepted with a `chartImage`. */
const MAX_CHART_ERROR_LENGTH = 500;


export type FromPhase = CommonFromWebview | OpenCell | SetMethod | ChartImage;

/** What the host reads back from a restored phase panel's state. */
export interface PhasePanelState extends PhaseConfig {
  documentUri: string;
  /** Absent when none was saved or the saved one is malformed (the rest of the state still holds). */
  preview?: SavedPreview;
}

/** Longest URI accepted for a saved preview. */
const MAX_PREVIEW_URI_LENGTH = 4096;

/** Validates a saved preview from untrusted data (a restored state): an untitled document's URI and two finite values; null when malformed. */
export function parseSavedPreview(p: unknown): SavedPreview | null {
  const r = asRecord(p);
  const cell = asRecord(r?.cell);
  if (!r || !cell || typeof r.uri !== 'string' || !r.uri.startsWith('untitled:') || r.uri.length > MAX_PREVIEW_URI_LENGTH) return null;
  if (!isFiniteNumber(cell.x) || !isFiniteNumber(cell.y)) return null;
  return { uri: r.uri, cell: { x: cell.x, y: cell.y } };
}

/** Validates an axis from untrusted data (a restored state); null when malformed. */
export function parsePhaseAxisSpec(a: unknown): PhaseAxisSpec | null {
  const r = asRecord(a);
  if (!r) return null;
  if (typeof r.key !== 'string' || r.key.length === 0 || r.key.length > 200 || !isFiniteNumber(r.from) || !isFiniteNumber(r.to) || r.from === r.to) return null;
  if (r.scale !== 'log' && r.scale !== 'linear') return null;
  if (r.scale === 'log' && !(r.from > 0 && r.to > 0)) return null;
  return { key: r.key, from: r.from, to: r.to, scale: r.scale };
}

/** Reads a restored phase panel's state; null when missing or malformed. */
export function parsePhasePanelState(state: unknown): PhasePanelState | null {
  const doc = parsePanelState(state);
  const s = asRecord(state);
  if (!doc || !s) return null;
  const x = parsePhaseAxisSpec(s.x);
  const y = parsePhaseAxisSpec(s.y);
  const size = s.size;
  if (!x || !y || typeof size !== 'number' || !Number.isInteger(size) || size < 2 || size > MAX_PHASE_SIZE) return null;
  // Saved before the switch existed: the flow.
  const method = s.method === undefined ? 'flow' : (PHASE_PANEL_METHODS as readonly unknown[]).includes(s.method) ? (s.method as PhaseMethod) : null;
  if (!method) return null;
  const preview = parseSavedPreview(s.preview);
  return { documentUri: doc.documentUri, x, y, size, method, ...(preview ? { preview } : {}) };
}

/** Validates a message from the phase webview; null for anything malformed. */
export function parseFromPhase(message: unknown): FromPhase | null {
  const common = parseCommon(message);
  if (common) return common;
  const m = asRecord(message);
  if (!m) return null;
  if (m.type === 'openCell' && isIndex(m.version, Number.MAX_SAFE_INTEGER) && isIndex(m.row, MAX_PHASE_SIZE) && isIndex(m.col, MAX_PHASE_SIZE)) {
    return { type: 'openCell', version: m.version, row: m.row, col: m.col };
  }
  if (m.type === 'setMethod' && (PHASE_PANEL_METHODS as readonly unknown[]).includes(m.method)) return { type: 'setMethod', method: m.method as PhaseMethod };
  if (m.type === 'chartImage' && isIndex(m.requestId, Number.MAX_SAFE_INTEGER) && typeof m.dataUrl === 'string' && m.dataUrl.startsWith('data:image/png;base64,') && m.dataUrl.length < MAX_CHART_IMAGE_LENGTH) {
    return { type: 'chartImage', requestId: m.requestId, dataUrl: m.dataUrl };
  }
  if (m.type === 'chartImage' && isIndex(m.requestId, Number.MAX_SAFE_INTEGER) && typeof m.error === 'string' && m.error.length > 0 && m.error.length <= MAX_CHART_ERROR_LENGTH) {
    return { type: 'chartImage', requestId: m.requestId, error: m.error };
  }
  return null;
}
