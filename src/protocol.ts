/**
 * Every message between the extension host and the dynamics webview, imported by both sides.
 * The host never posts before the webview has said `ready`; every message from the webview is
 * checked with `parseFromWebview` before it is used.
 */
import type { Trajectory } from './core/trajectory/trajectory';

/** The hyperparameters the panel's controls edit, by their JSON path in the experiment file. */
export const CONTROL_KEYS = [
  'model.width',
  'model.outputScale',
  'init.scaleU',
  'init.scaleW',
  'learningRates.u',
  'learningRates.W',
  'data.y',
] as const;
export type ControlKey = (typeof CONTROL_KEYS)[number];

export interface ControlState {
  key: ControlKey;
  /** Current value in the document; null when the document's form has no such value (e.g. explicit init). */
  value: number | null;
  /** Slider range (log scale unless `linear`). */
  min: number;
  max: number;
  linear: boolean;
  integer: boolean;
}

export interface ErrorInfo {
  message: string;
  /** One-based line and column in the experiment file. */
  line: number;
  column: number;
}

export type ToWebview =
  | {
      type: 'update';
      /**
       * Increases with every newer state of the document the panel shows (a per-panel sequence,
       * since a document's own version restarts when it is reopened); `invalid` and `busy` share it.
       */
      version: number;
      title: string;
      trajectory: Trajectory;
      /** Gradient descent at the experiment's rates, when compared. */
      simulation: Trajectory | null;
      /** Largest |ζ_simulated − ζ_exact| over common times, when compared. */
      deviation: number | null;
      controls: ControlState[];
      compareSimulate: boolean;
      /** The experiment's declared sweep, one run per value; null when it declares none. */
      sweep?: SweepView | null;
    }
  | { type: 'invalid'; version: number; errors: ErrorInfo[]; controls: ControlState[] | null }
  | { type: 'busy'; version: number }
  | { type: 'closed'; reason: string }
  | { type: 'exportChart'; requestId: number }
  /**
   * Which file the panel shows; posted first after every `ready` and again after a rename. The
   * webview keeps `{ documentUri }` in `setState` (merged with its own view preferences) so that
   * the host's WebviewPanelSerializer can reopen the panel on that file after a window reload.
   */
  | { type: 'document'; documentUri: string; fileName: string };

/** One run of a sweep: the exact flow (when shown) and gradient descent (when shown) at one value. */
export interface SweepRunView {
  value: number;
  trajectory: Trajectory | null;
  simulation: Trajectory | null;
}

/** A declared sweep (`"sweep"` in the experiment), as the panel draws it. */
export interface SweepView {
  /** The key as written and the JSON path it names. */
  key: string;
  path: string;
  runs: SweepRunView[];
}

/** The part of the webview's saved state that the host reads back when it restores a panel. */
export interface PanelState {
  documentUri: string;
}

/** Reads the host's part of a restored webview state; null when it is missing or malformed. */
export function parsePanelState(state: unknown): PanelState | null {
  if (typeof state !== 'object' || state === null) return null;
  const uri = (state as Record<string, unknown>).documentUri;
  return typeof uri === 'string' && uri.length > 0 && uri.length < 10_000 ? { documentUri: uri } : null;
}

export type FromWebview =
  | { type: 'ready' }
  | { type: 'setValue'; key: ControlKey; value: number; final: boolean }
  | { type: 'setCompare'; simulate: boolean }
  /**
   * A view preference, not written to the file: draw gradient descent at the experiment's rates
   * instead of the flow (when not comparing both). The host computes the descent only when shown.
   */
  | { type: 'showDescent'; descent: boolean }
  | { type: 'chartImage'; requestId: number; dataUrl: string }
  | { type: 'reveal'; line: number; column: number };

/** Validates a message from the webview; returns null for anything malformed. */
export function parseFromWebview(message: unknown): FromWebview | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'setValue':
      if (typeof m.key === 'string' && (CONTROL_KEYS as readonly string[]).includes(m.key) && finite(m.value) && typeof m.final === 'boolean') {
        return { type: 'setValue', key: m.key as ControlKey, value: m.value, final: m.final };
      }
      return null;
    case 'setCompare':
      return typeof m.simulate === 'boolean' ? { type: 'setCompare', simulate: m.simulate } : null;
    case 'showDescent':
      return typeof m.descent === 'boolean' ? { type: 'showDescent', descent: m.descent } : null;
    case 'chartImage':
      if (finite(m.requestId) && typeof m.dataUrl === 'string' && m.dataUrl.startsWith('data:image/png;base64,') && m.dataUrl.length < 50_000_000) {
        return { type: 'chartImage', requestId: m.requestId, dataUrl: m.dataUrl };
      }
      return null;
    case 'reveal':
      if (finite(m.line) && finite(m.column) && m.line >= 1 && m.column >= 1) return { type: 'reveal', line: Math.floor(m.line), column: Math.floor(m.column) };
      return null;
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// The phase-diagram panel (a second webview, dist/phase.js).

/** One axis of a phase diagram as asked for: a numeric key (JSON path) and its range. */
export interface PhaseAxisSpec {
  key: string;
  from: number;
  to: number;
  scale: 'log' | 'linear';
}

/** One computed axis: its JSON path, the cell centres' values and the experiment's own value. */
export interface PhaseAxisView extends PhaseAxisSpec {
  path: string;
  values: number[];
  current: number | null;
}

export type ToPhaseWebview =
  | {
      type: 'phase';
      /** Per-panel sequence, shared with `phaseInvalid` and `phaseBusy`: older ones are stale. */
      version: number;
      title: string;
      x: PhaseAxisView;
      y: PhaseAxisView;
      /** Label code per cell, row-major (row = y index, column = x index), base64 of a Uint8Array. */
      labels: string;
      /** The text of each label code. */
      labelNames: string[];
      /** Each score per cell, base64 of a little-endian Float32Array (NaN where undefined). */
      scores: Record<string, string>;
      /** The score that shades the cells (the tangent kernel's change). */
      shadeScore: string;
      thresholds: Record<string, number>;
      /** Time the grid took in the worker. */
      elapsedMs: number;
    }
  | { type: 'phaseInvalid'; version: number; errors: ErrorInfo[] }
  | { type: 'phaseBusy'; version: number; rowsDone: number; rows: number }
  /** Which file and axes the panel shows; the webview keeps it in `setState` for the serializer. */
  | { type: 'phaseDocument'; documentUri: string; fileName: string; x: PhaseAxisSpec; y: PhaseAxisSpec; size: number }
  | { type: 'closed'; reason: string };

export type FromPhaseWebview =
  | { type: 'ready' }
  /** Open the dynamics of one cell of the diagram `version` (its row = y index, column = x index). */
  | { type: 'openCell'; version: number; row: number; col: number }
  | { type: 'reveal'; line: number; column: number };

/** What the host reads back from a restored phase panel's state. */
export interface PhasePanelState {
  documentUri: string;
  x: PhaseAxisSpec;
  y: PhaseAxisSpec;
  size: number;
}

/** Largest grid side the phase panel asks for. */
export const MAX_PHASE_SIZE = 1024;

/** Validates an axis from untrusted data (a restored state); null when malformed. */
export function parsePhaseAxisSpec(a: unknown): PhaseAxisSpec | null {
  if (typeof a !== 'object' || a === null) return null;
  const r = a as Record<string, unknown>;
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (typeof r.key !== 'string' || r.key.length === 0 || r.key.length > 200 || !finite(r.from) || !finite(r.to) || r.from === r.to) return null;
  if (r.scale !== 'log' && r.scale !== 'linear') return null;
  if (r.scale === 'log' && !(r.from > 0 && r.to > 0)) return null;
  return { key: r.key, from: r.from, to: r.to, scale: r.scale };
}

/** Reads a restored phase panel's state; null when missing or malformed. */
export function parsePhasePanelState(state: unknown): PhasePanelState | null {
  const doc = parsePanelState(state);
  if (!doc) return null;
  const s = state as Record<string, unknown>;
  const x = parsePhaseAxisSpec(s.x);
  const y = parsePhaseAxisSpec(s.y);
  const size = s.size;
  if (!x || !y || typeof size !== 'number' || !Number.isInteger(size) || size < 2 || size > MAX_PHASE_SIZE) return null;
  return { documentUri: doc.documentUri, x, y, size };
}

/** Validates a message from the phase webview; returns null for anything malformed. */
export function parseFromPhaseWebview(message: unknown): FromPhaseWebview | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  const index = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < MAX_PHASE_SIZE;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openCell':
      if (typeof m.version === 'number' && Number.isInteger(m.version) && m.version >= 0 && index(m.row) && index(m.col)) {
        return { type: 'openCell', version: m.version, row: m.row, col: m.col };
      }
      return null;
    case 'reveal': {
      const r = parseFromWebview(m);
      return r && r.type === 'reveal' ? r : null;
    }
    default:
      return null;
  }
}
