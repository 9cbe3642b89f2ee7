/**
 * Every message between the extension host and the dynamics panel, imported by both sides
 * (docs/architecture.md, "Messages"). The host never posts before the webview has said `ready`;
 * every message from the webview is checked with `parseFromDynamics` before it is used.
 */
import type { Trajectory } from '../core/trajectory/trajectory';
import { asRecord, Closed, CommonFromWebview, ErrorInfo, isFiniteNumber, parseCommon } from './common';

/** The hyperparameters the panel's controls edit, by their JSON path in the experiment file. */
export const CONTROL_KEYS = ['model.width', 'model.outputScale', 'init.scaleU', 'init.scaleW', 'learningRates.u', 'learningRates.W', 'data.y'] as const;
export type ControlKey = (typeof CONTROL_KEYS)[number];

/** A control's slider range (log scale unless `linear`); the number field accepts the whole domain. */
export interface ControlRange {
  min: number;
  max: number;
  linear: boolean;
  integer: boolean;
}

/** Slider ranges. Scales may also be 0, typed into the number field. */
export const CONTROL_RANGES: Record<ControlKey, ControlRange> = {
  'model.width': { min: 1, max: 1e6, linear: false, integer: true },
  'model.outputScale': { min: 1e-6, max: 1e6, linear: false, integer: false },
  'init.scaleU': { min: 1e-6, max: 1e3, linear: false, integer: false },
  'init.scaleW': { min: 1e-6, max: 1e3, linear: false, integer: false },
  'learningRates.u': { min: 1e-6, max: 1e3, linear: false, integer: false },
  'learningRates.W': { min: 1e-6, max: 1e3, linear: false, integer: false },
  'data.y': { min: -10, max: 10, linear: true, integer: false },
};

/** The values the experiment schema (media/flab.schema.json) accepts for each key, and its label. */
export interface ControlDomain {
  label: string;
  integer: boolean;
  min?: number;
  exclusiveMin?: number;
  max?: number;
}

export const CONTROL_DOMAINS: Record<ControlKey, ControlDomain> = {
  'model.width': { label: 'Width d', integer: true, min: 1, max: 1e7 },
  'model.outputScale': { label: 'Output scale γ', integer: false, exclusiveMin: 0 },
  'init.scaleU': { label: 'Init scale σ_u', integer: false, min: 0 },
  'init.scaleW': { label: 'Init scale σ_W', integer: false, min: 0 },
  'learningRates.u': { label: 'Learning rate η_u', integer: false, exclusiveMin: 0 },
  'learningRates.W': { label: 'Learning rate η_W', integer: false, exclusiveMin: 0 },
  'data.y': { label: 'Target y', integer: false },
};

/**
 * A value from the webview brought into its control's domain: rounded when the key is an integer,
 * clamped to the bounds; below an exclusive minimum, the slider's smallest value. The webview
 * refuses such values itself: this guards the document against a page that does not.
 */
export function clampToDomain(key: ControlKey, value: number): number {
  const d = CONTROL_DOMAINS[key];
  let v = d.integer ? Math.round(value) : value;
  if (d.min !== undefined && v < d.min) v = d.min;
  if (d.max !== undefined && v > d.max) v = d.max;
  if (d.exclusiveMin !== undefined && !(v > d.exclusiveMin)) v = CONTROL_RANGES[key].min;
  return v;
}

/** One control as the panel shows it. */
export interface ControlState extends ControlRange {
  key: ControlKey;
  /** Current value in the document; null when the document's form has no such value (e.g. explicit init). */
  value: number | null;
}

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

// ---- host → webview -----------------------------------------------------------------------------

/** A new result for the document's newest valid state. */
export interface Update {
  type: 'update';
  /**
   * Increases with every newer state of the document the panel shows (a per-panel sequence, since
   * a document's own version restarts when it is reopened); `invalid` and `busy` share it.
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

/** The document is invalid now: the errors over the last good result (which stays, greyed). */
export interface Invalid {
  type: 'invalid';
  version: number;
  errors: ErrorInfo[];
  controls: ControlState[] | null;
}

/** A run for `version` is taking a while. */
export interface Busy {
  type: 'busy';
  version: number;
}

/** Draw the charts as a PNG and answer with `chartImage`. */
export interface ExportChartRequest {
  type: 'exportChart';
  requestId: number;
}

/**
 * Which file the panel shows; posted first after every `ready` and again after a rename. The webview
 * keeps `{ documentUri }` in `setState` (merged with its own view preferences) so that the host's
 * WebviewPanelSerializer can reopen the panel on that file after a window reload.
 */
export interface DocumentShown {
  type: 'document';
  documentUri: string;
  fileName: string;
}

export type ToDynamics = Update | Invalid | Busy | Closed | ExportChartRequest | DocumentShown;

// ---- webview → host -----------------------------------------------------------------------------

/** The user set a control: write the value into the document (`final` ends a slider drag's undo step). */
export interface SetValue {
  type: 'setValue';
  key: ControlKey;
  value: number;
  final: boolean;
}

/** Compare flow and descent in the file (`compare.simulate`). */
export interface SetCompare {
  type: 'setCompare';
  simulate: boolean;
}

/**
 * A view preference, not written to the file: draw gradient descent at the experiment's rates
 * instead of the flow (when not comparing both). The host computes the descent only when shown.
 */
export interface ShowDescent {
  type: 'showDescent';
  descent: boolean;
}

/** The answer to `exportChart`. */
export interface ChartImage {
  type: 'chartImage';
  requestId: number;
  dataUrl: string;
}

export type FromDynamics = CommonFromWebview | SetValue | SetCompare | ShowDescent | ChartImage;

/** Largest chart image accepted from the webview. */
export const MAX_CHART_IMAGE_LENGTH = 50_000_000;

/** Validates a message from the dynamics webview; null for anything malformed. Values are clamped to their control's domain. */
export function parseFromDynamics(message: unknown): FromDynamics | null {
  const common = parseCommon(message);
  if (common) return common;
  const m = asRecord(message);
  if (!m) return null;
  switch (m.type) {
    case 'setValue':
      if (typeof m.key === 'string' && (CONTROL_KEYS as readonly string[]).includes(m.key) && isFiniteNumber(m.value) && typeof m.final === 'boolean') {
        const key = m.key as ControlKey;
        return { type: 'setValue', key, value: clampToDomain(key, m.value), final: m.final };
      }
      return null;
    case 'setCompare':
      return typeof m.simulate === 'boolean' ? { type: 'setCompare', simulate: m.simulate } : null;
    case 'showDescent':
      return typeof m.descent === 'boolean' ? { type: 'showDescent', descent: m.descent } : null;
    case 'chartImage':
      if (isFiniteNumber(m.requestId) && typeof m.dataUrl === 'string' && m.dataUrl.startsWith('data:image/png;base64,') && m.dataUrl.length < MAX_CHART_IMAGE_LENGTH) {
        return { type: 'chartImage', requestId: m.requestId, dataUrl: m.dataUrl };
      }
      return null;
    default:
      return null;
  }
}
