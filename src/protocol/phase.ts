/**
 * Every message between the extension host and the phase-diagram panel, imported by both sides
 * (docs/architecture.md, "Messages"); messages from the webview are checked with `parseFromPhase`.
 */
import { asRecord, Closed, CommonFromWebview, ErrorInfo, isFiniteNumber, isIndex, parseCommon, parsePanelState } from './common';

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

/** Largest grid side the phase panel asks for. */
export const MAX_PHASE_SIZE = 1024;

/** What a phase panel computes: two axes and the grid's side. */
export interface PhaseConfig {
  x: PhaseAxisSpec;
  y: PhaseAxisSpec;
  size: number;
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

/** Which file and axes the panel shows; the webview keeps it in `setState` for the serializer. */
export interface DocumentShown extends PhaseConfig {
  type: 'document';
  documentUri: string;
  fileName: string;
}

export type ToPhase = Diagram | Invalid | Busy | DocumentShown | Closed;

// ---- webview → host -----------------------------------------------------------------------------

/** Open the dynamics of one cell of the diagram `version` (its row = y index, column = x index). */
export interface OpenCell {
  type: 'openCell';
  version: number;
  row: number;
  col: number;
}

export type FromPhase = CommonFromWebview | OpenCell;

/** What the host reads back from a restored phase panel's state. */
export interface PhasePanelState extends PhaseConfig {
  documentUri: string;
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
  return { documentUri: doc.documentUri, x, y, size };
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
  return null;
}
